import { describe, expect, it } from "vitest";
import type { ModelView, StrategyView } from "../../src/app/services.js";
import { errorOf } from "../server/helpers.js";
import { useLlmApp } from "../support/llm-app.js";

/** The seven prompt variants answer to the original system's persona names over HTTP; the descriptive name is what is stored. */

const ORIGINAL: Record<string, string> = {
  Guardian: "capital-preservation",
  Apex: "aggressive-momentum",
  Gladiator: "leaderboard-aware",
  Sniper: "multi-signal-confluence",
  Trendsurfer: "trend-only",
  Contrarian: "mean-reversion-llm",
  Sovereign: "regime-adaptive",
};

describe("variant aliases through the API", () => {
  const t = useLlmApp("AUTONOME_TEST_ALIAS_KEY", "unused");
  const llm = { baseUrl: "http://127.0.0.1:1/v1", model: "m" };

  it("GET /api/strategies lists each variant's original name; rule strategies have none", async () => {
    const strategies = await t.get<StrategyView[]>("/api/strategies");
    const byAlias = Object.fromEntries(strategies.filter((s) => s.kind === "llm").map((s) => [s.aliases?.[0], s.name]));
    expect(byAlias).toEqual(ORIGINAL);
    expect(strategies.filter((s) => s.kind === "rule").every((s) => s.aliases === undefined)).toBe(true);
  });

  it.each([
    ["Apex", "aggressive-momentum"],
    ["guardian", "capital-preservation"],
    ["TRENDSURFER", "trend-only"],
    ["regime-adaptive", "regime-adaptive"],
  ])("POST /api/models with strategy %s stores %s", async (asked, stored) => {
    const res = await t.post("/api/models", { name: `alias ${asked}`, kind: "llm", strategy: asked, llm });
    expect(res.status).toBe(201);
    const model = (await res.json()) as ModelView;
    expect(model.strategy).toBe(stored);
    expect((await t.get<ModelView>(`/api/models/${model.id}`)).strategy).toBe(stored);
  });

  it("an alias names an LLM variant only, and an unknown name lists both names of every variant", async () => {
    const rule = await t.post("/api/models", { name: "rule apex", kind: "rule", strategy: "Apex" });
    expect(rule.status).toBe(400);
    expect((await errorOf(rule)).message).toContain('strategy: unknown rule strategy "Apex"');
    const unknown = await t.post("/api/models", { name: "nobody", kind: "llm", strategy: "Oracle", llm });
    expect(unknown.status).toBe(400);
    const message = (await errorOf(unknown)).message;
    expect(message).toContain('strategy: unknown llm strategy "Oracle"');
    expect(message).toContain("aggressive-momentum (Apex)");
    expect(message).toContain("capital-preservation (Guardian)");
    const names = (await t.get<ModelView[]>("/api/models")).map((m) => m.name);
    expect(names).not.toContain("rule apex");
    expect(names).not.toContain("nobody");
  });
});
