import { type BookSnapshot, type BookUpdate, type Level, midTicks } from "../core/book.js";
import { searchKey } from "./search.js";

/**
 * The aggregated (L2) book of one market exactly as its feed reports it: the market-data room
 * keeps one per symbol (src/market/market-room.ts) and every reader shares it. Nothing a
 * simulated order does changes it; the simulator keeps the liquidity its takers consumed in its
 * own overlay on top (./consumed-book.ts).
 *
 * Storage mirrors the order book: per side one array of levels sorted by key = sign * price
 * (+1 bids, -1 asks), best level last, so the churn at the touch is push/pop and a delta deeper
 * in the book costs a binary search plus a short splice.
 */

export type BookSideName = "bids" | "asks";

/** One level as stored: `key` = sign * price, so "better" is always "larger key". */
export interface BookLevel {
  readonly price: number;
  readonly key: number;
  readonly size: number;
}

/** Mutable here only: a snapshot in feed order is written over spare level objects (L2Side.fill). */
interface L2Level {
  price: number;
  key: number;
  size: number;
}

class L2Side {
  /** Sorted by key ascending: the best level is the last element. */
  levels: L2Level[] = [];
  /** The levels before the current ones, whose objects the next snapshot is written into (see fill). */
  private spare: L2Level[] = [];

  constructor(readonly sign: 1 | -1) {}

  /** Delta semantics: absolute size, 0 removes. The level was checked by the caller. */
  set(price: number, size: number): void {
    const key = this.sign * price;
    const levels = this.levels;
    const i = searchKey(levels, key);
    if (i >= 0) {
      if (size === 0) levels.splice(i, 1);
      else levels[i]!.size = size;
    } else if (size > 0) {
      const at = -i - 1;
      const level: L2Level = { price, key, size };
      if (at === levels.length) levels.push(level);
      else levels.splice(at, 0, level);
    }
  }

  /**
   * Snapshot semantics, the common case: a snapshot in stored order (strictly best first, no
   * zero sizes), as every feed sends one, checked and laid out in one pass over the level
   * objects the side held before its current ones (`spare`, no reader sees them any more). The
   * live levels are not touched, so a bad level leaves the book as it was; null as soon as the
   * input is out of order (build() takes it then). A 25-level snapshot per update allocated 50
   * level objects before; now it allocates one array a side. The array itself is new on purpose:
   * reusing it too made the recorded replays (a deep snapshot, then thousands of deltas spliced
   * in) 40% slower, a long-lived array being dearer to splice into than a young one.
   */
  fill(name: BookSideName, input: readonly Level[]): L2Level[] | null {
    const pool = this.spare;
    const n = input.length;
    let lastKey = -Infinity;
    for (let j = 0; j < n; j++) {
      const level = input[n - 1 - j]!;
      const price = level[0];
      const size = level[1];
      checkLevel(name, price, size);
      const key = this.sign * price;
      if (key <= lastKey || size === 0) return null;
      lastKey = key;
      const stored = pool[j];
      if (stored === undefined) {
        pool.push({ price, key, size });
      } else {
        stored.price = price;
        stored.key = key;
        stored.size = size;
      }
    }
    return pool.length === n ? pool.slice() : pool.slice(0, n);
  }

  /** The side becomes `levels` (from fill() or build()); the objects it held become the spare ones. */
  commit(levels: L2Level[]): void {
    this.spare = this.levels;
    this.levels = levels;
  }

  /** Snapshot semantics for any input: the levels the side becomes, checked, without changing the side yet. */
  build(name: BookSideName, input: readonly Level[]): L2Level[] {
    let levels: L2Level[] = [];
    // Feeds send best first, which is descending key: reading backwards is usually already sorted.
    let sorted = true;
    let empties = false;
    for (let i = input.length - 1; i >= 0; i--) {
      const level = input[i]!;
      const price = level[0];
      const size = level[1];
      checkLevel(name, price, size);
      const key = this.sign * price;
      const last = levels[levels.length - 1];
      if (last !== undefined && key <= last.key) sorted = false;
      if (size === 0) empties = true;
      levels.push({ price, key, size });
    }
    if (!sorted) levels = sortUnique(levels);
    // Zero sizes are dropped only now, so a repeated price whose last entry is 0 ends up absent.
    return empties ? levels.filter((level) => level.size > 0) : levels;
  }

  best(): L2Level | undefined {
    return this.levels[this.levels.length - 1];
  }
}

export class L2Book {
  private readonly bids = new L2Side(1);
  private readonly asks = new L2Side(-1);
  private lastTs = 0;

  constructor(readonly symbol: string) {}

  /** Timestamp of the last update applied (0 before the first). */
  get ts(): number {
    return this.lastTs;
  }

  /**
   * Applies a feed update: a snapshot replaces both sides, a delta sets the absolute size of each
   * listed level (0 removes it). An update for another symbol or with an invalid level throws
   * and changes nothing.
   */
  applyUpdate(u: BookUpdate): void {
    if (u.symbol !== this.symbol) throw new RangeError(`book ${this.symbol} got an update for ${u.symbol}`);
    if (u.kind === "snapshot") {
      // Both sides are checked before either changes: a bad level anywhere leaves the book as it was.
      const bids = this.bids.fill("bids", u.bids) ?? this.bids.build("bids", u.bids);
      const asks = this.asks.fill("asks", u.asks) ?? this.asks.build("asks", u.asks);
      this.bids.commit(bids);
      this.asks.commit(asks);
    } else {
      checkLevels("bids", u.bids);
      checkLevels("asks", u.asks);
      const { bids, asks } = u;
      for (let i = 0; i < bids.length; i++) this.bids.set(bids[i]![0], bids[i]![1]);
      for (let i = 0; i < asks.length; i++) this.asks.set(asks[i]![0], asks[i]![1]);
    }
    this.lastTs = u.ts;
  }

  bestBid(): number | undefined {
    return this.bids.best()?.price;
  }

  bestAsk(): number | undefined {
    return this.asks.best()?.price;
  }

  /** The feed's mid: the mark price. */
  mid(): number | undefined {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid === undefined || ask === undefined ? undefined : midTicks(bid.price, ask.price);
  }

  /** True when the best bid is at or above the best ask (a bad or stale feed). */
  crossed(): boolean {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid !== undefined && ask !== undefined && bid.price >= ask.price;
  }

  /** Lots per price, best first, at most `depth` levels. */
  levels(side: BookSideName, depth: number): Level[] {
    const levels = this.side(side);
    const out: Level[] = [];
    for (let i = levels.length - 1; i >= 0 && out.length < depth; i--) out.push([levels[i]!.price, levels[i]!.size]);
    return out;
  }

  snapshot(depth: number): BookSnapshot {
    return { symbol: this.symbol, bids: this.levels("bids", depth), asks: this.levels("asks", depth), ts: this.lastTs };
  }

  /**
   * The side's levels as stored, sorted by key ascending (worst first, best LAST), for readers
   * that walk the book on the hot path without copying it. Read-only, and valid until the next
   * update: a snapshot replaces the array (the one after it reuses this one's level objects),
   * a delta changes it in place.
   */
  side(side: BookSideName): readonly BookLevel[] {
    return (side === "bids" ? this.bids : this.asks).levels;
  }

  /** Index in `side(side)` of the level at exactly this price, or -1. */
  indexOf(side: BookSideName, price: number): number {
    const s = side === "bids" ? this.bids : this.asks;
    const i = searchKey(s.levels, s.sign * price);
    return i < 0 ? -1 : i;
  }
}

/** What a reader of a shared book may call: everything but applying updates, which is the room's. */
export type L2BookView = Omit<L2Book, "applyUpdate">;

function checkLevels(side: BookSideName, levels: readonly Level[]): void {
  for (let i = 0; i < levels.length; i++) checkLevel(side, levels[i]![0], levels[i]![1]);
}

function checkLevel(side: BookSideName, price: number, size: number): void {
  if (!Number.isSafeInteger(price) || price <= 0 || !Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`invalid ${side} level [${price}, ${size}]: price must be a positive integer, size a non-negative integer`);
  }
}

/** Sorts by key and keeps the last occurrence of a repeated price, as a feed's later entry wins. */
function sortUnique(levels: L2Level[]): L2Level[] {
  // The array holds the input reversed, so "last in the feed" is "first here": a stable sort keeps it first.
  const sorted = levels.slice().sort((a, b) => a.key - b.key);
  const out: L2Level[] = [];
  for (const level of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || last.key !== level.key) out.push(level);
  }
  return out;
}
