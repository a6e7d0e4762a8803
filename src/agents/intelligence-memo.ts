import type { MarketSpec } from "../core/market.js";
import type { Candle, CandleInterval } from "../feeds/feed.js";
import { READINGS_KEPT, TimeframeIndicators, toPriceCandle, type TimeframeIntelligence } from "./indicators.js";

/**
 * Indicator state kept between cycles, one per series (symbol and timeframe), so that market
 * intelligence costs what changed since the last cycle (a few closed candles and the one still
 * forming) instead of days of history each time.
 *
 * A series state is the indicators fed with every bar of the last call, the last bar (often the
 * candle still forming) fed so that it can be replaced, with trading-signals' `replace`. A call
 * reuses it only when the new series begins with exactly the bars fed before, every one of them
 * compared (time, high, low, close): then the forming candle is replaced by its new state and
 * the new bars are added, the very arithmetic a computation from scratch does, in the same order.
 * Anything else (history trimmed at the front, a bar that changed, a shorter series) starts that
 * series over from its first bar. Short series always start over: warm-up is where indicator
 * libraries keep their special cases, and it costs nothing there. The indicators keep their own
 * recent readings (the series the prompt shows), replaced with the forming candle like the rest.
 */
export class IntelligenceMemo {
  private readonly series = new Map<string, SeriesState>();

  /** `maxSeries`: series kept, the least recently used dropped first. */
  constructor(private readonly maxSeries = 256) {}

  /** What computeTimeframe gives for `bars` (in order, all at or before now), fed incrementally. */
  timeframe(m: MarketSpec, interval: CandleInterval, bars: readonly Candle[], recentCandles: number, seriesLength: number): TimeframeIntelligence {
    const key = `${m.symbol}\u0000${interval}`;
    const scale = 10 ** m.priceDecimals;
    let state = this.series.get(key);
    this.series.delete(key); // re-inserted last: the map's order is the order of use
    if (!state || state.scale !== scale || !state.follow(bars)) state = SeriesState.from(bars, scale);
    this.series.set(key, state);
    if (this.series.size > this.maxSeries) this.series.delete(this.series.keys().next().value!);
    const n = bars.length;
    const recent = bars.slice(Math.max(0, n - recentCandles)).map((c) => toPriceCandle(m, c));
    return state.indicators.read(interval, n > 0 ? state.close[n - 1]! / scale : null, recent, seriesLength);
  }

  /** How many series are kept (tests). */
  get size(): number {
    return this.series.size;
  }
}

/** Below this many settled bars a series is always computed from scratch (indicator warm-up is at most 50 bars). */
const REUSE_FROM = 64;

class SeriesState {
  readonly indicators = new TimeframeIndicators();
  /** Every bar fed, raw (ticks), oldest first; the last one is the bar that may be replaced. */
  readonly openTime: number[] = [];
  readonly high: number[] = [];
  readonly low: number[] = [];
  readonly close: number[] = [];

  private constructor(readonly scale: number) {}

  static from(bars: readonly Candle[], scale: number): SeriesState {
    const state = new SeriesState(scale);
    // Readings only where they can still be shown (computeTimeframe does the same).
    const recordFrom = bars.length - READINGS_KEPT;
    for (let i = 0; i < bars.length; i++) state.push(bars[i]!, false, i >= recordFrom);
    return state;
  }

  /** Feeds what `bars` adds to the bars fed before; false (nothing fed) when it does not extend them. */
  follow(bars: readonly Candle[]): boolean {
    const fed = this.openTime.length;
    const settled = fed - 1;
    if (settled < REUSE_FROM || bars.length < fed) return false;
    for (let i = 0; i < settled; i++) {
      const c = bars[i]!;
      if (c.openTime !== this.openTime[i] || c.close !== this.close[i] || c.high !== this.high[i] || c.low !== this.low[i]) return false;
    }
    const last = bars[settled]!;
    if (last.openTime !== this.openTime[settled] || last.close !== this.close[settled] || last.high !== this.high[settled] || last.low !== this.low[settled]) {
      this.openTime.pop();
      this.high.pop();
      this.low.pop();
      this.close.pop();
      this.push(last, true);
    }
    for (let i = fed; i < bars.length; i++) this.push(bars[i]!);
    return true;
  }

  private push(c: Candle, replace = false, record = true): void {
    this.openTime.push(c.openTime);
    this.high.push(c.high);
    this.low.push(c.low);
    this.close.push(c.close);
    const p = this.scale;
    // A fresh object per bar: the ATR keeps the previous one.
    this.indicators.update({ high: c.high / p, low: c.low / p, close: c.close / p }, replace, record);
  }
}
