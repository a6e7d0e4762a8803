/** Shared vocabulary of the trading domain, in the trader's words. */

export type Side = "LONG" | "SHORT";
export type OrderSide = "BUY" | "SELL";
export type OrderType = "MARKET" | "LIMIT";
/** GTC rests until canceled, GTT until expiresAt, IOC fills what it can and cancels the rest, FOK fills all or nothing. */
export type TimeInForce = "GTC" | "GTT" | "IOC" | "FOK";
export type Liquidity = "MAKER" | "TAKER";
/**
 * MIRROR: a follower closed because its source did (copy trading). RECONCILIATION: a person
 * adopted a live venue's state. RESOLUTION: an outcome token's market resolved and the shares
 * redeemed at 1 dollar (the winner) or nothing.
 */
export type CloseTrigger = "STOP" | "TARGET" | "INVALIDATION" | "TIME" | "LIQUIDATION" | "MANUAL" | "MIRROR" | "RECONCILIATION" | "RESOLUTION";
export type ModelKind = "rule" | "llm" | "mirror" | "follow";
/** halted: a live account whose venue state differs from ours, until a person reconciles it. */
export type ModelStatus = "active" | "paused" | "halted";

export type VenueOrderStatus =
  | "PENDING" // written to the database, not yet acknowledged by the venue
  | "OPEN"
  | "PARTIALLY_FILLED"
  | "FILLED"
  | "CANCELED"
  | "EXPIRED"
  | "REJECTED"
  | "UNKNOWN"; // sent, outcome unknown (timeout, lost response): reconcile, never assume

export const TERMINAL_ORDER_STATUSES: ReadonlySet<VenueOrderStatus> = new Set(["FILLED", "CANCELED", "EXPIRED", "REJECTED"]);

export function entrySide(side: Side): OrderSide {
  return side === "LONG" ? "BUY" : "SELL";
}

export function exitSide(side: Side): OrderSide {
  return side === "LONG" ? "SELL" : "BUY";
}

export function sideSign(side: Side): 1n | -1n {
  return side === "LONG" ? 1n : -1n;
}
