import { APICallError } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import type { ClosePositionArgs, CreatePositionArgs, HoldingArgs, ToolResult, TradingTools, UpdateExitPlanArgs } from "../../../src/agents/tools.js";

/**
 * Scripted language models (the AI SDK's MockLanguageModelV3) for agent and scheduler tests:
 * each provider call takes the next reply: a tool-call or text answer, a thrown provider error,
 * a hang (until the request is aborted, or forever), or a function of the request (to answer
 * what the model was just told).
 */

export type GenerateResult = Awaited<ReturnType<MockLanguageModelV3["doGenerate"]>>;
export type CallOptions = Parameters<MockLanguageModelV3["doGenerate"]>[0];
export type Reply = GenerateResult | Error | "hang" | "hang-ignoring-abort" | ((options: CallOptions) => Reply | Promise<Reply>);

export function usage(input: number, output: number): GenerateResult["usage"] {
  return { inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: output, text: output, reasoning: undefined } };
}

let ids = 0;

/** A step that calls tools: [name, arguments] (an object is JSON-encoded; a string is sent as it is, garbage included). */
export function toolCalls(calls: Array<[string, unknown]>, options: { text?: string; tokens?: [number, number] } = {}): GenerateResult {
  return {
    content: [
      ...(options.text ? [{ type: "text" as const, text: options.text }] : []),
      ...calls.map(([toolName, input]) => ({ type: "tool-call" as const, toolCallId: `call-${++ids}`, toolName, input: typeof input === "string" ? input : JSON.stringify(input) })),
    ],
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage: usage(...(options.tokens ?? [100, 20])),
    warnings: [],
  };
}

export function text(value: string, tokens: [number, number] = [100, 10]): GenerateResult {
  return { content: value ? [{ type: "text", text: value }] : [], finishReason: { unified: "stop", raw: "stop" }, usage: usage(...tokens), warnings: [] };
}

export function holding(reason = "nothing more to do"): GenerateResult {
  return toolCalls([["holding", { reason }]]);
}

/** What a provider's HTTP failure looks like to the SDK; `retry-after-ms` keeps the backoff short in tests. */
export function providerError(status: number, message = `provider error ${status}`): APICallError {
  return new APICallError({
    message,
    url: "http://provider.test/v1/chat/completions",
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: { "retry-after-ms": "1" },
    isRetryable: status === 429 || status >= 500,
  });
}

function waitForAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

async function resolveReply(reply: Reply, options: CallOptions): Promise<GenerateResult> {
  if (typeof reply === "function") return resolveReply(await reply(options), options);
  if (reply instanceof Error) throw reply;
  if (reply === "hang") return waitForAbort(options.abortSignal);
  if (reply === "hang-ignoring-abort") return new Promise<never>(() => undefined);
  return reply;
}

export interface ScriptedModel extends MockLanguageModelV3 {
  /** Replies not used yet. */
  readonly remaining: number;
}

/** A model answering from `replies` in order; past the end it says so with a holding call (a test that needs more replies fails on its assertions, not by hanging). */
export function scriptedModel(replies: Reply[], options: { delayMs?: number } = {}): ScriptedModel {
  const queue = [...replies];
  const model = new MockLanguageModelV3({
    doGenerate: async (call) => {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const next = queue.shift() ?? holding("script exhausted");
      return resolveReply(next, call);
    },
  });
  Object.defineProperty(model, "remaining", { get: () => queue.length });
  return model as ScriptedModel;
}

/** The tool results the model was sent in its last request (the newest tool message), as name + output. */
export function lastToolResults(options: CallOptions): Array<{ toolName: string; output: { type: string; value: unknown } }> {
  for (let i = options.prompt.length - 1; i >= 0; i--) {
    const message = options.prompt[i]!;
    if (message.role === "tool") {
      return message.content.flatMap((part) => (part.type === "tool-result" ? [{ toolName: part.toolName, output: part.output as { type: string; value: unknown } }] : []));
    }
  }
  return [];
}

/** The user message of a request (the prompt built from the decision context). */
export function userPrompt(options: CallOptions): string {
  const user = options.prompt.find((m) => m.role === "user");
  return user ? user.content.map((p) => (p.type === "text" ? p.text : "")).join("") : "";
}

export function systemPrompt(options: CallOptions): string {
  const system = options.prompt.find((m) => m.role === "system");
  return system?.role === "system" ? system.content : "";
}

/** Tools that accept everything they are given (typed calls only: the agent validates for them) and record it. */
export class AcceptingTools implements TradingTools {
  readonly calls: Array<{ tool: string; args: unknown }> = [];

  private record(tool: string, args: unknown): Promise<ToolResult> {
    this.calls.push({ tool, args });
    return Promise.resolve({ ok: true, results: [{ status: tool === "holding" ? "holding" : "done" }] });
  }

  createPosition = (args: CreatePositionArgs) => this.record("createPosition", args);
  closePosition = (args: ClosePositionArgs) => this.record("closePosition", args);
  updateExitPlan = (args: UpdateExitPlanArgs) => this.record("updateExitPlan", args);
  holding = (args: HoldingArgs) => this.record("holding", args);
}
