import { describe, expect, it } from "vitest";
import { readSteps } from "./model-steps.ts";

describe("readSteps", () => {
  it("reads recorded LLM steps", () => {
    const steps = readSteps([
      {
        step: 1,
        attempts: 1,
        latencyMs: 840,
        inputTokens: 1200,
        outputTokens: 90,
        finishReason: "tool-calls",
        text: "BTC looks strong",
        stateUpdate: "## State update before step 2\ncash $9999.7",
        toolCalls: [{ tool: "createPosition", args: { decisions: [] }, ok: false, executed: true, error: "insufficient_margin" }],
      },
    ]);
    expect(steps).toEqual([
      {
        step: 1,
        attempts: 1,
        latencyMs: 840,
        inputTokens: 1200,
        outputTokens: 90,
        finishReason: "tool-calls",
        text: "BTC looks strong",
        stateUpdate: "## State update before step 2\ncash $9999.7",
        toolCalls: [{ tool: "createPosition", args: { decisions: [] }, ok: false, executed: true, error: "insufficient_margin" }],
      },
    ]);
  });

  it("fills what an incomplete step lacks", () => {
    expect(readSteps([{ text: 5, stateUpdate: 7, toolCalls: [null, { args: 1 }] }])).toEqual([
      {
        step: 1,
        attempts: null,
        latencyMs: null,
        inputTokens: null,
        outputTokens: null,
        finishReason: null,
        text: "",
        stateUpdate: null,
        toolCalls: [{ tool: "unknown", args: 1, ok: null, executed: null, error: null }],
      },
    ]);
  });

  it("is null for anything but a list of steps", () => {
    expect(readSteps(null)).toBeNull();
    expect(readSteps({ step: 1 })).toBeNull();
    expect(readSteps([1, 2])).toBeNull();
  });
});
