import { type Candle, type CandleInterval, INTERVAL_MS } from "./feed.js";

/**
 * Candles from a stream of (time, mid, traded lots), aligned to UTC boundaries: a 1h candle opens
 * at hh:00:00.000Z, a 5m candle at a multiple of five minutes.
 *
 * Gaps: an interval in which nothing arrived has no candle (LEAN's convention, and what the
 * recorded LEAN files contain). A feed sends a book update at least every second, so a silent
 * minute means the feed was down; inventing a flat candle would tell indicators the market was
 * quiet when in fact nobody was looking. The next candle opens at the first price seen after the gap.
 */

export const CANDLE_INTERVALS: readonly CandleInterval[] = ["1m", "5m", "1h"];

/** Start of the interval that contains ts (UTC; epoch ms has no leap seconds). */
export function alignTime(ts: number, interval: CandleInterval): number {
  const ms = INTERVAL_MS[interval];
  return Math.floor(ts / ms) * ms;
}

export interface CandleBuilderOptions {
  /** Called with every candle that closes, shorter intervals first. */
  onClose?: (candle: Candle) => void;
  intervals?: readonly CandleInterval[];
}

export class CandleBuilder {
  private readonly open = new Map<string, Candle>();
  private readonly intervals: readonly CandleInterval[];
  private readonly onClose: (candle: Candle) => void;

  constructor(options: CandleBuilderOptions = {}) {
    this.intervals = options.intervals ?? CANDLE_INTERVALS;
    this.onClose = options.onClose ?? (() => {});
  }

  /**
   * Adds a price observation. A timestamp earlier than the open candle (a few ms of clock skew
   * between feeds) is folded into the open candle rather than reopening a closed one.
   */
  add(symbol: string, ts: number, midTicks: number, volumeLots = 0): void {
    if (!Number.isInteger(midTicks) || midTicks <= 0) throw new RangeError(`candle price must be positive integer ticks, got ${midTicks}`);
    if (!Number.isInteger(volumeLots) || volumeLots < 0) throw new RangeError(`candle volume must be non-negative integer lots, got ${volumeLots}`);
    for (const interval of this.intervals) {
      const key = `${symbol}\u0000${interval}`;
      const openTime = alignTime(ts, interval);
      const candle = this.open.get(key);
      if (candle && openTime <= candle.openTime) {
        if (midTicks > candle.high) candle.high = midTicks;
        if (midTicks < candle.low) candle.low = midTicks;
        candle.close = midTicks;
        candle.volume += volumeLots;
        continue;
      }
      if (candle) this.onClose({ ...candle });
      this.open.set(key, { symbol, interval, openTime, open: midTicks, high: midTicks, low: midTicks, close: midTicks, volume: volumeLots });
    }
  }

  /** Closes every candle whose interval ended at or before ts: call it from a timer so a quiet interval still closes. */
  closeUpTo(ts: number): void {
    const closing: Candle[] = [];
    for (const [key, candle] of this.open) {
      if (candle.openTime + INTERVAL_MS[candle.interval] <= ts) {
        this.open.delete(key);
        closing.push(candle);
      }
    }
    // Same order as add(): shorter intervals first, whatever order the map holds them in.
    closing.sort((a, b) => INTERVAL_MS[a.interval] - INTERVAL_MS[b.interval]);
    for (const candle of closing) this.onClose({ ...candle });
  }

  /** The candle still open for the symbol and interval (a copy), if any. */
  current(symbol: string, interval: CandleInterval): Candle | undefined {
    const candle = this.open.get(`${symbol}\u0000${interval}`);
    return candle ? { ...candle } : undefined;
  }
}

/**
 * Builds longer candles from 1-minute ones (after a backfill or a load from the database).
 * Input may hold several symbols and come in any order; output is sorted by symbol, then time.
 * Every bucket with at least one 1m candle yields a candle, including a last one still in
 * progress: drop it yourself when only closed candles are wanted.
 */
export function aggregate(candles1m: readonly Candle[], interval: CandleInterval): Candle[] {
  const sorted = [...candles1m].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.openTime - b.openTime));
  const out: Candle[] = [];
  let current: Candle | undefined;
  for (const c of sorted) {
    if (c.interval !== "1m") throw new RangeError(`aggregate takes 1m candles, got ${c.interval}`);
    const openTime = alignTime(c.openTime, interval);
    if (current && current.symbol === c.symbol && current.openTime === openTime) {
      if (c.high > current.high) current.high = c.high;
      if (c.low < current.low) current.low = c.low;
      current.close = c.close;
      current.volume += c.volume;
      continue;
    }
    current = { symbol: c.symbol, interval, openTime, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
    out.push(current);
  }
  return out;
}
