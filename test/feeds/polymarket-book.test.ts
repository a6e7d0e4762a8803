import { describe, expect, it } from "vitest";
import { PolymarketBook, PolymarketFrameError, wirePriceTicks, wireSizeMicro } from "../../src/feeds/prediction/polymarket-book.js";

/** The CLOB market channel's book assembled from a `book` snapshot and `price_change` levels, exactly. */

describe("wire decimals", () => {
  it("reads prices to 10^-4 dollars (the docs write .48) and refuses finer ticks or prices outside (0, 1)", () => {
    expect(wirePriceTicks(".48")).toBe(4800);
    expect(wirePriceTicks("0.0001")).toBe(1);
    expect(wirePriceTicks("0.9999")).toBe(9999);
    for (const bad of ["0.12345", "0", "1", "1.2", "-0.5", "abc", ""]) expect(() => wirePriceTicks(bad), bad).toThrow(PolymarketFrameError);
    expect(() => wirePriceTicks(0.5)).toThrow(/not a decimal string/);
  });

  it("reads sizes to the micro-share and refuses more decimals or negatives", () => {
    expect(wireSizeMicro("12.5")).toBe(12_500_000n);
    expect(wireSizeMicro("0.000001")).toBe(1n);
    expect(wireSizeMicro("0")).toBe(0n);
    expect(() => wireSizeMicro("1.0000001")).toThrow(/6 decimals/);
    expect(() => wireSizeMicro("-1")).toThrow(/negative/);
  });
});

describe("PolymarketBook", () => {
  it("takes a snapshot in any order and gives it best first, sizes floored to whole 0.01-share lots", () => {
    const book = new PolymarketBook();
    // As the docs' example: bids ascending, asks descending (best last).
    const update = book.applyBook(
      [
        { price: ".48", size: "30" },
        { price: ".49", size: "20.015" },
        { price: ".50", size: "0.009" },
      ],
      [
        { price: ".54", size: "10" },
        { price: ".52", size: "25.5" },
      ],
      1_000,
    );
    expect(update).toEqual({
      ts: 1_000,
      kind: "snapshot",
      // 0.009 shares is less than a lot: not shown; 20.015 shows as 20.01.
      bids: [
        [4900, 2_001],
        [4800, 3_000],
      ],
      asks: [
        [5200, 2_550],
        [5400, 1_000],
      ],
    });
    expect(book.isSynced).toBe(true);
    // The exact sizes are kept: the sub-lot level is still there.
    expect(book.exact().bids).toEqual([
      [5000, 9_000n],
      [4900, 20_015_000n],
      [4800, 30_000_000n],
    ]);
  });

  it("applies price changes as the level's new total (0 removes it) and answers a one-level delta", () => {
    const book = new PolymarketBook();
    book.applyBook([{ price: "0.40", size: "100" }], [{ price: "0.50", size: "10" }], 1);
    expect(book.applyChange("BUY", "0.45", "10", 2)).toEqual({ ts: 2, kind: "delta", bids: [[4500, 1_000]], asks: [] });
    expect(book.applyChange("SELL", "0.5", "4.25", 3)).toEqual({ ts: 3, kind: "delta", bids: [], asks: [[5000, 425]] });
    expect(book.applyChange("BUY", "0.40", "0", 4)).toEqual({ ts: 4, kind: "delta", bids: [[4000, 0]], asks: [] });
    expect(book.levels()).toEqual({ bids: [[4500, 1_000]], asks: [[5000, 425]] });
  });

  it("ignores changes before the first snapshot and after a reset (a reconnect): only a fresh snapshot is trusted", () => {
    const book = new PolymarketBook();
    expect(book.applyChange("BUY", "0.45", "10", 1)).toBeUndefined();
    expect(book.levels()).toEqual({ bids: [], asks: [] });
    book.applyBook([{ price: "0.40", size: "1" }], [], 2);
    book.reset();
    expect(book.isSynced).toBe(false);
    expect(book.applyChange("BUY", "0.41", "1", 3)).toBeUndefined();
    expect(book.levels()).toEqual({ bids: [], asks: [] });
  });

  it("refuses an unreadable snapshot as a whole: the book stays as it was", () => {
    const book = new PolymarketBook();
    book.applyBook([{ price: "0.40", size: "1" }], [], 1);
    expect(() =>
      book.applyBook(
        [
          { price: "0.41", size: "1" },
          { price: "0.4x", size: "1" },
        ],
        [],
        2,
      ),
    ).toThrow(PolymarketFrameError);
    expect(book.levels()).toEqual({ bids: [[4000, 100]], asks: [] });
    expect(() => book.applyChange("HOLD" as "BUY", "0.4", "1", 3)).toThrow(/neither BUY nor SELL/);
    expect(() => book.applyChange("BUY", "0.4", "1.0000001", 3)).toThrow(PolymarketFrameError);
    expect(book.levels()).toEqual({ bids: [[4000, 100]], asks: [] });
  });
});
