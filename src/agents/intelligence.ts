import { ATR, EMA, MACD, RSI } from "trading-signals";
import type { MarketSpec } from "../core/market.js";
import { INTERVAL_MS, type Candle, type CandleInterval } from "../feeds/feed.js";

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

/** An indicator value, or not enough candles yet (`defined: false`, `value: null`). */
export type IndicatorValue<T> = { defined: true; value: T } | { defined: false; value: null };

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/** One candle in price and base units (floats), for prompts and rules that look at raw bars. */
export interface PriceCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface TimeframeIntelligence {
  interval: CandleInterval;
  /** Candles the indicators were computed from. */
  candleCount: number;
  lastClose: number | null;
  ema20: IndicatorValue<number>;
  ema50: IndicatorValue<number>;
  rsi14: IndicatorValue<number>;
  macd: IndicatorValue<MacdValue>;
  atr14: IndicatorValue<number>;
  /** The most recent candles, oldest first (at most `recentCandles`). */
  recent: PriceCandle[];
}

export interface SymbolIntelligence {
  symbol: string;
  /** Close of the newest candle on the finest timeframe that has one. */
  lastPrice: number | null;
  /** Percent change from the price 24 h before `now`; null when the history is shorter. */
  change24hPct: number | null;
  timeframes: Record<CandleInterval, TimeframeIntelligence>;
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
}

const DAY_MS = 86_400_000;
/** MACD's signal line is an EMA(9) of MACD(12, 26): it needs 26 + 9 - 1 closes to mean anything. */
const MACD_MIN_CLOSES = 26 + 9 - 1;

function defined<T>(value: T | null | undefined): IndicatorValue<T> {
  return value === null || value === undefined ? { defined: false, value: null } : { defined: true, value };
}

/** A finite float or null: keeps NaN and Infinity out of JSON. */
function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

function toPriceCandle(m: MarketSpec, c: Candle): PriceCandle {
  const p = 10 ** m.priceDecimals;
  return { openTime: c.openTime, open: c.open / p, high: c.high / p, low: c.low / p, close: c.close / p, volume: c.volume / 10 ** m.sizeDecimals };
}

function computeTimeframe(interval: CandleInterval, bars: readonly PriceCandle[], recentCandles: number): TimeframeIntelligence {
  const ema20 = new EMA(20);
  const ema50 = new EMA(50);
  const rsi = new RSI(14);
  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  const atr = new ATR(14);
  let sawChange = false;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    ema20.add(bar.close);
    ema50.add(bar.close);
    rsi.add(bar.close);
    macd.add(bar.close);
    atr.add(bar);
    if (i > 0 && bar.close !== bars[i - 1]!.close) sawChange = true;
  }
  // With no price change at all Wilder's RSI is 0/0; the library reports 100 (overbought),
  // which would make a dead market look like a sell signal. Neutral is the honest reading.
  const rsiValue = rsi.isStable && !sawChange ? 50 : finite(rsi.getResult());
  const macdResult = bars.length >= MACD_MIN_CLOSES ? macd.getResult() : null;
  const macdValue =
    macdResult && finite(macdResult.macd) !== null && finite(macdResult.signal) !== null && finite(macdResult.histogram) !== null
      ? { macd: macdResult.macd, signal: macdResult.signal, histogram: macdResult.histogram }
      : null;
  return {
    interval,
    candleCount: bars.length,
    lastClose: bars.length > 0 ? bars[bars.length - 1]!.close : null,
    ema20: defined(ema20.isStable ? finite(ema20.getResult()) : null),
    ema50: defined(ema50.isStable ? finite(ema50.getResult()) : null),
    rsi14: defined(rsiValue),
    macd: defined(macdValue),
    atr14: defined(finite(atr.getResult())),
    recent: bars.slice(Math.max(0, bars.length - recentCandles)),
  };
}

/**
 * The price 24 h ago: the open of the candle that starts at (or just after) now - 24h, taken
 * from the finest timeframe whose history reaches back that far.
 */
function priceDayAgo(series: Record<CandleInterval, readonly PriceCandle[]>, now: number): number | null {
  const target = now - DAY_MS;
  for (const interval of TIMEFRAMES) {
    const bar = series[interval].find((c) => c.openTime >= target);
    if (bar && bar.openTime - target < INTERVAL_MS[interval]) return bar.open;
  }
  return null;
}

function computeSymbol(m: MarketSpec, input: IntelligenceInput, recentCandles: number): SymbolIntelligence {
  const series = {} as Record<CandleInterval, PriceCandle[]>;
  for (const interval of TIMEFRAMES) {
    // Defensive copy and order: feeds and repositories return history oldest first, but a
    // reordered or future bar would silently corrupt every recursive indicator.
    series[interval] = input
      .candles(m.symbol, interval)
      .filter((c) => c.openTime <= input.now)
      .slice()
      .sort((a, b) => a.openTime - b.openTime)
      .map((c) => toPriceCandle(m, c));
  }
  const timeframes = {} as Record<CandleInterval, TimeframeIntelligence>;
  for (const interval of TIMEFRAMES) timeframes[interval] = computeTimeframe(interval, series[interval], recentCandles);
  const lastPrice = timeframes["1m"].lastClose ?? timeframes["5m"].lastClose ?? timeframes["1h"].lastClose;
  const dayAgo = priceDayAgo(series, input.now);
  const change24hPct = lastPrice !== null && dayAgo !== null && dayAgo > 0 ? finite(((lastPrice - dayAgo) / dayAgo) * 100) : null;
  return { symbol: m.symbol, lastPrice, change24hPct, timeframes };
}

/** Pure: the same candles and `now` give the same intelligence. */
export function computeIntelligence(input: IntelligenceInput): MarketIntelligence {
  const recentCandles = input.recentCandles ?? 30;
  const symbols: Record<string, SymbolIntelligence> = {};
  for (const m of input.markets) symbols[m.symbol] = computeSymbol(m, input, recentCandles);
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
