/**
 * Order-book depth for display: each level with the size summed from the touch outward, and the
 * share of the deeper side's total that the sum reaches (the depth bar's width). Sizes are
 * decimal strings and are summed exactly; only the bar's width goes through a float.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** a + b for non-negative decimal strings, exactly; null if either is not one. */
export function addDecimals(a: string, b: string): string | null {
  const ma = DECIMAL.exec(a.trim());
  const mb = DECIMAL.exec(b.trim());
  if (!ma || !mb) return null;
  const places = Math.max((ma[2] ?? "").length, (mb[2] ?? "").length);
  const big = (m: RegExpExecArray) => BigInt(m[1]! + (m[2] ?? "").padEnd(places, "0"));
  const digits = (big(ma) + big(mb)).toString().padStart(places + 1, "0");
  if (places === 0) return digits;
  const frac = digits.slice(digits.length - places).replace(/0+$/, "");
  return `${digits.slice(0, digits.length - places)}${frac ? `.${frac}` : ""}`;
}

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
 * `price` moved by `percent` (e.g. -5), rounded half away from zero to `decimals` places,
 * exactly (a target for the simulator's market move; the server rounds to the tick as well).
 */
export function shiftPrice(price: string, percent: number, decimals: number): string | null {
  const m = DECIMAL.exec(price.trim());
  if (!m || !Number.isInteger(percent * 100)) return null;
  const places = (m[2] ?? "").length;
  const value = BigInt(m[1]! + (m[2] ?? "")); // price × 10^places
  const factor = BigInt(10_000 + Math.round(percent * 100)); // (100 + percent) × 100
  // value × factor / 10^4 is the result × 10^places; rescale to `decimals`.
  const num = value * factor * 10n ** BigInt(decimals);
  const den = 10n ** BigInt(places + 4);
  const rest = num % den;
  const up = den - rest <= rest ? 1n : 0n; // half up: the price is positive
  const scaled = (num / den + up).toString().padStart(decimals + 1, "0");
  if (scaled === "0".repeat(scaled.length)) return null;
  return decimals === 0 ? scaled : `${scaled.slice(0, scaled.length - decimals)}.${scaled.slice(scaled.length - decimals)}`;
}
