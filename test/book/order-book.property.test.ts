import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BookSide, type LimitResult, type Match, OrderBook } from "../../src/book/order-book.js";

type Op =
  | { kind: "limit"; side: BookSide; price: number; lots: number; owner: string; tif: "GTC" | "IOC" | "FOK"; postOnly: boolean }
  | { kind: "market"; side: BookSide; lots: number; owner: string; worstPrice: number | undefined }
  | { kind: "cancel"; pick: number };

const side = fc.constantFrom<BookSide>("BUY", "SELL");
const owner = fc.constantFrom("alice", "bob", "carol");
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("limit" as const),
      side,
      price: fc.integer({ min: 95, max: 105 }),
      lots: fc.integer({ min: 1, max: 6 }),
      owner,
      tif: fc.constantFrom("GTC" as const, "GTC" as const, "IOC" as const, "FOK" as const),
      postOnly: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("market" as const),
      side,
      lots: fc.integer({ min: 1, max: 10 }),
      owner,
      worstPrice: fc.option(fc.integer({ min: 95, max: 105 }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
);

/** A deliberately naive book: a flat list scanned in full for every order. The reference for matching. */
class NaiveBook {
  orders: Array<{ id: string; side: BookSide; price: number; lots: number; owner: string; seq: number }> = [];
  private seq = 0;
  constructor(private readonly preventSelfTrade: boolean) {}

  private queue(taker: BookSide, bound: number | undefined) {
    const makers = this.orders.filter((o) => o.side !== taker && (bound === undefined || (taker === "BUY" ? o.price <= bound : o.price >= bound)));
    return makers.sort((a, b) => (taker === "BUY" ? a.price - b.price : b.price - a.price) || a.seq - b.seq);
  }

  submit(id: string, taker: BookSide, lots: number, owner: string, bound: number | undefined, rest: "GTC" | "IOC" | "FOK" | "MARKET", postOnly: boolean, price: number): Match[] | "rejected" {
    const queue = this.queue(taker, bound);
    if (postOnly && queue.length > 0) return "rejected";
    if (rest === "FOK") {
      let available = 0;
      for (const o of queue) {
        if (this.preventSelfTrade && o.owner === owner) break;
        available += o.lots;
      }
      if (available < lots) return "rejected";
    }
    const matches: Match[] = [];
    let remaining = lots;
    let selfTrade = false;
    for (const o of queue) {
      if (remaining === 0) break;
      if (this.preventSelfTrade && o.owner === owner) {
        selfTrade = true;
        break;
      }
      const qty = Math.min(o.lots, remaining);
      matches.push({ makerId: o.id, makerOwner: o.owner, takerId: id, price: o.price, lots: qty });
      o.lots -= qty;
      remaining -= qty;
    }
    this.orders = this.orders.filter((o) => o.lots > 0);
    if (remaining > 0 && rest === "GTC" && !selfTrade) this.orders.push({ id, side: taker, price, lots: remaining, owner, seq: this.seq++ });
    return matches;
  }
}

function run(ops: Op[], selfTrade: "allow" | "cancel-newest"): void {
  const book = new OrderBook({ selfTrade });
  const naive = new NaiveBook(selfTrade === "cancel-newest");
  const ids: string[] = [];
  let submitted = 0;
  let takerFilled = 0;
  let makerFilled = 0;
  let canceled = 0;

  const account = (r: LimitResult, lots: number): void => {
    submitted += lots;
    takerFilled += r.filled;
    makerFilled += r.matches.reduce((s, m) => s + m.lots, 0);
    if (!r.rested) canceled += r.remaining;
    expect(r.filled + r.remaining).toBe(lots);
  };

  ops.forEach((o, n) => {
    const id = `o${n}`;
    if (o.kind === "limit") {
      const r = book.limit({ id, side: o.side, price: o.price, lots: o.lots, owner: o.owner, tif: o.tif, postOnly: o.postOnly });
      const expected = naive.submit(id, o.side, o.lots, o.owner, o.price, o.tif, o.postOnly, o.price);
      expect(r.rejected !== undefined).toBe(expected === "rejected");
      if (expected !== "rejected") expect(r.matches).toEqual(expected);
      account(r, o.lots);
      ids.push(id);
    } else if (o.kind === "market") {
      const r = book.market({ id, side: o.side, lots: o.lots, owner: o.owner, worstPrice: o.worstPrice });
      expect(r.matches).toEqual(naive.submit(id, o.side, o.lots, o.owner, o.worstPrice, "MARKET", false, 0));
      account(r, o.lots);
    } else if (ids.length > 0) {
      // Any id ever submitted: it may be resting, filled or already canceled.
      const target = ids[o.pick % ids.length]!;
      const removed = book.cancel(target);
      const i = naive.orders.findIndex((x) => x.id === target);
      expect(removed?.lots).toBe(i >= 0 ? naive.orders[i]!.lots : undefined);
      if (i >= 0) naive.orders.splice(i, 1);
      canceled += removed?.lots ?? 0;
    }

    const bid = book.bestBid();
    const ask = book.bestAsk();
    if (bid !== undefined && ask !== undefined) expect(bid).toBeLessThan(ask);
  });

  const resting = [...book.ordersCrossing("BUY", () => true), ...book.ordersCrossing("SELL", () => true)];
  const restingLots = resting.reduce((s, o) => s + o.lots, 0);
  expect(takerFilled).toBe(makerFilled);
  expect(takerFilled + makerFilled + canceled + restingLots).toBe(submitted);
  expect(book.size()).toBe(resting.length);
  expect(resting.map((o) => [o.id, o.lots]).sort()).toEqual(naive.orders.map((o) => [o.id, o.lots]).sort());

  for (const s of ["BUY", "SELL"] as const) {
    const sums = new Map<number, number>();
    for (const o of resting) if (o.side === s) sums.set(o.price, (sums.get(o.price) ?? 0) + o.lots);
    const expected = [...sums].sort((a, b) => (s === "BUY" ? b[0] - a[0] : a[0] - b[0]));
    expect(book.depth(s, 1000)).toEqual(expected);
  }
}

describe("OrderBook invariants over random streams", () => {
  it("never crosses, conserves lots, depth equals resting orders, and matches a naive reference", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => run(ops, "allow")),
      { numRuns: 300 },
    );
  });

  it("holds the same with self-trade prevention (cancel-newest)", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => run(ops, "cancel-newest")),
      { numRuns: 300 },
    );
  });
});
