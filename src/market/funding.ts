import { divRound, parseScaled, DecimalError } from "../core/decimal.js";
import { notional, type MarketSpec } from "../core/market.js";
import type { Micro } from "../core/money.js";
import type { Side } from "../core/types.js";

/**
 * Perpetual funding, exactly: what a position pays or receives at a funding time. Pure; the
 * simulator's settlement (src/trading/funding-settler.ts) and its tests use it.
 *
 * amount = quantity × mark price × rate, the notional at the mark in exact micro-dollars times
 * the rate (a decimal string), rounded half away from zero to the micro-dollar (divRound, the
 * rounding of every exact quotient here). Longs pay shorts when the rate is positive, so a long
 * and a short of the same size get exactly opposite amounts.
 */

/** A funding rate may carry this many decimals: far finer than any venue publishes (8). */
export const FUNDING_RATE_DECIMALS = 18;
const RATE_UNIT = 10n ** BigInt(FUNDING_RATE_DECIMALS);

/** Funding every 8 hours (00:00, 08:00 and 16:00 UTC), the perpetual convention. */
export const DEFAULT_FUNDING_INTERVAL_MS = 8 * 3_600_000;

/**
 * The rate as an integer of 10^-18, checked: a decimal string of at most 18 decimals whose size
 * is under 1 (100% of the notional per interval is no funding rate).
 */
export function parseFundingRate(rate: string): bigint {
  let units: bigint;
  try {
    units = parseScaled(rate, FUNDING_RATE_DECIMALS);
  } catch (error) {
    throw new RangeError(`funding rate "${rate}": ${error instanceof DecimalError ? error.message : "not a decimal"} (a fraction per interval, e.g. "0.0001")`);
  }
  if (units <= -RATE_UNIT || units >= RATE_UNIT) throw new RangeError(`funding rate "${rate}" must be between -1 and 1 (a fraction of the notional per interval)`);
  return units;
}

/**
 * The change to a position's cash at a funding time: negative when it pays. `lots` of the
 * market at `markTicks`, at `rate` (positive: longs pay shorts).
 */
export function fundingCashFlow(market: MarketSpec, side: Side, lots: bigint | number, markTicks: number, rate: string): Micro {
  if (!Number.isSafeInteger(markTicks) || markTicks <= 0) throw new RangeError(`funding needs a positive mark in ticks, got ${markTicks}`);
  const size = BigInt(lots);
  if (size < 0n) throw new RangeError(`funding needs a position size of at least 0 lots, got ${size}`);
  const paidByLongs = divRound(notional(market, markTicks, size) * parseFundingRate(rate), RATE_UNIT);
  return side === "LONG" ? -paidByLongs : paidByLongs;
}

/** The first funding time strictly after `ts`: the next multiple of the interval since the epoch. */
export function nextFundingTime(ts: number, intervalMs: number): number {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`a funding interval is a positive whole number of ms, got ${intervalMs}`);
  return (Math.floor(ts / intervalMs) + 1) * intervalMs;
}

/**
 * The id of a simulated payment: one per symbol, funding time and position, so booking it again
 * (a restart, a replay over the same times) finds it already paid.
 */
export function simFundingPaymentId(symbol: string, fundingTime: number, positionId: string): string {
  return `sim:${symbol}:${fundingTime}:${positionId}`;
}
