import type { BookUpdate } from "../../core/book.js";
import { systemClock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import type { MarketSpec } from "../../core/market.js";
import { parseScaled } from "../../core/decimal.js";
import type { LighterSocket, Frame } from "../../venues/lighter/socket.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import type { MarketFeed, TradePrint } from "../feed.js";
import { BookStream, type OrderBookFrame } from "./book-stream.js";
import { readMarketStats } from "./market-stats.js";

export interface LighterFeedOptions {
  markets: readonly MarketSpec[];
  socket: LighterSocket;
  /** A market with no book frame for this long is stale: no new entries, exits still watched. */
  staleMs?: number;
  logger?: Logger;
  /** Wall time (staleness is real time whatever clock the engine runs on). */
  now?: () => number;
}

interface MarketState {
  stream: BookStream;
  lastFrameAt: number | undefined;
  gaps: number;
  updates: number;
  /** market_stats frames read, and refused as malformed (reported, then ignored). */
  stats: number;
  statsRejected: number;
}

/**
 * Market data from Lighter's WebSocket: every market's `order_book` channel (snapshot, then
 * diffs checked for gaps; a gap resubscribes for a fresh snapshot), `trade` channel (volume
 * for candles) and `market_stats` channel (funding rate and open interest, see market-stats.ts for
 * the unit). Paper trading on it trades against Lighter's real books and pays Lighter's funding.
 */
export class LighterFeed implements MarketFeed {
  readonly kind = "lighter" as const;
  private readonly states = new Map<string, MarketState>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly staleMs: number;
  private unsubscribes: (() => void)[] = [];

  constructor(private readonly options: LighterFeedOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => systemClock.now());
    this.staleMs = options.staleMs ?? 30_000;
    for (const m of options.markets) this.states.set(m.symbol, { stream: new BookStream(m), lastFrameAt: undefined, gaps: 0, updates: 0, stats: 0, statsRejected: 0 });
  }

  get markets(): readonly MarketSpec[] {
    return this.options.markets;
  }

  start(sink: (update: BookUpdate) => void, onTrade?: (trade: TradePrint) => void, onDerivatives?: (snapshot: DerivativesSnapshot) => void): void {
    const { socket } = this.options;
    for (const market of this.options.markets) {
      const state = this.states.get(market.symbol)!;
      const bookChannel = `order_book/${market.marketId}`;
      this.unsubscribes.push(
        socket.subscribe(bookChannel, (frame) => {
          let step;
          try {
            step = state.stream.step(frame as OrderBookFrame, this.now());
          } catch (error) {
            state.gaps++;
            this.logger.error({ err: error, symbol: market.symbol }, "unreadable Lighter order book frame; resubscribing for a fresh snapshot");
            socket.resubscribe(bookChannel);
            return;
          }
          if (step.kind === "gap") {
            state.gaps++;
            this.logger.warn({ symbol: market.symbol, expected: step.expected, got: step.got }, "Lighter order book gap; resubscribing for a fresh snapshot");
            socket.resubscribe(bookChannel);
            return;
          }
          if (step.kind !== "update") return;
          state.lastFrameAt = this.now();
          state.updates++;
          sink(step.update);
        }),
      );
      if (onTrade) this.unsubscribes.push(socket.subscribe(`trade/${market.marketId}`, (frame) => this.onTrades(market, frame, onTrade)));
      if (onDerivatives) this.unsubscribes.push(socket.subscribe(`market_stats/${market.marketId}`, (frame) => this.onStats(market, state, frame, onDerivatives)));
    }
    // After a reconnect the server sends fresh snapshots; diffs before them are ignored.
    this.unsubscribes.push(socket.onReconnect(() => this.states.forEach((s) => s.stream.reset())));
  }

  stop(): void {
    for (const u of this.unsubscribes.splice(0)) u();
  }

  /** True when the market's book is out of date: never synced, a gap not yet healed, or silent for staleMs. */
  isStale(symbol: string): boolean {
    const s = this.states.get(symbol);
    if (!s) return true;
    return !s.stream.isSynced || s.lastFrameAt === undefined || this.now() - s.lastFrameAt > this.staleMs;
  }

  describe(): Record<string, unknown> {
    const markets: Record<string, unknown> = {};
    for (const [symbol, s] of this.states) {
      markets[symbol] = {
        synced: s.stream.isSynced,
        stale: this.isStale(symbol),
        lastUpdateAgeMs: s.lastFrameAt === undefined ? null : this.now() - s.lastFrameAt,
        updates: s.updates,
        gaps: s.gaps,
        stats: s.stats,
        statsRejected: s.statsRejected,
      };
    }
    return { kind: this.kind, connected: this.options.socket.isConnected(), staleAfterMs: this.staleMs, markets };
  }

  /** A stats frame that cannot be read is reported and skipped: the last good rate stays, the book stream is untouched. */
  private onStats(market: MarketSpec, state: MarketState, frame: Frame, onDerivatives: (snapshot: DerivativesSnapshot) => void): void {
    const reading = readMarketStats(market, frame, this.now());
    if (reading.kind === "ignored") return;
    if (reading.kind === "rejected") {
      state.statsRejected++;
      this.logger.warn({ symbol: market.symbol, reason: reading.reason }, "unreadable Lighter market_stats frame; ignored");
      return;
    }
    state.stats++;
    if (reading.note) this.logger.warn({ symbol: market.symbol, reason: reading.note }, "Lighter market_stats: open interest left out");
    onDerivatives(reading.snapshot);
  }

  private onTrades(market: MarketSpec, frame: Frame, onTrade: (trade: TradePrint) => void): void {
    // The subscription's first frame replays recent history: not volume of this moment.
    if (frame.type?.startsWith("subscribed/")) return;
    const trades = Array.isArray(frame.trades) ? (frame.trades as { price?: string; size?: string; timestamp?: number }[]) : [];
    for (const t of trades) {
      if (typeof t.price !== "string" || typeof t.size !== "string") continue;
      onTrade({
        symbol: market.symbol,
        ts: typeof t.timestamp === "number" ? t.timestamp : this.now(),
        priceTicks: Number(parseScaled(t.price, market.priceDecimals)),
        sizeLots: Number(parseScaled(t.size, market.sizeDecimals)),
      });
    }
  }
}
