import { describe, expect, it, vi } from "vitest";
import type { BookUpdate } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import { DEFAULT_MARKETS, MAX_PRICE_TICKS } from "../../src/core/market.js";
import { createSyntheticFeed, createSyntheticMarket, type IntervalTimers } from "../../src/feeds/synthetic/index.js";

const T0 = Date.UTC(2025, 0, 1);
const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;

function manualTimers(): IntervalTimers & { fire(): void } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setInterval: (callback) => {
      callbacks.set(next, callback);
      return next++;
    },
    clearInterval: (handle) => void callbacks.delete(handle as number),
    fire: () => callbacks.forEach((cb) => cb()),
  };
}

function expectExactBook(u: BookUpdate) {
  for (const [price, size] of [...u.bids, ...u.asks]) {
    expect(Number.isSafeInteger(price) && price > 0, `${u.symbol} price ${price}`).toBe(true);
    expect(Number.isSafeInteger(size) && size > 0, `${u.symbol} size ${size}`).toBe(true);
  }
  expect(u.bids.length + u.asks.length).toBeGreaterThan(0);
}

describe("the synthetic feed stays within what a market holds", () => {
  it("refuses a move beyond MAX_PRICE_TICKS and leaves the market where it was", () => {
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 3, clock: new ManualClock(T0), logger: { error: () => undefined } });
    const before = feed.mid("BTC");
    for (const bad of [MAX_PRICE_TICKS + 1, 2 ** 53 + 2, 1.2345678901234568e20, Number.NaN, 0, -5, 1.5]) {
      expect(() => feed.move("BTC", bad), String(bad)).toThrow(RangeError);
    }
    expect(feed.mid("BTC")).toBe(before);
  });

  it("a market moved to the largest price keeps laying out exact books as it walks", () => {
    const clock = new ManualClock(T0);
    const feed = createSyntheticFeed({ markets: [BTC], seed: 11, clock, intervalMs: 60_000 });
    feed.move("BTC", MAX_PRICE_TICKS);
    expectExactBook(feed.book("BTC"));
    // An hour of minutes at the top of the range: the walk is clamped, every level exact.
    for (const u of feed.advanceTo(T0 + 3_600_000)) expectExactBook(u);
    expect(feed.mid("BTC")).toBeLessThanOrEqual(MAX_PRICE_TICKS);
  });

  it("a saved state beyond the bound resumes at the bound instead of failing", () => {
    const p = createSyntheticMarket({ market: BTC, seed: 1, startMid: 970_000 });
    const saved = { ...p.snapshotState(), mid: 1e21 };
    const resumed = createSyntheticMarket({ market: BTC, seed: 1, startMid: 970_000, rngState: saved });
    expect(resumed.mid()).toBe(MAX_PRICE_TICKS);
    expectExactBook(resumed.step(500, T0).update);
  });
});

describe("no failure escapes the feed's timer", () => {
  it("a consumer that throws on one market's book is logged; the timer survives and the other markets still arrive", () => {
    const clock = new ManualClock(T0);
    const timers = manualTimers();
    const error = vi.fn();
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 4, clock, timers, intervalMs: 500, logger: { error } });
    const delivered: string[] = [];
    const trades: string[] = [];
    feed.start(
      (u) => {
        if (u.symbol === "ETH") throw new RangeError("invalid bids level");
        delivered.push(`${u.symbol}@${u.ts - T0}`);
      },
      (t) => trades.push(t.symbol),
    );
    delivered.length = 0;
    clock.set(T0 + 1_000);
    expect(() => timers.fire()).not.toThrow();
    expect(delivered).toEqual(["BTC@500", "SOL@500", "BTC@1000", "SOL@1000"]);
    expect(error).toHaveBeenCalled();
    expect(error.mock.calls[0]![0]).toMatchObject({ symbol: "ETH" });
    // The feed goes on: the next tick steps again, including ETH's process.
    clock.set(T0 + 1_500);
    expect(() => timers.fire()).not.toThrow();
    expect(delivered.at(-1)).toBe("SOL@1500");
    expect(feed.describe().running).toBe(true);
    feed.stop();
  });

  it("a trade consumer that throws, or a logger that throws, does not stop the feed either", () => {
    const clock = new ManualClock(T0);
    const timers = manualTimers();
    const feed = createSyntheticFeed({
      markets: DEFAULT_MARKETS,
      seed: 4,
      clock,
      timers,
      intervalMs: 60_000,
      logger: {
        error: () => {
          throw new Error("logger down");
        },
      },
    });
    const books: string[] = [];
    feed.start(
      (u) => books.push(u.symbol),
      () => {
        throw new Error("candles full");
      },
    );
    books.length = 0;
    clock.set(T0 + 120_000);
    expect(() => timers.fire()).not.toThrow();
    expect(books).toHaveLength(6);
    feed.stop();
  });

  it("a failure of the clock itself is contained", () => {
    const timers = manualTimers();
    const error = vi.fn();
    const clock = new ManualClock(T0);
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 4, clock, timers, logger: { error } });
    feed.start(() => undefined);
    vi.spyOn(clock, "now").mockImplementation(() => {
      throw new Error("clock broke");
    });
    expect(() => timers.fire()).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    feed.stop();
  });
});
