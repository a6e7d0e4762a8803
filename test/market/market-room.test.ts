import { describe, expect, it } from "vitest";
import type { BookUpdate, Level } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import type { Db } from "../../src/db/client.js";
import { CandleStore } from "../../src/market/candle-store.js";
import { MarketRoom, type MarketData, type MarketQuote } from "../../src/market/market-room.js";
import { marketTicks, type MarketTick } from "../../src/market/market-ticks.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import { limit, order, T0 } from "../venues/sim-support.js";

const CASH = 1_000_000_000_000n; // $1M in micro-dollars

const snap = (bids: Level[], asks: Level[], ts = T0, symbol = "BTC"): BookUpdate => ({ symbol, ts, kind: "snapshot", bids, asks });
const delta = (bids: Level[], asks: Level[], ts = T0, symbol = "BTC"): BookUpdate => ({ symbol, ts, kind: "delta", bids, asks });

/** BTC 49,990 / 50,000 with three levels a side (1 price decimal: 500,000 ticks = $50,000). */
const BOOK = snap(
  [
    [499_900, 5],
    [499_800, 5],
    [499_700, 5],
  ],
  [
    [500_000, 5],
    [500_100, 5],
    [500_200, 5],
  ],
);

function room(onListenerError?: (error: unknown, listener: string, symbol: string) => void): MarketRoom {
  return new MarketRoom({ markets: DEFAULT_MARKETS, ...(onListenerError ? { onListenerError } : {}) });
}

describe("MarketRoom: books and quotes", () => {
  it("a snapshot sets the book and the quote (bid, ask, floored mid, time of the update)", () => {
    const r = room();
    expect(r.quote("BTC")).toEqual({ symbol: "BTC", bid: undefined, ask: undefined, mid: undefined, ts: 0 });
    expect(r.apply(BOOK)).toBe(true);
    expect(r.quote("BTC")).toEqual({ symbol: "BTC", bid: 499_900, ask: 500_000, mid: 499_950, ts: T0 });
    expect(r.mid("BTC")).toBe(499_950);
    expect(r.snapshot("BTC", 2)).toEqual({
      symbol: "BTC",
      bids: [
        [499_900, 5],
        [499_800, 5],
      ],
      asks: [
        [500_000, 5],
        [500_100, 5],
      ],
      ts: T0,
    });
    // Other markets are untouched.
    expect(r.quote("ETH")).toMatchObject({ bid: undefined, ask: undefined, mid: undefined, ts: 0 });
  });

  it("deltas set absolute sizes, remove at 0, and move the quote", () => {
    const r = room();
    r.apply(BOOK);
    r.apply(delta([[499_900, 0]], [[499_950, 2]], T0 + 5));
    expect(r.quote("BTC")).toEqual({ symbol: "BTC", bid: 499_800, ask: 499_950, mid: 499_875, ts: T0 + 5 });
    expect(r.snapshot("BTC", 10)!.asks[0]).toEqual([499_950, 2]);
    r.apply(delta([], [[499_950, 0]], T0 + 6));
    expect(r.quote("BTC")!.ask).toBe(500_000);
    // An empty side: no mid.
    r.apply(snap([[499_000, 1]], [], T0 + 7));
    expect(r.quote("BTC")).toMatchObject({ bid: 499_000, ask: undefined, mid: undefined, ts: T0 + 7 });
  });

  it("a quote is a copy: keeping one does not see later updates", () => {
    const r = room();
    r.apply(BOOK);
    const q = r.quote("BTC")!;
    r.apply(delta([[499_950, 1]], [], T0 + 1));
    expect(q.bid).toBe(499_900);
    expect(r.quote("BTC")!.bid).toBe(499_950);
  });

  it("an update for a market it does not hold is ignored, and no listener runs", () => {
    const r = room();
    const seen: string[] = [];
    r.onBook("spy", (u) => seen.push(u.symbol));
    expect(r.apply({ ...BOOK, symbol: "DOGE" })).toBe(false);
    expect(r.quote("DOGE")).toBeUndefined();
    expect(r.snapshot("DOGE", 5)).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it("an invalid update throws before anything changes or any listener runs", () => {
    const r = room();
    r.apply(BOOK);
    const seen: number[] = [];
    r.onBook("spy", (u) => seen.push(u.ts));
    expect(() => r.apply(delta([[499_950, 1]], [[500_050.5, 1]], T0 + 1))).toThrow(RangeError);
    expect(() => r.apply(snap([[-1, 1]], [], T0 + 2))).toThrow(RangeError);
    expect(r.quote("BTC")).toEqual({ symbol: "BTC", bid: 499_900, ask: 500_000, mid: 499_950, ts: T0 });
    expect(r.snapshot("BTC", 1)!.bids).toEqual([[499_900, 5]]);
    expect(seen).toEqual([]);
  });
});

describe("MarketRoom: listeners", () => {
  it("run in the order they were added, after the book and quote are updated, with the new quote", () => {
    const r = room();
    const calls: string[] = [];
    r.onBook("first", (u, q) => calls.push(`first ${u.ts} ${q.bid}/${q.ask} book ${r.snapshot("BTC", 1)!.bids[0]![0]}`));
    r.onBook("second", (u, q) => calls.push(`second ${u.ts} ${q.mid}`));
    r.onBook("third", (u) => calls.push(`third ${u.ts}`));
    r.apply(BOOK);
    r.apply(delta([[499_950, 1]], [], T0 + 1));
    expect(r.listeners()).toEqual(["first", "second", "third"]);
    expect(calls).toEqual([`first ${T0} 499900/500000 book 499900`, `second ${T0} 499950`, `third ${T0}`, `first ${T0 + 1} 499950/500000 book 499950`, `second ${T0 + 1} 499975`, `third ${T0 + 1}`]);
  });

  it("a throwing listener is reported and neither stops the others nor the feed", () => {
    const errors: Array<[string, string, string]> = [];
    const r = room((error, listener, symbol) => errors.push([listener, symbol, (error as Error).message]));
    const calls: string[] = [];
    r.onBook("before", () => calls.push("before"));
    r.onBook("broken", () => {
      throw new Error("boom");
    });
    r.onBook("after", () => calls.push("after"));
    expect(r.apply(BOOK)).toBe(true);
    expect(r.apply(delta([[499_950, 1]], [], T0 + 1))).toBe(true);
    expect(calls).toEqual(["before", "after", "before", "after"]);
    expect(errors).toEqual([
      ["broken", "BTC", "boom"],
      ["broken", "BTC", "boom"],
    ]);
    expect(r.quote("BTC")!.bid).toBe(499_950);
  });

  it("without an error handler every listener still runs, then the first failure reaches the caller", () => {
    const r = room();
    const calls: string[] = [];
    r.onBook("a", () => {
      throw new Error("first failure");
    });
    r.onBook("b", () => {
      throw new Error("second failure");
    });
    r.onBook("c", () => calls.push("c"));
    expect(() => r.apply(BOOK)).toThrow("first failure");
    expect(calls).toEqual(["c"]);
    expect(r.quote("BTC")!.mid).toBe(499_950);
  });

  it("a removed listener stops hearing; one added during a dispatch starts with the next update", () => {
    const r = room();
    const calls: string[] = [];
    let added = false;
    const off = r.onBook("removable", (u) => calls.push(`removable ${u.ts}`));
    r.onBook("adder", (u) => {
      if (added) return;
      added = true;
      r.onBook("late", (v) => calls.push(`late ${v.ts}`));
      off();
    });
    r.apply(BOOK);
    r.apply(delta([], [], T0 + 1));
    expect(calls).toEqual([`removable ${T0}`, `late ${T0 + 1}`]);
    expect(r.listeners()).toEqual(["adder", "late"]);
  });

  it("trade prints go to the trade listeners, isolated the same way; prints for unknown markets are ignored", () => {
    const errors: string[] = [];
    const r = room((_e, listener) => errors.push(listener));
    const volume: number[] = [];
    r.onTrade("broken", () => {
      throw new Error("boom");
    });
    r.onTrade("volume", (t) => volume.push(t.sizeLots));
    r.trade({ symbol: "BTC", ts: T0, priceTicks: 500_000, sizeLots: 3 });
    r.trade({ symbol: "DOGE", ts: T0, priceTicks: 1, sizeLots: 9 });
    expect(volume).toEqual([3]);
    expect(errors).toEqual(["broken"]);
  });
});

describe("the simulator's overlay on the room's book", () => {
  function simOnRoom() {
    const clock = new ManualClock(T0);
    const r = room();
    const venue = new SimVenue({ clock, markets: DEFAULT_MARKETS }, r);
    venue.restoreAccount("a", CASH);
    venue.restoreAccount("b", CASH);
    r.apply(BOOK);
    return { r, venue, clock };
  }

  it("the simulator listens first", () => {
    const { r } = simOnRoom();
    r.onBook("exits", () => undefined);
    expect(r.listeners()).toEqual(["simulator", "exits"]);
  });

  it("a taker consumes liquidity in the simulator only: the room's book, quote and mark are the feed's", async () => {
    const { r, venue } = simOnRoom();
    const first = await venue.placeOrder(order({ accountId: "a", side: "BUY", lots: 7 }));
    expect(first.fills.map((f) => [f.priceTicks, f.lots])).toEqual([
      [500_000, 5],
      [500_100, 2],
    ]);
    // The simulator's view has the liquidity taken out...
    expect(venue.book("BTC", 2)!.asks).toEqual([
      [500_100, 3],
      [500_200, 5],
    ]);
    // ...the room's is the feed's, and the mark stays the feed's mid.
    expect(r.snapshot("BTC", 2)!.asks).toEqual([
      [500_000, 5],
      [500_100, 5],
    ]);
    expect(r.quote("BTC")).toMatchObject({ bid: 499_900, ask: 500_000, mid: 499_950 });
    expect(venue.mid("BTC")).toBe(499_950);
  });

  it("the same resting size is never filled twice until the feed refreshes that level", async () => {
    const { r, venue } = simOnRoom();
    await venue.placeOrder(order({ accountId: "a", side: "BUY", lots: 5 }));
    // Another account, before any refresh, walks on to the next level.
    const second = await venue.placeOrder(order({ accountId: "b", side: "BUY", lots: 5 }));
    expect(second.fills.map((f) => [f.priceTicks, f.lots])).toEqual([[500_100, 5]]);
    // A delta elsewhere refreshes nothing that was consumed.
    r.apply(delta([[499_850, 1]], [[500_300, 1]], T0 + 1));
    expect(venue.book("BTC", 1)!.asks).toEqual([[500_200, 5]]);
    // A delta touching 50,000 gives that level back (at the feed's new size); 50,010 stays consumed.
    r.apply(delta([], [[500_000, 4]], T0 + 2));
    expect(venue.book("BTC", 2)!.asks).toEqual([
      [500_000, 4],
      [500_200, 5],
    ]);
    const third = await venue.placeOrder(order({ accountId: "a", side: "BUY", lots: 6 }));
    expect(third.fills.map((f) => [f.priceTicks, f.lots])).toEqual([
      [500_000, 4],
      [500_200, 2],
    ]);
    // A snapshot refreshes everything.
    r.apply({ ...BOOK, ts: T0 + 3 });
    expect(venue.book("BTC", 3)).toEqual(r.snapshot("BTC", 3));
  });

  it("resting orders fill on the room's updates before the listeners after the simulator run", async () => {
    const { r, venue } = simOnRoom();
    const placed = await venue.placeOrder(limit("a", "BUY", 499_950, 3));
    expect(placed.status).toBe("OPEN");
    const seen: string[] = [];
    venue.onOrderUpdate((report) => seen.push(`${report.status} ${report.fills.map((f) => `${f.lots}@${f.priceTicks} ${f.liquidity}`).join()}`));
    r.onBook("after", () => seen.push("after"));
    // Asks drop through the resting bid: it fills as a maker at its own price.
    r.apply(delta([], [[499_940, 2]], T0 + 1));
    expect(seen).toEqual(["PARTIALLY_FILLED 2@499950 MAKER", "after"]);
    // The feed's book still shows the ask; the simulator's view has it consumed.
    expect(r.quote("BTC")!.ask).toBe(499_940);
    expect(venue.l2("BTC")!.bestAsk()).toBe(500_000);
  });

  it("a simulator without a room makes its own and is fed through applyBookUpdate", async () => {
    const venue = new SimVenue({ clock: new ManualClock(T0) });
    venue.restoreAccount("a", CASH);
    venue.applyBookUpdate(BOOK);
    expect(venue.mid("BTC")).toBe(499_950);
    const r = await venue.placeOrder(order({ accountId: "a", side: "SELL", lots: 5 }));
    expect(r.fills.map((f) => [f.priceTicks, f.lots])).toEqual([[499_900, 5]]);
    expect(venue.book("BTC", 1)!.bids).toEqual([[499_800, 5]]);
  });

  it("refuses a room without the simulator's markets", () => {
    const btcOnly = new MarketRoom({ markets: DEFAULT_MARKETS.filter((m) => m.symbol === "BTC") });
    expect(() => new SimVenue({ markets: DEFAULT_MARKETS }, btcOnly)).toThrow(/no ETH market/);
    // Without markets of its own it trades the room's.
    expect(new SimVenue({}, btcOnly).markets().map((m) => m.symbol)).toEqual(["BTC"]);
  });
});

/** A venue that has no book of its own and only reads prices, as a live venue's pre-trade checks would. */
class QuoteOnlyVenue {
  readonly seen: MarketQuote[] = [];

  constructor(private readonly market: MarketData) {}

  listen(room: MarketRoom): void {
    room.onBook("live-venue", (_u, q) => this.seen.push({ ...q }));
  }

  touch(symbol: string): { bid: number | undefined; ask: number | undefined } {
    const q = this.market.quote(symbol);
    return { bid: q?.bid, ask: q?.ask };
  }

  depth(symbol: string): number {
    const b = this.market.snapshot(symbol, 100);
    return (b?.bids.length ?? 0) + (b?.asks.length ?? 0);
  }
}

describe("a second, venue-less consumer of the room", () => {
  it("sees the same book as the simulator trades on, update by update, whatever the simulator consumed", async () => {
    const clock = new ManualClock(T0);
    const r = room();
    const venue = new SimVenue({ clock }, r);
    venue.restoreAccount("a", CASH);
    const live = new QuoteOnlyVenue(r);
    live.listen(r);
    const updates = [BOOK, delta([[499_950, 2]], [], T0 + 1), delta([], [[500_000, 0]], T0 + 2), snap([[499_000, 1]], [[501_000, 1]], T0 + 3), snap([[499_000, 1]], [[501_000, 1]], T0 + 3, "ETH")];
    const expected: MarketQuote[] = [];
    for (const u of updates) {
      r.apply(u);
      expected.push(r.quote(u.symbol)!);
      // Paper takers eat the touch on both sides after every update: the live venue never sees it.
      await venue.placeOrder(order({ accountId: "a", side: "BUY", lots: 1, symbol: u.symbol }));
      await venue.placeOrder(order({ accountId: "a", side: "SELL", lots: 1, symbol: u.symbol }));
      expect(live.touch(u.symbol)).toEqual({ bid: r.quote(u.symbol)!.bid, ask: r.quote(u.symbol)!.ask });
      expect(live.depth(u.symbol)).toBe(r.snapshot(u.symbol, 100)!.bids.length + r.snapshot(u.symbol, 100)!.asks.length);
      expect(venue.l2(u.symbol)!.marketMid()).toBe(r.mid(u.symbol));
    }
    expect(live.seen).toEqual(expected);
    expect(live.touch("BTC")).toEqual({ bid: 499_000, ask: 501_000 });
    // The simulator's own view of the last BTC book: both single lots were taken.
    expect(venue.book("BTC", 5)).toMatchObject({ bids: [], asks: [] });
  });
});

describe("the room's standard listeners", () => {
  it("market ticks: the quote at most once a second per symbol in domain time, and none without a mid", () => {
    const clock = new ManualClock(T0);
    const r = room();
    const ticks: MarketTick[] = [];
    r.onBook("market-ticks", marketTicks({ markets: DEFAULT_MARKETS, now: () => clock.now(), publish: (t) => ticks.push(t) }));
    r.apply(snap([[499_000, 1]], [], T0)); // no ask, no mid
    r.apply(BOOK);
    clock.advance(999);
    r.apply(delta([[499_950, 1]], [], clock.now()));
    r.apply(snap([[200_000, 1]], [[200_010, 1]], clock.now(), "ETH"));
    clock.advance(1);
    r.apply(delta([[499_960, 1]], [], clock.now()));
    expect(ticks).toEqual([
      { symbol: "BTC", bid: "49990", ask: "50000", mid: "49995", ts: new Date(T0).toISOString() },
      { symbol: "ETH", bid: "2000", ask: "2000.1", mid: "2000.05", ts: new Date(T0 + 999).toISOString() },
      { symbol: "BTC", bid: "49996", ask: "50000", mid: "49998", ts: new Date(T0 + 1000).toISOString() },
    ]);
  });

  it("candles: the store attached to the room builds them from the feed's mid and the trades' volume", () => {
    const r = room();
    const store = new CandleStore({} as Db, DEFAULT_MARKETS);
    store.attach(r);
    const minute = Math.floor(T0 / 60_000) * 60_000;
    r.apply({ ...BOOK, ts: minute + 1_000 });
    r.apply(delta([[499_990, 1]], [], minute + 2_000)); // mid (499,990 + 500,000) / 2
    r.apply(snap([[499_000, 1]], [], minute + 3_000)); // no mid: no price
    r.trade({ symbol: "BTC", ts: minute + 4_000, priceTicks: 499_000, sizeLots: 7 });
    expect(store.get("BTC", "1m")).toEqual([{ symbol: "BTC", interval: "1m", openTime: minute, open: 499_950, high: 499_995, low: 499_000, close: 499_000, volume: 7 }]);
  });
});
