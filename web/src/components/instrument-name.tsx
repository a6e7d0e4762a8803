import { Link } from "wouter";
import { usePredictionMarketNames } from "../api/queries.ts";
import type { InstrumentView } from "../api/types.ts";
import { outcomeLabel } from "../lib/prediction.ts";

/**
 * A position's or trade's market in words: a perpetual by its symbol; an outcome token by its
 * market's question (linking to the market) and the outcome, with the symbol beneath. The
 * markets list is read only when a row is an outcome token.
 */
export function InstrumentName({ symbol, instrument }: { symbol: string; instrument?: InstrumentView | undefined }) {
  const markets = usePredictionMarketNames(instrument !== undefined);
  const label = outcomeLabel(instrument, markets.data);
  if (!label) return <strong>{symbol}</strong>;
  return (
    <span className="instrument-outcome" title={symbol}>
      <Link href={`/predictions/${encodeURIComponent(label.conditionId)}`} className="instrument-question">
        {label.question ?? symbol}
      </Link>{" "}
      <span className="badge instrument-outcome-name" aria-label={`outcome ${label.outcome}`}>
        {label.outcome}
      </span>
      {label.question && <span className="muted small instrument-symbol">{symbol}</span>}
    </span>
  );
}
