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

/**
 * Snapshots in feed order (strictly best first, no zero sizes) are written over the level objects
 * the book held before its current ones; any other snapshot is sorted into new ones. The book
 * must read exactly as a plain replace-everything model after every single update, whichever
 * path it took, whatever the depths before (the reused objects grow and shrink with them), and a
 * snapshot with a bad level must leave it untouched.
 */
describe("L2Book snapshot application against replacing the whole book", () => {
  const price = fc.integer({ min: 900, max: 1100 });
  const size = fc.integer({ min: 1, max: 50 });
  const side = (best: "high" | "low") =>
    fc.uniqueArray(fc.tuple(price, size), { maxLength: 30, selector: (l) => l[0] }).map((levels) => levels.sort((a, b) => (best === "high" ? b[0] - a[0] : a[0] - b[0])) as Level[]);
  const feedSnapshot = fc.record({ kind: fc.constant("snapshot" as const), bids: side("high"), asks: side("low") });
  const anyLevels = fc.array(fc.tuple(price, fc.integer({ min: 0, max: 50 })) as fc.Arbitrary<Level>, { maxLength: 30 });
  const anySnapshot = fc.record({ kind: fc.constant("snapshot" as const), bids: anyLevels, asks: anyLevels });
  const deltaUpdate = fc.record({ kind: fc.constant("delta" as const), bids: anyLevels, asks: anyLevels });
  const bad = fc.constantFrom<Level>([0, 1], [-5, 1], [1000.5, 1], [1000, -1], [1000, 1.5], [Number.MAX_SAFE_INTEGER + 1, 1]);
  const badSnapshot = fc.tuple(feedSnapshot, bad, fc.boolean(), fc.nat()).map(([u, level, onBids, at]) => {
    const levels = onBids ? [...u.bids] : [...u.asks];
    levels.splice(at % (levels.length + 1), 0, level);
    return { ...u, bids: onBids ? levels : u.bids, asks: onBids ? u.asks : levels, bad: true };
  });
  const update = fc.oneof({ arbitrary: feedSnapshot, weight: 4 }, anySnapshot, deltaUpdate, badSnapshot);

  it("reads as the model after every update: levels, stored keys, best prices, lookups", () => {
    fc.assert(
      fc.property(fc.array(update, { minLength: 1, maxLength: 30 }), (updates) => {
        const book = new L2Book("BTC");
        const model = { bids: new Map<number, number>(), asks: new Map<number, number>() };
        let ts = 0;
        for (const u of updates) {
          ts++;
          const before = JSON.stringify(book.snapshot(1000));
          const apply = () => book.applyUpdate({ symbol: "BTC", ts, kind: u.kind, bids: u.bids, asks: u.asks });
          if ("bad" in u) {
            expect(apply).toThrow(RangeError);
            expect(JSON.stringify(book.snapshot(1000))).toBe(before);
            ts--;
            continue;
          }
          apply();
          for (const s of ["bids", "asks"] as const) {
            if (u.kind === "snapshot") model[s].clear();
            for (const [p, q] of u[s]) model[s].set(p, q);
          }
          for (const s of ["bids", "asks"] as const) {
            const sign = s === "bids" ? 1 : -1;
            const expected = [...model[s]].filter(([, q]) => q > 0).sort((a, b) => sign * (b[0] - a[0]));
            expect(book.levels(s, 1000)).toEqual(expected);
            // Stored worst first with key = sign * price, as the simulator's overlay walks it.
            expect(book.side(s).map((l) => ({ price: l.price, key: l.key, size: l.size }))).toEqual([...expected].reverse().map(([p, q]) => ({ price: p, key: sign * p, size: q })));
            for (const [p] of expected) expect(book.side(s)[book.indexOf(s, p)]!.price).toBe(p);
            expect(book.indexOf(s, 899)).toBe(-1);
          }
          expect(book.bestBid()).toBe(book.levels("bids", 1)[0]?.[0]);
          expect(book.bestAsk()).toBe(book.levels("asks", 1)[0]?.[0]);
          expect(book.ts).toBe(ts);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a snapshot in feed order leaves what a reader took from the previous update alone until the next one", () => {
    const book = new L2Book("BTC");
    book.applyUpdate(snapshot([[99, 1]], [[101, 1]]));
    book.applyUpdate(snapshot([[98, 2]], [[102, 2]]));
    const held = book.side("bids");
    const level = held[0]!;
    // The next snapshot is written over the objects of two updates ago, not over these.
    book.applyUpdate(snapshot([[97, 3]], [[103, 3]]));
    expect(held).toHaveLength(1);
    expect([level.price, level.size]).toEqual([98, 2]);
    expect(book.levels("bids", 5)).toEqual([[97, 3]]);
  });
});
