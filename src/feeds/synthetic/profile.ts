import { type MarketSpec, priceToTicks } from "../../core/market.js";

/**
 * The numbers that make the synthetic market look like a liquid crypto perp. Kept apart from
 * the process so a reader can tune realism without reading the random walk.
 */

export type RegimeName = "calm" | "normal" | "volatile";

export interface Regime {
  /** Standard deviation of the log return over one minute. */
  volPerMinute: number;
  /** Mean time spent in the regime before switching (exponential holding time). */
  meanMinutes: number;
  /** Where the process goes when it leaves this regime: cumulative probabilities over `to`. */
  next: ReadonlyArray<readonly [RegimeName, number]>;
  jumpsPerHour: number;
  /** Spread the market reverts to, in basis points of the mid. */
  spreadBps: number;
  /** Depth multiplier the book reverts to (thin books in volatile markets). */
  depth: number;
  /** Traded volume multiplier. */
  volume: number;
}

export const REGIMES: Record<RegimeName, Regime> = {
  calm: {
    volPerMinute: 0.0005,
    meanMinutes: 120,
    next: [
      ["normal", 0.85],
      ["volatile", 1],
    ],
    jumpsPerHour: 0.05,
    spreadBps: 0.3,
    depth: 1.3,
    volume: 0.6,
  },
  normal: {
    volPerMinute: 0.0009,
    meanMinutes: 180,
    next: [
      ["calm", 0.6],
      ["volatile", 1],
    ],
    jumpsPerHour: 0.2,
    spreadBps: 0.5,
    depth: 1,
    volume: 1,
  },
  volatile: {
    volPerMinute: 0.0015,
    meanMinutes: 30,
    next: [
      ["normal", 0.75],
      ["calm", 1],
    ],
    jumpsPerHour: 1,
    spreadBps: 1.2,
    depth: 0.6,
    volume: 2.5,
  },
};

export interface SyntheticProfile {
  /** Standard deviation of a jump's log return. */
  jumpSd: number;
  /** Half-life scale of spread and depth mean reversion, ms. */
  reversionMs: number;
  /** Typical gap between adjacent book levels, basis points of the mid (jittered 0.5x–1.5x). */
  levelGapBps: number;
  /** Notional at the touch in USD; deeper levels grow by `depthGrowth` per level. */
  touchNotionalUsd: number;
  depthGrowth: number;
  /** Traded notional per minute in USD in the normal regime. */
  volumeUsdPerMinute: number;
  /** Levels per side in every snapshot. */
  levels: number;
}

export const DEFAULT_PROFILE: SyntheticProfile = {
  jumpSd: 0.003,
  reversionMs: 30_000,
  levelGapBps: 0.15,
  touchNotionalUsd: 25_000,
  depthGrowth: 0.35,
  volumeUsdPerMinute: 1_000_000,
  levels: 25,
};

/** Where a fresh market starts when nothing was recorded: roughly late-2024 prices. */
export const DEFAULT_START_PRICES: Readonly<Record<string, string>> = {
  BTC: "97000",
  ETH: "3400",
  SOL: "240",
};

export function defaultStartMid(market: MarketSpec): number {
  const price = DEFAULT_START_PRICES[market.symbol];
  if (price === undefined) {
    throw new Error(`no default start price for ${market.symbol}: pass startMid (ticks) for it`);
  }
  return priceToTicks(market, price, "exact");
}
