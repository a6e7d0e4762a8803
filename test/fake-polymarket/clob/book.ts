import { LOT, min, notional, sharesFor } from "./decimal.js";

/**
 * One token's order book and its matcher, pure: price-time priority, makers fill at their own
 * price, quantities in micro-shares moved in 0.01-share lots, prices in price4 units.
 */

export type Side = "BUY" | "SELL";

export interface RestingOrder {
  readonly id: string;
  readonly side: Side;
  readonly price4: bigint;
  /** Micro-shares still open. */
  remaining: bigint;
  /** Arrival sequence: time priority. */
  readonly seq: number;
}

/** What the taker wants: shares (limit orders, market SELL) or a dollar budget (market BUY). */
export type TakerQuantity = { kind: "shares"; micro: bigint } | { kind: "dollars"; micro: bigint };

export interface PlannedFill {
  readonly maker: RestingOrder;
  readonly price4: bigint;
  readonly shares: bigint;
  readonly dollars: bigint;
}

export interface Level {
  price4: bigint;
  size: bigint;
}

export class Book {
  private readonly bids: RestingOrder[] = [];
  private readonly asks: RestingOrder[] = [];

  add(order: RestingOrder): void {
    const side = order.side === "BUY" ? this.bids : this.asks;
    side.push(order);
    // Best first: bids high→low, asks low→high; time priority within a price.
    side.sort((a, b) => (a.price4 === b.price4 ? a.seq - b.seq : order.side === "BUY" ? cmp(b.price4, a.price4) : cmp(a.price4, b.price4)));
  }

  remove(id: string): RestingOrder | undefined {
    for (const side of [this.bids, this.asks]) {
      const i = side.findIndex((o) => o.id === id);
      if (i >= 0) return side.splice(i, 1)[0];
    }
    return undefined;
  }

  orders(side?: Side): RestingOrder[] {
    if (side === "BUY") return [...this.bids];
    if (side === "SELL") return [...this.asks];
    return [...this.bids, ...this.asks];
  }

  bestBid(): bigint | undefined {
    return this.bids[0]?.price4;
  }

  bestAsk(): bigint | undefined {
    return this.asks[0]?.price4;
  }

  /** Aggregated levels, best first. */
  levels(side: Side): Level[] {
    const out: Level[] = [];
    for (const o of side === "BUY" ? this.bids : this.asks) {
      const last = out[out.length - 1];
      if (last && last.price4 === o.price4) last.size += o.remaining;
      else out.push({ price4: o.price4, size: o.remaining });
    }
    return out;
  }

  sizeAt(side: Side, price4: bigint): bigint {
    return (side === "BUY" ? this.bids : this.asks).filter((o) => o.price4 === price4).reduce((s, o) => s + o.remaining, 0n);
  }

  /** Would an order on `side` at `limit4` trade against the book now? */
  crosses(side: Side, limit4: bigint): boolean {
    const best = side === "BUY" ? this.bestAsk() : this.bestBid();
    return best !== undefined && (side === "BUY" ? best <= limit4 : best >= limit4);
  }

  /**
   * The fills a taker would get, without touching the book. BUY takes asks priced ≤ limit, SELL
   * takes bids priced ≥ limit, best price first, then oldest first.
   */
  plan(side: Side, limit4: bigint, quantity: TakerQuantity, skip?: (maker: RestingOrder) => boolean): PlannedFill[] {
    const fills: PlannedFill[] = [];
    let left = quantity.micro;
    for (const maker of side === "BUY" ? this.asks : this.bids) {
      if (left <= 0n) break;
      if (side === "BUY" ? maker.price4 > limit4 : maker.price4 < limit4) break;
      if (skip?.(maker)) continue;
      const wanted = quantity.kind === "shares" ? left : sharesFor(left, maker.price4);
      const shares = roundLot(min(wanted, maker.remaining));
      if (shares <= 0n) break;
      const dollars = notional(shares, maker.price4);
      fills.push({ maker, price4: maker.price4, shares, dollars });
      left -= quantity.kind === "shares" ? shares : dollars;
    }
    return fills;
  }

  /** Takes planned fills out of the makers; fully filled makers leave the book. */
  apply(fills: readonly PlannedFill[]): void {
    for (const f of fills) {
      f.maker.remaining -= f.shares;
      if (f.maker.remaining <= 0n) this.remove(f.maker.id);
    }
  }

  clear(): RestingOrder[] {
    const all = [...this.bids, ...this.asks];
    this.bids.length = 0;
    this.asks.length = 0;
    return all;
  }
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

const roundLot = (shares: bigint): bigint => (shares / LOT) * LOT;
