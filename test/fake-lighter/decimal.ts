/**
 * Exact decimal strings from integers and back: the wire speaks "64504.2" and "0.17551", the fake
 * keeps integer ticks, lots and micro-USDC. Never a float on the way.
 */

/** `value` scaled by 10^-decimals as a padded decimal string: (12345n, 2) → "123.45", (-5n, 3) → "-0.005". */
export function formatFixed(value: bigint | number, decimals: number): string {
  let v = BigInt(value);
  const negative = v < 0n;
  if (negative) v = -v;
  const digits = v.toString().padStart(decimals + 1, "0");
  const whole = decimals > 0 ? digits.slice(0, -decimals) : digits;
  const fraction = decimals > 0 ? `.${digits.slice(-decimals)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** A decimal string as an integer of 10^-decimals units. Throws on junk or on precision it would lose. */
export function parseFixed(text: string, decimals: number): bigint {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  const v = BigInt((m[2] || "0") + fraction.padEnd(decimals, "0"));
  return m[1] === "-" ? -v : v;
}

/** A decimal string as an exact ratio numerator / 10^scale ("-0.0001" → { numerator: -1n, scale: 4 }). */
export function parseRatio(text: string): { numerator: bigint; scale: number } {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? "";
  const v = BigInt((m[2] || "0") + fraction);
  return { numerator: m[1] === "-" ? -v : v, scale: fraction.length };
}

/** Integer division rounding toward negative infinity. */
export function divFloor(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Integer division rounding toward positive infinity. */
export function divCeil(a: bigint, b: bigint): bigint {
  return -divFloor(-a, b);
}

/** Integer division rounding half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (2n * x + y) / (2n * y);
  return negative ? -q : q;
}

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * A fraction as Lighter writes funding rates: percent, at least four decimals, exactly
 * ("0.000012" → "0.0012", "-0.0001" → "-0.0100", "0.0000125" → "0.00125").
 */
export function fractionToPercent(fraction: string): string {
  const { numerator, scale } = parseRatio(fraction);
  const decimals = Math.max(4, scale - 2);
  return formatFixed(numerator * pow10(decimals - (scale - 2)), decimals);
}
