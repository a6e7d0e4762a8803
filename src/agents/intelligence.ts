import { lotsToQuantity, type MarketSpec } from "../core/market.js";
import { INTERVAL_MS, type Candle, type CandleInterval } from "../feeds/feed.js";
import type { DerivativesSource } from "../market/derivatives.js";
import { IntelligenceMemo } from "./intelligence-memo.js";
import { computeTimeframe, toPriceCandle, type TimeframeIntelligence } from "./indicators.js";

export type { IndicatorSeries, IndicatorValue, MacdValue, PriceCandle, TimeframeIntelligence } from "./indicators.js";

/**
 * Market intelligence: indicators over 1m, 5m and 1h candles, computed once per scheduler cycle
 * and shared by every model (rule strategies read it, LLM prompts print it, invocation rows store
 * it). Indicator values are floats in price units: they are signals, never money; orders are
 * priced from them through the market's tick grid. Everything here is plain JSON (no NaN,
 * no Infinity, no bigint), so it can go into a prompt or a jsonb column as it is.
 *
 * The last candle of each series may still be forming; indicators include it, as a trader
 * looking at a live chart would.
 */

export const TIMEFRAMES: readonly CandleInterval[] = ["1m", "5m", "1h"];

export interface SymbolIntelligence {
  symbol: string;
  /** Close of the newest candle on the finest timeframe that has one. */
  lastPrice: number | null;
  /** Percent change from the price 24 h before `now`; null when the history is shorter. */
  change24hPct: number | null;
  timeframes: Record<CandleInterval, TimeframeIntelligence>;
  /** Funding and open interest, present only when the feed reports them for this market. */
  derivatives?: DerivativesIntelligence;
}

/** A perpetual's funding and open interest as the feed last reported them (JSON: no bigint, no float money). */
export interface DerivativesIntelligence {
  /** Epoch ms of the observation. */
  observedAt: number;
  /** Fraction of the notional paid per funding interval, a decimal string ("0.0001" = 0.01%); positive: longs pay shorts. */
  fundingRate: string;
  fundingIntervalMs: number;
  /** Epoch ms of the next funding payment. */
  nextFundingAt: number;
  /** Open interest in base units (a decimal string on the market's size grid), when reported. */
  openInterest: string | null;
}

export interface MarketIntelligence {
  generatedAt: number;
  symbols: Record<string, SymbolIntelligence>;
}

export interface IntelligenceInput {
  markets: readonly MarketSpec[];
  candles: (symbol: string, interval: CandleInterval) => readonly Candle[];
  now: number;
  /** How many recent candles per timeframe to keep in the output (default 30). */
  recentCandles?: number;
  /** How many readings of each indicator per timeframe to keep in the output (default 10, at most 50). */
  seriesLength?: number;
  /** Funding and open interest, when the feed reports them (read once per call, per market). */
  derivatives?: DerivativesSource;
}

const DAY_MS = 86_400_000;

/** A finite float or null: keeps NaN and Infinity out of JSON. */
function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * The price 24 h ago: the open of the candle that starts at (or just after) now - 24h, taken
 * from the finest timeframe whose history reaches back that far. Each series is oldest first.
 */
function priceDayAgo(m: MarketSpec, series: Record<CandleInterval, readonly Candle[]>, now: number): number | null {
  const target = now - DAY_MS;
  for (const interval of TIMEFRAMES) {
    const bar = series[interval].find((c) => c.openTime >= target);
    if (bar && bar.openTime - target < INTERVAL_MS[interval]) return bar.open / 10 ** m.priceDecimals;
  }
  return null;
}

/**
 * How many candles of `list` count at `now` when the list is already in order (openTime never
 * decreasing): then the candles up to `now` are a prefix, exactly what filtering and a stable
 * sort would give. Null when it is out of order.
 */
function orderedPrefix(list: readonly Candle[], now: number): number | null {
  let count = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!.openTime;
    if (i > 0 && t < list[i - 1]!.openTime) return null;
    if (t <= now) count = i + 1;
  }
  return count;
}

/** What the source knows of `m`, in the intelligence's JSON shape; undefined when it knows nothing usable. */
function derivativesOf(m: MarketSpec, source: DerivativesSource | undefined): DerivativesIntelligence | undefined {
  const d = source?.derivatives(m.symbol);
  if (!d || !Number.isFinite(d.fundingIntervalMs) || !Number.isFinite(d.nextFundingAt) || !Number.isFinite(d.ts)) return undefined;
  const lots = d.openInterestLots;
  return {
    observedAt: d.ts,
    fundingRate: d.fundingRate,
    fundingIntervalMs: d.fundingIntervalMs,
    nextFundingAt: d.nextFundingAt,
    openInterest: lots !== undefined && Number.isSafeInteger(lots) && lots >= 0 ? lotsToQuantity(m, lots) : null,
  };
}

function computeSymbol(m: MarketSpec, input: IntelligenceInput, recentCandles: number, seriesLength: number, memo: IntelligenceMemo | null): SymbolIntelligence {
  const series = {} as Record<CandleInterval, readonly Candle[]>;
  const timeframes = {} as Record<CandleInterval, TimeframeIntelligence>;
  for (const interval of TIMEFRAMES) {
    const list = input.candles(m.symbol, interval);
    const count = memo ? orderedPrefix(list, input.now) : null;
    if (memo && count !== null) {
      // In order already (what feeds and the candle store give): only what is new since the last call is fed.
      series[interval] = count === list.length ? list : list.slice(0, count);
      timeframes[interval] = memo.timeframe(m, interval, series[interval], recentCandles, seriesLength);
      continue;
    }
    // Defensive copy and order: feeds and repositories return history oldest first, but a
    // reordered or future bar would silently corrupt every recursive indicator.
    const sorted = list
      .filter((c) => c.openTime <= input.now)
      .slice()
      .sort((a, b) => a.openTime - b.openTime);
    series[interval] = sorted;
    timeframes[interval] = computeTimeframe(
      interval,
      sorted.map((c) => toPriceCandle(m, c)),
      recentCandles,
      seriesLength,
    );
  }
  const lastPrice = timeframes["1m"].lastClose ?? timeframes["5m"].lastClose ?? timeframes["1h"].lastClose;
  const dayAgo = priceDayAgo(m, series, input.now);
  const change24hPct = lastPrice !== null && dayAgo !== null && dayAgo > 0 ? finite(((lastPrice - dayAgo) / dayAgo) * 100) : null;
  const derivatives = derivativesOf(m, input.derivatives);
  return { symbol: m.symbol, lastPrice, change24hPct, timeframes, ...(derivatives ? { derivatives } : {}) };
}

/** Shared by every caller that passes no memo of its own: it checks every candle it reuses, so sharing is safe. */
const SHARED_MEMO = new IntelligenceMemo();

/**
 * Pure: the same candles and `now` give the same intelligence. Indicator state is kept between
 * calls in `memo` (by default one shared by the process), so a cycle feeds the indicators only
 * the candles that closed since the last one and the one still forming, instead of days of
 * history; the memo compares every candle it relies on with what it was fed, so the answer is
 * always the one a computation from scratch gives (`memo: null` forces one).
 */
export function computeIntelligence(input: IntelligenceInput, options: { memo?: IntelligenceMemo | null } = {}): MarketIntelligence {
  const recentCandles = input.recentCandles ?? 30;
  const seriesLength = input.seriesLength ?? 10;
  const memo = options.memo === undefined ? SHARED_MEMO : options.memo;
  const symbols: Record<string, SymbolIntelligence> = {};
  for (const m of input.markets) symbols[m.symbol] = computeSymbol(m, input, recentCandles, seriesLength, memo);
  return { generatedAt: input.now, symbols };
}

/**
 * Holds one cycle's intelligence so that all models of a cycle share a single computation;
 * a new cycle id (or `invalidate()` after the cycle) forces a fresh one.
 */
export class IntelligenceCache {
  private entry: { cycleId: string; value: MarketIntelligence } | null = null;

  get(cycleId: string, compute: () => MarketIntelligence): MarketIntelligence {
    if (this.entry?.cycleId !== cycleId) this.entry = { cycleId, value: compute() };
    return this.entry.value;
  }

  invalidate(): void {
    this.entry = null;
  }
}
