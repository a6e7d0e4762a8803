import { useState } from "react";
import { Link } from "wouter";
import { ApiError } from "../api/client.ts";
import { useModel, usePositions, usePredictionMarketNames, useSignals } from "../api/queries.ts";
import { countSignals } from "../lib/follow.ts";
import { usd } from "../lib/format.ts";
import { FollowRules } from "./follow-card.tsx";
import { FollowBreakdown } from "./follow-breakdown.tsx";
import { FollowSignals } from "./follow-signals.tsx";
import { WalletList } from "./follow-wallet.tsx";
import { Card, Empty, ErrorBox, Loading, PnlPct, Segmented, Stat } from "./ui.tsx";

const LIMITS = ["50", "200", "1000"] as const;
type Limit = (typeof LIMITS)[number];

/** One follow model: what it follows and how, its account, and every signal with its decision. */
export function FollowDetail({ id }: { id: string }) {
  const model = useModel(id);
  const [limit, setLimit] = useState<Limit>("50");
  const isFollow = model.data?.kind === "follow";
  const signals = useSignals(id, Number(limit), isFollow);
  const markets = usePredictionMarketNames(isFollow && (signals.data?.length ?? 0) > 0);
  const positions = usePositions(id);
  if (model.isPending) return <Loading what="the follow model" />;
  if (model.isError) {
    return model.error instanceof ApiError && model.error.status === 404 ? (
      <Empty title="No such model">
        Model {id} does not exist. See <Link href="/follow">the follow models</Link>.
      </Empty>
    ) : (
      <ErrorBox error={model.error} what="Model" />
    );
  }
  const m = model.data;
  if (m.kind !== "follow") {
    return (
      <Empty title="Not a follow model">
        {m.name} is a {m.kind} model: it follows no wallets. Open <Link href={`/models/${encodeURIComponent(m.id)}`}>its page</Link>.
      </Empty>
    );
  }
  const counts = signals.data ? countSignals(signals.data) : null;
  return (
    <div className="stack" data-testid="ft-detail" data-model-id={m.id}>
      <div className="row ft-head">
        <h1>{m.name}</h1>
        <span className={`badge ${m.status}`}>{m.status}</span>
        <span className="spacer" />
        <Link href={`/models/${encodeURIComponent(m.id)}`}>Positions, trades and equity →</Link>
      </div>
      <div className="ft-detail-grid">
        <Card title={`Wallets (${m.follow?.wallets.length ?? 0})`}>
          <WalletList wallets={m.follow?.wallets ?? []} />
        </Card>
        <Card title="How it copies">
          <FollowRules model={m} />
        </Card>
        <Card title="Account">
          <div className="stats">
            <Stat label="Equity" value={usd(m.account.equity)} />
            <Stat label="Return" value={<PnlPct value={m.account.returnPct} />} title={`Against ${usd(m.initialCapital)}`} />
            <Stat label="Cash" value={usd(m.account.cash)} />
            <Stat label="Open positions" value={positions.data ? positions.data.length : "—"} />
          </div>
        </Card>
      </div>
      <Card title="Latest signals" actions={<Segmented label="How many of the latest signals to show" value={limit} options={LIMITS} onChange={setLimit} />}>
        {signals.isPending ? (
          <Loading what="signals" />
        ) : signals.isError ? (
          <ErrorBox error={signals.error} what="Signals" />
        ) : (
          <div className="stack">
            {counts && counts.total > 0 && <FollowBreakdown counts={counts} limited={signals.data.length >= Number(limit) ? Number(limit) : null} />}
            <FollowSignals signals={signals.data} markets={markets.data} />
          </div>
        )}
      </Card>
    </div>
  );
}
