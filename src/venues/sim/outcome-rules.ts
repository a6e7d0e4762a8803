import { onOutcomeTick, toOutcomeTick } from "../../core/instrument.js";
import { isOutcome, type MarketSpec } from "../../core/market.js";
import type { PlaceOrder } from "../venue.js";

/**
 * Polymarket's CLOB rules for outcome tokens, as the simulator applies them before an order
 * meets the book. Reasons are Polymarket's error codes in snake_case, so a paper refusal reads
 * like a live one: INVALID_ORDER_MIN_TICK_SIZE, INVALID_ORDER_MIN_SIZE, and "not enough balance
 * / allowance" for a sell of shares the account does not hold (outcome tokens are long only).
 */
export function outcomeRefusal(market: MarketSpec, req: PlaceOrder, heldLongLots: number): string | null {
  if (!isOutcome(market)) return null;
  const { tickTicks, accepting } = market.instrument;
  if (!accepting) return "market_not_accepting_orders";
  if (req.leverage !== 100) return "invalid_leverage";
  if (req.priceTicks !== undefined && !onOutcomeTick(req.priceTicks, tickTicks)) return "invalid_order_min_tick_size";
  if (req.lots < market.minBaseLots) return "invalid_order_min_size";
  if (req.side === "SELL" && !req.reduceOnly && req.lots > heldLongLots) return "invalid_order_not_enough_balance";
  return null;
}

/** A fill price after extra slippage, back on the market's tick (against the taker) for an outcome token. */
export function onMarketTick(market: MarketSpec, priceTicks: number, side: "BUY" | "SELL"): number {
  return isOutcome(market) ? toOutcomeTick(priceTicks, market.instrument.tickTicks, side) : priceTicks;
}
