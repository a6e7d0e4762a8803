import { describe, expect, it } from "vitest";
import { RULE_STRATEGIES } from "../../../src/agents/rules/index.js";
import { LLM_VARIANTS, findVariant, variantLabel } from "../../../src/agents/llm/variants.js";

/** The seven variants answer to the original system's persona names, listed in the same order as its seven philosophies. */
describe("variant names", () => {
  it("maps each original persona to today's descriptive variant", () => {
    expect(LLM_VARIANTS.map((v) => [v.alias, v.name])).toEqual([
      ["Guardian", "capital-preservation"],
      ["Apex", "aggressive-momentum"],
      ["Gladiator", "leaderboard-aware"],
      ["Sniper", "multi-signal-confluence"],
      ["Trendsurfer", "trend-only"],
      ["Contrarian", "mean-reversion-llm"],
      ["Sovereign", "regime-adaptive"],
    ]);
  });

  it("finds a variant by either name in any case, and nothing else", () => {
    for (const v of LLM_VARIANTS) {
      for (const name of [v.name, v.alias, v.alias.toLowerCase(), v.alias.toUpperCase(), ` ${v.name.toUpperCase()} `]) expect(findVariant(name)).toBe(v);
    }
    expect(findVariant("trend-following")).toBeUndefined(); // a rule strategy, not a variant
    expect(findVariant("")).toBeUndefined();
    expect(variantLabel(findVariant("sniper")!)).toBe("multi-signal-confluence (Sniper)");
  });

  it("keeps every name, alias or not, unique across variants and rule strategies", () => {
    const names = [...Object.keys(RULE_STRATEGIES), ...LLM_VARIANTS.flatMap((v) => [v.name, v.alias])].map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives an entry policy to Apex only", () => {
    expect(LLM_VARIANTS.filter((v) => v.entryPolicy).map((v) => v.alias)).toEqual(["Apex"]);
  });
});
