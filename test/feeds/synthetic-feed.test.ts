import { describe, expect, it } from "vitest";
import type { BookUpdate } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import type { TradePrint } from "../../src/feeds/feed.js";
import { createSyntheticFeed, type IntervalTimers } from "../../src/feeds/synthetic/index.js";

const T0 = Date.UTC(2025, 0, 1);

/** Timers that never fire on their own: the test fires them. */
function manualTimers(): IntervalTimers & { fire(): void; active: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setInterval: (callback) => {
      callbacks.set(next, callback);
      return next++;
    },
    clearInterval: (handle) => void callbacks.delete(handle as number),
    fire: () => callbacks.forEach((cb) => cb()),
    get active() {
      return callbacks.size;
    },
  };
}

describe("synthetic feed", () => {
  it("same seed and same steps give identical updates, bit for bit", () => {
    const run = (): string => {
      const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 42, clock: new ManualClock(T0) });
      const out: BookUpdate[] = [];
      for (let t = T0; t <= T0 + 60_000; t += 1_700) out.push(...feed.advanceTo(t));
      feed.move("ETH", 300_000);
      out.push(...feed.advanceTo(T0 + 120_000));
      return JSON.stringify(out);
    };
    const a = run();
    expect(a).toBe(run());
    expect(a.length).toBeGreaterThan(1000);
  });

  it("steps on the interval grid and stamps updates with grid times", () => {
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 1, clock: new ManualClock(T0), intervalMs: 500 });
    const updates = feed.advanceTo(T0 + 1_250);
    expect(updates.map((u) => `${u.symbol}@${u.ts - T0}`)).toEqual(["BTC@500", "ETH@500", "SOL@500", "BTC@1000", "ETH@1000", "SOL@1000"]);
    expect(feed.advanceTo(T0 + 1_499)).toEqual([]);
    expect(feed.advanceTo(T0 + 1_500)).toHaveLength(3);
  });

  it("a symbol's path does not depend on which other markets are in the feed", () => {
    const both = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 5, clock: new ManualClock(T0) });
    const alone = createSyntheticFeed({ markets: DEFAULT_MARKETS.filter((m) => m.symbol === "SOL"), seed: 5, clock: new ManualClock(T0) });
    const sol = both.advanceTo(T0 + 10_000).filter((u) => u.symbol === "SOL");
    expect(alone.advanceTo(T0 + 10_000)).toEqual(sol);
  });

  it("start() delivers a snapshot per symbol at once, then steps on each timer tick with the clock's time", () => {
    const clock = new ManualClock(T0);
    const timers = manualTimers();
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 9, clock, timers });
    const seen: BookUpdate[] = [];
    const trades: TradePrint[] = [];
    feed.start(
      (u) => seen.push(u),
      (t) => trades.push(t),
    );
    expect(seen.map((u) => [u.symbol, u.kind])).toEqual([
      ["BTC", "snapshot"],
      ["ETH", "snapshot"],
      ["SOL", "snapshot"],
    ]);
    clock.advance(1_000);
    timers.fire();
    expect(seen).toHaveLength(9);
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => Number.isInteger(t.sizeLots) && t.sizeLots > 0)).toBe(true);
    expect(feed.describe()).toMatchObject({ kind: "synthetic", running: true });
    feed.stop();
    expect(timers.active).toBe(0);
    expect(feed.describe()).toMatchObject({ running: false });
  });

  it("move() re-centres the book and delivers it at once", () => {
    const timers = manualTimers();
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 2, clock: new ManualClock(T0), timers });
    const seen: BookUpdate[] = [];
    feed.start((u) => seen.push(u));
    feed.move("BTC", 900_000);
    expect(feed.mid("BTC")).toBe(900_000);
    const moved = seen[seen.length - 1]!;
    expect(moved.symbol).toBe("BTC");
    expect(Math.floor((moved.bids[0]![0] + moved.asks[0]![0]) / 2)).toBe(900_000);
    expect(() => feed.move("DOGE", 1)).toThrow(/no market DOGE/);
    feed.stop();
  });

  it("a restart from state() continues exactly as the original run", () => {
    const clock = new ManualClock(T0);
    const original = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 11, clock });
    original.advanceTo(T0 + 30_000);
    const saved = JSON.parse(JSON.stringify(original.state())) as Record<string, unknown>;
    const restarted = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 11, clock: new ManualClock(T0 + 30_000), states: saved });
    for (const m of DEFAULT_MARKETS) expect(restarted.mid(m.symbol)).toBe(original.mid(m.symbol));
    expect(restarted.advanceTo(T0 + 60_000)).toEqual(original.advanceTo(T0 + 60_000));
  });

  it("startMids set where each market begins", () => {
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 1, clock: new ManualClock(T0), startMids: { BTC: 1_000_000 } });
    expect(feed.mid("BTC")).toBe(1_000_000);
    expect(feed.mid("ETH")).toBe(340_000);
  });
});
