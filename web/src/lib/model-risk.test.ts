import { describe, expect, it } from "vitest";
import { failureRate, riskLabel, riskValue, toolFailureRate } from "./model-risk.ts";

describe("run statistics", () => {
  it("is a fraction of runs, none before the first run", () => {
    expect(failureRate({ runs: 8, failedRuns: 2 })).toBe(0.25);
    expect(failureRate({ runs: 0, failedRuns: 0 })).toBeNull();
    expect(toolFailureRate({ toolCalls: 4, failedToolCalls: 1 })).toBe(0.25);
    expect(toolFailureRate({ toolCalls: 0, failedToolCalls: 0 })).toBeNull();
  });
});

describe("risk limits in words", () => {
  it("names a limit without its unit suffix", () => {
    expect(riskLabel("maxRiskPerTradePct")).toBe("Max risk per trade");
    expect(riskLabel("flipCooldownMinutes")).toBe("Flip cooldown");
    expect(riskLabel("oneActionPerSymbolPerRun")).toBe("One action per symbol per run");
    expect(riskLabel("some_limit")).toBe("Some limit");
  });

  it("gives the value its unit", () => {
    expect(riskValue("maxRiskPerTradePct", 2)).toBe("2%");
    expect(riskValue("flipCooldownMinutes", 30)).toBe("30 min");
    expect(riskValue("maxLeverage", 10)).toBe("10×");
    expect(riskValue("maxGrossExposure", 3)).toBe("3× equity");
    expect(riskValue("requireStop", true)).toBe("yes");
    expect(riskValue("maxOpenPositions", 4)).toBe("4");
  });
});
