import { describe, expect, it } from "vitest";
import { annualizedReturn, calmarRatio, tradeAnalytics, type AnalyzedTrade } from "../../src/core/analytics.js";
import { MIN_SPAN_FOR_RATIOS_MS, YEAR_MS, type EquityPoint } from "../../src/core/metrics.js";
import { usd } from "../../src/core/money.js";

const HOUR = 3_600_000;

/** A trade closed at hour `closeHour` after being held `heldHours`. */
const trade = (pnl: string, closeHour: number, heldHours: number): AnalyzedTrade => ({
  realizedPnl: usd(pnl),
  openedAt: (closeHour - heldHours) * HOUR,
  closedAt: closeHour * HOUR,
});

/**
 * 30 points over half a year: 10000, a peak of 10500, a fall to 9450 (a 10% drawdown), then a
 * steady climb to 11000. Annualized: (11000 / 10000)^2 − 1 = 0.21; Calmar 0.21 / 0.1 = 2.1.
 */
function halfYearCurve(): EquityPoint[] {
  const step = YEAR_MS / 2 / 29;
  const equities = [10_000, 10_500, 9_450];
  for (let i = 1; i <= 27; i++) equities.push(9_450 + ((11_000 - 9_450) * i) / 27);
  return equities.map((equity, i) => ({ ts: i * step, equity }));
}

describe("tradeAnalytics", () => {
  // In close order: W W L 0 L L W (given shuffled: streaks follow close time).
  const trades = [
    trade("-10", 20, 6), // loss, 6 h
    trade("100.5", 1, 1), // win, 1 h
    trade("70.000001", 30, 2), // win, 2 h
    trade("-30", 5, 2), // loss, 2 h
    trade("50.25", 4, 3), // win, 3 h
    trade("0", 6, 1), // flat: neither, ends both streaks
    trade("-20", 10, 4), // loss, 4 h
  ];

  it("matches a hand computation", () => {
    const a = tradeAnalytics(trades, []);
    expect(a).toMatchObject({
      trades: 7,
      wins: 3,
      losses: 3,
      winRate: 3 / 7,
      // wins 100.5 + 50.25 + 70.000001 = 220.750001; / 3 = 73.58333366… → 73.583334
      averageWin: "73.583334",
      averageLoss: "-20", // (−30 − 20 − 10) / 3
      largestWin: "100.5",
      largestLoss: "-30",
      // (220.750001 − 60) / 7 = 22.96428585… → 22.964286
      expectancy: "22.964286",
      // W W L 0 L L W: two wins, then two losses after the flat trade
      longestWinStreak: 2,
      longestLossStreak: 2,
      averageHoldMsWinners: 2 * HOUR, // (1 + 3 + 2) / 3 hours
      averageHoldMsLosers: 4 * HOUR, // (2 + 4 + 6) / 3 hours
    });
    expect(a.profitFactor).toBeCloseTo(220.750001 / 60, 12);
    // No curve: no curve figures.
    expect(a).toMatchObject({ sharpe: null, sortino: null, calmar: null, maxDrawdown: null });
  });

  it("counts a streak without a flat trade in between as one", () => {
    const a = tradeAnalytics([trade("-1", 1, 1), trade("-2", 2, 1), trade("-3", 3, 1), trade("4", 4, 1)], []);
    expect(a).toMatchObject({ longestLossStreak: 3, longestWinStreak: 1, largestLoss: "-3", averageLoss: "-2", profitFactor: 4 / 6 });
  });

  it("is empty without trades", () => {
    expect(tradeAnalytics([], [])).toEqual({
      sharpe: null,
      sortino: null,
      calmar: null,
      maxDrawdown: null,
      profitFactor: null,
      expectancy: null,
      winRate: null,
      trades: 0,
      wins: 0,
      losses: 0,
      averageWin: null,
      averageLoss: null,
      largestWin: null,
      largestLoss: null,
      longestWinStreak: 0,
      longestLossStreak: 0,
      currentWinStreak: 0,
      currentLossStreak: 0,
      averageHoldMsWinners: null,
      averageHoldMsLosers: null,
      averageR: null,
      rTrades: 0,
      rExcluded: 0,
      longPct: null,
      sizeDistribution: null,
      holdTimeDistribution: null,
      holdTimeBuckets: [
        { label: "<15m", trades: 0 },
        { label: "15m-1h", trades: 0 },
        { label: "1h-4h", trades: 0 },
        { label: "4h-1d", trades: 0 },
        { label: ">=1d", trades: 0 },
      ],
      decisionQuality: { trades: 0, minTrades: 10, pearson: null, spearman: null },
    });
  });

  it("takes the curve's ratios: Calmar is the annualized return over the max drawdown", () => {
    const a = tradeAnalytics([], halfYearCurve());
    expect(a.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(a.calmar).toBeCloseTo(2.1, 9);
    expect(a.sharpe).not.toBeNull();
  });
});

describe("annualizedReturn and calmarRatio", () => {
  it("compound the curve's growth to a year", () => {
    expect(annualizedReturn(halfYearCurve())).toBeCloseTo(0.21, 12);
    expect(calmarRatio(halfYearCurve())).toBeCloseTo(2.1, 9);
  });

  it("are null below 30 points, without a drawdown, or from a non-positive start", () => {
    expect(annualizedReturn(halfYearCurve().slice(0, 29))).toBeNull();
    const rising = Array.from({ length: 30 }, (_, i) => ({ ts: i * 6 * HOUR, equity: 10_000 + i }));
    expect(annualizedReturn(rising)).not.toBeNull();
    expect(calmarRatio(rising)).toBeNull(); // never lost: no drawdown to divide by
    const fromZero = halfYearCurve().map((p, i) => (i === 0 ? { ...p, equity: 0 } : p));
    expect(annualizedReturn(fromZero)).toBeNull();
  });

  it("are null over less than six days of curve: an hour's growth is not compounded 8,760 times", () => {
    // 31 points: 10000, a fall to 9900 (a 1% drawdown), then a climb to 10100, `span` first to last.
    const shaped = (span: number): EquityPoint[] => {
      const equities = [10_000, 9_900];
      for (let i = 1; i <= 29; i++) equities.push(9_900 + (200 * i) / 29);
      return equities.map((equity, i) => ({ ts: (i * span) / 30, equity }));
    };
    const hour = shaped(HOUR);
    expect(annualizedReturn(hour)).toBeNull(); // was 1.01^8760 - 1, about 8e37
    expect(calmarRatio(hour)).toBeNull();
    expect(tradeAnalytics([], hour)).toMatchObject({ sharpe: null, sortino: null, calmar: null, maxDrawdown: 0.01 });
    expect(annualizedReturn(shaped(MIN_SPAN_FOR_RATIOS_MS - 1))).toBeNull();
    // Six days: 1.01 compounded 365 / 6 times, over the 1% drawdown.
    const annual = 1.01 ** (365 / 6) - 1; // ≈ 0.8318
    expect(annualizedReturn(shaped(MIN_SPAN_FOR_RATIOS_MS))).toBeCloseTo(annual, 9);
    expect(annualizedReturn(shaped(MIN_SPAN_FOR_RATIOS_MS))).toBeCloseTo(0.8318, 4);
    expect(calmarRatio(shaped(MIN_SPAN_FOR_RATIOS_MS))).toBeCloseTo(annual / 0.01, 6);
  });
});
