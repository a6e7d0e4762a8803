import { addDecimals, compareDecimal, multiplyDecimal, roundDecimal } from "./decimal.ts";

/**
 * Order-book depth for display: each level with the size summed from the touch outward, and the
 * share of the deeper side's total that the sum reaches (the depth bar's width). Sizes are
 * decimal strings and are summed exactly; only the bar's width goes through a float.
 */

export interface DepthLevel {
  price: string;
  size: string;
  /** Size from the touch through this level. */
  cumulative: string;
  /** cumulative / the larger side's total, 0..1. */
  share: number;
}

export interface Depth {
  bids: DepthLevel[];
  asks: DepthLevel[];
}

function cumulate(levels: ReadonlyArray<readonly [string, string]>): Array<Omit<DepthLevel, "share">> {
  let sum = "0";
  return levels.map(([price, size]) => {
    sum = addDecimals(sum, size) ?? sum;
    return { price, size, cumulative: sum };
  });
}

/** Both sides best first, as the book endpoint gives them; bars scaled to the deeper side. */
export function depthOf(bids: ReadonlyArray<readonly [string, string]>, asks: ReadonlyArray<readonly [string, string]>): Depth {
  const b = cumulate(bids);
  const a = cumulate(asks);
  const max = Math.max(Number(b.at(-1)?.cumulative ?? 0), Number(a.at(-1)?.cumulative ?? 0));
  const share = (l: Omit<DepthLevel, "share">) => ({ ...l, share: max > 0 ? Number(l.cumulative) / max : 0 });
  return { bids: b.map(share), asks: a.map(share) };
}

/**
 * `price` moved by `percent` (e.g. -5, at most two decimals), rounded half away from zero to
 * `decimals` places, exactly (a target for the simulator's market move; the server rounds to the
 * tick as well); null for a non-positive result or anything that is not a decimal.
 */
export function shiftPrice(price: string, percent: number, decimals: number): string | null {
  if (!Number.isInteger(percent * 100)) return null;
  const factor = ((10_000 + Math.round(percent * 100)) / 10_000).toFixed(4); // exact: an integer over 10^4
  const moved = multiplyDecimal(price, factor);
  const rounded = moved === null ? null : roundDecimal(moved, decimals);
  return rounded === null || compareDecimal(rounded, "0") <= 0 ? null : rounded;
}
