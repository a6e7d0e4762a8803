import type { PredictionMarketView } from "../api/types.ts";

/** A market's status, category, neg-risk flag and where it comes from, as badges. */
export function PredictionBadges({ market: m }: { market: PredictionMarketView }) {
  return (
    <span className="pm-badges">
      <span className={`badge pm-status-${m.status}`}>{m.status}</span>
      {m.category && <span className="badge">{m.category}</span>}
      {m.negRisk && (
        <span className="badge pm-negrisk" title="Neg-risk market: one winner among its outcomes (Polymarket's neg-risk exchange)">
          neg-risk
        </span>
      )}
      {m.source !== "polymarket" && <span className="badge">{m.source}</span>}
    </span>
  );
}
