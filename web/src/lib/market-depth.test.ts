import { describe, expect, it } from "vitest";
import { depthOf, shiftPrice } from "./market-depth.ts";

describe("depthOf", () => {
  it("sums each side from the touch and scales bars to the deeper side", () => {
    const d = depthOf(
      [
        ["100", "1"],
        ["99", "0.5"],
      ],
      [
        ["101", "2"],
        ["102", "1"],
      ],
    );
    expect(d.bids.map((l) => l.cumulative)).toEqual(["1", "1.5"]);
    expect(d.asks.map((l) => l.cumulative)).toEqual(["2", "3"]);
    expect(d.asks[1]!.share).toBe(1);
    expect(d.bids[1]!.share).toBeCloseTo(0.5);
  });
  it("handles an empty book", () => expect(depthOf([], [])).toEqual({ bids: [], asks: [] }));
});

describe("shiftPrice", () => {
  it("moves by a percentage and rounds to the decimals", () => {
    expect(shiftPrice("100", -5, 2)).toBe("95.00");
    expect(shiftPrice("100", 1, 2)).toBe("101.00");
    expect(shiftPrice("65432.1", 5, 1)).toBe("68703.7"); // 68703.705 rounds half up
    expect(shiftPrice("0.12345", -1, 4)).toBe("0.1222"); // 0.1222155
    expect(shiftPrice("3000", 0.5, 0)).toBe("3015");
  });
  it("refuses nonsense", () => {
    expect(shiftPrice("abc", 1, 2)).toBeNull();
    expect(shiftPrice("100", -100, 2)).toBeNull();
  });
});
