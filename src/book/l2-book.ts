import { type BookSnapshot, type BookUpdate, type Level, midTicks } from "../core/book.js";
import { searchKey } from "./search.js";

/**
 * The aggregated (L2) book of one market as a feed maintains it: the external liquidity the
 * exchange simulator trades against.
 *
 * A simulated taker cannot remove liquidity from the real market, so the book keeps a
 * consumption overlay: lots a simulated taker filled at a price are marked consumed until the
 * feed refreshes that price (a delta touching it, or any snapshot). Until then every reader
 * (best prices, levels, walks) sees only what is left, so the same resting liquidity is never
 * filled twice, and a second order walks on to the next level as it would on the venue.
 *
 * Storage mirrors the order book: per side one array of levels sorted by key = sign * price
 * (+1 bids, -1 asks), best level last, so the churn at the touch is push/pop and a delta deeper
 * in the book costs a binary search plus a short splice.
 */

type TakerSide = "BUY" | "SELL";

interface L2Level {
  readonly price: number;
  readonly key: number;
  size: number;
  /** Lots taken by simulated takers since the feed last refreshed this price. */
  consumed: number;
}

interface Fill {
  price: number;
  lots: number;
}

class L2Side {
  /** Sorted by key ascending: the best level is the last element. */
  levels: L2Level[] = [];

  constructor(
    readonly name: "bids" | "asks",
    readonly sign: 1 | -1,
  ) {}

  /** Index of the level with exactly this key, or -(insertion point) - 1 when absent. */
  search(key: number): number {
    return searchKey(this.levels, key);
  }

  /** Delta semantics: absolute size, 0 removes; either way the feed has refreshed the price. */
  set(price: number, size: number): void {
    checkLevel(this.name, price, size);
    const key = this.sign * price;
    const levels = this.levels;
    const i = this.search(key);
    if (i >= 0) {
      if (size === 0) levels.splice(i, 1);
      else {
        const level = levels[i]!;
        level.size = size;
        level.consumed = 0;
      }
    } else if (size > 0) {
      const at = -i - 1;
      const level: L2Level = { price, key, size, consumed: 0 };
      if (at === levels.length) levels.push(level);
      else levels.splice(at, 0, level);
    }
  }

  /** Snapshot semantics: the side becomes exactly these levels, with nothing consumed. */
  replace(input: readonly Level[]): void {
    let levels: L2Level[] = [];
    // Feeds send best first, which is descending key: reading backwards is usually already sorted.
    let sorted = true;
    let empties = false;
    for (let i = input.length - 1; i >= 0; i--) {
      const [price, size] = input[i]!;
      checkLevel(this.name, price, size);
      const key = this.sign * price;
      const last = levels[levels.length - 1];
      if (last !== undefined && key <= last.key) sorted = false;
      if (size === 0) empties = true;
      levels.push({ price, key, size, consumed: 0 });
    }
    if (!sorted) levels = sortUnique(levels);
    // Zero sizes are dropped only now, so a repeated price whose last entry is 0 ends up absent.
    this.levels = empties ? levels.filter((level) => level.size > 0) : levels;
  }

  /** Index of the best level with available lots, or -1. */
  bestIndex(): number {
    const levels = this.levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (level.size > level.consumed) return i;
    }
    return -1;
  }
}

export class L2Book {
  private readonly bids = new L2Side("bids", 1);
  private readonly asks = new L2Side("asks", -1);
  private lastTs = 0;

  constructor(readonly symbol: string) {}

  /** Timestamp of the last update applied. */
  get ts(): number {
    return this.lastTs;
  }

  applyUpdate(u: BookUpdate): void {
    if (u.symbol !== this.symbol) throw new RangeError(`book ${this.symbol} got an update for ${u.symbol}`);
    if (u.kind === "snapshot") {
      this.bids.replace(u.bids);
      this.asks.replace(u.asks);
    } else {
      for (const [price, size] of u.bids) this.bids.set(price, size);
      for (const [price, size] of u.asks) this.asks.set(price, size);
    }
    this.lastTs = u.ts;
  }

  bestBid(): number | undefined {
    const i = this.bids.bestIndex();
    return i < 0 ? undefined : this.bids.levels[i]!.price;
  }

  bestAsk(): number | undefined {
    const i = this.asks.bestIndex();
    return i < 0 ? undefined : this.asks.levels[i]!.price;
  }

  mid(): number | undefined {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid === undefined || ask === undefined ? undefined : midTicks(bid, ask);
  }

  /**
   * The mid the feed itself shows, ignoring liquidity consumed by simulated fills: the mark
   * price. Paper fills must not move the market's price, nor leave it undefined when they
   * happen to take a whole side until the feed refreshes.
   */
  marketMid(): number | undefined {
    const bid = this.bids.levels[this.bids.levels.length - 1];
    const ask = this.asks.levels[this.asks.levels.length - 1];
    return bid === undefined || ask === undefined ? undefined : midTicks(bid.price, ask.price);
  }

  /** True when the best available bid is at or above the best available ask (a bad or stale feed). */
  crossed(): boolean {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }

  /** Available (size − consumed) lots per price, best first, exhausted levels skipped. */
  levels(side: "bids" | "asks", depth: number): Level[] {
    const levels = (side === "bids" ? this.bids : this.asks).levels;
    const out: Level[] = [];
    for (let i = levels.length - 1; i >= 0 && out.length < depth; i--) {
      const level = levels[i]!;
      const available = level.size - level.consumed;
      if (available > 0) out.push([level.price, available]);
    }
    return out;
  }

  snapshot(depth: number): BookSnapshot {
    return { symbol: this.symbol, bids: this.levels("bids", depth), asks: this.levels("asks", depth), ts: this.lastTs };
  }

  /**
   * A taker's path, without mutating: BUY walks asks ascending, SELL walks bids descending;
   * stops at maxLots or at the first price beyond limitPrice (limitPrice itself is included).
   */
  walk(side: TakerSide, maxLots: number, limitPrice?: number): { fills: Fill[]; filled: number } {
    const book = this.liquidityFor(side);
    const bound = limitPrice === undefined ? -Infinity : book.sign * limitPrice;
    const levels = book.levels;
    const fills: Fill[] = [];
    let filled = 0;
    for (let i = levels.length - 1; i >= 0 && filled < maxLots; i--) {
      const level = levels[i]!;
      if (level.key < bound) break;
      const available = level.size - level.consumed;
      if (available <= 0) continue;
      const lots = Math.min(available, maxLots - filled);
      fills.push({ price: level.price, lots });
      filled += lots;
    }
    return { fills, filled };
  }

  /** Lots a taker of `side` could fill at limitPrice or better (FOK checks). */
  availableTo(side: TakerSide, limitPrice?: number): number {
    const book = this.liquidityFor(side);
    const bound = limitPrice === undefined ? -Infinity : book.sign * limitPrice;
    const levels = book.levels;
    let total = 0;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (level.key < bound) break;
      if (level.size > level.consumed) total += level.size - level.consumed;
    }
    return total;
  }

  /**
   * Marks fills of a taker as consumed: a BUY taker consumed asks, a SELL taker bids.
   * Fills must come from a walk of the current book; one that asks for more than is available
   * is a caller bug and throws, leaving the book as it was.
   */
  consume(side: TakerSide, fills: readonly Fill[]): void {
    const book = this.liquidityFor(side);
    const applied: Array<[L2Level, number]> = [];
    for (const { price, lots } of fills) {
      const i = Number.isSafeInteger(lots) && lots >= 0 ? book.search(book.sign * price) : -1;
      const level = i >= 0 ? book.levels[i]! : undefined;
      if (level === undefined || lots > level.size - level.consumed) {
        for (const [undo, n] of applied) undo.consumed -= n;
        throw new RangeError(`${this.symbol}: cannot consume ${lots} lots at ${price} on the ${book.name}`);
      }
      level.consumed += lots;
      applied.push([level, lots]);
    }
  }

  private liquidityFor(taker: TakerSide): L2Side {
    return taker === "BUY" ? this.asks : this.bids;
  }
}

function checkLevel(side: string, price: number, size: number): void {
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
