/**
 * The market-data room: the one place that knows what the markets look like right now.
 *
 *   feed (synthetic | replay file | a venue's WebSocket)
 *     │  apply(update)            one BookUpdate at a time, each symbol's first a snapshot
 *     ▼
 *   MarketRoom ── per symbol: the feed's L2 book (src/book/l2-book.ts) and its quote
 *     │           (best bid, best ask, mid, time of the last update), exactly as the feed sent them
 *     ▼  book listeners, in the order they were added, after the book and quote are updated:
 *     1. the simulator (SimVenue): refreshes its liquidity-consumption overlay, expires GTT
 *        orders and fills the resting orders the new book crosses
 *     2. the exit engine: stops, targets, invalidation, time exits and liquidation on the quote
 *        (the feed's touch, as a live venue shows it; the simulator's consumption is its own)
 *     3. candles (./candle-store.ts) from the mid, plus volume from trade(print)
 *     4. the throttled `market` event the dashboard streams (./market-ticks.ts)
 *
 * Readers (the trading service's quote, the API's markets and book, a live venue that only needs
 * prices) call quote(), mid(), snapshot() or book() whenever they like; they all see the same
 * book. Nothing a simulated order does changes it: the simulator keeps what its takers consumed
 * in its own overlay (src/book/consumed-book.ts), and the mark price is always the feed's mid.
 *
 * The room is pure and synchronous: no I/O, no clock, no timers. What listeners do is their
 * business, but each is isolated: one that throws is reported (to `onListenerError`, the
 * composition root's logger) and neither stops the listeners after it nor the feed. Without
 * `onListenerError` (tests, benchmarks) every listener still runs and the first failure is then
 * thrown to the caller of apply().
 */
import type { BookSnapshot, BookUpdate } from "../core/book.js";
import { midTicks } from "../core/book.js";
import type { MarketSpec } from "../core/market.js";
import { L2Book, type L2BookView } from "../book/l2-book.js";
import type { TradePrint } from "../feeds/feed.js";

/** The touch of one market as the feed shows it. */
export interface MarketQuote {
  readonly symbol: string;
  readonly bid: number | undefined;
  readonly ask: number | undefined;
  /** The mark price: the feed's mid, floored to the tick. */
  readonly mid: number | undefined;
  /** Time of the last update applied (the feed's clock), 0 before the first. */
  readonly ts: number;
}

/** Reacts to every applied update; `quote` is the symbol's quote after it (live: read it, do not keep it). */
export type BookListener = (update: BookUpdate, quote: MarketQuote) => void;
export type TradeListener = (trade: TradePrint) => void;
/** A market joined the room (a prediction market the feed discovered). */
export type MarketListener = (market: MarketSpec) => void;

/** What readers of market data need: the API, the trading service's quote, a live venue's checks. */
export interface MarketData {
  readonly markets: readonly MarketSpec[];
  /** The spec of one market (a perpetual or an outcome token). */
  market(symbol: string): MarketSpec | undefined;
  quote(symbol: string): MarketQuote | undefined;
  mid(symbol: string): number | undefined;
  snapshot(symbol: string, depth: number): BookSnapshot | undefined;
}

export interface MarketRoomOptions {
  markets: readonly MarketSpec[];
  /** Where a listener's failure goes (the composition root logs it). Without it, apply() throws the first failure after every listener ran. */
  onListenerError?: (error: unknown, listener: string, symbol: string) => void;
}

interface Entry {
  readonly spec: MarketSpec;
  readonly book: L2Book;
  readonly quote: { symbol: string; bid: number | undefined; ask: number | undefined; mid: number | undefined; ts: number };
}

interface Named<T> {
  readonly name: string;
  readonly fn: T;
}

export class MarketRoom implements MarketData {
  /** Replaced, never mutated, when a market joins: a reader holding the list keeps the one it read. */
  private list: readonly MarketSpec[];
  private marketListeners: ReadonlyArray<Named<MarketListener>> = [];
  private readonly entries = new Map<string, Entry>();
  /** Replaced, never mutated, on (un)subscribe: a dispatch in progress keeps the list it started with. */
  private bookListeners: ReadonlyArray<Named<BookListener>> = [];
  private tradeListeners: ReadonlyArray<Named<TradeListener>> = [];
  private readonly onListenerError: MarketRoomOptions["onListenerError"];

  constructor(options: MarketRoomOptions) {
    this.list = options.markets;
    this.onListenerError = options.onListenerError;
    for (const m of options.markets) {
      if (this.entries.has(m.symbol)) throw new RangeError(`market ${m.symbol} is listed twice`);
      this.entries.set(m.symbol, { spec: m, book: new L2Book(m.symbol), quote: { symbol: m.symbol, bid: undefined, ask: undefined, mid: undefined, ts: 0 } });
    }
  }

  /** Every market the room holds: those it started with, then those that joined, in that order. */
  get markets(): readonly MarketSpec[] {
    return this.list;
  }

  /**
   * Adds a market while running (prediction markets come and go); its market listeners (the
   * simulator first) learn of it before any update for it is applied. False when it is already
   * here (the spec held is kept).
   */
  addMarket(market: MarketSpec): boolean {
    if (this.entries.has(market.symbol)) return false;
    this.entries.set(market.symbol, { spec: market, book: new L2Book(market.symbol), quote: { symbol: market.symbol, bid: undefined, ask: undefined, mid: undefined, ts: 0 } });
    this.list = [...this.list, market];
    for (const l of this.marketListeners) {
      try {
        l.fn(market);
      } catch (error) {
        if (this.onListenerError) this.onListenerError(error, l.name, market.symbol);
        else throw error;
      }
    }
    return true;
  }

  /** The spec of a market the room holds. */
  market(symbol: string): MarketSpec | undefined {
    return this.entries.get(symbol)?.spec;
  }

  /** Adds a listener told of every market that joins from now on; returns its removal. */
  onMarket(name: string, listener: MarketListener): () => void {
    const entry: Named<MarketListener> = { name, fn: listener };
    this.marketListeners = [...this.marketListeners, entry];
    return () => {
      this.marketListeners = this.marketListeners.filter((l) => l !== entry);
    };
  }

  // ---- fed by a feed ----

  /**
   * Applies one feed update to the symbol's book and quote, then runs the book listeners in
   * order. An update for a market the room does not hold is ignored (false); an invalid one
   * (bad level) throws before anything changes or any listener runs.
   */
  apply(update: BookUpdate): boolean {
    const entry = this.entries.get(update.symbol);
    if (!entry) return false;
    const { book, quote } = entry;
    book.applyUpdate(update);
    const bid = book.bestBid();
    const ask = book.bestAsk();
    quote.bid = bid;
    quote.ask = ask;
    quote.mid = bid === undefined || ask === undefined ? undefined : midTicks(bid, ask);
    quote.ts = update.ts;
    const listeners = this.bookListeners;
    let failure: { error: unknown } | undefined;
    for (let i = 0; i < listeners.length; i++) {
      const l = listeners[i]!;
      try {
        l.fn(update, quote);
      } catch (error) {
        if (this.onListenerError) this.onListenerError(error, l.name, update.symbol);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return true;
  }

  /** A trade the feed reports (volume for candles); prints for unknown markets are ignored. */
  trade(print: TradePrint): void {
    if (!this.entries.has(print.symbol)) return;
    let failure: { error: unknown } | undefined;
    for (const l of this.tradeListeners) {
      try {
        l.fn(print);
      } catch (error) {
        if (this.onListenerError) this.onListenerError(error, l.name, print.symbol);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  // ---- who reacts ----

  /** Adds a listener after those already added; returns its removal. */
  onBook(name: string, listener: BookListener): () => void {
    const entry: Named<BookListener> = { name, fn: listener };
    this.bookListeners = [...this.bookListeners, entry];
    return () => {
      this.bookListeners = this.bookListeners.filter((l) => l !== entry);
    };
  }

  onTrade(name: string, listener: TradeListener): () => void {
    const entry: Named<TradeListener> = { name, fn: listener };
    this.tradeListeners = [...this.tradeListeners, entry];
    return () => {
      this.tradeListeners = this.tradeListeners.filter((l) => l !== entry);
    };
  }

  /** The book listeners' names in the order they run. */
  listeners(): string[] {
    return this.bookListeners.map((l) => l.name);
  }

  // ---- read by anyone ----

  /** The symbol's current quote (a copy), or undefined for a market the room does not hold. */
  quote(symbol: string): MarketQuote | undefined {
    const q = this.entries.get(symbol)?.quote;
    return q && { ...q };
  }

  /** The mark price: the feed's mid. */
  mid(symbol: string): number | undefined {
    return this.entries.get(symbol)?.quote.mid;
  }

  /** The feed's book, best `depth` levels a side. */
  snapshot(symbol: string, depth: number): BookSnapshot | undefined {
    return this.entries.get(symbol)?.book.snapshot(depth);
  }

  /** The symbol's book itself, read-only (the simulator overlays its consumption on it). */
  book(symbol: string): L2BookView | undefined {
    return this.entries.get(symbol)?.book;
  }
}
