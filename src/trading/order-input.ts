import { DecimalError, DecimalRangeError } from "../core/decimal.js";
import { invalid, rejected } from "../core/errors.js";
import { parseLeverage } from "../core/leverage.js";
import { isOutcome, lotsToQuantity, priceToTicks, quantityToLots, type MarketSpec } from "../core/market.js";
import type { ExitPlanInput } from "./contracts.js";

/** Order input from the API or a model's tool call, turned into ticks and lots with errors that name the field. */

export function withoutNulls(plan: ExitPlanInput): ExitPlanInput {
  return Object.fromEntries(Object.entries(plan).filter(([, v]) => v !== null)) as ExitPlanInput;
}

export function parseLots(m: MarketSpec, quantity: string): number {
  let lots: number;
  try {
    lots = quantityToLots(m, quantity);
  } catch (e) {
    if (e instanceof DecimalRangeError) throw invalid(`quantity: ${e.message}`);
    throw invalid(`quantity: ${e instanceof DecimalError ? e.message : "not a decimal"} (${m.symbol} allows ${m.sizeDecimals} decimals)`);
  }
  if (!(lots > 0)) throw invalid(`quantity: must be positive, got ${quantity}`);
  if (lots < m.minBaseLots) {
    // An outcome token's minimum is its market's (Polymarket's min_order_size), refused in the CLOB's words.
    if (isOutcome(m)) throw rejected("invalid_order_min_size", `quantity ${quantity} is below the minimum order size of ${lotsToQuantity(m, m.minBaseLots)} shares of this market`);
    throw rejected("below_min_size", `quantity ${quantity} is below the ${m.symbol} minimum of ${lotsToQuantity(m, m.minBaseLots)}`);
  }
  return lots;
}

export function parseLeverageField(input: string, max: number): number {
  try {
    return parseLeverage(input, max);
  } catch (e) {
    throw invalid(`leverage: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A request price rounded to the tick; one beyond what the market holds (MAX_PRICE_TICKS) is refused, never rounded. */
export function parsePrice(m: MarketSpec, field: string, v: string): number {
  try {
    return priceToTicks(m, v, "half-up");
  } catch (e) {
    throw invalid(`${field}: ${priceProblem(v, e)}`);
  }
}

/** The reason a request price was refused, for a 400 naming the field. */
export function priceProblem(v: unknown, e: unknown): string {
  if (e instanceof DecimalRangeError) return e.message;
  return `${JSON.stringify(v)} is not a positive price`;
}
