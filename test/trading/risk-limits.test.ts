import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { DEFAULT_RISK_LIMITS, resolveLimits, riskLimitsSchema } from "../../src/trading/risk/limits.js";
import { ENTRY_CHECKS, firstRejection, maxGrossExposure, type EntryContext } from "../../src/trading/risk/checks.js";
import { RiskEngine } from "../../src/trading/risk/risk-engine.js";

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(400);
    expect((e as AppError).code).toBe("invalid_request");
    return (e as AppError).message;
  }
  throw new Error("expected a 400");
}

describe("risk limits", () => {
  it("defaults are the safe ones the issue names", () => {
    expect(DEFAULT_RISK_LIMITS).toEqual({
      maxLeverage: 10,
      maxGrossExposure: 3,
      maxRiskPerTradePct: 2,
      requireStop: true,
      minCashReservePct: 10,
      maxOpenPositions: 3,
      oneActionPerSymbolPerRun: true,
      flipCooldownMinutes: 15,
      maxDailyLossPct: 5,
      maxTotalLossPct: 20,
    });
    expect(resolveLimits(undefined)).toEqual(DEFAULT_RISK_LIMITS);
    expect(resolveLimits(null)).toEqual(DEFAULT_RISK_LIMITS);
    expect(resolveLimits({})).toEqual(DEFAULT_RISK_LIMITS);
  });

  it("a partial override keeps the other defaults", () => {
    expect(resolveLimits({ maxLeverage: 3, requireStop: false })).toEqual({ ...DEFAULT_RISK_LIMITS, maxLeverage: 3, requireStop: false });
    expect(riskLimitsSchema.parse({ maxRiskPerTradePct: 0.25 })).toEqual({ maxRiskPerTradePct: 0.25 });
  });

  it.each([
    [{ maxLeverage: 0.5 }, "risk.maxLeverage: must be a leverage from 1 to 100, with at most 2 decimals"],
    [{ maxLeverage: "10" }, "risk.maxLeverage: must be a leverage from 1 to 100"],
    [{ maxRiskPerTradePct: 2.005 }, "risk.maxRiskPerTradePct: must be a percentage above 0 to 100, with at most 2 decimals"],
    [{ maxRiskPerTradePct: 0 }, "risk.maxRiskPerTradePct: must be a percentage above 0"],
    [{ maxGrossExposure: -1 }, "risk.maxGrossExposure: must be a multiple of equity above 0"],
    [{ minCashReservePct: 101 }, "risk.minCashReservePct: must be a percentage from 0 to 100"],
    [{ maxOpenPositions: 1.5 }, "risk.maxOpenPositions: must be a whole number from 0 to 1000"],
    [{ flipCooldownMinutes: -1 }, "risk.flipCooldownMinutes: must be a whole number of minutes"],
    [{ requireStop: "no" }, "risk.requireStop: must be true or false"],
    [{ maxDailyLossPct: Number.NaN }, "risk.maxDailyLossPct: must be a percentage"],
    [{ maxLevrage: 3 }, "maxLevrage"],
    ["strict", "risk: must be an object of limits"],
  ])("a bad override %j is a 400 naming the field: %s", (input, message) => {
    expect(messageOf(() => resolveLimits(input))).toContain(message);
  });

  it("lists every bad field at once", () => {
    const msg = messageOf(() => resolveLimits({ maxLeverage: 0, maxOpenPositions: -1 }));
    expect(msg).toContain("risk.maxLeverage");
    expect(msg).toContain("risk.maxOpenPositions");
  });

  it("setLimits validates before it changes anything; undefined restores the defaults", () => {
    const engine = new RiskEngine();
    expect(engine.setLimits("m", { maxLeverage: 5 }).maxLeverage).toBe(5);
    expect(() => engine.setLimits("m", { maxLeverage: 500 })).toThrow(AppError);
    expect(engine.limitsOf("m").maxLeverage).toBe(5);
    engine.setLimits("m", undefined);
    expect(engine.limitsOf("m")).toEqual(DEFAULT_RISK_LIMITS);
    expect(engine.limitsOf("other")).toEqual(DEFAULT_RISK_LIMITS);
  });

  it("engine-wide defaults apply under every model's overrides", () => {
    const engine = new RiskEngine({ defaults: { flipCooldownMinutes: 0, maxOpenPositions: 5 } });
    expect(engine.limitsOf("m")).toMatchObject({ flipCooldownMinutes: 0, maxOpenPositions: 5, maxLeverage: 10 });
    expect(engine.setLimits("m", { maxOpenPositions: 1 })).toMatchObject({ flipCooldownMinutes: 0, maxOpenPositions: 1 });
  });

  it("one action per symbol: a model's run is remembered, manual orders never are", () => {
    const engine = new RiskEngine({ runsRemembered: 2 });
    const run = { source: "model" as const, runId: "r1" };
    expect(engine.checkExitPlanUpdate("m", "BTC", run)).toBeNull();
    engine.recordAction(run, "BTC");
    expect(engine.checkExitPlanUpdate("m", "BTC", run)?.code).toBe("risk_one_action_per_symbol");
    expect(engine.checkExitPlanUpdate("m", "ETH", run)).toBeNull();
    expect(engine.checkExitPlanUpdate("m", "BTC", { source: "model", runId: "r2" })).toBeNull();
    engine.recordAction({ source: "manual" }, "SOL");
    expect(engine.checkExitPlanUpdate("m", "SOL", { source: "manual" })).toBeNull();
    engine.setLimits("m", { oneActionPerSymbolPerRun: false });
    expect(engine.checkExitPlanUpdate("m", "BTC", run)).toBeNull();
    // Old runs are forgotten first, so the memory stays bounded.
    engine.recordAction({ source: "model", runId: "r2" }, "BTC");
    engine.recordAction({ source: "model", runId: "r3" }, "BTC");
    expect(engine.checkExitPlanUpdate("x", "BTC", run)).toBeNull();
    expect(engine.checkExitPlanUpdate("x", "BTC", { source: "model", runId: "r3" })?.code).toBe("risk_one_action_per_symbol");
  });
});

describe("risk checks", () => {
  const base: EntryContext = {
    limits: { ...DEFAULT_RISK_LIMITS },
    now: 0,
    symbol: "BTC",
    side: "LONG",
    scaleIn: false,
    leverage: 200,
    equity: 10_000_000_000n,
    equityAfter: 10_000_000_000n,
    initialCapital: 10_000_000_000n,
    dayStartEquity: 10_000_000_000n,
    marginUsed: 0n,
    orderMargin: 1_000_000_000n,
    exposureAfter: 2_000_000_000n,
    riskAtStop: 100_000_000n,
    openPositionsAfter: 1,
    lastClosed: null,
    actedThisRun: false,
  };

  it("an order within every limit passes", () => {
    expect(firstRejection(ENTRY_CHECKS, base)).toBeNull();
  });

  it.each<[string, Partial<EntryContext>, string, string]>([
    ["leverage", { leverage: 1001 }, "risk_max_leverage", "leverage 10.01x is above maxLeverage 10x"],
    ["no stop", { riskAtStop: null }, "risk_stop_required", "requireStop"],
    ["risk", { riskAtStop: 200_000_001n }, "risk_max_risk_per_trade", "above maxRiskPerTradePct 2%"],
    ["positions", { openPositionsAfter: 4 }, "risk_max_open_positions", "open position number 4, above maxOpenPositions 3"],
    ["exposure", { exposureAfter: 30_000_000_001n }, "risk_max_gross_exposure", "above maxGrossExposure 3x"],
    ["reserve", { orderMargin: 9_000_000_001n }, "risk_min_cash_reserve", "below minCashReservePct 10%"],
    ["daily", { equity: 9_499_999_999n }, "risk_daily_loss_limit", "beyond maxDailyLossPct 5%"],
    ["total", { equity: 7_999_999_999n, dayStartEquity: null }, "risk_total_loss_limit", "beyond maxTotalLossPct 20%"],
    ["flip", { lastClosed: { side: "SHORT", closedAt: 0 }, now: 15 * 60_000 - 1 }, "risk_flip_cooldown", "flipCooldownMinutes 15"],
    ["per run", { actedThisRun: true }, "risk_one_action_per_symbol", "oneActionPerSymbolPerRun"],
  ])("%s one unit past the limit is refused with its code, naming the limit", (_name, patch, code, message) => {
    const r = firstRejection(ENTRY_CHECKS, { ...base, ...patch });
    expect(r?.code).toBe(code);
    expect(r?.message).toContain(message);
  });

  it.each<[string, Partial<EntryContext>]>([
    ["leverage", { leverage: 1000 }],
    ["risk", { riskAtStop: 200_000_000n }],
    ["positions", { openPositionsAfter: 3 }],
    ["exposure", { exposureAfter: 30_000_000_000n }],
    ["reserve", { orderMargin: 9_000_000_000n }],
    ["daily", { equity: 9_500_000_000n }],
    ["total", { equity: 8_000_000_000n, dayStartEquity: null }],
    ["flip", { lastClosed: { side: "SHORT", closedAt: 0 }, now: 15 * 60_000 }],
    ["same side", { lastClosed: { side: "LONG", closedAt: 0 }, now: 1 }],
    ["scale-in", { scaleIn: true, openPositionsAfter: 4, lastClosed: { side: "SHORT", closedAt: 0 }, now: 1 }],
  ])("%s exactly at the limit passes", (_name, patch) => {
    expect(firstRejection(ENTRY_CHECKS, { ...base, ...patch })).toBeNull();
  });

  it("no equity left refuses any exposure", () => {
    expect(maxGrossExposure({ ...base, equityAfter: 0n })?.code).toBe("risk_max_gross_exposure");
    expect(firstRejection(ENTRY_CHECKS, { ...base, equity: 0n, equityAfter: -1n, dayStartEquity: null, initialCapital: 0n })?.code).toBe("risk_max_risk_per_trade");
  });
});
