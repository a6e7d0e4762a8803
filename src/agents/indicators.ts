import { ATR, EMA, MACD, RSI } from "trading-signals";
import type { MarketSpec } from "../core/market.js";
import type { Candle, CandleInterval } from "../feeds/feed.js";

/**
 * The indicators of one timeframe (EMA 20/50, RSI 14, MACD 12/26/9, ATR 14) and what they read,
 * as market intelligence (./intelligence.ts) reports them. Values are floats in price units.
 *
 * Besides the current readings, a timeframe carries each indicator's readings over its last
 * candles (so a model can see a MACD histogram growing or an RSI turning, not just one value)
 * and ATR14's mean over the last 50 candles (so "ATR much larger than usual" has a reference).
 */

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

/**
 * Each indicator's reading after each of the last candles, oldest first: the last entry is the
 * current value (the same number as the timeframe's `ema20.value`, ...). Null where the
 * indicator was not defined yet at that candle. All arrays have the same length.
 */
export interface IndicatorSeries {
  ema20: Array<number | null>;
  ema50: Array<number | null>;
  rsi14: Array<number | null>;
  macdLine: Array<number | null>;
  macdSignal: Array<number | null>;
  macdHistogram: Array<number | null>;
  atr14: Array<number | null>;
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
  /** The readings over the last candles (at most `seriesLength`), oldest first. */
  series: IndicatorSeries;
  /** Mean of ATR14 over the last ATR_MEAN_CANDLES candles: defined once ATR14 was defined on all of them. */
  atr14Mean: IndicatorValue<number>;
  /** The most recent candles, oldest first (at most `recentCandles`). */
  recent: PriceCandle[];
}

/** Candles ATR14's mean is taken over: "usual" volatility, against which the current ATR14 is read. */
export const ATR_MEAN_CANDLES = 50;

/** Readings kept per timeframe: enough for ATR14's mean and for any series length asked for up to it. */
export const READINGS_KEPT = ATR_MEAN_CANDLES;

/** MACD's signal line is an EMA(9) of MACD(12, 26): it needs 26 + 9 - 1 closes to mean anything. */
const MACD_MIN_CLOSES = 26 + 9 - 1;

function defined<T>(value: T | null | undefined): IndicatorValue<T> {
  return value === null || value === undefined ? { defined: false, value: null } : { defined: true, value };
}

/** A finite float or null: keeps NaN and Infinity out of JSON. */
function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

export function toPriceCandle(m: MarketSpec, c: Candle): PriceCandle {
  const p = 10 ** m.priceDecimals;
  return { openTime: c.openTime, open: c.open / p, high: c.high / p, low: c.low / p, close: c.close / p, volume: c.volume / 10 ** m.sizeDecimals };
}

/** The indicators' readings after one candle (null: not defined yet). */
interface Reading {
  ema20: number | null;
  ema50: number | null;
  rsi14: number | null;
  macd: MacdValue | null;
  atr14: number | null;
}

/** The five indicators of one timeframe, fed one bar at a time, oldest first, with their recent readings. */
export class TimeframeIndicators {
  private readonly ema20 = new EMA(20);
  private readonly ema50 = new EMA(50);
  private readonly rsi = new RSI(14);
  private readonly macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  private readonly atr = new ATR(14);
  /** Bars fed (a replaced bar counts once). */
  private count = 0;
  /** The last two closes fed, and whether two consecutive closes before the last one differed. */
  private prevClose = 0;
  private lastClose = 0;
  private settledChange = false;
  /** Readings after the last bars (oldest first), and the bar count of the last one (-1: none). */
  private readings: Reading[] = [];
  private lastReadingAt = -1;
  /** What the indicators returned for the last bar fed. */
  private last: { ema20: number | null; ema50: number | null; rsi: number | null; macd: MacdValue | null; atr: number | null } = {
    ema20: null,
    ema50: null,
    rsi: null,
    macd: null,
    atr: null,
  };

  /**
   * Feeds one bar; with `replace` it takes the place of the last bar fed (trading-signals' own
   * way of following a candle that is still forming). The bar is kept by the ATR: never mutate it.
   * `record` (default true) keeps the readings after this bar; callers feeding a long history
   * skip all but the last READINGS_KEPT bars, which are the only ones ever shown.
   */
  update(bar: { readonly high: number; readonly low: number; readonly close: number }, replace: boolean, record = true): void {
    if (replace && this.count > 0) {
      this.lastClose = bar.close;
    } else {
      if (this.count >= 2 && this.lastClose !== this.prevClose) this.settledChange = true;
      this.prevClose = this.lastClose;
      this.lastClose = bar.close;
      this.count++;
      replace = false;
    }
    // What each update returns is the indicator's result after it (null while it has none), so
    // reading them costs nothing; asking getResult()/isStable throws and catches during warm-up.
    this.last = {
      ema20: this.ema20.update(bar.close, replace),
      ema50: this.ema50.update(bar.close, replace),
      rsi: this.rsi.update(bar.close, replace),
      macd: this.macd.update(bar.close, replace),
      atr: this.atr.update(bar, replace),
    };
    if (!record) return;
    if (replace && this.lastReadingAt === this.count) this.readings.pop();
    this.readings.push(this.reading());
    this.lastReadingAt = this.count;
    // Trimmed in bulk: a shift per bar would copy the array every time.
    if (this.readings.length >= 2 * READINGS_KEPT) this.readings = this.readings.slice(-READINGS_KEPT);
  }

  /** Any two consecutive closes fed differ. */
  private sawChange(): boolean {
    return this.settledChange || (this.count >= 2 && this.lastClose !== this.prevClose);
  }

  private reading(): Reading {
    const last = this.last;
    // With no price change at all Wilder's RSI is 0/0; the library reports 100 (overbought),
    // which would make a dead market look like a sell signal. Neutral is the honest reading.
    const rsi = last.rsi !== null && !this.sawChange() ? 50 : finite(last.rsi);
    const m = this.count >= MACD_MIN_CLOSES ? last.macd : null;
    const macd = m && finite(m.macd) !== null && finite(m.signal) !== null && finite(m.histogram) !== null ? { macd: m.macd, signal: m.signal, histogram: m.histogram } : null;
    // An EMA returns a value from its first price on; it counts only once it has seen its period.
    return {
      ema20: this.count >= 20 ? finite(last.ema20) : null,
      ema50: this.count >= 50 ? finite(last.ema50) : null,
      rsi14: rsi,
      macd,
      atr14: finite(last.atr),
    };
  }

  /**
   * The readings after every bar fed so far, with the last close and the recent candles given by
   * the caller, and each indicator's series over the last `seriesLength` bars.
   */
  read(interval: CandleInterval, lastClose: number | null, recent: PriceCandle[], seriesLength: number): TimeframeIntelligence {
    const now = this.count > 0 ? this.reading() : { ema20: null, ema50: null, rsi14: null, macd: null, atr14: null };
    // Only readings of the bars fed up to now count (a caller that recorded nothing gets none).
    const kept = this.lastReadingAt === this.count ? this.readings : [];
    const shown = kept.slice(Math.max(0, kept.length - Math.max(0, Math.min(seriesLength, READINGS_KEPT))));
    return {
      interval,
      candleCount: this.count,
      lastClose,
      ema20: defined(now.ema20),
      ema50: defined(now.ema50),
      rsi14: defined(now.rsi14),
      macd: defined(now.macd),
      atr14: defined(now.atr14),
      series: {
        ema20: shown.map((r) => r.ema20),
        ema50: shown.map((r) => r.ema50),
        rsi14: shown.map((r) => r.rsi14),
        macdLine: shown.map((r) => r.macd?.macd ?? null),
        macdSignal: shown.map((r) => r.macd?.signal ?? null),
        macdHistogram: shown.map((r) => r.macd?.histogram ?? null),
        atr14: shown.map((r) => r.atr14),
      },
      atr14Mean: defined(atrMean(kept)),
      recent,
    };
  }
}

/** Mean ATR14 over the last ATR_MEAN_CANDLES readings; null unless ATR14 was defined on each. */
function atrMean(readings: readonly Reading[]): number | null {
  if (readings.length < ATR_MEAN_CANDLES) return null;
  let sum = 0;
  for (let i = readings.length - ATR_MEAN_CANDLES; i < readings.length; i++) {
    const atr = readings[i]!.atr14;
    if (atr === null) return null;
    sum += atr;
  }
  return finite(sum / ATR_MEAN_CANDLES);
}

/** Every indicator of a timeframe from all its bars. */
export function computeTimeframe(interval: CandleInterval, bars: readonly PriceCandle[], recentCandles: number, seriesLength: number): TimeframeIntelligence {
  const indicators = new TimeframeIndicators();
  const recordFrom = bars.length - READINGS_KEPT;
  for (let i = 0; i < bars.length; i++) indicators.update(bars[i]!, false, i >= recordFrom);
  return indicators.read(interval, bars.length > 0 ? bars[bars.length - 1]!.close : null, bars.slice(Math.max(0, bars.length - recentCandles)), seriesLength);
}
