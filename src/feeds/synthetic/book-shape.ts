import type { BookUpdate, Level } from "../../core/book.js";
import type { MarketSpec } from "../../core/market.js";
import type { SyntheticProfile } from "./profile.js";

/**
 * Lays out a full L2 snapshot around an integer mid. The book is a pure function of its inputs
 * (the jitter comes from its own generator seeded by shapeSeed), so the process can re-emit or shift
 * the current book without drawing from its main random stream.
 *
 * Guarantees the simulator relies on: integer ticks and lots, distinct prices strictly moving
 * away from the touch, best bid < best ask by at least one tick, midTicks(bestBid, bestAsk) ===
 * mid, and sizes strictly growing away from the touch (a deeper level never holds less).
 */

export interface BookShapeInput {
  market: MarketSpec;
  mid: number;
  spreadBps: number;
  depth: number;
  shapeSeed: number;
  profile: SyntheticProfile;
  ts: number;
}

export function buildSyntheticBook(input: BookShapeInput): BookUpdate {
  const { market, mid, profile } = input;
  const spread = Math.max(1, Math.round((input.spreadBps * mid) / 10_000));
  // With the bid floor(spread/2) below the mid, floor((bid + ask) / 2) is the mid for odd and even spreads.
  const bestBid = mid - Math.floor(spread / 2);
  const bestAsk = bestBid + spread;
  const gap = (profile.levelGapBps * mid) / 10_000;
  const { usdPerTick, lotsPerUnit } = scales(market);
  const priceUsd = mid * usdPerTick;
  const touchLots = ((profile.touchNotionalUsd * input.depth) / priceUsd) * lotsPerUnit;
  const jitter = new Jitter(input.shapeSeed);
  return {
    symbol: market.symbol,
    ts: input.ts,
    kind: "snapshot",
    bids: side(bestBid, -1, gap, touchLots, profile, jitter),
    asks: side(bestAsk, 1, gap, touchLots, profile, jitter),
  };
}

/** 10^-priceDecimals and 10^sizeDecimals per market, computed once (the same doubles as computing them each time). */
const SCALES = new WeakMap<MarketSpec, { usdPerTick: number; lotsPerUnit: number }>();

function scales(market: MarketSpec): { usdPerTick: number; lotsPerUnit: number } {
  let found = SCALES.get(market);
  if (!found) SCALES.set(market, (found = { usdPerTick: 10 ** -market.priceDecimals, lotsPerUnit: 10 ** market.sizeDecimals }));
  return found;
}

/**
 * mulberry32: the jitter needs a few cheap uniforms per book, and building a full Rng (closures,
 * four state words) for every snapshot cost more than laying out the book itself.
 */
class Jitter {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    const s = this.s;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function side(best: number, direction: 1 | -1, gap: number, touchLots: number, profile: SyntheticProfile, jitter: Jitter): Level[] {
  const levels: Level[] = [];
  const growth = profile.depthGrowth;
  let price = best;
  let previous = 0;
  for (let i = 0; i < profile.levels; i++) {
    // A mid pushed near zero by move() runs out of positive prices, one near the top of the range
    // out of exact ones: stop rather than emit a bad level.
    if (price < 1 || price > Number.MAX_SAFE_INTEGER) break;
    const wanted = Math.round(touchLots * (1 + growth * i) * (0.7 + 0.6 * jitter.next()));
    const size = Math.max(previous + 1, wanted);
    levels.push([price, size]);
    previous = size;
    price += direction * Math.max(1, Math.round(gap * (0.5 + jitter.next())));
  }
  return levels;
}
