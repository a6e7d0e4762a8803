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

describe("L2Book rejects a bad update whole", () => {
  it("an invalid level anywhere in an update changes nothing, on either side", () => {
    const book = seeded();
    const before = book.snapshot(10);
    expect(() =>
      book.applyUpdate(
        delta(
          [[97, 1]],
          [
            [101, 1],
            [102.5, 1],
          ],
          9,
        ),
      ),
    ).toThrow(RangeError);
    expect(() => book.applyUpdate(snapshot([[90, 1]], [[0, 1]], 9))).toThrow(RangeError);
    expect(book.snapshot(10)).toEqual(before);
  });
});
