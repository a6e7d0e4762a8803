import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, type MarketSpec } from "../../src/core/market.js";
import { aggregate } from "../../src/feeds/candles.js";
import { backfillCandles, defaultStartMid } from "../../src/feeds/synthetic/index.js";

const [BTC] = DEFAULT_MARKETS as [MarketSpec];
const END = Date.UTC(2025, 0, 3, 12, 0, 30); // mid-minute: the last candle is the last complete one

describe("backfillCandles", () => {
  const candles = backfillCandles({ market: BTC, seed: 1, endMid: 970_123, endTime: END });

  it("gives 72 h of aligned, contiguous 1m candles ending at endTime with the last close at endMid", () => {
    expect(candles).toHaveLength(4320);
    const last = candles[candles.length - 1]!;
    expect(last.close).toBe(970_123);
    expect(last.openTime).toBe(Date.UTC(2025, 0, 3, 11, 59));
    expect(last.openTime + 60_000).toBeLessThanOrEqual(END);
    // A continuous market opens where it closed, one minute later.
    const broken = candles.filter((c, i) => c.openTime % 60_000 !== 0 || (i > 0 && (c.openTime - candles[i - 1]!.openTime !== 60_000 || c.open !== candles[i - 1]!.close)));
    expect(broken).toEqual([]);
    const bad = candles.filter((c) => c.low > Math.min(c.open, c.close) || c.high < Math.max(c.open, c.close) || c.volume < 0);
    expect(bad).toEqual([]);
    expect(candles.every((c) => [c.open, c.high, c.low, c.close, c.volume].every(Number.isInteger))).toBe(true);
  });

  it("has realistic per-minute volatility (0.03–0.3 %) and enough hourly candles for EMA 50", () => {
    const returns = candles.slice(1).map((c, i) => Math.log(c.close / candles[i]!.close));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
    expect(sd).toBeGreaterThan(0.0003);
    expect(sd).toBeLessThan(0.003);
    expect(aggregate(candles, "1h").length).toBeGreaterThanOrEqual(72);
  });

  it("is deterministic and honours minutes", () => {
    expect(backfillCandles({ market: BTC, seed: 1, endMid: 970_123, endTime: END })).toEqual(candles);
    expect(backfillCandles({ market: BTC, seed: 2, endMid: 970_123, endTime: END })).not.toEqual(candles);
    expect(backfillCandles({ market: BTC, seed: 1, endMid: 5, endTime: END, minutes: 1560 })).toHaveLength(1560);
    expect(() => backfillCandles({ market: BTC, seed: 1, endMid: 970_123, endTime: END, minutes: 0 })).toThrow(/minutes/);
  });

  it("fills 72 h for three markets in well under a second", () => {
    const started = performance.now();
    for (const market of DEFAULT_MARKETS) backfillCandles({ market, seed: 7, endMid: defaultStartMid(market), endTime: END });
    const ms = performance.now() - started;
    console.log(`backfill 3 x 4320 minutes: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1_000);
  });
});
