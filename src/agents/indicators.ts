import { ATR, EMA, MACD, RSI } from "trading-signals";
import type { MarketSpec } from "../core/market.js";
import type { Candle, CandleInterval } from "../feeds/feed.js";

/**
 * The indicators of one timeframe (EMA 20/50, RSI 14, MACD 12/26/9, ATR 14) and what they read,
 * as market intelligence (./intelligence.ts) reports them. Values are floats in price units.
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

/** The five indicators of one timeframe, fed one bar at a time, oldest first. */
export class TimeframeIndicators {
  private readonly ema20 = new EMA(20);
  private readonly ema50 = new EMA(50);
  private readonly rsi = new RSI(14);
  private readonly macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  private readonly atr = new ATR(14);

  /**
   * Feeds one bar; with `replace` it takes the place of the last bar fed (trading-signals' own
   * way of following a candle that is still forming). The bar is kept by the ATR: never mutate it.
   */
  update(bar: { readonly high: number; readonly low: number; readonly close: number }, replace: boolean): void {
    this.ema20.update(bar.close, replace);
    this.ema50.update(bar.close, replace);
    this.rsi.update(bar.close, replace);
    this.macd.update(bar.close, replace);
    this.atr.update(bar, replace);
  }

  /** The readings after `count` bars, `sawChange` telling whether any two consecutive closes differed. */
  read(interval: CandleInterval, count: number, sawChange: boolean, lastClose: number | null, recent: PriceCandle[]): TimeframeIntelligence {
    // With no price change at all Wilder's RSI is 0/0; the library reports 100 (overbought),
    // which would make a dead market look like a sell signal. Neutral is the honest reading.
    const rsiValue = this.rsi.isStable && !sawChange ? 50 : finite(this.rsi.getResult());
    const macdResult = count >= MACD_MIN_CLOSES ? this.macd.getResult() : null;
    const macdValue =
      macdResult && finite(macdResult.macd) !== null && finite(macdResult.signal) !== null && finite(macdResult.histogram) !== null
        ? { macd: macdResult.macd, signal: macdResult.signal, histogram: macdResult.histogram }
        : null;
    return {
      interval,
      candleCount: count,
      lastClose,
      ema20: defined(this.ema20.isStable ? finite(this.ema20.getResult()) : null),
      ema50: defined(this.ema50.isStable ? finite(this.ema50.getResult()) : null),
      rsi14: defined(rsiValue),
      macd: defined(macdValue),
      atr14: defined(finite(this.atr.getResult())),
      recent,
    };
  }
}

/** Every indicator of a timeframe from all its bars. */
export function computeTimeframe(interval: CandleInterval, bars: readonly PriceCandle[], recentCandles: number): TimeframeIntelligence {
  const indicators = new TimeframeIndicators();
  let sawChange = false;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    indicators.update(bar, false);
    if (i > 0 && bar.close !== bars[i - 1]!.close) sawChange = true;
  }
  return indicators.read(interval, bars.length, sawChange, bars.length > 0 ? bars[bars.length - 1]!.close : null, bars.slice(Math.max(0, bars.length - recentCandles)));
}
