import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEntry, type EntryPolicy, type PolicedEntry } from "../../../src/agents/llm/entry-policy.js";
import { findVariant } from "../../../src/agents/llm/variants.js";

/**
 * The entry policy on hand-computed cases (BTC: 1 price decimal, 5 size decimals, so one tick
 * times one lot is worth 1 micro-dollar), and its sizing invariant on random entries.
 */

const APEX = findVariant("Apex")!.entryPolicy!;
const $ = (dollars: number) => BigInt(dollars) * 1_000_000n;
const ticks = (price: number) => price * 10;

/** A long at 50,000 (ask), stop 49,000, 1 BTC asked for, on $10,000 of equity. */
function entry(patch: Partial<PolicedEntry> = {}): PolicedEntry {
  return {
    symbol: "BTC",
    side: "LONG",
    confidence: 60,
    leverage: 5,
    lots: 100_000,
    entryTicks: ticks(50_000),
    stopTicks: ticks(49_000),
    targetTicks: ticks(52_000),
    equity: $(10_000),
    microPerTickLot: 1n,
    minLots: 10,
    ...patch,
  };
}

describe("a variant's entry policy", () => {
  it("Apex is the aggressive-momentum variant with a gate, Kelly sizing, a leverage cap and a time exit", () => {
    expect(findVariant("apex")?.name).toBe("aggressive-momentum");
    expect(APEX).toEqual({ minConfidence: 60, kelly: { fraction: 0.25, maxRiskPct: 2 }, maxLeverage: 15, timeExitMinutes: 120 });
  });

  it("refuses an entry whose stated probability is below the threshold, naming both", () => {
    const v = checkEntry(APEX, entry({ confidence: 59.5 }), "aggressive-momentum (Apex)");
    expect(v).toEqual({
      ok: false,
      refusal: {
        code: "confidence_below_threshold",
        message: "aggressive-momentum (Apex) enters only with a confidence (win probability) of at least 60; BTC came with 59.5: hold it, or enter when the odds are better",
      },
    });
    expect(checkEntry(APEX, entry({ confidence: 60 }), "Apex").ok).toBe(true);
  });

  it("refuses leverage above the variant's cap", () => {
    const v = checkEntry(APEX, entry({ leverage: 16 }), "Apex");
    expect(v.ok ? null : v.refusal.code).toBe("variant_max_leverage");
    expect(checkEntry(APEX, entry({ leverage: 15 }), "Apex").ok).toBe(true);
  });

  it("sizes by a quarter of Kelly when that is below the cap: p 0.6, reward 750 against risk 1,000", () => {
    // f* = 0.6 - 0.4 x 1000/750 = 1/15 = 6.67% of equity; a quarter of it: $10,000 / 60 = $166.666666
    // (rounded down to the micro-dollar); at $1,000 of loss per BTC that is 0.16666 BTC (16,666 lots).
    const v = checkEntry(APEX, entry({ targetTicks: ticks(50_750) }), "Apex");
    expect(v).toEqual({ ok: true, lots: 16_666, kelly: { probabilityBps: 6000, kellyBps: 666n, riskBudget: 166_666_666n, maxLots: 16_666, lots: 16_666 } });
  });

  it("caps the risk at 2% of equity when a quarter of Kelly is more, and keeps a smaller quantity as asked", () => {
    // p 0.7, reward 2,000 against 1,000: f* = 0.7 - 0.3/2 = 55%; a quarter is 13.75%, above the 2% cap:
    // $200 of risk, 0.2 BTC at $1,000 per BTC.
    const big = checkEntry(APEX, entry({ confidence: 70 }), "Apex");
    expect(big).toMatchObject({ ok: true, lots: 20_000, kelly: { kellyBps: 5500n, riskBudget: 200_000_000n, maxLots: 20_000 } });
    const small = checkEntry(APEX, entry({ confidence: 70, lots: 10_000 }), "Apex");
    expect(small).toMatchObject({ ok: true, lots: 10_000, kelly: { maxLots: 20_000, lots: 10_000 } });
  });

  it("sizes a short from the bid the same way", () => {
    // Short at 50,000, stop 51,000, target 48,000: the mirror of the capped long.
    const v = checkEntry(APEX, entry({ side: "SHORT", confidence: 70, stopTicks: ticks(51_000), targetTicks: ticks(48_000) }), "Apex");
    expect(v).toMatchObject({ ok: true, lots: 20_000 });
  });

  it("refuses an entry without an edge, without a target, or too small to size", () => {
    // p 0.6, reward 500 against risk 1,000: 0.6 x 500 - 0.4 x 1,000 < 0.
    const noEdge = checkEntry(APEX, entry({ targetTicks: ticks(50_500) }), "Apex");
    expect(noEdge.ok ? null : noEdge.refusal.code).toBe("no_edge");
    const noTarget = checkEntry(APEX, entry({ targetTicks: null }), "Apex");
    expect(noTarget.ok ? null : noTarget.refusal.message).toBe("Apex sizes every entry by Kelly from its stop and target: BTC needs both a stopLoss and a profitTarget");
    // $20 of equity at 2%: $0.40 of risk; with a stop $10,000 away that is 4 lots, below the 10-lot minimum.
    const tiny = checkEntry(APEX, entry({ equity: $(20), stopTicks: ticks(40_000), targetTicks: ticks(70_000), confidence: 90 }), "Apex");
    expect(tiny.ok ? null : tiny.refusal.code).toBe("kelly_size_below_minimum");
  });

  it("leaves everything to the other checks when a variant has no policy", () => {
    expect(checkEntry({}, entry({ confidence: 1, leverage: 20, targetTicks: null }), "x")).toEqual({ ok: true, lots: 100_000, kelly: null });
  });

  it("never sends more than asked, and never risks more than the budget, which is never above the cap", () => {
    const policy: EntryPolicy = { kelly: { fraction: 0.5, maxRiskPct: 3 } };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (confidence, risk, reward, lots, equity) => {
          const v = checkEntry(policy, entry({ confidence, lots, stopTicks: 100_000 - risk, targetTicks: 100_000 + reward, entryTicks: 100_000, equity, minLots: 1 }), "x");
          if (!v.ok) return ["no_edge", "kelly_size_below_minimum"].includes(v.refusal.code);
          const k = v.kelly!;
          return v.lots <= lots && BigInt(v.lots) * BigInt(risk) <= k.riskBudget && k.riskBudget * 10_000n <= equity * 300n;
        },
      ),
    );
  });
});
