import type { Reason } from "./mirror-settings.js";

/**
 * The reason an execution gives for what the venue or the trading service said, in the
 * copy-trading vocabulary: the simulator's and the Polymarket adapter's codes (both snake_case,
 * see src/venues/sim/outcome-rules.ts and src/venues/polymarket/clob-errors.ts) mean the same.
 */

/** Venue reasons of an entry at the slippage bound that filled nothing (or not all). */
const BOUND_MISSED = new Set(["ioc_remainder_canceled", "no_liquidity_within_bound", "fok_unfillable"]);

/** The market takes no orders: a prediction market closed or resolved (Polymarket's "market is closed"), or no book at all. */
const MARKET_CLOSED = new Set(["market_not_accepting_orders", "market_closed"]);

/**
 * Why an order the venue ended without filling it (or all of it) was not copied, from the
 * order row's status and reason; `exit` for a follower's reduction or close.
 */
export function reasonOfOrder(status: string, venueReason: string, exit: boolean): Reason {
  if (status === "EXPIRED" || venueReason === "gtt_expired") return "expired";
  if (venueReason === "insufficient_margin") return "insufficient_capital";
  if (BOUND_MISSED.has(venueReason)) return "slippage_exceeded";
  if (venueReason === "reduce_only_no_position" || venueReason === "reduce_only_position_closed") return "no_follower_position";
  // Polymarket's INVALID_ORDER_MIN_SIZE (its minimum shares, or a marketable buy under a dollar).
  if (venueReason === "invalid_order_min_size") return "below_min_size";
  if (MARKET_CLOSED.has(venueReason)) return "market_closed";
  // Shares are paid in full: a buy without the collateral, or a sell of shares not held.
  if (venueReason === "invalid_order_not_enough_balance") return exit ? "no_follower_position" : "insufficient_capital";
  return "venue_error";
}

/** Why a request the trading service refused (it threw `code` with HTTP `status`) was not copied. */
export function reasonOfRefusal(code: string, status: number): Reason {
  if (code === "insufficient_margin") return "insufficient_capital";
  if (code === "below_min_notional" || code === "invalid_order_min_size") return "below_min_size";
  if (MARKET_CLOSED.has(code)) return "market_closed";
  if (status === 422 || status === 400) return "risk_rejected";
  return "venue_error";
}
