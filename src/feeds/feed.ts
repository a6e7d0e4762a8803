import type { BookUpdate } from "../core/book.js";
import type { MarketSpec } from "../core/market.js";
import type { DerivativesSnapshot } from "../market/derivatives.js";

export type FeedKind = "synthetic" | "replay" | "lighter";

/**
 * Volume that traded at a price, for candles. Book updates carry no volume, so feeds that know
 * (the synthetic process, candle replays) report it here; a feed that does not simply never calls.
 */
export interface TradePrint {
  symbol: string;
  ts: number;
  priceTicks: number;
  sizeLots: number;
}

/** A source of order-book updates for a set of markets: synthetic, a recorded file, later a live venue. */
export interface MarketFeed {
  readonly kind: FeedKind;
  readonly markets: readonly MarketSpec[];
  /**
   * Starts delivering updates to the sink; each symbol's first update is a snapshot. A feed that
   * knows a market's funding rate or open interest reports it to `onDerivatives` (others never call it).
   */
  start(sink: (update: BookUpdate) => void, onTrade?: (trade: TradePrint) => void, onDerivatives?: (snapshot: DerivativesSnapshot) => void): void;
  stop(): void;
  /** What /api/health shows about the feed. */
  describe(): Record<string, unknown>;
}

export type CandleInterval = "1m" | "5m" | "1h";

export const INTERVAL_MS: Record<CandleInterval, number> = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000 };

/** OHLCV in integer ticks and lots. */
export interface Candle {
  symbol: string;
  interval: CandleInterval;
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}
