import { describe, expect, it } from "vitest";
import { divCeil, divFloor, formatFixed, parseFixed, parseRatio } from "./decimal.js";
import { matchOrder, OrderBook, type RestingOrder } from "./matching.js";

let seq = 0;
const resting = (orderIndex: number, accountIndex: number, isAsk: boolean, price: number, remaining: bigint): RestingOrder => ({ orderIndex, accountIndex, isAsk, price, remaining, seq: ++seq });

function book(...orders: RestingOrder[]): OrderBook {
  const b = new OrderBook();
  for (const o of orders) b.insert(o);
  b.takeChanges();
  return b;
}

describe("order book", () => {
  it("keeps price-time priority and aggregates levels best first", () => {
    const b = book(resting(1, 1, true, 101, 5n), resting(2, 2, true, 100, 3n), resting(3, 3, true, 100, 4n), resting(4, 1, false, 99, 2n), resting(5, 2, false, 98, 1n));
    expect(b.orders(true).map((o) => o.orderIndex)).toEqual([2, 3, 1]);
    expect(b.levels(true)).toEqual([
      { price: 100, size: 7n },
      { price: 101, size: 5n },
    ]);
    expect(b.levels(false).map((l) => l.price)).toEqual([99, 98]);
    expect(b.midPrice).toBe(99);
    expect(b.crosses(false, 100)).toBe(true);
    expect(b.crosses(false, 99)).toBe(false);
  });

  it("reports touched levels with their new size, zero when gone", () => {
    const b = book(resting(1, 1, true, 100, 3n), resting(2, 1, true, 101, 3n));
    b.remove(1);
    b.shrink(2, 1n);
    b.insert(resting(3, 1, false, 90, 2n));
    expect(b.takeChanges()).toEqual({
      asks: [
        { price: 100, size: 0n },
        { price: 101, size: 1n },
      ],
      bids: [{ price: 90, size: 2n }],
    });
    expect(b.takeChanges()).toEqual({ asks: [], bids: [] });
  });
});

describe("matching", () => {
  it("fills a limit taker at maker prices in time order and stops at its limit", () => {
    const b = book(resting(1, 1, true, 100, 3n), resting(2, 2, true, 100, 3n), resting(3, 3, true, 102, 10n));
    const out = matchOrder(b, { accountIndex: 9, isAsk: false, amount: 8n, price: 101, priceMode: "limit" });
    expect(out.fills.map((f) => [f.maker.orderIndex, f.price, f.amount])).toEqual([
      [1, 100, 3n],
      [2, 100, 3n],
    ]);
    expect(out).toMatchObject({ filled: 6n, quote: 600n, stop: "limit" });
    expect(b.best(true)?.orderIndex).toBe(3);
  });

  it("in average mode takes the largest part of the next level that keeps the average within the limit", () => {
    const b = book(resting(1, 1, true, 100, 10n), resting(2, 2, true, 110, 100n));
    const out = matchOrder(b, { accountIndex: 9, isAsk: false, amount: 50n, price: 104, priceMode: "average" });
    // 10 @ 100 then q @ 110 with 1000 + 110q ≤ 104(10 + q): q ≤ 6.67 → 6.
    expect(out.fills.map((f) => f.amount)).toEqual([10n, 6n]);
    expect(out).toMatchObject({ filled: 16n, quote: 1660n, stop: "slippage" });
    expect(out.quote <= 104n * out.filled).toBe(true);
    expect(b.best(true)?.remaining).toBe(94n);
  });

  it("mirrors the average rule for sells and reports an empty book", () => {
    const b = book(resting(1, 1, false, 100, 10n), resting(2, 2, false, 95, 10n));
    const out = matchOrder(b, { accountIndex: 9, isAsk: true, amount: 30n, price: 90, priceMode: "average" });
    expect(out).toMatchObject({ filled: 20n, stop: "no-liquidity" });
  });

  it("expires a self-trading maker by default, or stops the taker in expire-taker mode", () => {
    const b = book(resting(1, 9, true, 100, 5n), resting(2, 2, true, 100, 5n));
    const out = matchOrder(b, { accountIndex: 9, isAsk: false, amount: 5n, price: 100, priceMode: "limit" });
    expect(out.removed).toEqual([{ order: expect.objectContaining({ orderIndex: 1 }), reason: "canceled-self-trade" }]);
    expect(out.fills.map((f) => f.maker.orderIndex)).toEqual([2]);
    const b2 = book(resting(3, 9, true, 100, 5n));
    expect(matchOrder(b2, { accountIndex: 9, isAsk: false, amount: 5n, price: 100, priceMode: "limit", selfTrade: 1 })).toMatchObject({ stop: "self-trade", filled: 0n, removed: [] });
    expect(b2.best(true)?.orderIndex).toBe(3);
  });

  it("trims a maker to its verdict and cancels the rest of it", () => {
    const b = book(resting(1, 1, true, 100, 10n), resting(2, 2, true, 100, 10n));
    const out = matchOrder(b, { accountIndex: 9, isAsk: false, amount: 15n, price: 100, priceMode: "limit" }, (m) => ({ kind: "fill", max: m.orderIndex === 1 ? 4n : m.remaining }));
    expect(out.fills.map((f) => [f.maker.orderIndex, f.amount, f.makerDone, f.makerCanceledReason])).toEqual([
      [1, 4n, true, "canceled-reduce-only"],
      [2, 10n, true, undefined],
    ]);
    expect(out.filled).toBe(14n);
  });
});

describe("decimals", () => {
  it("formats and parses exactly", () => {
    expect(formatFixed(12345n, 2)).toBe("123.45");
    expect(formatFixed(-5n, 3)).toBe("-0.005");
    expect(formatFixed(0n, 4)).toBe("0.0000");
    expect(formatFixed(7, 0)).toBe("7");
    expect(parseFixed("1000", 6)).toBe(1_000_000_000n);
    expect(parseFixed("0.0050", 4)).toBe(50n);
    expect(parseFixed("-1.5", 2)).toBe(-150n);
    expect(() => parseFixed("0.123", 2)).toThrow();
    expect(() => parseFixed("abc", 2)).toThrow();
    expect(parseRatio("-0.0001")).toEqual({ numerator: -1n, scale: 4 });
    expect(divFloor(-7n, 2n)).toBe(-4n);
    expect(divCeil(7n, 2n)).toBe(4n);
  });
});
