import type { LimitRequest, LimitResult, Match, MarketRequest, OrderBookOptions, RejectReason, RestingOrder } from "./orders.js";
import { type BookSide, OrderNode, type PriceLevel, SideLevels } from "./price-levels.js";

export type { BookSide } from "./price-levels.js";
export type { LimitRequest, LimitResult, Match, MarketRequest, OrderBookOptions, RejectReason, RestingOrder } from "./orders.js";

/**
 * A central limit order book with price-time priority. Prices are integer ticks and sizes
 * integer lots (plain numbers: exact up to 2^53). Pure and synchronous: no clock, no I/O.
 *
 * Ids are unique among RESTING orders only: an order that filled completely or was canceled
 * is forgotten, so its id may be used again. Callers that need global uniqueness (the trading
 * service's client ids) enforce it where the history lives, in the database.
 */
export class OrderBook {
  private readonly bids = new SideLevels("BUY");
  private readonly asks = new SideLevels("SELL");
  private readonly orders = new Map<string, OrderNode>();
  /** Nodes of orders that left the book, reused for new ones (they never escape: callers get copies). */
  private readonly spare: OrderNode[] = [];
  private readonly preventSelfTrade: boolean;
  /** Set by take() when it stopped at the taker's own order; read right after the call. */
  private stoppedBySelfTrade = false;

  constructor(options: OrderBookOptions = {}) {
    this.preventSelfTrade = options.selfTrade === "cancel-newest";
  }

  /** Matches against the opposite side first; only a GTC remainder rests. */
  limit(req: LimitRequest): LimitResult {
    if (!isValidLimit(req)) return rejection("invalid_order", 0);
    if (this.orders.has(req.id)) return rejection("duplicate_id", req.lots);
    const buy = req.side === "BUY";
    const opposite = buy ? this.asks : this.bids;
    // A level of the opposite side crosses when its key is at least this bound (see SideLevels).
    const bound = opposite.sign * req.price;
    const best = opposite.best();
    const crosses = best !== undefined && best.key >= bound;
    if (crosses && req.postOnly === true) return rejection("post_only_would_cross", req.lots);
    if (req.tif === "FOK" && (!crosses || this.fillable(opposite, bound, req.lots, req.owner) < req.lots)) {
      return rejection("fok_unfillable", req.lots);
    }

    const matches: Match[] = [];
    const remaining = crosses ? this.take(opposite, bound, req.lots, req.id, req.owner, matches) : req.lots;
    const selfTrade = crosses && this.stoppedBySelfTrade;
    let rested = false;
    if (remaining > 0 && req.tif === "GTC" && !selfTrade) {
      const ts = req.ts ?? 0;
      const spare = this.spare.pop();
      const node = spare === undefined ? new OrderNode(req.id, req.side, req.price, remaining, req.owner, ts) : spare.reset(req.id, req.side, req.price, remaining, req.owner, ts);
      (buy ? this.bids : this.asks).levelAt(req.price).append(node);
      this.orders.set(req.id, node);
      rested = true;
    }
    return { matches, filled: req.lots - remaining, remaining, rested, rejected: undefined, canceled: selfTrade ? "self_trade" : undefined };
  }

  /** Takes liquidity up to `worstPrice` (or without bound); never rests. */
  market(req: MarketRequest): LimitResult {
    if (!isValidMarket(req)) return rejection("invalid_order", 0);
    if (this.orders.has(req.id)) return rejection("duplicate_id", req.lots);
    const opposite = req.side === "BUY" ? this.asks : this.bids;
    const bound = req.worstPrice === undefined ? -Infinity : opposite.sign * req.worstPrice;
    const matches: Match[] = [];
    const remaining = this.take(opposite, bound, req.lots, req.id, req.owner, matches);
    const canceled = this.stoppedBySelfTrade ? "self_trade" : undefined;
    return { matches, filled: req.lots - remaining, remaining, rested: false, rejected: undefined, canceled };
  }

  /** Removes a resting order in O(1); returns it as it was (remaining lots), or undefined if not resting. */
  cancel(id: string): RestingOrder | undefined {
    const node = this.orders.get(id);
    if (node === undefined) return undefined;
    const copy = snapshotOf(node);
    this.detach(node);
    return copy;
  }

  get(id: string): RestingOrder | undefined {
    const node = this.orders.get(id);
    return node === undefined ? undefined : snapshotOf(node);
  }

  /**
   * Fills `lots` of a resting order against liquidity outside this book (the simulator filling a
   * resting limit order against the market feed). Keeps its queue position when partial.
   * Returns the order after the fill (lots = what still rests), or undefined if not resting.
   */
  fill(id: string, lots: number): RestingOrder | undefined {
    const node = this.orders.get(id);
    if (node === undefined) return undefined;
    if (!isPositiveInteger(lots) || lots > node.lots) {
      throw new RangeError(`fill of ${lots} lots on order ${id}: must be a positive integer at most ${node.lots}`);
    }
    if (lots < node.lots) {
      node.lots -= lots;
      node.level!.lots -= lots;
      return snapshotOf(node);
    }
    const copy = snapshotOf(node);
    copy.lots = 0;
    this.detach(node);
    return copy;
  }

  bestBid(): number | undefined {
    return this.bids.best()?.price;
  }

  bestAsk(): number | undefined {
    return this.asks.best()?.price;
  }

  /** Aggregated [price, lots] of the best `levels` levels of a side, best first. */
  depth(side: BookSide, levels: number): Array<[price: number, lots: number]> {
    const all = this.sideOf(side).levels;
    const out: Array<[number, number]> = [];
    for (let i = all.length - 1; i >= 0 && out.length < levels; i--) out.push([all[i]!.price, all[i]!.lots]);
    return out;
  }

  /**
   * Resting orders of one side, best price first, FIFO within a price; stops when a price no
   * longer satisfies `crosses`. Yields copies, and the consumer may fill or cancel orders while
   * iterating: each level is read afresh and orders that left the book meanwhile are skipped.
   */
  *ordersCrossing(side: BookSide, crosses: (price: number) => boolean): Generator<RestingOrder> {
    const levels = this.sideOf(side);
    let level = levels.best();
    while (level !== undefined && crosses(level.price)) {
      // Ids, not nodes: a node freed by the consumer may be recycled for another order meanwhile.
      const queue: string[] = [];
      for (let n = level.head; n !== null; n = n.next) queue.push(n.id);
      for (const id of queue) {
        const node = this.orders.get(id);
        if (node !== undefined) yield snapshotOf(node);
      }
      level = levels.nextWorse(level.key);
    }
  }

  /** Number of resting orders. */
  size(): number {
    return this.orders.size;
  }

  private sideOf(side: BookSide): SideLevels {
    return side === "BUY" ? this.bids : this.asks;
  }

  private detach(node: OrderNode): void {
    const level = node.level!;
    level.unlink(node);
    if (level.orders === 0) this.sideOf(node.side).remove(level);
    this.orders.delete(node.id);
    this.recycle(node);
  }

  private recycle(node: OrderNode): void {
    // Bounded so a burst of orders does not pin its memory forever.
    if (this.spare.length < MAX_SPARE_NODES) this.spare.push(node);
  }

  /**
   * The matching loop: consumes the opposite side from its best level while levels cross the
   * bound, oldest order first. Returns the lots left unfilled. Allocates only the Match records.
   */
  private take(opposite: SideLevels, bound: number, lots: number, takerId: string, owner: string, matches: Match[]): number {
    this.stoppedBySelfTrade = false;
    const levels = opposite.levels;
    let remaining = lots;
    while (remaining > 0) {
      const level: PriceLevel | undefined = levels[levels.length - 1];
      if (level === undefined || level.key < bound) break;
      let node = level.head;
      while (node !== null && remaining > 0) {
        if (this.preventSelfTrade && node.owner === owner) {
          this.stoppedBySelfTrade = true;
          return remaining;
        }
        const qty = node.lots < remaining ? node.lots : remaining;
        matches.push({ makerId: node.id, makerOwner: node.owner, takerId, price: level.price, lots: qty });
        remaining -= qty;
        if (qty === node.lots) {
          const next: OrderNode | null = node.next;
          level.unlink(node);
          this.orders.delete(node.id);
          this.recycle(node);
          node = next;
        } else {
          node.lots -= qty;
          level.lots -= qty;
        }
      }
      // The level is the last element of the array, so an emptied one is dropped in O(1).
      if (level.head === null) levels.pop();
    }
    return remaining;
  }

  /** Lots a taker could fill within the bound, stopping early once `want` is reached (FOK check). */
  private fillable(opposite: SideLevels, bound: number, want: number, owner: string): number {
    const levels = opposite.levels;
    let total = 0;
    for (let i = levels.length - 1; i >= 0 && total < want; i--) {
      const level = levels[i]!;
      if (level.key < bound) break;
      if (!this.preventSelfTrade) {
        total += level.lots;
        continue;
      }
      // With self-trade prevention the taker stops at its own first order: count only what precedes it.
      for (let n = level.head; n !== null; n = n.next) {
        if (n.owner === owner) return total;
        total += n.lots;
      }
    }
    return total;
  }
}

const MAX_SPARE_NODES = 1 << 16;

function snapshotOf(node: OrderNode): RestingOrder {
  return { id: node.id, side: node.side, price: node.price, lots: node.lots, owner: node.owner, ts: node.ts };
}

function rejection(reason: RejectReason, lots: number): LimitResult {
  return { matches: [], filled: 0, remaining: lots, rested: false, rejected: reason, canceled: undefined };
}

function isPositiveInteger(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) > 0;
}

function isValidLimit(req: LimitRequest): boolean {
  return (
    (req.side === "BUY" || req.side === "SELL") &&
    (req.tif === "GTC" || req.tif === "IOC" || req.tif === "FOK") &&
    isPositiveInteger(req.price) &&
    isPositiveInteger(req.lots) &&
    typeof req.id === "string" &&
    req.id.length > 0 &&
    typeof req.owner === "string"
  );
}

function isValidMarket(req: MarketRequest): boolean {
  return (
    (req.side === "BUY" || req.side === "SELL") &&
    isPositiveInteger(req.lots) &&
    (req.worstPrice === undefined || isPositiveInteger(req.worstPrice)) &&
    typeof req.id === "string" &&
    req.id.length > 0 &&
    typeof req.owner === "string"
  );
}
