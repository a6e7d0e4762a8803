import { describe, expect, it } from "vitest";
import { computeIntelligence, IntelligenceCache, type MarketIntelligence } from "../../src/agents/intelligence.js";
import type { CandleInterval } from "../../src/feeds/feed.js";
import type { DerivativesSnapshot, DerivativesSource } from "../../src/market/derivatives.js";
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

describe("indicator series", () => {
  /** Everything the intelligence says of `bars` (5m closes, wicks `wiggle` wide) with `seriesLength` readings. */
  const fiveMinutes = (closes: number[], wiggle = 0, seriesLength?: number) => {
    const series = candles(BTC, "5m", closes, wiggle);
    const input = { markets: [BTC], candles: (_s: string, i: CandleInterval) => (i === "5m" ? series : []), now: NOW, ...(seriesLength !== undefined ? { seriesLength } : {}) };
    return computeIntelligence(input, { memo: null }).symbols["BTC"]!.timeframes["5m"];
  };

  it("hold each indicator's readings over the last candles, the last being the current value, each the value the candles up to it give", () => {
    const closes = Array.from({ length: 90 }, (_, i) => 50_000 + 300 * Math.sin(i / 6) + 7 * (i % 5));
    const tf = fiveMinutes(closes, 12, 6);
    for (const series of Object.values(tf.series)) expect(series).toHaveLength(6);
    expect(tf.series.ema20.at(-1)).toBe(tf.ema20.value);
    expect(tf.series.rsi14.at(-1)).toBe(tf.rsi14.value);
    expect(tf.series.macdHistogram.at(-1)).toBe(tf.macd.value!.histogram);
    expect(tf.series.atr14.at(-1)).toBe(tf.atr14.value);
    // The k-th reading from the end is what the intelligence said when that candle was the last one.
    for (let k = 1; k <= 6; k++) {
      const then = fiveMinutes(closes.slice(0, closes.length - k + 1), 12);
      const i = 6 - k;
      expect(tf.series.ema20[i]).toBe(then.ema20.value);
      expect(tf.series.ema50[i]).toBe(then.ema50.value);
      expect(tf.series.rsi14[i]).toBe(then.rsi14.value);
      expect(tf.series.macdLine[i]).toBe(then.macd.value!.macd);
      expect(tf.series.macdSignal[i]).toBe(then.macd.value!.signal);
      expect(tf.series.macdHistogram[i]).toBe(then.macd.value!.histogram);
      expect(tf.series.atr14[i]).toBe(then.atr14.value);
    }
  });

  it("are null where an indicator was not defined yet, and empty without candles", () => {
    const tf = fiveMinutes(ramp(100, 1, 22), 0, 4); // candles 19 to 22 shown; EMA20 defined from the 20th on
    expect(tf.series.ema20[0]).toBeNull();
    expect(tf.series.ema20.slice(1).every((v) => v !== null)).toBe(true);
    expect(tf.series.ema50).toEqual([null, null, null, null]);
    expect(tf.series.macdHistogram).toEqual([null, null, null, null]);
    expect(tf.series.rsi14).toEqual([100, 100, 100, 100]); // only gains: RSI14 100 from the 15th candle on
    expect(fiveMinutes([]).series).toEqual({ ema20: [], ema50: [], rsi14: [], macdLine: [], macdSignal: [], macdHistogram: [], atr14: [] });
  });

  it("default to 10 readings and never more than the 50 kept", () => {
    const closes = ramp(100, 0.5, 120);
    expect(fiveMinutes(closes).series.rsi14).toHaveLength(10);
    expect(fiveMinutes(closes, 0, 500).series.rsi14).toHaveLength(50);
  });

  it("ATR14's mean over the last 50 candles: defined from 63 candles (14 + 50 - 1), the plain mean of the last 50 ATR14 readings", () => {
    // Identical 20-wide bars: ATR14 is 20 on every candle, so its mean is 20.
    expect(
      fiveMinutes(
        Array.from({ length: 63 }, () => 50_000),
        10,
      ).atr14Mean.value,
    ).toBeCloseTo(20, 9);
    expect(
      fiveMinutes(
        Array.from({ length: 62 }, () => 50_000),
        10,
      ).atr14Mean,
    ).toEqual({ defined: false, value: null });
    // Against the readings themselves: the mean of the ATR14 the last 50 prefixes give.
    const closes = Array.from({ length: 80 }, (_, i) => 50_000 + (i % 7) * 40 - (i % 3) * 25);
    const atrAt = (n: number) => fiveMinutes(closes.slice(0, n), 15).atr14.value!;
    const expected = Array.from({ length: 50 }, (_, k) => atrAt(80 - k)).reduce((a, b) => a + b, 0) / 50;
    expect(fiveMinutes(closes, 15).atr14Mean.value).toBeCloseTo(expected, 9);
  });

  it("a sudden wide candle lifts ATR14 above its 50-candle mean ('much larger than usual' is readable)", () => {
    const quiet = Array.from({ length: 80 }, () => ({ close: 50_000, high: 50_010, low: 49_990 }));
    const wild = [...quiet, { close: 50_600, high: 50_900, low: 49_400 }, { close: 49_800, high: 50_700, low: 49_300 }];
    const series = candles(BTC, "5m", wild);
    const tf = computeIntelligence({ markets: [BTC], candles: (_s, i) => (i === "5m" ? series : []), now: NOW }).symbols["BTC"]!.timeframes["5m"];
    expect(tf.atr14.value!).toBeGreaterThan(3 * tf.atr14Mean.value!);
  });
});

describe("derivatives (funding and open interest)", () => {
  const source = (snapshots: Record<string, DerivativesSnapshot>): DerivativesSource => ({ derivatives: (s) => snapshots[s] });
  const series = candles(BTC, "5m", ramp(50_000, 1, 30));
  const bySymbol = (s: string, i: CandleInterval) => (s === "BTC" && i === "5m" ? series : []);

  it("are carried per symbol as the feed reports them, open interest in base units, and absent where the feed knows nothing", () => {
    const intel = computeIntelligence({
      markets: [BTC, SOL],
      candles: bySymbol,
      now: NOW,
      derivatives: source({ BTC: { symbol: "BTC", ts: NOW - 5_000, fundingRate: "0.0001", fundingIntervalMs: 28_800_000, nextFundingAt: NOW + 11_520_000, openInterestLots: 123_456_789 } }),
    });
    // BTC has 5 size decimals: 123,456,789 lots are 1234.56789 BTC.
    expect(intel.symbols["BTC"]!.derivatives).toEqual({ observedAt: NOW - 5_000, fundingRate: "0.0001", fundingIntervalMs: 28_800_000, nextFundingAt: NOW + 11_520_000, openInterest: "1234.56789" });
    expect(intel.symbols["SOL"]).not.toHaveProperty("derivatives");
    expect(JSON.parse(JSON.stringify(intel))).toEqual(intel);
  });

  it("leave open interest out when the feed does not report it, and ignore a snapshot with unusable times", () => {
    const intel = computeIntelligence({
      markets: [BTC, SOL],
      candles: bySymbol,
      now: NOW,
      derivatives: source({
        BTC: { symbol: "BTC", ts: NOW, fundingRate: "-0.00025", fundingIntervalMs: 3_600_000, nextFundingAt: NOW + 60_000 },
        SOL: { symbol: "SOL", ts: NOW, fundingRate: "0.0001", fundingIntervalMs: Number.NaN, nextFundingAt: NOW },
      }),
    });
    expect(intel.symbols["BTC"]!.derivatives).toMatchObject({ fundingRate: "-0.00025", openInterest: null });
    expect(intel.symbols["SOL"]).not.toHaveProperty("derivatives");
  });

  it("are not there at all without a source", () => {
    expect(computeIntelligence({ markets: [BTC], candles: bySymbol, now: NOW }).symbols["BTC"]).not.toHaveProperty("derivatives");
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
