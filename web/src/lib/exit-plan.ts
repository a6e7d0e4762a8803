/**
 * Exit-plan arithmetic for the position table: how far the mark is from the stop, and whether
 * a new stop may be sent. Prices and quantities are decimal strings; the dollar figures are
 * computed exactly (scaled BigInt), never through floats, so "$12.35" is the true distance.
 */
import { compareDecimal, isDecimal, multiplyDecimal, percentOf, subtractDecimal } from "./decimal.ts";

export type Side = "LONG" | "SHORT";

function abs(value: string): string {
  return value.startsWith("-") ? value.slice(1) : value;
}

export interface StopDistance {
  /** |mark − stop|, a price. */
  price: string;
  /** |mark − stop| × quantity: what the position would give back if the stop filled at its price. */
  usd: string;
  /** |mark − stop| as a percentage of the mark. */
  pct: number | null;
  /** The mark is at or beyond the stop: the exit engine closes the position on its next look. */
  crossed: boolean;
}

/** How far the stop is from the mark; null without a stop or a mark. */
export function stopDistance(p: { side: Side; quantity: string; markPrice: string | null; stop: string | null | undefined }): StopDistance | null {
  if (!p.markPrice || !p.stop) return null;
  const diff = subtractDecimal(p.markPrice, p.stop);
  if (diff === null) return null;
  const price = abs(diff);
  const usd = multiplyDecimal(price, abs(p.quantity));
  if (usd === null) return null;
  const cmp = compareDecimal(p.markPrice, p.stop);
  return { price, usd, pct: percentOf(price, p.markPrice), crossed: p.side === "LONG" ? cmp <= 0 : cmp >= 0 };
}

export type StopCheck = { ok: true; stop: string } | { ok: false; reason: string };

/**
 * Whether a new stop may be sent: the server refuses a widening (422 stop_would_widen) and a
 * stop on the wrong side of the exit price (stop_wrong_side); the mark stands in for the exit
 * price here, so this never refuses what the server would accept only when the mark lies
 * between bid and ask. A stop equal to the current one changes nothing and is not sent.
 */
export function checkNewStop(p: { side: Side; currentStop: string | null | undefined; markPrice: string | null; input: string }): StopCheck {
  const stop = p.input.trim();
  if (stop === "") return { ok: false, reason: "Enter the new stop price." };
  if (!isDecimal(stop) || stop.startsWith("-") || compareDecimal(stop, "0") <= 0) return { ok: false, reason: "The stop must be a positive price such as 101.25." };
  const long = p.side === "LONG";
  if (p.currentStop) {
    const cmp = compareDecimal(stop, p.currentStop);
    if (cmp === 0) return { ok: false, reason: `The stop is already ${p.currentStop}.` };
    if (long ? cmp < 0 : cmp > 0) {
      return {
        ok: false,
        reason: long
          ? `A long's stop may only move up (tighten): ${stop} is below the current stop ${p.currentStop} and would widen the risk.`
          : `A short's stop may only move down (tighten): ${stop} is above the current stop ${p.currentStop} and would widen the risk.`,
      };
    }
  }
  if (p.markPrice) {
    const vsMark = compareDecimal(stop, p.markPrice);
    if (long ? vsMark >= 0 : vsMark <= 0) {
      return { ok: false, reason: `A ${long ? "long" : "short"}'s stop must be ${long ? "below" : "above"} the current price ${p.markPrice}; close the position instead.` };
    }
  }
  return { ok: true, stop };
}
