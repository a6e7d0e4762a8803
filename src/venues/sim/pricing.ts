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

/** True when `price` is at least as good as `limit` for a taker on `side`. */
export function withinLimit(side: OrderSide, price: number, limit: number): boolean {
  return side === "BUY" ? price <= limit : price >= limit;
}

/**
 * Lighter's market-order rule: the order's price caps the running AVERAGE of its fills. Levels
 * are taken whole while the average stays within `limit`; of the first level that would push it
 * past, the largest part that keeps it within; then the order stops (the rest is canceled).
 */
export function capAverage(plan: { fills: Array<{ price: number; lots: number }>; filled: number }, side: OrderSide, limit: number): { fills: Array<{ price: number; lots: number }>; filled: number } {
  const fills: Array<{ price: number; lots: number }> = [];
  const cap = BigInt(limit);
  let filled = 0n;
  let sum = 0n;
  for (const f of plan.fills) {
    const p = BigInt(f.price);
    const lots = BigInt(f.lots);
    if (side === "BUY" ? p <= cap : p >= cap) {
      fills.push(f);
      filled += lots;
      sum += p * lots;
      continue;
    }
    // BUY: (sum + p·q) / (filled + q) <= cap  <=>  q <= (cap·filled - sum) / (p - cap); SELL mirrored.
    const q = side === "BUY" ? (cap * filled - sum) / (p - cap) : (sum - cap * filled) / (cap - p);
    const take = q < lots ? q : lots;
    if (take > 0n) {
      fills.push({ price: f.price, lots: Number(take) });
      filled += take;
    }
    if (take < lots) break;
    sum += p * take;
  }
  return { fills, filled: Number(filled) };
}
