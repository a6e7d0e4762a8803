import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxDrawdown, MIN_SPAN_FOR_RATIOS_MS, modelMetrics, sharpeRatio, sortinoRatio, tradeStats, type EquityPoint } from "../../src/core/metrics.js";
import { usd } from "../../src/core/money.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Thirty points six hours apart span 7.25 days: long enough to annualise (at least six days). */
const SIX_HOURS = 6 * HOUR;

/** Equity curve from per-period returns, starting at `start`, one point every `spacing` ms. */
function curve(returns: number[], spacing = SIX_HOURS, start = 10_000): EquityPoint[] {
  const points: EquityPoint[] = [{ ts: 0, equity: start }];
  for (const r of returns) points.push({ ts: points.length * spacing, equity: points[points.length - 1]!.equity * (1 + r) });
  return points;
}

const alternating = Array.from({ length: 29 }, (_, i) => (i % 2 === 0 ? 0.02 : -0.01)); // 15 gains, 14 losses

describe("Sharpe and Sortino", () => {
  it("match a hand computation on 30 points six hours apart", () => {
    const mean = (15 * 0.02 - 14 * 0.01) / 29;
    const sampleSd = Math.sqrt((15 * (0.02 - mean) ** 2 + 14 * (-0.01 - mean) ** 2) / 28);
    const downside = Math.sqrt((14 * 0.01 ** 2) / 29);
    const perYear = Math.sqrt(365 * 4);
    const points = curve(alternating);
    expect(sharpeRatio(points)).toBeCloseTo((mean / sampleSd) * perYear, 6); // ≈ 13.818
    expect(sortinoRatio(points)).toBeCloseTo((mean / downside) * perYear, 6); // ≈ 30.34
    expect(sharpeRatio(points)).toBeCloseTo(13.818, 3);
    expect(sortinoRatio(points)).toBeCloseTo(30.341, 3);
  });

  it("are null over less than six days of curve, however many snapshots: an hour of minute snapshots is no Sharpe of -293", () => {
    // An hour of minute snapshots losing a little on most minutes: before the minimum span this read -338.9.
    const hour = curve(
      Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 0.0004 : -0.0005)),
      60_000,
    );
    expect(sharpeRatio(hour)).toBeNull();
    expect(sortinoRatio(hour)).toBeNull();
    // The same thirty returns as above: null spanning a millisecond short of six days, the hand-computed figures at six days.
    const spacing = (span: number) => span / 29;
    expect(sharpeRatio(curve(alternating, spacing(MIN_SPAN_FOR_RATIOS_MS - 1)))).toBeNull();
    expect(sortinoRatio(curve(alternating, spacing(MIN_SPAN_FOR_RATIOS_MS - 1)))).toBeNull();
    const mean = (15 * 0.02 - 14 * 0.01) / 29;
    const sampleSd = Math.sqrt((15 * (0.02 - mean) ** 2 + 14 * (-0.01 - mean) ** 2) / 28);
    const perYear = Math.sqrt((365 * DAY) / spacing(6 * DAY));
    expect(sharpeRatio(curve(alternating, spacing(MIN_SPAN_FOR_RATIOS_MS)))).toBeCloseTo((mean / sampleSd) * perYear, 6);
    expect(MIN_SPAN_FOR_RATIOS_MS).toBe(6 * DAY);
  });

  it("annualise for the actual (median) snapshot spacing", () => {
    const sixHourly = sharpeRatio(curve(alternating, SIX_HOURS))!;
    const daily = sharpeRatio(curve(alternating, 24 * HOUR))!;
    expect(sixHourly / daily).toBeCloseTo(2, 9);
    // One late snapshot does not change the period.
    const jittered = curve(alternating).map((p, i) => (i === 10 ? { ...p, ts: p.ts + HOUR / 2 } : p));
    expect(sharpeRatio(jittered)).toBeCloseTo(sixHourly, 9);
  });

  it("are null below 30 points, with no variance, from zero equity, and Sortino without a losing period", () => {
    expect(sharpeRatio(curve(alternating.slice(1)))).toBeNull(); // 29 points
    expect(sharpeRatio(curve(Array(40).fill(0)))).toBeNull();
    expect(sharpeRatio(curve(Array(40).fill(0.01)))).toBeNull(); // steady growth: only float noise varies
    expect(sharpeRatio([{ ts: 0, equity: 0 }, ...curve(alternating).map((p) => ({ ...p, ts: p.ts + 1 }))])).toBeNull();
    const upOnly = curve(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.01 : 0.02)));
    expect(sharpeRatio(upOnly)).toBeGreaterThan(0);
    expect(sortinoRatio(upOnly)).toBeNull();
  });

  it("are unchanged when equity is scaled by a constant (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 29, maxLength: 120 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (returns, k) => {
        const spread = Math.max(...returns) - Math.min(...returns);
        fc.pre(spread > 1e-4 && returns.some((r) => r < -1e-4));
        const base = curve(returns);
        const scaled = base.map((p) => ({ ts: p.ts, equity: p.equity * k }));
        expect(sharpeRatio(scaled)!).toBeCloseTo(sharpeRatio(base)!, 6);
        expect(sortinoRatio(scaled)!).toBeCloseTo(sortinoRatio(base)!, 6);
      }),
    );
  });
});

/** Hand computation of Sharpe and Sortino from `gains` returns of `up` and `losses` of `down`, `periodMs` apart. */
function handRatios(gains: number, up: number, losses: number, down: number, periodMs: number) {
  const n = gains + losses;
  const mean = (gains * up + losses * down) / n;
  const sampleSd = Math.sqrt((gains * (up - mean) ** 2 + losses * (down - mean) ** 2) / (n - 1));
  const downside = Math.sqrt((losses * down ** 2) / n);
  const perYear = Math.sqrt((365 * DAY) / periodMs);
  return { sharpe: (mean / sampleSd) * perYear, sortino: (mean / downside) * perYear };
}

describe("Sharpe and Sortino of a curve of mixed resolutions (minute rows rolled up to the hour after a day, to the day after 30)", () => {
  const MINUTE = 60_000;
  /** Hour-end equities: +2% and -1% hours in turn from 10,000. */
  const hourEnds = (hours: number) => {
    const out = [10_000];
    for (let h = 1; h < hours; h++) out.push(out[h - 1]! * (h % 2 === 1 ? 1.02 : 0.99));
    return out;
  };
  /** The roll-up's row of hour h: stamped at the hour's start, the equity at its end. */
  const hourly = (ends: number[], from: number, to: number): EquityPoint[] => ends.slice(from, to).map((equity, i) => ({ ts: (from + i) * HOUR, equity }));
  /** Minute rows of hours [from, to): swinging 0.5% either side of the previous hour's end, then the hour's end at minute 59. */
  const minutes = (ends: number[], from: number, to: number): EquityPoint[] =>
    Array.from({ length: (to - from) * 60 }, (_, i) => {
      const h = from + Math.floor(i / 60);
      const m = i % 60;
      return { ts: h * HOUR + m * MINUTE, equity: m === 59 ? ends[h]! : ends[h - 1]! * (m % 2 === 0 ? 1.005 : 0.995) };
    });

  it("a week of six days of hourly rows then a day of minute rows reads as the same path sampled hourly", () => {
    const ends = hourEnds(168); // seven days: 167 hourly returns, 84 of +2% and 83 of -1%
    const mixed = [...hourly(ends, 0, 144), ...minutes(ends, 144, 168)];
    const uniform = hourly(ends, 0, 168);
    const hand = handRatios(84, 0.02, 83, -0.01, HOUR);
    expect(sharpeRatio(uniform)).toBeCloseTo(hand.sharpe, 6);
    expect(sortinoRatio(uniform)).toBeCloseTo(hand.sortino, 6);
    expect(hand.sharpe).toBeCloseTo(31.664, 3);
    expect(hand.sortino).toBeCloseTo(67.573, 3);
    // The same returns on the same grid: equal to the last bit. Before, the mixed curve was
    // annualised as minutes (its median gap) with the minute swings counted as returns.
    expect(sharpeRatio(mixed)).toBe(sharpeRatio(uniform));
    expect(sortinoRatio(mixed)).toBe(sortinoRatio(uniform));
  });

  it("an hour still filling is the last hourly return, as its last minute", () => {
    const ends = hourEnds(168);
    // The first 20 minutes of hour 167: the last of them, at 167h19m, ends the curve.
    const partial = minutes(ends, 144, 168).filter((p) => p.ts < 167 * HOUR + 20 * MINUTE);
    const mixed = [...hourly(ends, 0, 144), ...partial];
    const sampled = [...hourly(ends, 0, 167), { ts: 167 * HOUR, equity: partial[partial.length - 1]!.equity }];
    expect(sharpeRatio(mixed)).toBe(sharpeRatio(sampled));
    expect(sortinoRatio(mixed)).toBe(sortinoRatio(sampled));
  });

  it("daily, hourly and minute rows (the all window after a month) read as the path sampled daily", () => {
    // 40 days of +2% and -1% days in turn; hourly and minute rows move inside each day and end on its figure.
    const dayEnds = [10_000];
    for (let d = 1; d < 40; d++) dayEnds.push(dayEnds[d - 1]! * (d % 2 === 1 ? 1.02 : 0.99));
    const points: EquityPoint[] = dayEnds.slice(0, 10).map((equity, d) => ({ ts: d * DAY, equity }));
    for (let d = 10; d < 40; d++) {
      const step = d < 39 ? HOUR : MINUTE;
      for (let t = 0; t < DAY; t += step) points.push({ ts: d * DAY + t, equity: t + step === DAY ? dayEnds[d]! : dayEnds[d - 1]! * (1 + ((t / step) % 2 === 0 ? 0.004 : -0.004)) });
    }
    const daily = dayEnds.map((equity, d) => ({ ts: d * DAY, equity }));
    const hand = handRatios(20, 0.02, 19, -0.01, DAY); // 39 daily returns
    expect(sharpeRatio(daily)).toBeCloseTo(hand.sharpe, 6);
    expect(sharpeRatio(points)).toBe(sharpeRatio(daily));
    expect(sortinoRatio(points)).toBe(sortinoRatio(daily));
  });

  it("a uniform minute curve is annualised as minutes, as before", () => {
    // Six days and an hour of minute snapshots, +0.02% and -0.01% minutes in turn: 8,700 returns, 4,350 of each.
    const points = curve(
      Array.from({ length: 8700 }, (_, i) => (i % 2 === 0 ? 0.0002 : -0.0001)),
      MINUTE,
    );
    const hand = handRatios(4350, 0.0002, 4350, -0.0001, MINUTE);
    expect(sharpeRatio(points)).toBeCloseTo(hand.sharpe, 6);
    expect(sortinoRatio(points)).toBeCloseTo(hand.sortino, 6);
    expect(hand.sharpe).toBeCloseTo(241.647, 3);
    // A missed minute leaves it on the minute grid (and the median spacing a minute).
    const missed = points.filter((_, i) => i !== 5000);
    expect(sharpeRatio(missed)! / hand.sharpe).toBeCloseTo(1, 2);
  });

  it("are null when thinning to the coarsest resolution leaves fewer than 30 points", () => {
    // Eight daily rows then a day of minute rows: 1,448 snapshots but nine days to take returns over.
    const points: EquityPoint[] = Array.from({ length: 8 }, (_, d) => ({ ts: d * DAY, equity: 10_000 * (d % 2 === 0 ? 1 : 1.01) }));
    for (let m = 0; m < 1440; m++) points.push({ ts: 8 * DAY + m * MINUTE, equity: 10_000 * (m % 2 === 0 ? 1.002 : 0.999) });
    expect(sharpeRatio(points)).toBeNull();
    expect(sortinoRatio(points)).toBeNull();
  });
});

describe("maxDrawdown", () => {
  it("is the deepest fall from a running peak, as a fraction", () => {
    const eq = [100, 120, 90, 130, 65, 70].map((equity, i) => ({ ts: i, equity }));
    expect(maxDrawdown(eq)).toBe(0.5);
    expect(maxDrawdown([{ ts: 0, equity: 100 }])).toBe(0);
    expect(maxDrawdown([])).toBeNull();
    expect(
      maxDrawdown([
        { ts: 0, equity: 100 },
        { ts: 1, equity: -20 },
      ]),
    ).toBe(1);
    // order of the input does not matter, the timestamps do
    expect(maxDrawdown(eq.slice().reverse())).toBe(0.5);
  });

  it("is always in [0, 1] (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const dd = maxDrawdown(values.map((equity, ts) => ({ ts, equity })))!;
        expect(dd).toBeGreaterThanOrEqual(0);
        expect(dd).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("trade statistics", () => {
  it("match a hand computation", () => {
    const trades = ["100", "-50", "30", "0"].map((p) => ({ realizedPnl: usd(p) }));
    expect(tradeStats(trades)).toEqual({ winRate: 0.5, profitFactor: 2.6, expectancy: "20", trades: 4 });
  });

  it("keep expectancy exact to the micro-dollar and profit factor null without losses", () => {
    expect(tradeStats([{ realizedPnl: 1n }, { realizedPnl: 2n }]).expectancy).toBe("0.000002");
    expect(tradeStats([{ realizedPnl: usd("-0.000001") }, { realizedPnl: usd("-0.000002") }]).expectancy).toBe("-0.000002");
    expect(tradeStats([{ realizedPnl: usd("5") }]).profitFactor).toBeNull();
    expect(tradeStats([])).toEqual({ winRate: null, profitFactor: null, expectancy: null, trades: 0 });
  });

  it("win rate is in [0, 1] and profit factor is non-negative (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((realizedPnl) => ({ realizedPnl })),
          { minLength: 1 },
        ),
        (trades) => {
          const s = tradeStats(trades);
          expect(s.winRate).toBeGreaterThanOrEqual(0);
          expect(s.winRate).toBeLessThanOrEqual(1);
          if (s.profitFactor !== null) expect(s.profitFactor).toBeGreaterThanOrEqual(0);
          expect(s.trades).toBe(trades.length);
        },
      ),
    );
  });

  it("modelMetrics combines everything into a JSON-able record", () => {
    const m = modelMetrics(curve(alternating), [{ realizedPnl: usd("10") }]);
    expect(Object.keys(m).sort()).toEqual(["expectancy", "maxDrawdown", "profitFactor", "sharpe", "sortino", "trades", "winRate"]);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
