import type { BookUpdate, Level } from "../../core/book.js";
import { parseScaled } from "../../core/decimal.js";
import type { MarketSpec } from "../../core/market.js";

interface WireLevel {
  price: string;
  size: string;
}

export interface OrderBookFrame {
  type?: string;
  timestamp?: number;
  order_book?: { asks?: WireLevel[]; bids?: WireLevel[]; nonce?: number; begin_nonce?: number };
}

export type BookStep = { kind: "update"; update: BookUpdate } | { kind: "gap"; expected: number; got: number } | { kind: "ignored" };

/**
 * One market's `order_book` channel turned into book updates. Lighter sends a snapshot
 * (`subscribed/order_book`), then diffs whose `begin_nonce` must equal the previous frame's
 * `nonce`: anything else means a diff was lost, the book can no longer be trusted, and the
 * caller resubscribes for a fresh snapshot (diffs until then are ignored).
 */
export class BookStream {
  private lastNonce: number | undefined;
  private synced = false;

  constructor(private readonly market: MarketSpec) {}

  /** Call after (re)subscribing: only a snapshot is accepted next. */
  reset(): void {
    this.synced = false;
    this.lastNonce = undefined;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  step(frame: OrderBookFrame, now: number): BookStep {
    const book = frame.order_book;
    if (!book) return { kind: "ignored" };
    const snapshot = frame.type?.startsWith("subscribed/") ?? false;
    const ts = typeof frame.timestamp === "number" ? frame.timestamp : now;
    if (snapshot) {
      // Parsed before the stream moves on: a frame that cannot be read leaves it unsynced.
      const update: BookUpdate = { symbol: this.market.symbol, ts, kind: "snapshot", bids: this.levels(book.bids), asks: this.levels(book.asks) };
      this.synced = true;
      this.lastNonce = book.nonce;
      return { kind: "update", update };
    }
    if (!this.synced) return { kind: "ignored" };
    if (this.lastNonce !== undefined && book.begin_nonce !== this.lastNonce) {
      const gap: BookStep = { kind: "gap", expected: this.lastNonce, got: book.begin_nonce ?? -1 };
      this.reset();
      return gap;
    }
    let update: BookUpdate;
    try {
      update = { symbol: this.market.symbol, ts, kind: "delta", bids: this.levels(book.bids), asks: this.levels(book.asks) };
    } catch (error) {
      // A diff we cannot apply is as bad as a lost one: start over from a snapshot.
      this.reset();
      throw error;
    }
    this.lastNonce = book.nonce;
    return { kind: "update", update };
  }

  private levels(wire: WireLevel[] | undefined): Level[] {
    return (wire ?? []).map((l) => [Number(parseScaled(l.price, this.market.priceDecimals)), Number(parseScaled(l.size, this.market.sizeDecimals))] as const);
  }
}
