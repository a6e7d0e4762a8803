import type { OrderSide } from "../../core/types.js";

/**
 * Price arithmetic of the simulator on integer ticks. Every adjustment rounds against the
 * trader: a buyer pays up to the next tick, a seller receives down to the previous one.
 */

/** A fill price moved `bps` against the taker. */
export function slip(priceTicks: number, side: OrderSide, bps: number): number {
  if (bps <= 0) return priceTicks;
  const scaled = BigInt(Math.round(bps * 100)); // hundredths of a bp
  const p = BigInt(priceTicks);
  const denom = 1_000_000n;
  if (side === "BUY") return Number((p * (denom + scaled) + denom - 1n) / denom);
  return Number((p * (denom - scaled)) / denom);
}

/** The worst price a market order accepts: `bps` away from mid, rounded in the trader's favour to stay inside the bound. */
export function marketBound(midTicks: number, side: OrderSide, bps: number): number {
  const scaled = BigInt(Math.round(bps * 100));
  const m = BigInt(midTicks);
  const denom = 1_000_000n;
  if (side === "BUY") return Number((m * (denom + scaled)) / denom);
  return Number((m * (denom - scaled) + denom - 1n) / denom);
}

/** True when `price` is at least as good as `limit` for a taker on `side`. */
export function withinLimit(side: OrderSide, price: number, limit: number): boolean {
  return side === "BUY" ? price <= limit : price >= limit;
}
