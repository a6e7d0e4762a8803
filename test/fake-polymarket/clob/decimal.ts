/**
 * Exact amounts for the fake CLOB. On Polymarket every amount on the wire (makerAmount,
 * takerAmount, balances) is an integer of 1e-6 units (pUSD and outcome tokens both have 6
 * decimals), and every tick is a multiple of 0.0001. So the fake keeps:
 *   - shares and dollars as bigint micro-units (1e-6),
 *   - prices as integer "price4" units (1e-4), the finest V2 tick.
 * Nothing here is a float.
 */

export const MICRO = 1_000_000n;
export const PRICE_SCALE = 10_000n;
/** Fills move in lots of 0.01 share: the SDK rounds limit sizes to 2 decimals, and a 0.01-share lot
 * times any price4 is a whole number of micro-dollars. */
export const LOT = 10_000n;

/** "12.5" → 12_500_000n (micro-units). Throws on more than 6 decimals or junk. */
export function parseMicro(text: string | number): bigint {
  return parseScaled(String(text), 6);
}

/** "0.57" → 5700 (price4). Throws on more than 4 decimals. */
export function parsePrice4(text: string | number): bigint {
  return parseScaled(String(text), 4);
}

function parseScaled(raw: string, decimals: number): bigint {
  const text = raw.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal: ${raw}`);
  const frac = m[3] ?? "";
  if (frac.length > decimals && /[1-9]/.test(frac.slice(decimals))) throw new Error(`more than ${decimals} decimals: ${raw}`);
  const whole = BigInt(m[2] || "0");
  const part = BigInt((frac.slice(0, decimals) || "0").padEnd(decimals, "0"));
  const value = whole * 10n ** BigInt(decimals) + part;
  return m[1] === "-" ? -value : value;
}

/** 12_500_000n → "12.5"; 5_000_000n → "5". */
export function formatMicro(value: bigint): string {
  return formatScaled(value, 6);
}

/** 5700n → "0.57"; 10000n → "1". */
export function formatPrice4(value: bigint): string {
  return formatScaled(value, 4);
}

/** A scaled integer as a decimal string without trailing zeros: (52300000n, 8) → "0.523". */
export function formatScaled(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Dollars (micro) paid for `shares` (micro) at `price4`: exact when shares is a whole number of lots. */
export function notional(shares: bigint, price4: bigint): bigint {
  return (shares * price4) / PRICE_SCALE;
}

/** Whole lots of shares that `dollars` buys at `price4` (rounded down). */
export function sharesFor(dollars: bigint, price4: bigint): bigint {
  const lotCost = notional(LOT, price4);
  return (dollars / lotCost) * LOT;
}

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
