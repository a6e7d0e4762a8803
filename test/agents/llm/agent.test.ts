import { describe, expect, it } from "vitest";
import { runLlmAgent, type LlmStep } from "../../../src/agents/llm/agent.js";
import { findVariant } from "../../../src/agents/llm/variants.js";
import { context } from "../fixtures.js";
import { checkMessages, descriptorsRead, PROMPT } from "./schema-walk.js";
import { AcceptingTools, holding, lastToolResults, providerError, scriptedModel, text, toolCalls, type CallOptions } from "./mock-model.js";

const settings = { baseUrl: "http://provider.test/v1", model: "mock" };
const variant = findVariant("capital-preservation")!;
const OPEN_BTC = { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "49000", profitTarget: "52000", confidence: 60 }] };

function run(model: ReturnType<typeof scriptedModel>, extra: Partial<Parameters<typeof runLlmAgent>[0]> = {}) {
  const tools = new AcceptingTools();
  const steps: LlmStep[] = [];
  const promise = runLlmAgent({ ctx: context({}), tools, settings, variant, model, onStep: (s) => steps.push(s), ...extra });
  return { tools, steps, promise };
}

describe("runLlmAgent", () => {
  it("loads with the SDK's prompt check resolved: checking a prompt does not walk the message schema (message-schema.ts)", () => {
    expect(checkMessages(PROMPT)).toBe(true);
    expect(descriptorsRead(PROMPT)).toBeLessThan(10);
  });

  it("acts through the tools, stops at a successful holding, and reports tokens, latency and tool calls per step", async () => {
    const model = scriptedModel([
      toolCalls([["createPosition", OPEN_BTC]], { text: "BTC trend is up.", tokens: [300, 40] }),
      toolCalls([["holding", { reason: "done for now" }]], { tokens: [350, 12] }),
      text("never asked"),
    ]);
    const { tools, steps, promise } = run(model);
    const result = await promise;
    expect(tools.calls.map((c) => c.tool)).toEqual(["createPosition", "holding"]);
    expect(model.doGenerateCalls).toHaveLength(2); // holding ended the run: no third request
    expect(result).toMatchObject({ held: true, text: "BTC trend is up.", usage: { inputTokens: 650, outputTokens: 52 } });
    expect(steps.map((s) => [s.step, s.attempts, s.inputTokens, s.outputTokens, s.toolCalls.map((c) => [c.tool, c.ok])])).toEqual([
      [1, 1, 300, 40, [["createPosition", true]]],
      [2, 1, 350, 12, [["holding", true]]],
    ]);
    expect(steps.every((s) => s.latencyMs >= 0)).toBe(true);
    // The run's signal reaches the provider call.
    expect(model.doGenerateCalls[0]!.abortSignal).toBeInstanceOf(AbortSignal);
    expect(model.doGenerateCalls[0]!.tools?.map((t) => t.name).sort()).toEqual(["closePosition", "createPosition", "holding", "updateExitPlan"]);
  });

  it("feeds malformed arguments, unparsable JSON and unknown tools back to the model as readable tool errors, and goes on", async () => {
    let seen: ReturnType<typeof lastToolResults> = [];
    const model = scriptedModel([
      toolCalls([
        ["createPosition", { decisions: [{ symbol: "BTC", side: "LONG", quantity: "lots", leverage: 50, confidence: 60 }] }],
        ["createPosition", '{"decisions": [ {"symbol": "BTC",'],
        ["buyTheDip", { symbol: "BTC" }],
        ["holding", { reason: "" }],
      ]),
      (call: CallOptions) => {
        seen = lastToolResults(call);
        return toolCalls([["createPosition", OPEN_BTC]]);
      },
      holding(),
    ]);
    const { tools, steps, promise } = run(model);
    const result = await promise;
    expect(result.held).toBe(true);
    const [bad, unparsable, unknown, emptyHold] = seen;
    expect(bad!.output).toMatchObject({ type: "json", value: { ok: false, error: { code: "invalid_arguments" } } });
    const message = (bad!.output.value as { error: { message: string } }).error.message;
    expect(message).toContain("decisions[0].quantity");
    expect(message).toContain("leverage must be at most 20");
    expect(unparsable!.output.type).toBe("error-text");
    expect(String(unparsable!.output.value)).toContain("JSON");
    expect(unknown!.output).toMatchObject({ type: "error-text" });
    expect(String(unknown!.output.value)).toContain("Available tools: createPosition, closePosition, updateExitPlan, holding");
    expect((emptyHold!.output.value as { error: { message: string } }).error.message).toContain("reason must not be empty");
    // Only the valid call reached the tools; the failed holding did not end the run.
    expect(tools.calls.map((c) => c.tool)).toEqual(["createPosition", "holding"]);
    expect(steps[0]!.toolCalls.map((c) => [c.tool, c.ok, c.executed])).toEqual([
      ["createPosition", false, true],
      ["createPosition", false, false],
      ["buyTheDip", false, false],
      ["holding", false, true],
    ]);
  });

  it("stops at the step limit when the model never holds", async () => {
    const model = scriptedModel(Array.from({ length: 10 }, () => toolCalls([["updateExitPlan", { updates: [{ symbol: "BTC", stopLoss: "49500" }] }]])));
    const { steps, promise } = run(model, { maxSteps: 3 });
    const result = await promise;
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(steps).toHaveLength(3);
    expect(result.held).toBe(false);
  });

  it("takes the step limit from the settings when none is given", async () => {
    const model = scriptedModel(Array.from({ length: 10 }, () => toolCalls([["closePosition", { symbols: ["BTC"] }]])));
    const { promise } = run(model, { settings: { ...settings, maxSteps: 2 } });
    await promise;
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it("retries a provider's 500 and 429 twice with backoff, then succeeds (three calls)", async () => {
    const model = scriptedModel([providerError(500), providerError(429), holding()]);
    const { steps, promise } = run(model);
    await expect(promise).resolves.toMatchObject({ held: true });
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(steps[0]!.attempts).toBe(3);
  });

  it("gives up after two retries with a readable error listing each failure", async () => {
    const model = scriptedModel([providerError(500), providerError(503), providerError(429), holding()]);
    const { promise } = run(model);
    await expect(promise).rejects.toThrow(/the provider failed 3 times \(HTTP 500, HTTP 503, HTTP 429\); last: HTTP 429/);
    expect(model.doGenerateCalls).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    const model = scriptedModel([providerError(400, "model does not support tools"), holding()]);
    const { promise } = run(model);
    await expect(promise).rejects.toThrow("the provider failed: HTTP 400: model does not support tools");
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it("times out a hung provider: the abort reaches the request and the error says so", async () => {
    const model = scriptedModel(["hang"]);
    const started = Date.now();
    const { promise } = run(model, { timeoutMs: 150 });
    await expect(promise).rejects.toMatchObject({ name: "TimeoutError", message: "the model did not finish within 150 ms" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(model.doGenerateCalls[0]!.abortSignal?.aborted).toBe(true);
  });

  it("ends when the caller's signal aborts (the scheduler's run timeout)", async () => {
    const model = scriptedModel(["hang"]);
    const outer = new AbortController();
    const { promise } = run(model, { signal: outer.signal });
    setTimeout(() => outer.abort(new Error("timed out after 100 ms")), 100);
    await expect(promise).rejects.toThrow("timed out after 100 ms");
  });

  it("fails an empty answer (no text, no tool call) and keeps a text-only answer as the model's reply", async () => {
    await expect(run(scriptedModel([text("")])).promise).rejects.toThrow("the model returned an empty answer: no text and no tool call");
    const garbage = await run(scriptedModel([text("}}{{ %%% <|endoftext|>")])).promise;
    expect(garbage).toMatchObject({ held: false, text: "}}{{ %%% <|endoftext|>", steps: [{ toolCalls: [] }] });
  });

  it("sends the variant's philosophy as the system prompt and the context as the user prompt, with the temperature", async () => {
    const model = scriptedModel([holding()]);
    await run(model, { settings: { ...settings, temperature: 0.3 } }).promise;
    const call = model.doGenerateCalls[0]!;
    expect(call.temperature).toBe(0.3);
    const system = call.prompt.find((m) => m.role === "system");
    expect(system?.content).toContain(variant.philosophy);
    expect(JSON.stringify(call.prompt)).toContain("Current time: 2025-01-15T12:00:00.000Z");
  });

  it("fails before any request when the key variable is missing, naming it", async () => {
    const tools = new AcceptingTools();
    await expect(runLlmAgent({ ctx: context({}), tools, settings: { ...settings, apiKeyEnv: "NOT_SET_ANYWHERE" }, variant, env: {} })).rejects.toThrow(
      "the API key variable NOT_SET_ANYWHERE is not set in the environment",
    );
  });
});
