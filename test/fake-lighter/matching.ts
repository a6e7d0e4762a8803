/**
 * The matching engine of one market, pure: individual resting orders on integer price ticks with
 * integer base lots, price-time priority. No I/O, no clock, no accounts: the sequencer decides
 * what an order may do and records what happened.
 */

export interface RestingOrder {
  orderIndex: number;
  accountIndex: number;
  isAsk: boolean;
  price: number;
  remaining: bigint;
  /** Arrival sequence: earlier wins at the same price. */
  seq: number;
}

export interface Level {
  price: number;
  size: bigint;
}

export class OrderBook {
  /** Best first: bids by price descending, asks ascending; then by arrival. */
  private readonly bids: RestingOrder[] = [];
  private readonly asks: RestingOrder[] = [];
  private readonly touched = { bids: new Set<number>(), asks: new Set<number>() };

  private sideOf(isAsk: boolean): RestingOrder[] {
    return isAsk ? this.asks : this.bids;
  }

  private touch(isAsk: boolean, price: number): void {
    (isAsk ? this.touched.asks : this.touched.bids).add(price);
  }

  /** Whether `a` comes before `b` on its side of the book. */
  private static before(a: RestingOrder, b: RestingOrder): boolean {
    if (a.price !== b.price) return a.isAsk ? a.price < b.price : a.price > b.price;
    return a.seq < b.seq;
  }

  insert(order: RestingOrder): void {
    const side = this.sideOf(order.isAsk);
    let lo = 0;
    let hi = side.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (OrderBook.before(side[mid]!, order)) lo = mid + 1;
      else hi = mid;
    }
    side.splice(lo, 0, order);
    this.touch(order.isAsk, order.price);
  }

  find(orderIndex: number): RestingOrder | undefined {
    return this.bids.find((o) => o.orderIndex === orderIndex) ?? this.asks.find((o) => o.orderIndex === orderIndex);
  }

  remove(orderIndex: number): RestingOrder | undefined {
    for (const side of [this.bids, this.asks]) {
      const i = side.findIndex((o) => o.orderIndex === orderIndex);
      if (i >= 0) {
        const [order] = side.splice(i, 1);
        this.touch(order!.isAsk, order!.price);
        return order;
      }
    }
    return undefined;
  }

  /** Lowers a resting order's size in place, keeping its priority (0 removes it). */
  shrink(orderIndex: number, remaining: bigint): void {
    const order = this.find(orderIndex);
    if (!order) return;
    if (remaining <= 0n) {
      this.remove(orderIndex);
      return;
    }
    order.remaining = remaining;
    this.touch(order.isAsk, order.price);
  }

  best(isAsk: boolean): RestingOrder | undefined {
    return this.sideOf(isAsk)[0];
  }

  orders(isAsk: boolean): readonly RestingOrder[] {
    return this.sideOf(isAsk);
  }

  /** Whether an order on side `isAsk` at `price` would trade against the opposite side now. */
  crosses(isAsk: boolean, price: number): boolean {
    const best = this.best(!isAsk);
    return best !== undefined && (isAsk ? best.price >= price : best.price <= price);
  }

  levelSize(isAsk: boolean, price: number): bigint {
    let total = 0n;
    for (const o of this.sideOf(isAsk)) if (o.price === price) total += o.remaining;
    return total;
  }

  /** Aggregated levels, best first. */
  levels(isAsk: boolean): Level[] {
    const out: Level[] = [];
    for (const o of this.sideOf(isAsk)) {
      const last = out[out.length - 1];
      if (last && last.price === o.price) last.size += o.remaining;
      else out.push({ price: o.price, size: o.remaining });
    }
    return out;
  }

  /** The levels touched since the last call, with their current aggregated size (0 = gone). */
  takeChanges(): { asks: Level[]; bids: Level[] } {
    const collect = (isAsk: boolean, prices: Set<number>): Level[] => {
      const sorted = [...prices].sort((a, b) => (isAsk ? a - b : b - a));
      prices.clear();
      return sorted.map((p) => ({ price: p, size: this.levelSize(isAsk, p) }));
    };
    return { asks: collect(true, this.touched.asks), bids: collect(false, this.touched.bids) };
  }

  get midPrice(): number | undefined {
    const bid = this.best(false);
    const ask = this.best(true);
    if (bid && ask) return Math.floor((bid.price + ask.price) / 2);
    return bid?.price ?? ask?.price;
  }
}

export interface Taker {
  accountIndex: number;
  isAsk: boolean;
  amount: bigint;
  /** The limit: a worst fill price ("limit"), or a worst average execution price ("average"). */
  price: number;
  priceMode: "limit" | "average";
  /** Lighter's self-trade behaviour (tx attribute 6): 0 expire maker, 1 expire taker, 2 cancel both. */
  selfTrade?: 0 | 1 | 2;
}

/** What a maker may still trade: `max` lots, or it is removed for `reason` before trading. */
export type MakerVerdict = { kind: "fill"; max: bigint } | { kind: "cancel"; reason: string };

export interface Fill {
  maker: RestingOrder;
  price: number;
  amount: bigint;
  /** The maker left the book with this fill (fully filled, or trimmed by its verdict). */
  makerDone: boolean;
  /** Set when the maker's verdict capped it and the rest of it was canceled for this reason. */
  makerCanceledReason?: string;
}

export type StopReason = "filled" | "no-liquidity" | "limit" | "slippage" | "self-trade";

export interface MatchOutcome {
  fills: Fill[];
  /** Makers removed without trading (self-trade, reduce-only with nothing left, …). */
  removed: { order: RestingOrder; reason: string }[];
  filled: bigint;
  /** Sum of price ticks × lots over the fills. */
  quote: bigint;
  stop: StopReason;
}

/**
 * Trades `taker` against the book at price-time priority. In "average" mode (Lighter's market
 * orders) it keeps filling while the running average price stays within the limit, taking the
 * largest part of the next order that keeps it there, and stops ("slippage") when no more fits.
 * `verdict` is asked before each maker trades; `onFill` hears each fill before the next verdict.
 */
export function matchOrder(
  book: OrderBook,
  taker: Taker,
  verdict: (maker: RestingOrder) => MakerVerdict = (m) => ({ kind: "fill", max: m.remaining }),
  onFill: (fill: Fill) => void = () => undefined,
): MatchOutcome {
  const out: MatchOutcome = { fills: [], removed: [], filled: 0n, quote: 0n, stop: "filled" };
  const limit = BigInt(taker.price);
  while (out.filled < taker.amount) {
    const maker = book.best(!taker.isAsk);
    if (!maker) {
      out.stop = "no-liquidity";
      break;
    }
    if (taker.priceMode === "limit" && (taker.isAsk ? maker.price < taker.price : maker.price > taker.price)) {
      out.stop = "limit";
      break;
    }
    if (maker.accountIndex === taker.accountIndex) {
      const mode = taker.selfTrade ?? 0;
      if (mode !== 1) {
        book.remove(maker.orderIndex);
        out.removed.push({ order: maker, reason: "canceled-self-trade" });
      }
      if (mode === 0) continue;
      out.stop = "self-trade";
      break;
    }
    const v = verdict(maker);
    if (v.kind === "cancel" || v.max <= 0n) {
      book.remove(maker.orderIndex);
      out.removed.push({ order: maker, reason: v.kind === "cancel" ? v.reason : "canceled-reduce-only" });
      continue;
    }
    const cap = v.max < maker.remaining ? v.max : maker.remaining;
    let q = taker.amount - out.filled;
    if (cap < q) q = cap;
    if (taker.priceMode === "average") {
      const p = BigInt(maker.price);
      // Buy: (quote + q·p) ≤ L·(filled + q)  ⇔  q·(p − L) ≤ L·filled − quote. Sell mirrors it.
      const worse = taker.isAsk ? p < limit : p > limit;
      if (worse) {
        const room = taker.isAsk ? out.quote - limit * out.filled : limit * out.filled - out.quote;
        const fit = room / (taker.isAsk ? limit - p : p - limit);
        if (fit < q) q = fit;
      }
      if (q <= 0n) {
        out.stop = "slippage";
        break;
      }
    }
    const capped = cap < maker.remaining && q === cap;
    const left = maker.remaining - q;
    const fill: Fill = { maker: { ...maker }, price: maker.price, amount: q, makerDone: left === 0n || capped };
    if (fill.makerDone) {
      book.remove(maker.orderIndex);
      if (left > 0n) fill.makerCanceledReason = "canceled-reduce-only";
    } else {
      book.shrink(maker.orderIndex, left);
    }
    fill.maker.remaining = left;
    out.fills.push(fill);
    out.filled += q;
    out.quote += BigInt(maker.price) * q;
    onFill(fill);
  }
  return out;
}
