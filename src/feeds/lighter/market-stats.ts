import { DecimalError, formatScaled, parseScaled } from "../../core/decimal.js";
import type { MarketSpec } from "../../core/market.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import { FUNDING_RATE_DECIMALS, nextFundingTime, parseFundingRate } from "../../market/funding.js";

/**
 * Lighter's `market_stats/{market_id}` channel turned into derivatives snapshots: the funding rate
 * of the coming payment and the open interest, in the units DerivativesStore keeps.
 *
 * Frame (WebSocket reference; the pinned OpenAPI's `PerpsMarketStats`, src/venues/lighter/openapi.ts):
 *   {"channel":"market_stats:0","type":"update/market_stats","timestamp":<ms>,
 *    "market_stats":{"market_id":0,"current_funding_rate":"0.0012","funding_rate":"0.0008",
 *                    "funding_timestamp":<ms>,"open_interest":"27250.8411",...}}
 * (`market_stats/all` sends a map keyed by market id instead; we subscribe per market.)
 *
 * Which field, and in what unit — the evidence, as of this writing:
 * - Funding is paid every hour, on the hour, peer to peer: amount = size × mark × rate
 *   (docs.lighter.xyz/trading/funding). So the interval is 1 h, and the next payment is the next
 *   whole hour; the frame carries no next-payment time of its own.
 * - `current_funding_rate` is the live estimate for the coming payment, `funding_rate` the last one
 *   settled (at `funding_timestamp`) (NautilusTrader's Lighter adapter, parse_ws_funding_rate_update;
 *   Allium's lighter.raw.market_stats column notes). We want the coming one: it is what will be paid.
 * - Unit: PERCENT of the notional per hour, not a fraction. REST `/api/v1/fundings` rows settle it:
 *   in NautilusTrader's fixture `{"value":"0.02707872","rate":"0.0012","direction":"long"}` the value
 *   paid per ETH is ETH's price (~2256) × 0.0012 / 100, and 0.0012 % per hour is Lighter's base
 *   interest (0.01 % per 8 h) rounded to four decimals. Third-party readers of this very channel
 *   convert the same way ("0.0012" → 0.12 bps per hour; "0.01" → 0.0001 per hour).
 * - NOT verified against a live capture of our own, and the OpenAPI example ("0.0001") does not
 *   settle it. If Lighter's figures ever look 100 times too small (rates near 1e-8), this is why.
 *
 * `open_interest` is in base units with the market's size decimals (e.g. "27250.8411" ETH beside an
 * `open_interest_limit` of "50000.0000"); one finer than the market's size grid is not kept.
 */

export const LIGHTER_FUNDING_INTERVAL_MS = 3_600_000;

export interface LighterMarketStatsBody {
  market_id?: unknown;
  current_funding_rate?: unknown;
  open_interest?: unknown;
}

export type StatsReading = { kind: "snapshot"; snapshot: DerivativesSnapshot; note?: string } | { kind: "rejected"; reason: string } | { kind: "ignored" };

/** Lighter's percent ("0.0012" = 0.0012 %) as the fraction DerivativesStore keeps ("0.000012"), exactly. */
export function percentToFraction(percent: string): string {
  // Fraction units of 10^-18 are percent units of 10^-16: the shift by two places is exact.
  const units = parseScaled(percent, FUNDING_RATE_DECIMALS - 2);
  return formatScaled(units, FUNDING_RATE_DECIMALS);
}

/**
 * One `market_stats` frame of `market`: a snapshot, a reason it cannot be read, or nothing (a
 * frame of another kind). `now` stands in for a frame without its `timestamp`.
 */
export function readMarketStats(market: MarketSpec, frame: Record<string, unknown>, now: number): StatsReading {
  if (!("market_stats" in frame)) return { kind: "ignored" };
  const body = frame.market_stats;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "rejected", reason: "market_stats is not an object" };
  const stats = body as LighterMarketStatsBody;
  if (stats.market_id !== undefined && stats.market_id !== market.marketId) return { kind: "rejected", reason: `market_id ${String(stats.market_id)} on the channel of market ${market.marketId}` };
  const rawRate = stats.current_funding_rate;
  // A decimal string only: a JSON number would already have passed through a float.
  if (typeof rawRate !== "string") return { kind: "rejected", reason: `current_funding_rate ${JSON.stringify(rawRate)} is not a decimal string` };
  let fundingRate: string;
  try {
    fundingRate = percentToFraction(rawRate);
    parseFundingRate(fundingRate);
  } catch (error) {
    const why = error instanceof DecimalError || error instanceof RangeError ? error.message : String(error);
    return { kind: "rejected", reason: `current_funding_rate "${rawRate}" (percent): ${why}` };
  }
  const ts = typeof frame.timestamp === "number" && Number.isSafeInteger(frame.timestamp) && frame.timestamp > 0 ? frame.timestamp : now;
  const snapshot: DerivativesSnapshot = {
    symbol: market.symbol,
    ts,
    fundingRate,
    fundingIntervalMs: LIGHTER_FUNDING_INTERVAL_MS,
    nextFundingAt: nextFundingTime(ts, LIGHTER_FUNDING_INTERVAL_MS),
  };
  if (stats.open_interest === undefined) return { kind: "snapshot", snapshot };
  const lots = openInterestLots(market, stats.open_interest);
  if (typeof lots === "string") return { kind: "snapshot", snapshot, note: lots };
  return { kind: "snapshot", snapshot: { ...snapshot, openInterestLots: lots } };
}

/** Open interest in lots, or why it is left out (the funding rate is still good). */
function openInterestLots(market: MarketSpec, raw: unknown): number | string {
  if (typeof raw !== "string") return `open_interest ${JSON.stringify(raw)} is not a decimal string`;
  try {
    const lots = parseScaled(raw, market.sizeDecimals);
    if (lots < 0n || lots > BigInt(Number.MAX_SAFE_INTEGER)) return `open_interest "${raw}" is out of range`;
    return Number(lots);
  } catch (error) {
    return `open_interest "${raw}": ${error instanceof Error ? error.message : String(error)}`;
  }
}
