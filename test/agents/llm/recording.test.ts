import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runLlmAgent, type LlmRunResult, type LlmStep } from "../../../src/agents/llm/agent.js";
import { createLlmModel, type ChatModel } from "../../../src/agents/llm/provider.js";
import {
  LlmRecordingFileError,
  LlmRecordingMemory,
  LlmReplayMissError,
  llmCallKey,
  openLlmRecordingFile,
  recordingModel,
  type LlmCallOptions,
  type LlmRecordingStore,
  type RecordedLlmCall,
} from "../../../src/agents/llm/recording.js";
import { findVariant } from "../../../src/agents/llm/variants.js";
import { toolError, type ToolResult } from "../../../src/agents/tools.js";
import { createDeciders } from "../../../src/scheduler/llm-decider.js";
import type { RunReport } from "../../../src/scheduler/scheduler.js";
import { startFakeOpenAi, type FakeOpenAi, type FakeReply } from "../../support/fake-openai.js";
import { context } from "../fixtures.js";
import { AcceptingTools, holding, providerError, scriptedModel, toolCalls, usage, type Reply } from "./mock-model.js";

/**
 * Recording LLM calls against a real (local) OpenAI-compatible server and replaying them with
 * no server and no key: the tools see the same calls with the same arguments, the run the same
 * text and tokens; what is not recorded is a miss naming its step.
 */

const KEY = "sk-rec-7d1e0c9a55b2f311";
const variant = findVariant("trend-only")!;
const OPEN = { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "49000", profitTarget: "52000", confidence: 65 }] };
const STOP = { updates: [{ symbol: "BTC", stopLoss: "49500" }] };
const BROKEN_ARGS = '{"decisions": [ {"symbol": "BTC",';

const SCRIPT: FakeReply[] = [
  { kind: "tool-calls", text: "Uptrend on 1h; buying a little.", calls: [{ name: "createPosition", arguments: OPEN }], usage: { prompt: 900, completion: 60 } },
  // A malformed call goes back to the model as a tool error: its exact text is part of the next prompt.
  {
    kind: "tool-calls",
    calls: [
      { name: "updateExitPlan", arguments: STOP },
      { name: "createPosition", arguments: BROKEN_ARGS },
    ],
    usage: { prompt: 1000, completion: 40 },
  },
  { kind: "tool-calls", text: "Stop raised; done.", calls: [{ name: "holding", arguments: { reason: "position opened" } }], usage: { prompt: 1100, completion: 15 } },
];

/** Never to be called on replay: replay needs no server and no key. */
function noModel(): () => ChatModel {
  return () => {
    throw new Error("replay built the real model");
  };
}

/** What must be equal between a run and its replay (latency is the wall's). */
function outcome(result: LlmRunResult) {
  return { ...result, steps: result.steps.map(({ latencyMs: _latency, ...step }) => step) };
}

describe("recording and replaying LLM calls", () => {
  let server: FakeOpenAi;
  let dir: string;
  beforeEach(async () => {
    server = await startFakeOpenAi();
    dir = await mkdtemp(join(tmpdir(), "autonome-llm-rec-"));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const settings = () => ({ baseUrl: server.baseUrl, model: "fake-model", apiKeyEnv: "REC_KEY", temperature: 0.2 });
  const env = { REC_KEY: KEY };

  async function run(model: ChatModel, stream: boolean, overrides: { settings?: ReturnType<typeof settings>; env?: NodeJS.ProcessEnv } = {}) {
    const tools = new AcceptingTools();
    const result = await runLlmAgent({ ctx: context({}), tools, settings: overrides.settings ?? settings(), variant, model, env: overrides.env ?? env, stream, maxRetries: 0 });
    return { tools, result };
  }

  for (const stream of [false, true]) {
    it(`records a ${stream ? "streamed" : "JSON"} tool-calling run and replays it without a server, streamed and not`, async () => {
      server.reply(...SCRIPT);
      const path = join(dir, "nested", "llm.jsonl");
      const file = await openLlmRecordingFile(path, "record");
      const model = recordingModel({ mode: "record", store: file, model: () => createLlmModel(settings(), env), modelId: "fake-model", describe: (s) => `run 1 step ${s}` });
      const recorded = await run(model, stream);
      await file.close();
      expect(server.requests).toHaveLength(3);
      expect(recorded.tools.calls).toEqual([
        { tool: "createPosition", args: OPEN },
        { tool: "updateExitPlan", args: STOP },
        { tool: "holding", args: { reason: "position opened" } },
      ]);
      expect(recorded.result).toMatchObject({ held: true, usage: { inputTokens: 3000, outputTokens: 115 } });

      const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines.join("\n")).not.toContain(KEY);
      expect(lines.join("\n")).not.toContain(server.baseUrl);
      const second = JSON.parse(lines[1]!) as RecordedLlmCall;
      expect(second).toMatchObject({ step: "run 1 step 2", request: { modelId: "fake-model", call: { temperature: 0.2 } }, usage: { inputTokens: { total: 1000 }, outputTokens: { total: 40 } } });
      expect(second.key).toMatch(/^[0-9a-f]{64}$/);
      expect(second.response.content).toEqual([
        { type: "tool-call", toolCallId: "call_2_0", toolName: "updateExitPlan", input: JSON.stringify(STOP) },
        { type: "tool-call", toolCallId: "call_2_1", toolName: "createPosition", input: BROKEN_ARGS },
      ]);

      for (const replayStream of [stream, !stream]) {
        const replay = await openLlmRecordingFile(path, "replay");
        const replayed = await run(
          recordingModel({ mode: "replay", store: replay, model: noModel(), modelId: "fake-model", describe: (s) => `replay step ${s}` }),
          replayStream,
          // Another host and no key: neither is part of what was asked.
          { settings: { ...settings(), baseUrl: "http://127.0.0.1:9/v1" }, env: {} },
        );
        expect(replayed.tools.calls).toEqual(recorded.tools.calls);
        expect(outcome(replayed.result)).toEqual(outcome(recorded.result));
        await replay.close();
      }
      expect(server.requests).toHaveLength(3);
    });
  }

  it("wires into createDeciders: one recording model per run, replayed by the same decider", async () => {
    server.reply(...SCRIPT);
    const path = join(dir, "decider.jsonl");
    const scheduled = { id: "m1", name: "llm-trend", kind: "llm" as const, strategy: "trend-only", llm: settings() };
    const decide = async (mode: "record" | "replay") => {
      const store = await openLlmRecordingFile(path, mode);
      const decider = createDeciders({
        env: mode === "record" ? env : {},
        maxRetries: 0,
        model: (s, m) => recordingModel({ mode, store, model: mode === "record" ? () => createLlmModel(s, env) : noModel(), modelId: s.model, describe: (step) => `${m.name} step ${step}` }),
      })(scheduled)!;
      const tools = new AcceptingTools();
      const report: RunReport = {};
      await decider(context({}), tools, report);
      await store.close();
      return { tools: tools.calls, response: report.response, tokens: [report.inputTokens, report.outputTokens], steps: (report.steps as LlmStep[]).map(({ latencyMs: _latency, ...step }) => step) };
    };
    const recorded = await decide("record");
    const replayed = await decide("replay");
    expect(replayed).toEqual(recorded);
    expect(recorded).toMatchObject({ response: "Uptrend on 1h; buying a little.\n\nStop raised; done.", tokens: [3000, 115] });
    expect(server.requests).toHaveLength(3);
  });
});

describe("a replay miss", () => {
  const settings = { baseUrl: "http://provider.test/v1", model: "mock" };
  const script = (): Reply[] => [toolCalls([["createPosition", OPEN]], { text: "Long BTC.", tokens: [300, 40] }), holding("done")];

  async function record(): Promise<LlmRecordingMemory> {
    const store = new LlmRecordingMemory();
    const model = scriptedModel(script());
    await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant, model: recordingModel({ mode: "record", store, model: () => model, modelId: "mock", describe: String }) });
    return store;
  }

  function replaying(store: LlmRecordingStore, misses: LlmReplayMissError[]) {
    return recordingModel({ mode: "replay", store, model: noModel(), modelId: "mock", describe: (s) => `model m1 at 2025-01-15T12:00Z, step ${s}`, onMiss: (e) => misses.push(e) });
  }

  it("fails the step whose prompt changed, naming it and the key, and says how to re-record", async () => {
    const store = await record();
    // The first answer replays; the tool now answers differently, so the second prompt was never recorded.
    class RefusingTools extends AcceptingTools {
      override createPosition = (): Promise<ToolResult> => Promise.resolve(toolError("market_closed", "BTC is halted"));
    }
    const misses: LlmReplayMissError[] = [];
    const failed = runLlmAgent({ ctx: context({}), tools: new RefusingTools(), settings, variant, model: replaying(store, misses) });
    await expect(failed).rejects.toThrow(/^LLM replay miss at model m1 at 2025-01-15T12:00Z, step 2: nothing was recorded for this request \(key [0-9a-f]{64}\).*Re-record with --llm record\.$/);
    expect(misses).toHaveLength(1);
    expect(misses[0]).toBeInstanceOf(LlmReplayMissError);
    expect(misses[0]).toMatchObject({ step: 2, where: "model m1 at 2025-01-15T12:00Z, step 2" });
  });

  it("fails the first step when the prompt differs from the start (another strategy's system prompt)", async () => {
    const store = await record();
    const misses: LlmReplayMissError[] = [];
    const other = findVariant("capital-preservation")!;
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant: other, model: replaying(store, misses) })).rejects.toThrow(/replay miss at .*step 1:/);
    expect(misses.map((m) => m.step)).toEqual([1]);
  });

  it("is also a miss for another temperature or model id; the same run replays", async () => {
    const store = await record();
    const misses: LlmReplayMissError[] = [];
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings: { ...settings, temperature: 0.9 }, variant, model: replaying(store, misses) })).rejects.toThrow(/replay miss/);
    const otherModel = recordingModel({ mode: "replay", store, model: noModel(), modelId: "mock-2", describe: String });
    await expect(runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant, model: otherModel })).rejects.toThrow(/replay miss/);
    const replayed = await runLlmAgent({ ctx: context({}), tools: new AcceptingTools(), settings, variant, model: replaying(store, misses) });
    expect(replayed).toMatchObject({ held: true, text: "Long BTC." });
  });
});

describe("the recording model", () => {
  const PARAMS: LlmCallOptions = {
    prompt: [
      { role: "system", content: "You trade." },
      { role: "user", content: [{ type: "text", text: "Current time: 2025-01-15T12:00:00.000Z" }] },
    ],
    tools: [{ type: "function", name: "createPosition", description: "Open positions.", inputSchema: { type: "object", properties: {} } }],
    toolChoice: { type: "auto" },
    temperature: 0.2,
    maxOutputTokens: 800,
  };

  async function parts(stream: ReadableStream<unknown>): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for await (const part of stream as ReadableStream<Record<string, unknown>>) out.push(part);
    return out;
  }

  it("replays a generate recording as a stream and back, with the tool call's id and raw arguments exactly as recorded", async () => {
    const store = new LlmRecordingMemory();
    const answer = toolCalls([["createPosition", BROKEN_ARGS]], { text: "Trying.", tokens: [321, 12] });
    const recorder = recordingModel({ mode: "record", store, model: () => scriptedModel([answer]), modelId: "m", describe: String });
    await recorder.doGenerate(PARAMS);
    const call = answer.content[1] as { toolCallId: string };

    const replayer = recordingModel({ mode: "replay", store, model: noModel(), modelId: "m", describe: String });
    const streamed = await parts((await replayer.doStream(PARAMS)).stream);
    expect(streamed.find((p) => p.type === "tool-call")).toEqual({ type: "tool-call", toolCallId: call.toolCallId, toolName: "createPosition", input: BROKEN_ARGS });
    expect(streamed.filter((p) => p.type === "text-delta").map((p) => p.delta)).toEqual(["Trying."]);
    expect(streamed.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls" }, usage: { inputTokens: { total: 321 }, outputTokens: { total: 12 } } });

    const generated = await replayer.doGenerate({ ...PARAMS, abortSignal: new AbortController().signal });
    expect(generated.content).toEqual(answer.content);
    expect(generated.usage.inputTokens.total).toBe(321);
  });

  it("records a stream as it passes through, unchanged, and replays it as a generate call", async () => {
    const store = new LlmRecordingMemory();
    const call = { type: "tool-call" as const, toolCallId: "call_9", toolName: "holding", input: '{"reason":"flat"}' };
    const sent = [
      { type: "stream-start" as const, warnings: [] },
      { type: "text-start" as const, id: "t" },
      { type: "text-delta" as const, id: "t", delta: "Nothing " },
      { type: "text-delta" as const, id: "t", delta: "to do." },
      { type: "text-end" as const, id: "t" },
      { type: "tool-input-start" as const, id: "call_9", toolName: "holding" },
      { type: "tool-input-delta" as const, id: "call_9", delta: call.input },
      { type: "tool-input-end" as const, id: "call_9" },
      call,
      { type: "finish" as const, finishReason: { unified: "tool-calls" as const, raw: "tool_calls" }, usage: usage(50, 5) },
    ];
    const streaming: ChatModel = {
      specificationVersion: "v3",
      provider: "mock",
      modelId: "m",
      supportedUrls: {},
      doGenerate: () => Promise.reject(new Error("not used")),
      doStream: () => Promise.resolve({ stream: new ReadableStream({ start: (c) => (sent.forEach((p) => c.enqueue(p)), c.close()) }) }),
    };
    const recorder = recordingModel({ mode: "record", store, model: () => streaming, modelId: "m", describe: String });
    expect(await parts((await recorder.doStream(PARAMS)).stream)).toEqual(sent);
    const replayed = await recordingModel({ mode: "replay", store, model: noModel(), modelId: "m", describe: String }).doGenerate(PARAMS);
    expect(replayed.content).toEqual([{ type: "text", text: "Nothing to do." }, call]);
    expect(replayed).toMatchObject({ finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(50, 5) });
  });

  it("does not record a failed call; the retry that answers is recorded", async () => {
    const store = new LlmRecordingMemory();
    const model = scriptedModel([providerError(500), holding("ok")]);
    const result = await runLlmAgent({
      ctx: context({}),
      tools: new AcceptingTools(),
      settings: { baseUrl: "http://provider.test/v1", model: "mock" },
      variant,
      model: recordingModel({ mode: "record", store, model: () => model, modelId: "mock", describe: String }),
    });
    expect(result.steps[0]!.attempts).toBe(2);
    expect(store.size).toBe(1);
  });

  it("keys a call by what the model is asked: not the signal, headers or provider options; the model id, the sampling settings, the prompt and the tools", () => {
    const key = llmCallKey("fake-model", PARAMS);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered: LlmCallOptions = { maxOutputTokens: 800, temperature: 0.2, toolChoice: { type: "auto" }, tools: PARAMS.tools!, prompt: PARAMS.prompt };
    expect(llmCallKey("fake-model", reordered)).toBe(key);
    const transport: LlmCallOptions = {
      ...PARAMS,
      abortSignal: AbortSignal.timeout(1_000),
      headers: { authorization: `Bearer ${KEY}` },
      providerOptions: { openai: { apiKey: KEY } },
      includeRawChunks: true,
    };
    expect(llmCallKey("fake-model", transport)).toBe(key);
    expect(llmCallKey("fake-model", { ...PARAMS, seed: undefined })).toBe(key);

    const changed: Array<[string, string]> = [
      ["model id", llmCallKey("other-model", PARAMS)],
      ["temperature", llmCallKey("fake-model", { ...PARAMS, temperature: 0.3 })],
      ["no temperature", llmCallKey("fake-model", { ...PARAMS, temperature: undefined })],
      ["max tokens", llmCallKey("fake-model", { ...PARAMS, maxOutputTokens: 801 })],
      ["seed", llmCallKey("fake-model", { ...PARAMS, seed: 7 })],
      ["tool choice", llmCallKey("fake-model", { ...PARAMS, toolChoice: { type: "required" } })],
      ["tools", llmCallKey("fake-model", { ...PARAMS, tools: [{ ...PARAMS.tools![0]!, description: "Open a position." }] as LlmCallOptions["tools"] })],
      ["prompt", llmCallKey("fake-model", { ...PARAMS, prompt: [PARAMS.prompt[0]!, { role: "user", content: [{ type: "text", text: "Current time: 2025-01-15T13:00:00.000Z" }] }] })],
    ];
    for (const [what, other] of changed) expect(other, what).not.toBe(key);
  });
});

describe("recording files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "autonome-llm-file-"));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const call = (key: string, text: string): RecordedLlmCall => ({
    key,
    request: { format: 1, modelId: "m", call: { prompt: [] } },
    response: { content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "stop" } },
    usage: { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } },
  });
  const textOf = (c: RecordedLlmCall | undefined) => (c?.response.content[0] as { text: string } | undefined)?.text;

  it("appends across opens, keeps identical requests in recording order and replays them in that order", async () => {
    const path = join(dir, "a", "b", "calls.jsonl");
    const first = await openLlmRecordingFile(path, "record");
    await first.put("k1", call("k1", "first answer"));
    await first.put("k2", call("k2", "other"));
    expect(first.recorded).toBe(2);
    await first.close();

    const second = await openLlmRecordingFile(path, "record");
    expect(second.size).toBe(2);
    await second.put("k1", call("k1", "second answer"));
    await second.close();
    await expect(Promise.resolve().then(() => second.put("k3", call("k3", "late")))).rejects.toThrow("the recording is closed");

    expect((await readFile(path, "utf8")).trimEnd().split("\n")).toHaveLength(3);
    const replay = await openLlmRecordingFile(path, "replay");
    expect(replay.size).toBe(3);
    expect([textOf(replay.get("k1")), textOf(replay.get("k1")), textOf(replay.get("k1"))]).toEqual(["first answer", "second answer", "second answer"]);
    expect(textOf(replay.get("k2"))).toBe("other");
    expect(replay.get("k3")).toBeUndefined();
    expect(() => replay.put("k3", call("k3", "x"))).toThrow(/opened for replay/);
  });

  it("reports a corrupt line with the file and its line number", async () => {
    const path = join(dir, "bad.jsonl");
    await writeFile(path, `${JSON.stringify(call("k1", "ok"))}\n\n{"key": "k2", "request": {}, "respo\n`);
    const error = await openLlmRecordingFile(path, "replay").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRecordingFileError);
    expect(error).toMatchObject({ path, line: 3 });
    expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: line 3 is not valid JSON`));

    await writeFile(path, `${JSON.stringify(call("k1", "ok"))}\n${JSON.stringify({ key: "k2", request: {} })}\n`);
    await expect(openLlmRecordingFile(path, "record")).rejects.toThrow(`${path}:2: line 2 is not a recorded LLM call: no response content`);
  });

  it("refuses to replay a file that does not exist, and records after a last line without a newline", async () => {
    const path = join(dir, "missing.jsonl");
    await expect(openLlmRecordingFile(path, "replay")).rejects.toThrow(`${path}: no LLM recording here; make one with --llm record`);
    await writeFile(path, JSON.stringify(call("k1", "cut")));
    const file = await openLlmRecordingFile(path, "record");
    await file.put("k2", call("k2", "next"));
    await file.close();
    const replay = await openLlmRecordingFile(path, "replay");
    expect([textOf(replay.get("k1")), textOf(replay.get("k2"))]).toEqual(["cut", "next"]);
  });
});
