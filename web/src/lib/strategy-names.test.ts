import { describe, expect, it } from "vitest";
import type { StrategyView } from "../api/types.ts";
import { findStrategy, strategyLabel } from "./strategy-names.ts";

const STRATEGIES: StrategyView[] = [
  { name: "trend-following", kind: "rule", description: "EMA cross" },
  { name: "capital-preservation", kind: "llm", description: "careful", aliases: ["Guardian"] },
  { name: "aggressive-momentum", kind: "llm", description: "fast", aliases: ["Apex"] },
];

describe("strategy names", () => {
  it("labels a variant with its original name, a rule strategy (or an unknown name, or a list not loaded yet) by its own", () => {
    expect(strategyLabel("aggressive-momentum", STRATEGIES)).toBe("aggressive-momentum (Apex)");
    expect(strategyLabel("trend-following", STRATEGIES)).toBe("trend-following");
    expect(strategyLabel("mirror", STRATEGIES)).toBe("mirror");
    expect(strategyLabel("capital-preservation", undefined)).toBe("capital-preservation");
  });

  it("finds a strategy by its name or an alias, in any case", () => {
    expect(findStrategy("apex", STRATEGIES)?.name).toBe("aggressive-momentum");
    expect(findStrategy(" GUARDIAN ", STRATEGIES)?.name).toBe("capital-preservation");
    expect(findStrategy("Trend-Following", STRATEGIES)?.name).toBe("trend-following");
    expect(findStrategy("oracle", STRATEGIES)).toBeUndefined();
    expect(findStrategy("", STRATEGIES)).toBeUndefined();
  });
});
