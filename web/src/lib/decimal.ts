/**
 * Exact arithmetic on the API's decimal strings ("101.25", "-0.5"), for the few figures the
 * dashboard computes itself (stop distances, book depth, rounding for display, a market move's
 * target): scaled BigInt, never a float. Anything that is not a plain decimal gives null.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decimal as an integer of units of 10^-scale. */
interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const frac = m[3] ?? "";
  return { units: BigInt(`${m[1]}${m[2]}${frac}`), scale: frac.length };
}

function rescale(a: Scaled, scale: number): bigint {
  return a.units * 10n ** BigInt(scale - a.scale);
}

/** `units` × 10^-scale as text; trailing zeros dropped unless `keepScale`, "-0" never written. */
function format(a: Scaled, keepScale = false): string {
  const neg = a.units < 0n;
  const digits = (neg ? -a.units : a.units).toString().padStart(a.scale + 1, "0");
  const int = digits.slice(0, digits.length - a.scale);
  const rawFrac = digits.slice(digits.length - a.scale);
  const frac = keepScale ? rawFrac : rawFrac.replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** n ÷ d rounded half away from zero (d ≠ 0). */
function divideRounded(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return neg ? -q : q;
}

/** True for a plain decimal ("101.25", "-3", "0.5"); no exponents, no separators. */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** a + b, exact; null when either is not a decimal. */
export function addDecimals(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  return format({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** a − b, exact; null when either is not a decimal. */
export function subtractDecimal(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  return format({ units: rescale(x, scale) - rescale(y, scale), scale });
}

/** a × b, exact; null when either is not a decimal. */
export function multiplyDecimal(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  return format({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** Compares decimal strings exactly (for sorting and for the stop-tightening check); anything else by Number. */
export function compareDecimal(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return Number(a) - Number(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Rounds to `places` decimals, half away from zero, keeping exactly `places` decimals; null for anything else. */
export function roundDecimal(value: string, places: number): string | null {
  const x = parse(value);
  if (!x) return null;
  const units = x.scale <= places ? rescale(x, places) : divideRounded(x.units, 10n ** BigInt(x.scale - places));
  return format({ units, scale: places }, true);
}

/** a ÷ b × 100 rounded half away from zero to `places` decimals, as a number for display; null for b = 0. */
export function percentOf(a: string, b: string, places = 4): number | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y || y.units === 0n) return null;
  // (x.units / 10^xs) / (y.units / 10^ys) × 100 × 10^places, as an integer quotient
  const q = divideRounded(x.units * 100n * 10n ** BigInt(places + y.scale), y.units * 10n ** BigInt(x.scale));
  return Number(format({ units: q, scale: places }));
}
