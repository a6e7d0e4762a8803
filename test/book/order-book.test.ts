import { describe, expect, it } from "vitest";
import { type LimitRequest, OrderBook } from "../../src/book/order-book.js";

function gtc(id: string, side: "BUY" | "SELL", price: number, lots: number, owner = "maker"): LimitRequest {
  return { id, side, price, lots, owner, tif: "GTC" };
}

/** Asks 101x5 (a1), 102x5 (a2), 103x5 (a3); bids 99x5 (b1), 98x5 (b2). */
function seeded(): OrderBook {
  const book = new OrderBook();
  book.limit(gtc("a1", "SELL", 101, 5));
  book.limit(gtc("a2", "SELL", 102, 5));
  book.limit(gtc("a3", "SELL", 103, 5));
  book.limit(gtc("b1", "BUY", 99, 5));
  book.limit(gtc("b2", "BUY", 98, 5));
  return book;
}

describe("OrderBook matching", () => {
  it("walks the book across levels at each maker's price", () => {
    const book = seeded();
    const r = book.limit({ ...gtc("t", "BUY", 102, 8, "taker"), tif: "IOC" });
    expect(r.matches).toEqual([
      { makerId: "a1", makerOwner: "maker", takerId: "t", price: 101, lots: 5 },
      { makerId: "a2", makerOwner: "maker", takerId: "t", price: 102, lots: 3 },
    ]);
    expect(r.filled).toBe(8);
    expect(book.bestAsk()).toBe(102);
    expect(book.get("a2")?.lots).toBe(2);
    expect(book.get("a1")).toBeUndefined();
  });

  it("fills partially when depth within the limit is insufficient and rests the GTC remainder", () => {
    const book = seeded();
    const r = book.limit(gtc("t", "BUY", 101, 8, "taker"));
    expect(r.filled).toBe(5);
    expect(r.remaining).toBe(3);
    expect(r.rested).toBe(true);
    expect(book.bestBid()).toBe(101);
    expect(book.get("t")).toMatchObject({ side: "BUY", price: 101, lots: 3 });
    expect(book.bestAsk()).toBe(102);
  });

  it("does not rest an IOC remainder", () => {
    const book = seeded();
    const r = book.limit({ ...gtc("t", "SELL", 99, 7, "taker"), tif: "IOC" });
    expect(r.filled).toBe(5);
    expect(r.remaining).toBe(2);
    expect(r.rested).toBe(false);
    expect(book.get("t")).toBeUndefined();
    expect(book.bestAsk()).toBe(101);
    expect(book.bestBid()).toBe(98);
  });

  it("FOK fills all or nothing, leaving the book unchanged when it cannot fill", () => {
    const book = seeded();
    const before = [book.depth("SELL", 10), book.depth("BUY", 10), book.size()];
    const refused = book.limit({ ...gtc("t", "BUY", 102, 11, "taker"), tif: "FOK" });
    expect(refused).toMatchObject({ rejected: "fok_unfillable", filled: 0, remaining: 11, rested: false, matches: [] });
    expect([book.depth("SELL", 10), book.depth("BUY", 10), book.size()]).toEqual(before);

    const done = book.limit({ ...gtc("t", "BUY", 102, 10, "taker"), tif: "FOK" });
    expect(done.filled).toBe(10);
    expect(done.rejected).toBeUndefined();
    expect(book.bestAsk()).toBe(103);
  });

  it("rejects FOK when nothing crosses", () => {
    const book = seeded();
    expect(book.limit({ ...gtc("t", "BUY", 100, 1), tif: "FOK" }).rejected).toBe("fok_unfillable");
  });

  it("rejects post-only when it would cross, and rests it when it would not", () => {
    const book = seeded();
    const crossing = book.limit({ ...gtc("p", "BUY", 101, 1), postOnly: true });
    expect(crossing).toMatchObject({ rejected: "post_only_would_cross", filled: 0, rested: false });
    expect(book.get("p")).toBeUndefined();
    expect(book.get("a1")?.lots).toBe(5);

    const passive = book.limit({ ...gtc("p", "BUY", 100, 1), postOnly: true });
    expect(passive).toMatchObject({ rested: true, filled: 0 });
    expect(book.bestBid()).toBe(100);
  });

  it("fills the earlier order at the same price first", () => {
    const book = new OrderBook();
    book.limit(gtc("first", "SELL", 100, 2, "x"));
    book.limit(gtc("second", "SELL", 100, 2, "y"));
    const r = book.market({ id: "m", side: "BUY", lots: 3, owner: "t" });
    expect(r.matches.map((m) => [m.makerId, m.lots])).toEqual([
      ["first", 2],
      ["second", 1],
    ]);
    expect(book.get("second")?.lots).toBe(1);
  });

  it("gives the better price priority over the earlier order", () => {
    const book = new OrderBook();
    book.limit(gtc("early", "BUY", 99, 1));
    book.limit(gtc("better", "BUY", 100, 1));
    expect(book.market({ id: "m", side: "SELL", lots: 1, owner: "t" }).matches[0]?.makerId).toBe("better");
  });

  it("matches a resting order when a crossing order arrives", () => {
    const book = new OrderBook();
    expect(book.limit(gtc("bid", "BUY", 100, 4, "alice")).rested).toBe(true);
    const r = book.limit(gtc("ask", "SELL", 95, 4, "bob"));
    expect(r.matches).toEqual([{ makerId: "bid", makerOwner: "alice", takerId: "ask", price: 100, lots: 4 }]);
    expect(r.rested).toBe(false);
    expect(book.size()).toBe(0);
  });

  it("market orders never rest and respect worstPrice", () => {
    const book = seeded();
    const r = book.market({ id: "m", side: "BUY", lots: 12, owner: "t", worstPrice: 102 });
    expect(r).toMatchObject({ filled: 10, remaining: 2, rested: false });
    expect(book.get("m")).toBeUndefined();
    expect(book.bestAsk()).toBe(103);
    const all = book.market({ id: "m2", side: "SELL", lots: 100, owner: "t" });
    expect(all.filled).toBe(10);
    expect(book.bestBid()).toBeUndefined();
  });
});

describe("OrderBook cancel and queries", () => {
  it("cancel removes the order from anywhere in its queue", () => {
    const book = new OrderBook();
    for (const id of ["q1", "q2", "q3"]) book.limit(gtc(id, "SELL", 100, 1));
    expect(book.cancel("q2")).toEqual({ id: "q2", side: "SELL", price: 100, lots: 1, owner: "maker", ts: 0 });
    expect(book.cancel("q2")).toBeUndefined();
    expect(book.depth("SELL", 5)).toEqual([[100, 2]]);
    const r = book.market({ id: "m", side: "BUY", lots: 2, owner: "t" });
    expect(r.matches.map((m) => m.makerId)).toEqual(["q1", "q3"]);
  });

  it("cancel of the last order at a price removes the level", () => {
    const book = seeded();
    book.cancel("a1");
    expect(book.bestAsk()).toBe(102);
    book.cancel("b2");
    expect(book.depth("BUY", 5)).toEqual([[99, 5]]);
  });

  it("rejects a duplicate id of a resting order and invalid input without changing the book", () => {
    const book = seeded();
    expect(book.limit(gtc("a1", "SELL", 110, 1)).rejected).toBe("duplicate_id");
    expect(book.limit(gtc("x", "SELL", 100.5, 1)).rejected).toBe("invalid_order");
    expect(book.limit(gtc("x", "SELL", 100, 0)).rejected).toBe("invalid_order");
    expect(book.limit({ ...gtc("x", "SELL", 100, 1), tif: "GTT" as "GTC" }).rejected).toBe("invalid_order");
    expect(book.market({ id: "m", side: "BUY", lots: -1, owner: "t" }).rejected).toBe("invalid_order");
    expect(book.size()).toBe(5);
    expect(book.depth("SELL", 1)).toEqual([[101, 5]]);
  });

  it("depth aggregates per price, best first", () => {
    const book = seeded();
    book.limit(gtc("a1b", "SELL", 101, 2));
    expect(book.depth("SELL", 2)).toEqual([
      [101, 7],
      [102, 5],
    ]);
    expect(book.depth("BUY", 10)).toEqual([
      [99, 5],
      [98, 5],
    ]);
  });

  it("ordersCrossing yields best first, FIFO, and stops at the first non-crossing price", () => {
    const book = seeded();
    book.limit(gtc("a1b", "SELL", 101, 2));
    const ids = [...book.ordersCrossing("SELL", (p) => p <= 102)].map((o) => o.id);
    expect(ids).toEqual(["a1", "a1b", "a2"]);
  });

  it("ordersCrossing lets the consumer fill or cancel while iterating", () => {
    const book = seeded();
    book.limit(gtc("a1b", "SELL", 101, 2));
    const seen: string[] = [];
    for (const o of book.ordersCrossing("SELL", () => true)) {
      seen.push(o.id);
      if (o.id === "a1") book.cancel("a1b"); // a later order of the same level goes away
      book.fill(o.id, o.lots);
    }
    expect(seen).toEqual(["a1", "a2", "a3"]);
    expect(book.bestAsk()).toBeUndefined();
  });

  it("fill reduces a resting order in place and removes it when complete", () => {
    const book = seeded();
    expect(book.fill("b1", 2)?.lots).toBe(3);
    expect(book.depth("BUY", 1)).toEqual([[99, 3]]);
    expect(() => book.fill("b1", 4)).toThrow(RangeError);
    expect(book.fill("b1", 3)?.lots).toBe(0);
    expect(book.get("b1")).toBeUndefined();
    expect(book.bestBid()).toBe(98);
    expect(book.fill("nope", 1)).toBeUndefined();
  });
});

describe("OrderBook self-trade prevention", () => {
  it("cancel-newest stops at the taker's own order and does not rest the remainder", () => {
    const book = new OrderBook({ selfTrade: "cancel-newest" });
    book.limit(gtc("other", "SELL", 100, 1, "bob"));
    book.limit(gtc("mine", "SELL", 100, 1, "alice"));
    book.limit(gtc("later", "SELL", 101, 1, "bob"));
    const r = book.limit(gtc("t", "BUY", 101, 3, "alice"));
    expect(r.matches.map((m) => m.makerId)).toEqual(["other"]);
    expect(r).toMatchObject({ filled: 1, remaining: 2, rested: false, canceled: "self_trade" });
    expect(book.get("mine")?.lots).toBe(1);
    expect(book.bestBid()).toBeUndefined();
  });

  it("FOK counts only liquidity before the taker's own order", () => {
    const book = new OrderBook({ selfTrade: "cancel-newest" });
    book.limit(gtc("mine", "SELL", 100, 1, "alice"));
    book.limit(gtc("other", "SELL", 100, 5, "bob"));
    expect(book.limit({ ...gtc("t", "BUY", 100, 2, "alice"), tif: "FOK" }).rejected).toBe("fok_unfillable");
    expect(book.limit({ ...gtc("t", "BUY", 100, 2, "carol"), tif: "FOK" }).filled).toBe(2);
  });

  it("without the option, the same owner matches", () => {
    const book = new OrderBook();
    book.limit(gtc("mine", "SELL", 100, 1, "alice"));
    expect(book.limit(gtc("t", "BUY", 100, 1, "alice")).filled).toBe(1);
  });
});
