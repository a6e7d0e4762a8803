import type { MarketSpec } from "../../core/market.js";
import type { Candle } from "../feed.js";
import { createSyntheticMarket } from "./process.js";
import type { SyntheticProfile } from "./profile.js";

const MINUTE = 60_000;

export interface BackfillOptions {
  market: MarketSpec;
  seed: number | string;
  /** The close of the last candle, ticks: the price the live feed starts from. */
  endMid: number;
  /** Candles cover whole minutes ending at or before this instant (the last one closes ≤ endTime). */
  endTime: number;
  /** How many 1-minute candles (default 4320 = 72 h, enough for EMA 50 on 1h candles). */
  minutes?: number;
  /** Price samples per minute from which high and low are taken (default 6). */
  stepsPerMinute?: number;
  profile?: Partial<SyntheticProfile>;
}

/**
 * History for a fresh database: the same synthetic process run forward for `minutes`, then
 * rescaled so the last close is exactly endMid. Rescaling multiplies every price by one factor
 * (a shift in log price), so returns, volatility regimes and jumps are untouched, and rounding
 * is monotone, so low ≤ open, close ≤ high still holds on every candle. Each candle opens at the
 * previous close, as a continuous market does.
 */
export function backfillCandles(options: BackfillOptions): Candle[] {
  const { market, endMid } = options;
  const minutes = options.minutes ?? 4320;
  const steps = options.stepsPerMinute ?? 6;
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`minutes must be a positive integer, got ${minutes}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`stepsPerMinute must be a positive integer, got ${steps}`);
  if (!Number.isInteger(endMid) || endMid <= 0) throw new RangeError(`endMid must be a positive integer of ticks, got ${endMid}`);
  const lastOpen = Math.floor(options.endTime / MINUTE) * MINUTE - MINUTE;
  const firstOpen = lastOpen - (minutes - 1) * MINUTE;
  const process = createSyntheticMarket({
    market,
    // Its own stream: a backfill never shifts the live feed's path for the same seed.
    seed: `${options.seed}/backfill/${market.symbol}`,
    startMid: endMid,
    profile: options.profile,
  });
  const dt = MINUTE / steps;
  const raw: Candle[] = [];
  let close = process.mid();
  for (let i = 0; i < minutes; i++) {
    const open = close;
    let high = open;
    let low = open;
    let volume = 0;
    for (let s = 0; s < steps; s++) {
      volume += process.evolve(dt);
      const price = process.mid();
      if (price > high) high = price;
      if (price < low) low = price;
      close = price;
    }
    raw.push({ symbol: market.symbol, interval: "1m", openTime: firstOpen + i * MINUTE, open, high, low, close, volume });
  }
  // One multiplication and one division per price, each correctly rounded: the last close maps
  // to exactly endMid (close * endMid / close), every other price to the nearest tick.
  const scale = (ticks: number): number => Math.max(1, Math.round((ticks * endMid) / close));
  return raw.map((c) => ({ ...c, open: scale(c.open), high: scale(c.high), low: scale(c.low), close: scale(c.close) }));
}
