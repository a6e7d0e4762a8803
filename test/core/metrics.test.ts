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
