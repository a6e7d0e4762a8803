import { describe, expect, it } from "vitest";
import { fillRate, percentile, recommendations, tracking, type AuditFigures, type OutcomeCounts } from "../../src/copy/mirror-report.js";
import { boundTicks, entryLots, reductionLots, slippageBps } from "../../src/copy/sizing.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";

const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const counts = (c: Partial<OutcomeCounts>): OutcomeCounts => ({ signals: 0, filled: 0, partial: 0, skipped: 0, failed: 0, inFlight: 0, byReason: {}, ...c });
const audit = (c: Partial<OutcomeCounts>, extra: Partial<AuditFigures> = {}): AuditFigures => ({
  counts: counts(c),
  latencySentP99Ms: null,
  slippageP95Bps: null,
  maxSlippageBps: [50],
  orderTypes: ["IOC"],
  maxSignalAgeMs: [30_000],
  riskCodes: {},
  ...extra,
});

describe("mirror figures", () => {
  it("fill rate counts partial fills as filled and ignores what is still in flight", () => {
    expect(fillRate(counts({ filled: 3, partial: 1, skipped: 4, inFlight: 9 }))).toBe(0.5);
    expect(fillRate(counts({ inFlight: 2 }))).toBeNull();
  });

  it("percentiles interpolate between ranks as percentile_cont does", () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30, 40], 100)).toBe(40);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it("tracking: the return difference and the spread of per-snapshot differences", () => {
    const ts = [0, 60_000, 120_000];
    const source = ts.map((t, i) => ({ ts: t, equity: [100, 110, 121][i]! }));
    // The follower does exactly as well: no difference, no tracking error.
    expect(tracking(source, source)).toMatchObject({ returnDiffPct: 0, trackingErrorPct: 0 });
    const follower = ts.map((t, i) => ({ ts: t, equity: [100, 105, 115.5][i]! }));
    const t = tracking(source, follower);
    expect(t.sourceReturnPct).toBeCloseTo(21, 9);
    expect(t.followerReturnPct).toBeCloseTo(15.5, 9);
    expect(t.returnDiffPct).toBeCloseTo(-5.5, 9);
    // Step differences: 5% - 10% = -5 and 10% - 10% = 0 points: standard deviation 3.5355.
    expect(t.trackingErrorPct).toBeCloseTo(Math.sqrt(12.5), 9);
  });

  it("recommends what the figures point to, most pressing first, with counts that agree with their nouns", () => {
    const advice = recommendations(audit({ skipped: 10, byReason: { slippage_exceeded: 8, mirror_paused: 1, signal_too_old: 1 } }));
    expect(advice[0]).toMatch(/^8 of 10 unfilled signals missed the slippage bound \(maxSlippageBps 50\)/);
    expect(advice.some((a) => /^1 signal arrived while a mirror was paused/.test(a))).toBe(true);
    // One old signal in ten is not a pattern worth advice.
    expect(advice.some((a) => /too old/.test(a))).toBe(false);
    expect(recommendations(audit({ filled: 20 }))).toEqual([]);
    expect(recommendations(audit({ filled: 5 }, { latencySentP99Ms: 2500 }))[0]).toMatch(/2500 ms/);
  });
});

describe("mirror sizing", () => {
  it("rounds entries down to the lot and caps them", () => {
    const base = { market: BTC, sourceQuantity: "0.123456789", sourcePrice: "50000", followerEquity: 1_000_000_000n, sourceEquity: 3_000_000_000n };
    // One third of 0.123456789 BTC is 0.041152263, rounded down to 5 decimals.
    expect(entryLots({ ...base, sizing: { mode: "proportional" } })).toEqual({ lots: 4115n, capped: false });
    expect(entryLots({ ...base, sizing: { mode: "ratio", ratio: "2" } })).toEqual({ lots: 24691n, capped: false });
    // $100 at $50,000 is 0.002 BTC; a $50 cap halves it.
    expect(entryLots({ ...base, sizing: { mode: "fixedNotional", usd: "100" } })).toEqual({ lots: 200n, capped: false });
    expect(entryLots({ ...base, sizing: { mode: "fixedNotional", usd: "100", maxNotional: "50" } })).toEqual({ lots: 100n, capped: true });
    expect(entryLots({ ...base, sizing: { mode: "proportional" }, sourceEquity: 0n }).lots).toBe(0n);
  });

  it("reduces by the source's fraction of its own position", () => {
    expect(reductionLots(999n, "reduce", "1", "2")).toBe(333n);
    expect(reductionLots(1000n, "reduce", "0.3", "0")).toBe(1000n);
    expect(reductionLots(7n, "close", "0", "0")).toBe(7n);
  });

  it("bounds the price toward the source's and measures slippage against it", () => {
    // 50,000 + 50 bps = 50,250.0 exactly; 50,000.05 + 1 bp = 50,005.050005 rounds down (a buy) to 50,005.0.
    expect(boundTicks(BTC, "BUY", "50000", 50)).toBe(502_500);
    expect(boundTicks(BTC, "BUY", "50000.05", 1)).toBe(500_050);
    expect(boundTicks(BTC, "SELL", "50000.05", 1)).toBe(499_951);
    expect(slippageBps("BUY", "50000", "50025")).toBe("5");
    expect(slippageBps("SELL", "50000", "50025")).toBe("-5");
    expect(slippageBps("BUY", "30000", "30001")).toBe("0.33");
  });
});
