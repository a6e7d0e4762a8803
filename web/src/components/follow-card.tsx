import { Link } from "wouter";
import type { ModelView } from "../api/types.ts";
import { useSignalSummary } from "../api/queries.ts";
import { filtersText, signalAgeText, sizingText, summaryCounts } from "../lib/follow.ts";
import { usd } from "../lib/format.ts";
import { cents } from "../lib/prediction.ts";
import { FollowBreakdown } from "./follow-breakdown.tsx";
import { WalletList } from "./follow-wallet.tsx";
import { Card, ErrorBox, PnlPct, Stat } from "./ui.tsx";

/** How a follow model copies, in words: its sizing, filters, signal age and slippage bound. */
export function FollowRules({ model }: { model: ModelView }) {
  const f = model.follow;
  if (!f) return <div className="muted small">Its settings are not in the API&apos;s answer.</div>;
  return (
    <dl className="ft-rules">
      <div>
        <dt>Sizing</dt>
        <dd data-field="sizing">{sizingText(f.sizing)}</dd>
      </div>
      <div>
        <dt>Filters</dt>
        <dd data-field="filters">{filtersText(f.filters)}</dd>
      </div>
      <div>
        <dt>Execution</dt>
        <dd data-field="execution">
          skip signals older than {signalAgeText(f.maxSignalAgeMs)}; pay at most {cents(f.maxSlippage)} over the trader&apos;s price
        </dd>
      </div>
    </dl>
  );
}

/** One follow model on the list: its wallets, rules, account and what it did with its signals. */
export function FollowCard({ model, openPositions }: { model: ModelView; openPositions: number }) {
  const summary = useSignalSummary(model.id);
  const counts = summary.data ? summaryCounts(summary.data) : null;
  return (
    <Card
      className="ft-card"
      testId={`ft-model-${model.id}`}
      title={
        <Link href={`/follow/${encodeURIComponent(model.id)}`} data-testid="ft-model-link">
          {model.name}
        </Link>
      }
      actions={<span className={`badge ${model.status}`}>{model.status}</span>}
    >
      <div className="ft-card-body" data-model-id={model.id}>
        <WalletList wallets={model.follow?.wallets ?? []} />
        <FollowRules model={model} />
        <div className="stats">
          <Stat label="Equity" value={usd(model.account.equity)} />
          <Stat label="Return" value={<PnlPct value={model.account.returnPct} />} title={`Against ${usd(model.initialCapital)}`} />
          <Stat label="Open positions" value={openPositions} />
        </div>
        {summary.isError ? <ErrorBox error={summary.error} what="Signals" /> : counts ? <FollowBreakdown counts={counts} /> : <div className="muted small">Loading its signals…</div>}
      </div>
    </Card>
  );
}
