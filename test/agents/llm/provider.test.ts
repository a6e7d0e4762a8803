import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runLlmAgent } from "../../../src/agents/llm/agent.js";
import { createLlmModel } from "../../../src/agents/llm/provider.js";
import { llmSettingsSchema, parseLlmSettings } from "../../../src/agents/llm/settings.js";
import { findVariant } from "../../../src/agents/llm/variants.js";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.js";
import { context } from "../fixtures.js";
import { AcceptingTools } from "./mock-model.js";

const KEY = "sk-test-4f9c1e77a2b3d5e6";
const variant = findVariant("trend-only")!;

function issues(input: unknown): string[] {
  const r = llmSettingsSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("LLM settings", () => {
  it("accept an OpenAI-compatible endpoint with a model id, a key variable, a temperature and a step limit", () => {
    expect(llmSettingsSchema.parse({ baseUrl: "https://openrouter.ai/api/v1", model: "anthropic/claude-3.5-sonnet", apiKeyEnv: "OPENROUTER_API_KEY", temperature: 0.7, maxSteps: 12 })).toEqual({
      baseUrl: "https://openrouter.ai/api/v1",
      model: "anthropic/claude-3.5-sonnet",
      apiKeyEnv: "OPENROUTER_API_KEY",
      temperature: 0.7,
      maxSteps: 12,
    });
    expect(llmSettingsSchema.parse({ baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1" })).toEqual({ baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1" });
  });

  it("reject bad input with messages that say what to fix", () => {
    expect(issues({ baseUrl: "localhost:11434", model: "x" })).toEqual([
      "baseUrl: must be an http(s) URL of an OpenAI-compatible API, such as http://127.0.0.1:11434/v1 or https://openrouter.ai/api/v1",
    ]);
    expect(issues({ baseUrl: "ftp://example.com/v1", model: "x" })[0]).toMatch(/^baseUrl: must be an http\(s\) URL/);
    expect(issues({ baseUrl: "http://127.0.0.1:11434/v1", model: "  " })).toEqual(["model: must not be empty: the model id as the server names it, such as gpt-4o-mini or llama3.1"]);
    expect(issues({ baseUrl: "http://127.0.0.1:11434/v1" })[0]).toMatch(/^model: must be the model id/);
    expect(issues({ baseUrl: "http://h/v1", model: "m", apiKeyEnv: "sk-live-123" })[0]).toMatch(/^apiKeyEnv: must be the name of an environment variable/);
    expect(issues({ baseUrl: "http://h/v1", model: "m", temperature: 2.5 })).toEqual(["temperature: must be at most 2"]);
    expect(issues({ baseUrl: "http://h/v1", model: "m", temperature: "hot" })).toEqual(["temperature: must be a number from 0 to 2"]);
    expect(issues({ baseUrl: "http://h/v1", model: "m", maxSteps: 0 })).toEqual(["maxSteps: must be at least 1"]);
    expect(issues({ baseUrl: "http://h/v1", model: "m", maxSteps: 51 })).toEqual(["maxSteps: must be at most 50"]);
    expect(issues({ baseUrl: "http://h/v1", model: "m", maxSteps: 2.5 })[0]).toMatch(/^maxSteps: must be a whole number/);
    expect(issues({ baseUrl: "http://h/v1", model: "m", apiKey: KEY })).toEqual([": unknown field apiKey: keys are never sent to the API, name their environment variable in apiKeyEnv"]);
    expect(() => parseLlmSettings(undefined)).toThrow("invalid LLM settings: must be an object {baseUrl, model, apiKeyEnv?, temperature?, maxSteps?}");
  });

  it("read the key only when a model is made, and fail with the variable's name when it is missing", () => {
    expect(() => createLlmModel({ baseUrl: "http://h/v1", model: "m", apiKeyEnv: "MISSING_KEY" }, {})).toThrow(/the API key variable MISSING_KEY is not set/);
    expect(() => createLlmModel({ baseUrl: "http://h/v1", model: "m", apiKeyEnv: "EMPTY_KEY" }, { EMPTY_KEY: " " })).toThrow(/EMPTY_KEY is not set/);
    expect(createLlmModel({ baseUrl: "http://h/v1", model: "m" }, {}).modelId).toBe("m");
  });
});

describe("the real provider against a local OpenAI-compatible server", () => {
  let server: FakeOpenAi;
  beforeEach(async () => {
    server = await startFakeOpenAi();
  });
  afterEach(async () => server.close());

  const OPEN = { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "49000", profitTarget: "52000", confidence: 65 }] };

  for (const stream of [false, true]) {
    it(`runs tool calls over chat completions (${stream ? "streamed: SSE chunks and [DONE]" : "JSON answers"}), sending the key from the environment as a Bearer header`, async () => {
      server.reply(
        { kind: "tool-calls", text: "Uptrend on 1h; buying a little.", calls: [{ name: "createPosition", arguments: OPEN }], usage: { prompt: 900, completion: 60 } },
        { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "position opened" } }], usage: { prompt: 1000, completion: 15 } },
      );
      const tools = new AcceptingTools();
      const result = await runLlmAgent({
        ctx: context({}),
        tools,
        settings: { baseUrl: server.baseUrl, model: "fake-model", apiKeyEnv: "FAKE_PROVIDER_KEY", temperature: 0.2 },
        variant,
        env: { FAKE_PROVIDER_KEY: KEY },
        stream,
      });
      expect(result).toMatchObject({ held: true, text: "Uptrend on 1h; buying a little.", usage: { inputTokens: 1900, outputTokens: 75 } });
      expect(tools.calls).toEqual([
        { tool: "createPosition", args: OPEN },
        { tool: "holding", args: { reason: "position opened" } },
      ]);
      expect(server.requests).toHaveLength(2);
      for (const r of server.requests) {
        expect(r.path).toBe("/v1/chat/completions");
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(r.body.model).toBe("fake-model");
        expect(r.body.temperature).toBe(0.2);
        expect(Boolean(r.body.stream)).toBe(stream);
      }
      const first = server.requests[0]!.body as { messages: Array<{ role: string; content: string }>; tools: Array<{ function: { name: string; parameters: Record<string, unknown> } }> };
      expect(first.messages.map((m) => m.role)).toEqual(["system", "user"]);
      expect(first.tools.map((t) => t.function.name)).toEqual(["createPosition", "closePosition", "updateExitPlan", "holding"]);
      expect(first.tools[0]!.function.parameters).toMatchObject({ type: "object", required: ["decisions"] });
      // The second request carries the tool's answer back to the model.
      const second = server.requests[1]!.body as { messages: Array<{ role: string; content: unknown; tool_call_id?: string }> };
      expect(second.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
      expect(String(second.messages[3]!.content)).toContain('"ok":true');
    });
  }

  it("sends no Authorization header for a server without keys", async () => {
    server.reply({ kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "quiet market" } }] });
    await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { baseUrl: `${server.baseUrl}/`, model: "llama3.1" }, variant, env: {} });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.path).toBe("/v1/chat/completions");
  });

  it("retries 500 and 429 answers (honouring retry-after-ms) and counts the attempts", async () => {
    server.reply(
      { kind: "status", status: 500, headers: { "retry-after-ms": "5" } },
      { kind: "status", status: 429, message: "rate limited", headers: { "retry-after-ms": "5" } },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "ok" } }] },
    );
    const result = await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { baseUrl: server.baseUrl, model: "m" }, variant });
    expect(server.requests).toHaveLength(3);
    expect(result.steps[0]!.attempts).toBe(3);
  });

  it("turns garbage, an empty body and a broken stream into readable errors", async () => {
    const settings = { baseUrl: server.baseUrl, model: "m" };
    server.reply({ kind: "garbage" });
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant })).rejects.toThrow(
      "the provider failed: the answer could not be read (HTTP 200): Invalid JSON response",
    );
    server.reply({ kind: "empty" });
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant })).rejects.toThrow(/could not be read \(HTTP 200\)/);
    server.reply({ kind: "garbage" });
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant, stream: true })).rejects.toThrow(
      "the provider's answer was unusable: Response stream ended without a finish reason.",
    );
    server.reply({ kind: "text", text: "" });
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant })).rejects.toThrow("the model returned an empty answer");
  });

  for (const stream of [false, true]) {
    it(`aborts a hung request at the run's timeout (${stream ? "streamed" : "JSON"}): the server sees the client hang up`, async () => {
      server.reply({ kind: "hang" });
      const started = Date.now();
      await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { baseUrl: server.baseUrl, model: "m" }, variant, timeoutMs: 200, stream })).rejects.toMatchObject({
        name: "TimeoutError",
      });
      expect(Date.now() - started).toBeLessThan(3_000);
      for (let i = 0; i < 50 && !server.requests[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 10));
      expect(server.requests[0]!.aborted).toBe(true);
    });
  }

  it("retries a server that cannot be reached, then says so", async () => {
    const closed = server.baseUrl;
    await server.close();
    server = await startFakeOpenAi(); // afterEach closes this one
    const error = await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { baseUrl: closed, model: "m" }, variant, maxRetries: 1 }).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/^the provider failed 2 times \(network error, network error\); last: could not reach the provider: Cannot connect to API/);
  });

  it("keeps the key out of error messages even when the server echoes it", async () => {
    server.reply({ kind: "status", status: 401, message: `invalid api key ${KEY}` });
    const error = await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { baseUrl: server.baseUrl, model: "m", apiKeyEnv: "K" }, variant, env: { K: KEY } }).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain("HTTP 401: invalid api key [redacted]");
    expect(error.message).not.toContain(KEY);
  });
});
