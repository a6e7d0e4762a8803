import { Link } from "wouter";
import { useHealth } from "../api/queries.ts";
import type { PredictionMarketView } from "../api/types.ts";
import { fullTime, num } from "../lib/format.ts";
import { cents } from "../lib/prediction.ts";
import { PredictionActivity } from "./prediction-activity.tsx";
import { PredictionBadges } from "./prediction-badges.tsx";
import { PredictionBuy } from "./prediction-buy.tsx";
import { PredictionCountdown } from "./prediction-countdown.tsx";
import { PredictionOutcome } from "./prediction-outcome.tsx";
import { PredictionResolve } from "./prediction-resolve.tsx";
import { Card, Stat } from "./ui.tsx";

/** One market: its terms, each outcome's chart and book, the models' positions and trades in it, and in simulation the buy and resolve controls. */
export function PredictionDetail({ market: m }: { market: PredictionMarketView }) {
  const health = useHealth();
  const simulation = health.data?.mode === "simulation";
  return (
    <div className="stack" data-testid="pm-detail" data-condition-id={m.conditionId} data-status={m.status}>
      <div className="row">
        <Link href="/predictions">← All prediction markets</Link>
      </div>
      <Card>
        <h1 className="pm-title">{m.question}</h1>
        <div className="row small">
          <PredictionBadges market={m} />
          {m.status === "open" && <PredictionCountdown endDate={m.endDate} />}
          {m.winner && (
            <span data-testid="pm-winner">
              winner: <strong className="gain">{m.winner}</strong>
            </span>
          )}
        </div>
        <div className="stats pm-stats">
          <Stat label="Ends" value={fullTime(m.endDate)} />
          <Stat label="Tick" value={cents(m.tickSize)} title={`${m.tickSize} dollars a share`} />
          <Stat label="Minimum order" value={`${num(m.minOrderSize)} shares`} />
          <Stat label="Outcomes" value={m.outcomes.length} />
        </div>
        <div className="muted small pm-condition" title="Polymarket condition id">
          {m.conditionId}
        </div>
      </Card>
      {simulation && (m.status === "open" || m.source !== "polymarket") && (
        <div className="grid">
          {m.status === "open" && (
            <Card title="Buy shares">
              <PredictionBuy market={m} />
            </Card>
          )}
          {m.source !== "polymarket" && m.status !== "resolved" && (
            <Card title="Resolve (simulation)">
              <PredictionResolve market={m} />
            </Card>
          )}
        </div>
      )}
      <PredictionActivity conditionId={m.conditionId} />
      <div className="grid">
        {m.outcomes.map((o) => (
          <PredictionOutcome key={o.tokenId} market={m} outcome={o} />
        ))}
      </div>
    </div>
  );
}
