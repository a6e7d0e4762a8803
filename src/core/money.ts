import { formatScaled, parseScaled, type Rounding } from "./decimal.js";

/**
 * Cash, P&L and fees are bigint micro-dollars (1e-6 USD): the smallest unit the ledger
 * reconciles to. Lighter-style markets have priceDecimals + sizeDecimals = 6, so a fill's
 * notional (ticks x lots) is already an exact number of micro-dollars.
 */
export type Micro = bigint;

export const MICRO_DECIMALS = 6;
export const MICRO_PER_USD = 1_000_000n;

export function usd(input: string | number, rounding: Rounding = "exact"): Micro {
  return parseScaled(input, MICRO_DECIMALS, rounding);
}

/** Decimal string for the wire, e.g. 10000000000n -> "10000", 1234567n -> "1.234567". */
export function formatUsd(value: Micro): string {
  return formatScaled(value, MICRO_DECIMALS);
}

/** Fee on a notional at a rate in basis points, rounded up to the micro-dollar (the venue never undercharges). */
export function feeMicro(notional: Micro, bps: number): Micro {
  if (bps <= 0) return 0n;
  const scaledBps = BigInt(Math.round(bps * 100)); // hundredths of a bp
  const n = notional < 0n ? -notional : notional;
  return (n * scaledBps + 999_999n) / 1_000_000n;
}

/**
 * The largest initial capital a model may have, in dollars: a trillion, far above any paper or
 * live account. Cash is a bigint of micro-dollars, exact at any size, and the money columns
 * (NUMERIC(38,6)) hold 32 integer digits; but equity curves, metrics and risk ratios read money
 * as a double, which still resolves a cent below about 9e13 dollars. A trillion keeps them
 * meaningful with room for any P&L on top.
 */
export const MAX_INITIAL_CAPITAL_USD = 1_000_000_000_000;
