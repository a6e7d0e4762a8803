/**
 * Exact decimal arithmetic on scaled integers.
 *
 * Money, prices and sizes never pass through binary floating point: a decimal string
 * (or a JSON number, read through its shortest decimal representation) becomes a bigint
 * scaled by 10^scale, and goes back to a decimal string for the wire.
 */

export class DecimalError extends Error {
  override readonly name: string = "DecimalError";
}

/** A well-formed number beyond what can be held exactly: refused, never rounded. Its message names the limit. */
export class DecimalRangeError extends DecimalError {
  override readonly name = "DecimalRangeError";
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const LEADING_DOT_RE = /^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/** Digits and exponent of a decimal literal, or null when it is not one. */
function splitDecimal(text: string): { negative: boolean; digits: string; exponent: number } | null {
  const m = DECIMAL_RE.exec(text);
  if (m) {
    const frac = m[3] ?? "";
    return { negative: m[1] === "-", digits: (m[2] ?? "") + frac, exponent: Number(m[4] ?? 0) - frac.length };
  }
  const d = LEADING_DOT_RE.exec(text);
  if (d) {
    const frac = d[2] ?? "";
    return { negative: d[1] === "-", digits: frac, exponent: Number(d[3] ?? 0) - frac.length };
  }
  return null;
}

export type Rounding = "exact" | "half-up" | "floor" | "ceil";

/**
 * Bounds on a literal's size, so "1e999999999" (or 60,000 digits) is an error rather than a
 * bigint that takes the process's memory and time: far beyond any price, size or amount here.
 */
const MAX_DIGITS = 1000;
const MAX_EXPONENT = 1000;

/**
 * Parses a decimal string or number into an integer scaled by 10^scale.
 * With rounding "exact" (the default) a value finer than the scale is an error.
 */
export function parseScaled(input: string | number | bigint, scale: number, rounding: Rounding = "exact"): bigint {
  if (typeof input === "bigint") return input * 10n ** BigInt(scale);
  if (typeof input === "number" && !Number.isFinite(input)) throw new DecimalError(`${input} is not a finite number`);
  const text = typeof input === "number" ? String(input) : input.trim();
  const parts = splitDecimal(text);
  if (!parts) throw new DecimalError(`"${text}" is not a decimal number`);
  if (parts.digits.length > MAX_DIGITS || !(Math.abs(parts.exponent) <= MAX_EXPONENT)) {
    throw new DecimalRangeError(`"${text.length > 40 ? `${text.slice(0, 40)}...` : text}" has too many digits or too large an exponent`);
  }
  const shift = parts.exponent + scale;
  let value: bigint;
  if (shift >= 0) {
    value = BigInt(parts.digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const raw = BigInt(parts.digits);
    const rest = raw % divisor;
    value = raw / divisor;
    if (rest !== 0n) {
      if (rounding === "exact") throw new DecimalError(`"${text}" has more than ${scale} decimals`);
      // magnitudes here; the sign is applied below
      if (rounding === "half-up" && rest * 2n >= divisor) value += 1n;
      if (rounding === "ceil" && !parts.negative) value += 1n;
      if (rounding === "floor" && parts.negative) value += 1n;
    }
  }
  return parts.negative ? -value : value;
}

/** Like parseScaled but returns null instead of throwing. */
export function tryParseScaled(input: unknown, scale: number, rounding: Rounding = "exact"): bigint | null {
  if (typeof input !== "string" && typeof input !== "number") return null;
  try {
    return parseScaled(input, scale, rounding);
  } catch {
    return null;
  }
}

/** Formats a scaled integer as a decimal string, trailing zeros trimmed down to minDecimals. */
export function formatScaled(value: bigint, scale: number, minDecimals = 0): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(scale);
  const whole = (abs / unit).toString();
  let frac = scale > 0 ? (abs % unit).toString().padStart(scale, "0") : "";
  while (frac.length > minDecimals && frac.endsWith("0")) frac = frac.slice(0, -1);
  const body = frac.length > 0 ? `${whole}.${frac}` : whole;
  return negative && abs !== 0n ? `-${body}` : body;
}

/** Integer division rounding half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new DecimalError("division by zero");
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an + ad / 2n) / ad;
  return negative ? -q : q;
}

/** Integer division rounding towards +infinity. */
export function divCeil(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new DecimalError("division by zero");
  const q = n / d;
  return n % d !== 0n && n < 0n === d < 0n ? q + 1n : q;
}

/** Integer division rounding towards -infinity. */
export function divFloor(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new DecimalError("division by zero");
  const q = n / d;
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
}

/** Exact quotient n/d as a decimal string with `decimals` places (half away from zero). */
export function formatRatio(n: bigint, d: bigint, decimals: number): string {
  return formatScaled(divRound(n * 10n ** BigInt(decimals), d), decimals);
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function absBig(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** Trims a NUMERIC column's trailing zeros for the wire: "1.5000000000" -> "1.5", "2900.000" -> "2900". */
export function trimZeros(v: string): string {
  return v.includes(".") ? v.replace(/0+$/, "").replace(/\.$/, "") : v;
}
