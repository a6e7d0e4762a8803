import { describe, expect, it } from "vitest";
import { findVariant } from "../../src/agents/llm/variants.js";
import type { RunReport, ScheduledModel } from "../../src/scheduler/scheduler.js";
import { createLlmDecider } from "../../src/scheduler/llm-decider.js";
import { AcceptingTools, scriptedModel, toolCalls } from "../agents/llm/mock-model.js";
import { context } from "../agents/fixtures.js";

/**
 * Stored LLM settings are parsed once and kept by their JSON text rather than at every run. A
 * run must still see the settings as they are now: changed settings take effect at the next run,
 * bad ones fail every run with the reason, and settings whose JSON text hides something (a key
 * set to undefined, which JSON drops) are parsed as they are, never answered from what was kept.
 */
const BASE = { baseUrl: "http://provider.test/v1", model: "mock" };
const NEVER_HOLDS = () => scriptedModel(Array.from({ length: 20 }, () => toolCalls([["closePosition", { symbols: ["BTC"] }]])));

async function run(llm: unknown): Promise<{ report: RunReport; calls: number }> {
  const model = NEVER_HOLDS();
  const scheduled: ScheduledModel = { id: "m1", name: "m1", kind: "llm", strategy: "trend-only", llm };
  const decide = createLlmDecider(scheduled, findVariant("trend-only")!, { model: () => model });
  const report: RunReport = {};
  await decide(context({}), new AcceptingTools(), report);
  return { report, calls: model.doGenerateCalls.length };
}

describe("LLM settings kept between runs", () => {
  it("a changed setting takes effect at the next run", async () => {
    expect((await run({ ...BASE, maxSteps: 3 })).calls).toBe(3);
    expect((await run({ ...BASE, maxSteps: 3 })).calls).toBe(3);
    expect((await run({ ...BASE, maxSteps: 2 })).calls).toBe(2);
    expect((await run({ ...BASE, maxSteps: 3 })).calls).toBe(3);
  });

  it("bad settings fail every run, with the reason", async () => {
    for (let i = 0; i < 2; i++) await expect(run({ ...BASE, baseUrl: "not a url" })).rejects.toThrow("invalid LLM settings: baseUrl: must be an http(s) URL");
  });

  it("a key set to undefined is refused even when the same JSON text was accepted before", async () => {
    expect((await run({ ...BASE, maxSteps: 2 })).calls).toBe(2);
    await expect(run({ ...BASE, maxSteps: 2, apiKey: undefined })).rejects.toThrow("unknown field apiKey");
  });
});
