import { OUTCOME_TICK_SIZES, type OutcomeTickSize } from "../../core/instrument.js";
import { predictionMarketProblem, type PredictionMarketInput } from "../../prediction/prediction-market.js";
import type { PredictionMarketMeta } from "../../venues/polymarket/gamma.js";

/**
 * A Gamma market (PredictionMarketMeta) as the catalog's input, or why it cannot be one. Pure.
 * Nothing is guessed: a market without a tick size, a minimum order size or an end date is
 * refused with the reason, rather than traded on made-up rules.
 */
export function polymarketMarketInput(meta: PredictionMarketMeta): { input: PredictionMarketInput } | { problem: string } {
  const id = meta.conditionId;
  if (meta.tickSize === null) return { problem: `market ${id}: Gamma gives no tick size (orderPriceMinTickSize)` };
  if (!(OUTCOME_TICK_SIZES as readonly string[]).includes(meta.tickSize)) return { problem: `market ${id}: tick size ${meta.tickSize} is not one Polymarket's CLOB uses` };
  if (meta.minOrderSize === null) return { problem: `market ${id}: Gamma gives no minimum order size (orderMinSize)` };
  if (meta.endDate === null) return { problem: `market ${id}: Gamma gives no end date` };
  if (meta.outcomes.length < 2) return { problem: `market ${id}: ${meta.outcomes.length} outcome token(s); it has no order book` };
  const input: PredictionMarketInput = {
    conditionId: id,
    question: meta.question,
    // A slug names the market's tokens (their symbols); Gamma has one for every listed market.
    slug: meta.slug ?? id,
    status: meta.status,
    ...(meta.winner !== undefined ? { winner: meta.winner } : {}),
    endDate: meta.endDate,
    tickSize: meta.tickSize as OutcomeTickSize,
    minOrderSize: meta.minOrderSize,
    negRisk: meta.negRisk,
    ...(meta.category !== null ? { category: meta.category } : {}),
    outcomes: meta.outcomes.map((o) => ({ outcome: o.outcome, tokenId: o.tokenId })),
    source: "polymarket",
  };
  const problem = predictionMarketProblem(input);
  return problem ? { problem } : { input };
}
