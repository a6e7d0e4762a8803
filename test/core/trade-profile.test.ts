import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tradeAnalytics } from "../../src/core/analytics.js";
import { usd } from "../../src/core/money.js";
import { nearestRankQuantiles, pearson, ranks, spearman } from "../../src/core/stats.js";
import { HOLD_BUCKETS, rMultiple, tradeProfile, type AnalyzedTrade } from "../../src/core/trade-profile.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A trade opened at 0 and held `heldMs`, with what the test gives it. */
const trade = (pnl: string, heldMs: number, over: Partial<AnalyzedTrade> = {}): AnalyzedTrade => ({ realizedPnl: usd(pnl), openedAt: 0, closedAt: heldMs, ...over });

describe("statistics", () => {
  it("Pearson: ±1 on exact lines, a hand-computed value otherwise, null without variation", () => {
    expect(pearson([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
    // x 1..4, y 2,1,4,3: dx −1.5,−.5,.5,1.5; dy −.5,−1.5,1.5,.5; Σdxdy = .75+.75+.75+.75 = 3; Σdx² = Σdy² = 5 → 0.6
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1], [1])).toBeNull();
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });

  it("ranks share ties; Spearman is ±1 on any monotonic relation and Pearson of the ranks otherwise", () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBe(1); // monotonic, far from linear
    expect(pearson([1, 2, 3, 4], [1, 8, 27, 1000])).toBeLessThan(1);
    expect(spearman([1, 2, 3, 4], [20, 10, 40, 30])).toBeCloseTo(0.6, 12); // ranks 2,1,4,3 as above
  });

  it("property: correlations stay within [−1, 1] and are symmetric", () => {
    const pairs = fc.array(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(pairs, (ps) => {
        const xs = ps.map((p) => p[0]);
        const ys = ps.map((p) => p[1]);
        for (const f of [pearson, spearman]) {
          const r = f(xs, ys);
          if (r === null) continue;
          expect(r).toBeGreaterThanOrEqual(-1);
          expect(r).toBeLessThanOrEqual(1);
          expect(f(ys, xs)).toBeCloseTo(r, 12);
        }
      }),
    );
  });

  it("nearest-rank quantiles pick values of the data", () => {
    expect(nearestRankQuantiles([])).toBeNull();
    expect(nearestRankQuantiles([7])).toEqual({ min: 7, p25: 7, median: 7, p75: 7, max: 7 });
    // n = 5: p25 at rank ⌈1.25⌉ = 2, median at ⌈2.5⌉ = 3, p75 at ⌈3.75⌉ = 4
    expect(nearestRankQuantiles([1, 2, 3, 4, 5])).toEqual({ min: 1, p25: 2, median: 3, p75: 4, max: 5 });
    // n = 4: ranks 1, 2, 3
    expect(nearestRankQuantiles([10, 20, 30, 40])).toEqual({ min: 10, p25: 10, median: 20, p75: 30, max: 40 });
  });
});

describe("trade profile", () => {
  it("R-multiple: realized P&L over |entry − initial stop| × quantity, exact inputs, either side", () => {
    // Long 0.1 @ 50,000, stop 49,000: risk $100; +$150 is 1.5 R.
    expect(rMultiple(trade("150", HOUR, { entryPrice: "50000", quantity: "0.1", initialStop: "49000" }))).toBe(1.5);
    // Short 2 @ 3,000.5, stop 3,010.5: risk $20; −$10 is −0.5 R.
    expect(rMultiple(trade("-10", HOUR, { entryPrice: "3000.5", quantity: "2", initialStop: "3010.5" }))).toBe(-0.5);
    // An average entry with 10 decimals: 1.5 @ 50,333.3333333333, stop 50,000: risk 499.99999999995 → 250 / that ≈ 0.5
    expect(rMultiple(trade("250", HOUR, { entryPrice: "50333.3333333333", quantity: "1.5", initialStop: "50000" }))).toBe(0.5);
    expect(rMultiple(trade("10", HOUR, { entryPrice: "100", quantity: "1", initialStop: null }))).toBeNull();
    expect(rMultiple(trade("10", HOUR, { entryPrice: "100", quantity: "1", initialStop: "100" }))).toBeNull(); // no risk taken
    expect(rMultiple(trade("10", HOUR))).toBeNull(); // no size recorded
  });

  it("on a hand-computed set: mean R without the stopless trades, long %, size and hold-time spread, buckets", () => {
    const trades = [
      trade("100", 10 * MINUTE, { side: "LONG", entryNotional: usd("5000"), entryPrice: "50000", quantity: "0.1", initialStop: "49000" }), // 1 R
      trade("-20", 2 * HOUR, { side: "SHORT", entryNotional: usd("600.5"), entryPrice: "3002.5", quantity: "0.2", initialStop: "3102.5" }), // −1 R
      trade("45", 30 * MINUTE, { side: "LONG", entryNotional: usd("1500"), entryPrice: "150", quantity: "10", initialStop: "148.5" }), // 3 R
      trade("-5", 2 * 86_400_000, { side: "LONG", entryNotional: usd("100.000001"), entryPrice: "100", quantity: "1", initialStop: null }), // no stop
    ];
    const p = tradeProfile(trades);
    expect(p.averageR).toBe(1); // (1 − 1 + 3) / 3
    expect(p.rTrades).toBe(3);
    expect(p.rExcluded).toBe(1);
    expect(p.longPct).toBe(75);
    // Sizes sorted: 100.000001, 600.5, 1500, 5000 → p25 rank 1, median rank 2, p75 rank 3.
    expect(p.sizeDistribution).toEqual({ min: "100.000001", p25: "100.000001", median: "600.5", p75: "1500", max: "5000" });
    expect(p.holdTimeDistribution).toEqual({ min: 10 * MINUTE, p25: 10 * MINUTE, median: 30 * MINUTE, p75: 2 * HOUR, max: 2 * 86_400_000 });
    expect(p.holdTimeBuckets).toEqual([
      { label: "<15m", trades: 1 },
      { label: "15m-1h", trades: 1 },
      { label: "1h-4h", trades: 1 },
      { label: "4h-1d", trades: 0 },
      { label: ">=1d", trades: 1 },
    ]);
    expect(p.decisionQuality).toEqual({ trades: 0, minTrades: 10, pearson: null, spearman: null });
  });

  it("hold-time buckets: each bound belongs to the bucket above it, and every trade is in exactly one", () => {
    const bounds = HOLD_BUCKETS.map((b) => b.belowMs).filter((b): b is number => b !== null);
    const trades = bounds.flatMap((b) => [trade("1", b - 1), trade("1", b)]);
    expect(tradeProfile(trades).holdTimeBuckets.map((b) => b.trades)).toEqual([1, 2, 2, 2, 1]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 * 86_400_000 }), { maxLength: 50 }), (holds) => {
        const buckets = tradeProfile(holds.map((h) => trade("1", h))).holdTimeBuckets;
        expect(buckets.reduce((a, b) => a + b.trades, 0)).toBe(holds.length);
      }),
    );
  });

  it("decision quality: correlations of stated confidence with P&L from 10 trades with a confidence, null below", () => {
    // Confidence 50..95 by 5; P&L rises with it except two swapped neighbours.
    const conf = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
    const pnl = ["-30", "-20", "-25", "0", "5", "10", "20", "15", "40", "60"];
    const trades = conf.map((c, i) => trade(pnl[i]!, HOUR, { confidence: c }));
    const nine = tradeProfile([...trades.slice(0, 9), trade("100", HOUR, { confidence: null })]);
    expect(nine.decisionQuality).toEqual({ trades: 9, minTrades: 10, pearson: null, spearman: null });
    const q = tradeProfile(trades).decisionQuality;
    expect(q.trades).toBe(10);
    // Ranks of P&L: 1,3,2,4,5,6,8,7,9,10 against 1..10: Σd² = 4 → ρ = 1 − 6·4 / (10·99) = 0.975757…
    expect(q.spearman).toBeCloseTo(1 - 24 / 990, 12);
    // Pearson by hand: x̄ = 72.5, ȳ = 7.5; Σdxdy = 3737.5, Σdx² = 2062.5, Σdy² = 7312.5 → 0.9624…
    expect(q.pearson).toBeCloseTo(3737.5 / Math.sqrt(2062.5 * 7312.5), 12);
    expect(q.pearson).toBeCloseTo(0.9624, 4);
    // Every model saying the same confidence says nothing: no correlation.
    expect(tradeProfile(pnl.map((x) => trade(x, HOUR, { confidence: 70 }))).decisionQuality.pearson).toBeNull();
  });

  it("current streaks end at the latest trade; a zero-P&L trade ends both", () => {
    const at = (pnl: string, closeHour: number) => ({ realizedPnl: usd(pnl), openedAt: 0, closedAt: closeHour * HOUR });
    expect(tradeAnalytics([at("5", 1), at("-1", 2), at("-2", 3), at("-3", 4)], [])).toMatchObject({ currentWinStreak: 0, currentLossStreak: 3, longestWinStreak: 1 });
    expect(tradeAnalytics([at("-1", 4), at("5", 1), at("2", 5), at("3", 6)], [])).toMatchObject({ currentWinStreak: 2, currentLossStreak: 0, longestLossStreak: 1 });
    expect(tradeAnalytics([at("5", 1), at("0", 2)], [])).toMatchObject({ currentWinStreak: 0, currentLossStreak: 0 });
    expect(tradeAnalytics([], [])).toMatchObject({ currentWinStreak: 0, currentLossStreak: 0, averageR: null, longPct: null, sizeDistribution: null, holdTimeDistribution: null });
  });
});
