import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BookUpdate, Level } from "../../src/core/book.js";
import { ConsumedBook } from "../../src/book/consumed-book.js";
import { L2Book } from "../../src/book/l2-book.js";

function snapshot(bids: Level[], asks: Level[], ts = 1): BookUpdate {
  return { symbol: "BTC", ts, kind: "snapshot", bids, asks };
}
function delta(bids: Level[], asks: Level[], ts = 2): BookUpdate {
  return { symbol: "BTC", ts, kind: "delta", bids, asks };
}

/** The feed's book and the simulator's overlay on it, updated as the market room does: the book first, then the overlay. */
class Pair {
  readonly feed = new L2Book("BTC");
  readonly book = new ConsumedBook(this.feed);

  apply(u: BookUpdate): void {
    this.feed.applyUpdate(u);
    this.book.refresh(u);
  }
}

function seeded(): Pair {
  const pair = new Pair();
  pair.apply(
    snapshot(
      [
        [99, 5],
        [98, 5],
      ],
      [
        [101, 5],
        [102, 5],
        [103, 5],
      ],
    ),
  );
  return pair;
}

describe("ConsumedBook walks and consumption", () => {
  it("walks a BUY up the asks and a SELL down the bids, bounded by lots and an inclusive limit", () => {
    const { book } = seeded();
    expect(book.walk("BUY", 7)).toEqual({
      fills: [
        { price: 101, lots: 5 },
        { price: 102, lots: 2 },
      ],
      filled: 7,
    });
    expect(book.walk("BUY", 100, 102).filled).toBe(10);
    expect(book.walk("SELL", 100, 99)).toEqual({ fills: [{ price: 99, lots: 5 }], filled: 5 });
    expect(book.availableTo("BUY", 102)).toBe(10);
    expect(book.availableTo("SELL")).toBe(10);
    expect(book.levels("asks", 1)).toEqual([[101, 5]]); // walking mutates nothing
  });

  it("a second walk before a refresh gets the next level", () => {
    const { book } = seeded();
    const first = book.walk("BUY", 5);
    book.consume("BUY", first.fills);
    expect(book.bestAsk()).toBe(102);
    expect(book.walk("BUY", 3).fills).toEqual([{ price: 102, lots: 3 }]);
    expect(book.availableTo("BUY", 101)).toBe(0);
    expect(book.levels("asks", 1)).toEqual([[102, 5]]);
  });

  it("partially consumed levels show only what is left", () => {
    const { book } = seeded();
    book.consume("SELL", [{ price: 99, lots: 2 }]);
    expect(book.levels("bids", 1)).toEqual([[99, 3]]);
    expect(book.walk("SELL", 4).fills).toEqual([
      { price: 99, lots: 3 },
      { price: 98, lots: 1 },
    ]);
  });

  it("a delta touching the price restores it; other prices stay consumed", () => {
    const pair = seeded();
    const { book } = pair;
    book.consume("BUY", [
      { price: 101, lots: 5 },
      { price: 102, lots: 5 },
    ]);
    pair.apply(delta([], [[101, 4]]));
    expect(book.levels("asks", 3)).toEqual([
      [101, 4],
      [103, 5],
    ]);
  });

  it("a snapshot restores all consumption", () => {
    const pair = seeded();
    const { book } = pair;
    book.consume("BUY", book.walk("BUY", 15).fills);
    expect(book.bestAsk()).toBeUndefined();
    pair.apply(snapshot([[99, 5]], [[101, 5]]));
    expect(book.bestAsk()).toBe(101);
  });

  it("refuses to consume more than is available and changes nothing", () => {
    const { book } = seeded();
    expect(() =>
      book.consume("BUY", [
        { price: 101, lots: 5 },
        { price: 102, lots: 6 },
      ]),
    ).toThrow(RangeError);
    expect(() => book.consume("BUY", [{ price: 150, lots: 1 }])).toThrow(RangeError);
    expect(book.availableTo("BUY")).toBe(15);
    expect(book.consumed("asks").size).toBe(0);
  });

  it("never fills the same liquidity twice over random walks", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ buy: fc.boolean(), lots: fc.integer({ min: 1, max: 8 }) }), { maxLength: 30 }), (orders) => {
        const { book } = seeded();
        const taken = { BUY: 0, SELL: 0 };
        for (const o of orders) {
          const side = o.buy ? "BUY" : "SELL";
          const { fills, filled } = book.walk(side, o.lots);
          expect(filled).toBe(Math.min(o.lots, book.availableTo(side)));
          book.consume(side, fills);
          taken[side] += filled;
        }
        expect(taken.BUY + book.availableTo("BUY")).toBe(15);
        expect(taken.SELL + book.availableTo("SELL")).toBe(10);
      }),
    );
  });
});

describe("ConsumedBook over a book it does not own", () => {
  it("the feed's book, its best prices and its mid never show the consumption; the mark stays the feed's mid", () => {
    const { feed, book } = seeded();
    book.consume("BUY", book.walk("BUY", 15).fills);
    book.consume("SELL", [{ price: 99, lots: 5 }]);
    expect(feed.levels("asks", 5)).toEqual([
      [101, 5],
      [102, 5],
      [103, 5],
    ]);
    expect([feed.bestBid(), feed.bestAsk(), feed.mid()]).toEqual([99, 101, 100]);
    expect([book.bestBid(), book.bestAsk(), book.mid()]).toEqual([98, undefined, undefined]);
    expect(book.marketMid()).toBe(100);
  });

  it("a level the feed shrank without telling the overlay shows nothing left rather than a negative size", () => {
    const { feed, book } = seeded();
    book.consume("BUY", [{ price: 101, lots: 4 }]);
    feed.applyUpdate(delta([], [[101, 2]])); // the overlay is not refreshed: never below 0
    expect(book.levels("asks", 1)).toEqual([[102, 5]]);
    expect(book.availableTo("BUY", 101)).toBe(0);
  });

  it("matches a model of per-level consumption over any sequence of updates and taker walks", () => {
    const level = fc.tuple(fc.integer({ min: 95, max: 105 }), fc.integer({ min: 0, max: 5 }));
    const step = fc.oneof(
      fc.record({ kind: fc.constant("update" as const), snapshot: fc.boolean(), bids: fc.array(level, { maxLength: 5 }), asks: fc.array(level, { maxLength: 5 }) }),
      fc.record({ kind: fc.constant("take" as const), buy: fc.boolean(), lots: fc.integer({ min: 1, max: 12 }), limit: fc.option(fc.integer({ min: 95, max: 105 }), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const pair = new Pair();
        // The model: per side, price -> [size, consumed], as the simulator's book kept it before the market room.
        const model = { bids: new Map<number, [number, number]>(), asks: new Map<number, [number, number]>() };
        steps.forEach((s, ts) => {
          if (s.kind === "update") {
            pair.apply({ symbol: "BTC", ts, kind: s.snapshot ? "snapshot" : "delta", bids: s.bids, asks: s.asks });
            for (const side of ["bids", "asks"] as const) {
              if (s.snapshot) model[side].clear();
              for (const [price, size] of s[side]) {
                if (size === 0) model[side].delete(price);
                else model[side].set(price, [size, 0]);
              }
            }
            return;
          }
          const side = s.buy ? "BUY" : "SELL";
          const { fills } = pair.book.walk(side, s.lots, s.limit);
          pair.book.consume(side, fills);
          const levels = model[s.buy ? "asks" : "bids"];
          const prices = [...levels.keys()].sort((a, b) => (s.buy ? a - b : b - a));
          let left = s.lots;
          const expected: Array<{ price: number; lots: number }> = [];
          for (const price of prices) {
            if (left === 0 || (s.limit !== undefined && (s.buy ? price > s.limit : price < s.limit))) break;
            const lv = levels.get(price)!;
            const lots = Math.min(lv[0] - lv[1], left);
            if (lots <= 0) continue;
            lv[1] += lots;
            left -= lots;
            expected.push({ price, lots });
          }
          expect(fills).toEqual(expected);
        });
        for (const side of ["bids", "asks"] as const) {
          const available = [...model[side]]
            .map(([price, [size, consumed]]): Level => [price, size - consumed])
            .filter(([, lots]) => lots > 0)
            .sort((a, b) => (side === "bids" ? b[0] - a[0] : a[0] - b[0]));
          expect(pair.book.levels(side, 100)).toEqual(available);
          const all = [...model[side]].map(([price, [size]]): Level => [price, size]).sort((a, b) => (side === "bids" ? b[0] - a[0] : a[0] - b[0]));
          expect(pair.feed.levels(side, 100)).toEqual(all);
        }
      }),
    );
  });
});
