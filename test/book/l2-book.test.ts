import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BookUpdate, Level } from "../../src/core/book.js";
import { L2Book } from "../../src/book/l2-book.js";

function snapshot(bids: Level[], asks: Level[], ts = 1): BookUpdate {
  return { symbol: "BTC", ts, kind: "snapshot", bids, asks };
}
function delta(bids: Level[], asks: Level[], ts = 2): BookUpdate {
  return { symbol: "BTC", ts, kind: "delta", bids, asks };
}

function seeded(): L2Book {
  const book = new L2Book("BTC");
  book.applyUpdate(
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
  return book;
}

describe("L2Book updates", () => {
  it("a snapshot sets both sides; best prices, mid and levels follow", () => {
    const book = seeded();
    expect(book.bestBid()).toBe(99);
    expect(book.bestAsk()).toBe(101);
    expect(book.mid()).toBe(100);
    expect(book.levels("asks", 2)).toEqual([
      [101, 5],
      [102, 5],
    ]);
    expect(book.ts).toBe(1);
    expect(book.crossed()).toBe(false);
  });

  it("a delta sets absolute sizes, removes at 0 and inserts new prices in order", () => {
    const book = seeded();
    book.applyUpdate(
      delta(
        [
          [99, 0],
          [97, 3],
          [100, 1],
        ],
        [[102, 9]],
        7,
      ),
    );
    expect(book.levels("bids", 10)).toEqual([
      [100, 1],
      [98, 5],
      [97, 3],
    ]);
    expect(book.levels("asks", 10)).toEqual([
      [101, 5],
      [102, 9],
      [103, 5],
    ]);
    expect(book.ts).toBe(7);
  });

  it("mid floors and crossed() reports a bad feed", () => {
    const book = new L2Book("BTC");
    expect(book.mid()).toBeUndefined();
    book.applyUpdate(snapshot([[100, 1]], [[103, 1]]));
    expect(book.mid()).toBe(101);
    book.applyUpdate(delta([[104, 1]], []));
    expect(book.crossed()).toBe(true);
  });

  it("sorts an unsorted snapshot and keeps the last entry of a repeated price", () => {
    const book = new L2Book("BTC");
    book.applyUpdate(
      snapshot(
        [
          [98, 1],
          [99, 2],
          [98, 4],
        ],
        [],
      ),
    );
    expect(book.levels("bids", 5)).toEqual([
      [99, 2],
      [98, 4],
    ]);
  });

  it("rejects an update for another symbol and invalid levels", () => {
    const book = seeded();
    expect(() => book.applyUpdate({ ...delta([], []), symbol: "ETH" })).toThrow(RangeError);
    expect(() => book.applyUpdate(delta([[99.5, 1]], []))).toThrow(RangeError);
    expect(() => book.applyUpdate(delta([[99, -1]], []))).toThrow(RangeError);
  });
});

describe("L2Book against a plain map model", () => {
  it("levels() equals the model after any sequence of snapshots and deltas", () => {
    const level = fc.tuple(fc.integer({ min: 90, max: 110 }), fc.integer({ min: 0, max: 5 }));
    const update = fc.record({ snapshot: fc.boolean(), bids: fc.array(level, { maxLength: 6 }), asks: fc.array(level, { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
        const book = new L2Book("BTC");
        const model = { bids: new Map<number, number>(), asks: new Map<number, number>() };
        updates.forEach((u, ts) => {
          book.applyUpdate({ symbol: "BTC", ts, kind: u.snapshot ? "snapshot" : "delta", bids: u.bids, asks: u.asks });
          for (const s of ["bids", "asks"] as const) {
            if (u.snapshot) model[s].clear();
            for (const [price, size] of u[s]) model[s].set(price, size);
          }
        });
        for (const s of ["bids", "asks"] as const) {
          const expected = [...model[s]].filter(([, size]) => size > 0).sort((a, b) => (s === "bids" ? b[0] - a[0] : a[0] - b[0]));
          expect(book.levels(s, 100)).toEqual(expected);
        }
      }),
    );
  });
});

describe("L2Book walks and consumption", () => {
  it("walks a BUY up the asks and a SELL down the bids, bounded by lots and an inclusive limit", () => {
    const book = seeded();
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
    const book = seeded();
    const first = book.walk("BUY", 5);
    book.consume("BUY", first.fills);
    expect(book.bestAsk()).toBe(102);
    expect(book.walk("BUY", 3).fills).toEqual([{ price: 102, lots: 3 }]);
    expect(book.availableTo("BUY", 101)).toBe(0);
    expect(book.levels("asks", 1)).toEqual([[102, 5]]);
  });

  it("partially consumed levels show only what is left", () => {
    const book = seeded();
    book.consume("SELL", [{ price: 99, lots: 2 }]);
    expect(book.levels("bids", 1)).toEqual([[99, 3]]);
    expect(book.walk("SELL", 4).fills).toEqual([
      { price: 99, lots: 3 },
      { price: 98, lots: 1 },
    ]);
  });

  it("a delta touching the price restores it; other prices stay consumed", () => {
    const book = seeded();
    book.consume("BUY", [
      { price: 101, lots: 5 },
      { price: 102, lots: 5 },
    ]);
    book.applyUpdate(delta([], [[101, 4]]));
    expect(book.levels("asks", 3)).toEqual([
      [101, 4],
      [103, 5],
    ]);
  });

  it("a snapshot restores all consumption", () => {
    const book = seeded();
    book.consume("BUY", book.walk("BUY", 15).fills);
    expect(book.bestAsk()).toBeUndefined();
    book.applyUpdate(snapshot([[99, 5]], [[101, 5]]));
    expect(book.bestAsk()).toBe(101);
  });

  it("refuses to consume more than is available and changes nothing", () => {
    const book = seeded();
    expect(() =>
      book.consume("BUY", [
        { price: 101, lots: 5 },
        { price: 102, lots: 6 },
      ]),
    ).toThrow(RangeError);
    expect(() => book.consume("BUY", [{ price: 150, lots: 1 }])).toThrow(RangeError);
    expect(book.availableTo("BUY")).toBe(15);
  });

  it("never fills the same liquidity twice over random walks", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ buy: fc.boolean(), lots: fc.integer({ min: 1, max: 8 }) }), { maxLength: 30 }), (orders) => {
        const book = seeded();
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
