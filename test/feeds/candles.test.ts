import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregate, alignTime, CandleBuilder } from "../../src/feeds/candles.js";
import type { Candle } from "../../src/feeds/feed.js";

const H = Date.UTC(2025, 0, 1, 10); // 10:00:00Z
const MIN = 60_000;

function collect(): { builder: CandleBuilder; closed: Candle[] } {
  const closed: Candle[] = [];
  return { builder: new CandleBuilder({ onClose: (c) => closed.push(c) }), closed };
}

describe("CandleBuilder", () => {
  it("aligns to UTC boundaries", () => {
    const t = Date.UTC(2025, 0, 1, 10, 7, 42, 123);
    expect(alignTime(t, "1m")).toBe(Date.UTC(2025, 0, 1, 10, 7));
    expect(alignTime(t, "5m")).toBe(Date.UTC(2025, 0, 1, 10, 5));
    expect(alignTime(t, "1h")).toBe(Date.UTC(2025, 0, 1, 10));
  });

  it("builds OHLCV and emits each candle when the next interval starts, shorter first", () => {
    const { builder, closed } = collect();
    builder.add("BTC", H + 1_000, 100, 2);
    builder.add("BTC", H + 20_000, 105, 1);
    builder.add("BTC", H + 40_000, 97, 0);
    builder.add("BTC", H + 59_999, 101, 4);
    expect(closed).toEqual([]);
    expect(builder.current("BTC", "1m")).toEqual({ symbol: "BTC", interval: "1m", openTime: H, open: 100, high: 105, low: 97, close: 101, volume: 7 });
    builder.add("BTC", H + MIN, 102, 1);
    expect(closed).toEqual([{ symbol: "BTC", interval: "1m", openTime: H, open: 100, high: 105, low: 97, close: 101, volume: 7 }]);
    builder.add("BTC", H + 3_600_000, 90, 0); // next hour: 1m, 5m and 1h all close
    expect(closed.slice(1).map((c) => c.interval)).toEqual(["1m", "5m", "1h"]);
    expect(closed[3]).toEqual({ symbol: "BTC", interval: "1h", openTime: H, open: 100, high: 105, low: 97, close: 102, volume: 8 });
  });

  it("keeps symbols apart", () => {
    const { builder } = collect();
    builder.add("BTC", H, 100);
    builder.add("ETH", H + 1, 5);
    expect(builder.current("BTC", "1m")!.close).toBe(100);
    expect(builder.current("ETH", "1m")!.close).toBe(5);
    expect(builder.current("SOL", "1m")).toBeUndefined();
  });

  it("leaves no candle for a minute in which nothing arrived", () => {
    const { builder, closed } = collect();
    builder.add("BTC", H + 10_000, 100);
    builder.add("BTC", H + 3 * MIN + 5, 110); // 10:01 and 10:02 were silent
    expect(closed.filter((c) => c.interval === "1m").map((c) => (c.openTime - H) / MIN)).toEqual([0]);
    expect(builder.current("BTC", "1m")).toMatchObject({ openTime: H + 3 * MIN, open: 110 });
  });

  it("closeUpTo closes quiet intervals without new prices", () => {
    const { builder, closed } = collect();
    builder.add("BTC", H + 10_000, 100);
    builder.closeUpTo(H + MIN - 1);
    expect(closed).toEqual([]);
    builder.closeUpTo(H + 5 * MIN);
    expect(closed.map((c) => c.interval)).toEqual(["1m", "5m"]);
    expect(builder.current("BTC", "1m")).toBeUndefined();
    expect(builder.current("BTC", "1h")).toBeDefined();
  });

  it("folds a slightly late observation into the open candle", () => {
    const { builder, closed } = collect();
    builder.add("BTC", H + MIN + 10, 100);
    builder.add("BTC", H + MIN - 5, 99);
    expect(closed).toEqual([]);
    expect(builder.current("BTC", "1m")).toMatchObject({ openTime: H + MIN, low: 99, close: 99 });
  });

  it("rejects non-integer prices and volumes", () => {
    const { builder } = collect();
    expect(() => builder.add("BTC", H, 100.5)).toThrow(/integer ticks/);
    expect(() => builder.add("BTC", H, 100, -1)).toThrow(/lots/);
  });
});

describe("aggregate", () => {
  it("equals building 5m and 1h candles directly, whatever the ticks and gaps", () => {
    const tick = fc.record({ gapMs: fc.integer({ min: 1, max: 7 * MIN }), price: fc.integer({ min: 1, max: 1_000 }), lots: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(fc.array(tick, { minLength: 1, maxLength: 300 }), (ticks) => {
        const { builder, closed } = collect();
        let t = H - 17 * MIN;
        for (const { gapMs, price, lots } of ticks) {
          t += gapMs;
          builder.add("SOL", t, price, lots);
        }
        const all = (interval: "1m" | "5m" | "1h"): Candle[] => [...closed.filter((c) => c.interval === interval), builder.current("SOL", interval)!];
        expect(aggregate(all("1m"), "5m")).toEqual(all("5m"));
        expect(aggregate(all("1m"), "1h")).toEqual(all("1h"));
      }),
      { numRuns: 200 },
    );
  });

  it("sorts by symbol and time and rejects non-1m input", () => {
    const c = (symbol: string, minute: number, close: number): Candle => ({ symbol, interval: "1m", openTime: H + minute * MIN, open: close, high: close, low: close, close, volume: 1 });
    const out = aggregate([c("ETH", 6, 3), c("BTC", 1, 2), c("BTC", 0, 1), c("ETH", 5, 4)], "5m");
    expect(out.map((x) => [x.symbol, (x.openTime - H) / MIN, x.open, x.close, x.volume])).toEqual([
      ["BTC", 0, 1, 2, 2],
      ["ETH", 5, 4, 3, 2],
    ]);
    expect(() => aggregate([{ ...c("BTC", 0, 1), interval: "5m" }], "1h")).toThrow(/1m candles/);
  });
});
