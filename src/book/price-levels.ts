/**
 * The storage under the order book: price levels of one side, each a FIFO queue of resting
 * orders. Kept apart from the matching rules so each file has one job.
 *
 * Layout choices, measured on the matching benchmark (bench/matching.ts):
 * - A level's queue is an intrusive doubly linked list: the resting order is itself the node,
 *   so a cancel unlinks it in O(1) without searching the queue or allocating.
 * - Nodes are recycled: a resting order lives long enough to be promoted to the old generation
 *   of the garbage collector, and freeing one there per cancel made GC a quarter of the run.
 * - The levels of a side live in one array sorted by `key`, with the best level at the END.
 *   Almost all activity is at or near the touch, so taking the best level, removing it when it
 *   empties (pop) and adding a new best level (push) are O(1); a level deeper in the book is
 *   found by binary search and inserted or removed with a short splice.
 * - `key` is the price multiplied by the side's sign (+1 for bids, -1 for asks), so "better"
 *   is always "larger key" and one code path serves both sides without comparator callbacks.
 */

import { searchKey } from "./search.js";

export type BookSide = "BUY" | "SELL";

/**
 * One resting order, and at the same time a node of its level's queue. Nodes never leave the
 * order book (callers get copies), so the book recycles them: see OrderBook's node pool.
 */
export class OrderNode {
  prev: OrderNode | null = null;
  next: OrderNode | null = null;
  /** The level the order rests at; null once it has left the book (filled or canceled). */
  level: PriceLevel | null = null;

  constructor(
    public id: string,
    public side: BookSide,
    public price: number,
    /** Remaining lots. */
    public lots: number,
    public owner: string,
    public ts: number,
  ) {}

  /** Reuses a recycled node for a new order, with the same field layout (one hidden class). */
  reset(id: string, side: BookSide, price: number, lots: number, owner: string, ts: number): this {
    this.id = id;
    this.side = side;
    this.price = price;
    this.lots = lots;
    this.owner = owner;
    this.ts = ts;
    return this;
  }
}

/** All resting orders at one price of one side, oldest first. */
export class PriceLevel {
  head: OrderNode | null = null;
  tail: OrderNode | null = null;
  /** Sum of the remaining lots of the queue, kept up to date so depth and FOK checks never walk orders. */
  lots = 0;
  orders = 0;

  constructor(
    readonly price: number,
    readonly key: number,
  ) {}

  append(node: OrderNode): void {
    node.level = this;
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.lots += node.lots;
    this.orders++;
  }

  /** Unlinks a node of this queue in O(1); the caller removes the level when it becomes empty. */
  unlink(node: OrderNode): void {
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = null;
    node.next = null;
    node.level = null;
    this.lots -= node.lots;
    this.orders--;
  }
}

/** The price levels of one side of the book, sorted by key ascending (best last). */
export class SideLevels {
  readonly sign: 1 | -1;
  /** Sorted by key ascending: the best price is the last element. */
  readonly levels: PriceLevel[] = [];

  constructor(readonly side: BookSide) {
    this.sign = side === "BUY" ? 1 : -1;
  }

  best(): PriceLevel | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** Index of the level with exactly this key, or -(insertion point) - 1 when absent. */
  search(key: number): number {
    return searchKey(this.levels, key);
  }

  /** The level at `price`, created in place when the side has none there yet. */
  levelAt(price: number): PriceLevel {
    const key = this.sign * price;
    const levels = this.levels;
    const last = levels[levels.length - 1];
    // Fast paths: a new best price, or joining the current best, which is where most orders go.
    if (last === undefined || key > last.key) {
      const level = new PriceLevel(price, key);
      levels.push(level);
      return level;
    }
    if (key === last.key) return last;
    const i = this.search(key);
    if (i >= 0) return levels[i]!;
    const level = new PriceLevel(price, key);
    levels.splice(-i - 1, 0, level);
    return level;
  }

  /** Drops an emptied level from the side. */
  remove(level: PriceLevel): void {
    const levels = this.levels;
    if (levels[levels.length - 1] === level) {
      levels.pop();
      return;
    }
    const i = this.search(level.key);
    if (i >= 0) levels.splice(i, 1);
  }

  /** The best level strictly worse than `key`, to resume a walk after the book changed under it. */
  nextWorse(key: number): PriceLevel | undefined {
    const i = this.search(key);
    const below = i >= 0 ? i - 1 : -i - 2;
    return below >= 0 ? this.levels[below] : undefined;
  }
}
