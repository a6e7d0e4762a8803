import { Link } from "wouter";
import { ApiError } from "../api/client.ts";
import { useModel, usePositions } from "../api/queries.ts";
import { usd } from "../lib/format.ts";
import { FollowRules } from "./follow-card.tsx";
import { FollowLiveCopies } from "./follow-lt.tsx";
import { FollowSignalPages } from "./follow-signal-pages.tsx";
import { FollowWalletHealth } from "./follow-wallet-health.tsx";
import { Card, Empty, ErrorBox, Loading, PnlPct, Stat } from "./ui.tsx";

/** One follow model: what it follows and how, its account, and every signal with its decision. */
export function FollowDetail({ id }: { id: string }) {
  const model = useModel(id);
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
          <FollowWalletHealth modelId={m.id} wallets={m.follow?.wallets ?? []} />
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
      <FollowLiveCopies modelId={m.id} />
      <FollowSignalPages modelId={m.id} />
    </div>
  );
}
