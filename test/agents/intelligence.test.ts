import { describe, expect, it } from "vitest";
import { computeIntelligence, IntelligenceCache, type MarketIntelligence } from "../../src/agents/intelligence.js";
import type { CandleInterval } from "../../src/feeds/feed.js";
import { BTC, candles, NOW, ramp, rampTo, SOL } from "./fixtures.js";

function intelFor(closes: Partial<Record<CandleInterval, number[]>>, wiggle = 0) {
  const series = {
    "1m": candles(BTC, "1m", closes["1m"] ?? [], wiggle),
    "5m": candles(BTC, "5m", closes["5m"] ?? [], wiggle),
    "1h": candles(BTC, "1h", closes["1h"] ?? [], wiggle),
  };
  return computeIntelligence({ markets: [BTC], candles: (_s, i) => series[i], now: NOW }).symbols["BTC"]!;
}

/** EMA by its textbook recursion, seeded with the first price as trading-signals does. */
function emaByFormula(prices: number[], period: number): number {
  const k = 2 / (period + 1);
  return prices.slice(1).reduce((ema, p) => p * k + ema * (1 - k), prices[0]!);
}

describe("computeIntelligence", () => {
  it("constant prices: every indicator defined, EMAs at the price, RSI neutral, no volatility", () => {
    const tf = intelFor({ "5m": Array.from({ length: 60 }, () => 50_000) }).timeframes["5m"];
    expect(tf.ema20).toEqual({ defined: true, value: 50_000 });
    expect(tf.ema50).toEqual({ defined: true, value: 50_000 });
    expect(tf.rsi14).toEqual({ defined: true, value: 50 });
    expect(tf.atr14).toEqual({ defined: true, value: 0 });
    expect(tf.macd).toEqual({ defined: true, value: { macd: 0, signal: 0, histogram: 0 } });
  });

  it("EMA20 matches the formula on a short series", () => {
    const closes = [100, 102, 101, 105, 107, 106, 110, 108, 111, 115, 114, 113, 117, 120, 118, 121, 125, 124, 126, 130, 128, 131];
    const tf = intelFor({ "1m": closes }).timeframes["1m"];
    expect(tf.ema20.value).toBeCloseTo(emaByFormula(closes, 20), 9);
    expect(tf.ema50.defined).toBe(false);
  });

  it("RSI14 is 50 when gains and losses balance and 100 when prices only rise", () => {
    const zigzag = Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? 100 : 101)); // 7 gains, 7 losses of 1
    expect(intelFor({ "5m": zigzag }).timeframes["5m"].rsi14).toEqual({ defined: true, value: 50 });
    expect(intelFor({ "5m": ramp(100, 1, 15) }).timeframes["5m"].rsi14).toEqual({ defined: true, value: 100 });
  });

  it("ATR14 of identical 20-wide bars is 20", () => {
    const bars = Array.from({ length: 20 }, () => 50_000);
    expect(intelFor({ "5m": bars }, 10).timeframes["5m"].atr14.value).toBeCloseTo(20, 9);
  });

  it("marks indicators undefined until there are enough candles", () => {
    const tf = (n: number) => intelFor({ "5m": ramp(100, 1, n) }).timeframes["5m"];
    expect(tf(19).ema20.defined).toBe(false);
    expect(tf(20).ema20.defined).toBe(true);
    expect(tf(14).rsi14).toEqual({ defined: false, value: null });
    expect(tf(15).rsi14.defined).toBe(true);
    expect(tf(13).atr14.defined).toBe(false);
    expect(tf(14).atr14.defined).toBe(true);
    expect(tf(33).macd.defined).toBe(false);
    expect(tf(34).macd.defined).toBe(true);
    expect(tf(49).ema50.defined).toBe(false);
    const empty = intelFor({});
    expect(empty.lastPrice).toBeNull();
    expect(empty.change24hPct).toBeNull();
    expect(empty.timeframes["1h"].lastClose).toBeNull();
  });

  it("takes the last price from the finest timeframe and the 24h change from the price a day ago", () => {
    const s = intelFor({ "1m": rampTo(55_000, 1, 10), "1h": rampTo(50_000, 100, 30) });
    expect(s.lastPrice).toBe(55_000);
    // The 1h candle opening exactly 24 h ago opens at the close of the one before: 50,000 - 24 x 100.
    expect(s.change24hPct).toBeCloseTo(((55_000 - 47_600) / 47_600) * 100, 9);
  });

  it("converts ticks and lots to price and base units, ignores bars from the future, keeps recent candles", () => {
    const series = candles(SOL, "5m", ramp(150, 0.5, 40), 0.1);
    const future = { ...series[0]!, openTime: NOW + 60_000, close: 999_000 };
    const intel = computeIntelligence({ markets: [SOL], candles: (_s, i) => (i === "5m" ? [future, ...series] : []), now: NOW, recentCandles: 5 });
    const tf = intel.symbols["SOL"]!.timeframes["5m"];
    expect(tf.candleCount).toBe(40);
    expect(tf.lastClose).toBe(169.5);
    expect(tf.recent).toHaveLength(5);
    expect(tf.recent[4]).toEqual({ openTime: NOW - 300_000, open: 169, high: 169.6, low: 168.9, close: 169.5, volume: 1 });
  });

  it("is plain JSON", () => {
    const intel = computeIntelligence({ markets: [BTC, SOL], candles: (s, i) => (s === "BTC" ? candles(BTC, i, ramp(100, 1, 60), 1) : []), now: NOW });
    expect(JSON.parse(JSON.stringify(intel))).toEqual(intel);
  });
});

describe("IntelligenceCache", () => {
  it("computes once per cycle and again after a new cycle or invalidate()", () => {
    const cache = new IntelligenceCache();
    let computed = 0;
    const compute = (): MarketIntelligence => ({ generatedAt: ++computed, symbols: {} });
    expect(cache.get("c1", compute).generatedAt).toBe(1);
    expect(cache.get("c1", compute).generatedAt).toBe(1);
    expect(cache.get("c2", compute).generatedAt).toBe(2);
    cache.invalidate();
    expect(cache.get("c2", compute).generatedAt).toBe(3);
  });
});
