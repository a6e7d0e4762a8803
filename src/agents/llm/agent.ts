import { AISDKError, APICallError, RetryError, generateText, jsonSchema, stepCountIs, streamText, tool, wrapLanguageModel, type ModelMessage, type StopCondition, type ToolSet } from "ai";
import { z } from "zod";
import { formatStateUpdate, hasAccountSnapshot } from "../account-snapshot.js";
import type { DecisionContext } from "../strategy.js";
import { TOOL_DEFINITIONS, parseToolArgs, toolError, type ToolName, type ToolResult, type TradingTools } from "../tools.js";
import { resolveMessageSchema } from "./message-schema.js";
import { cleanText, cleanValue, keyRedactor, type Redact } from "./model-output.js";
import { buildPrompt, type LlmPrompt } from "./prompt.js";
import { createLlmModel, type ChatModel } from "./provider.js";
import type { LlmSettings } from "./settings.js";
import type { LlmVariant } from "./variants.js";

/**
 * One LLM run: the prompt, then a loop of model calls and tool calls through the AI SDK until
 * the model calls `holding` (successfully), answers without a tool call, or reaches the step
 * limit. Only the four trading tools exist; each call is validated with the tools' own schemas,
 * and a malformed call (bad arguments, unparsable JSON, a tool that does not exist) goes back
 * to the model as a readable tool error so it can correct itself within the step limit.
 *
 * Provider calls are retried (2 retries by default, exponential backoff honouring Retry-After)
 * on 5xx, 429 and network errors by the SDK; the run's AbortSignal (its own timeout joined with
 * the caller's) reaches the HTTP request. Per step: attempts, latency, tokens, tool calls.
 *
 * Everything the model returns is cleaned before the tools, the steps or the result see it (see
 * model-output.ts): the run's API key redacted, NUL and lone surrogates replaced, so a tool never
 * acts on the key and a run's record can always be written.
 *
 * The prompt is written before the run acts, so before each step after the first the model is
 * given a short state update (the SDK's prepareStep): cash, equity, available margin, exposure
 * and every open position with its size, average entry, stop, target and liquidation price, as
 * the tools (AccountSnapshotSource) tell them after the calls so far. It is appended to that
 * step's request only: each step sees the latest one, not a pile of old ones.
 */

resolveMessageSchema();

export const DEFAULT_MAX_STEPS = 10;
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface LlmToolCallRecord {
  tool: string;
  args: unknown;
  ok: boolean;
  /** False when the call never reached the tools: a tool that does not exist, arguments that are not JSON. */
  executed: boolean;
  /** Why it failed: the rejection reason or the tool error the model was shown. */
  error?: string;
}

export interface LlmStep {
  step: number;
  /** Provider calls this step took (1 + retries). */
  attempts: number;
  /** Time of the provider call that answered, ms (a streamed answer: until its last chunk). */
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string;
  text: string;
  toolCalls: LlmToolCallRecord[];
  /** The state update the model was shown before this step (steps after the first, with tools that tell the account). */
  stateUpdate?: string;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmRunResult {
  /** Everything the model wrote, steps joined by blank lines. */
  text: string;
  steps: LlmStep[];
  usage: LlmUsage;
  finishReason: string;
  /** The run ended with a successful `holding` call. */
  held: boolean;
}

/** A run that failed; `name` is "TimeoutError" when the run's own time limit ended it. */
export class LlmRunError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "provider" | "empty",
  ) {
    super(message);
    this.name = kind === "timeout" ? "TimeoutError" : "LlmRunError";
  }
}

/**
 * Tools that take an LLM's raw arguments: they validate them with the tools' schemas and record
 * the call either way (ModelTools does). Without it the agent validates and calls the typed tool.
 */
export interface RawToolCalls {
  callRaw(name: ToolName, raw: unknown): Promise<ToolResult>;
}

export interface RunLlmAgentOptions {
  ctx: DecisionContext;
  tools: TradingTools;
  settings: Pick<LlmSettings, "baseUrl" | "model"> & Partial<LlmSettings>;
  variant: LlmVariant;
  /** The model to talk to; default: createLlmModel(settings, env) (an OpenAI-compatible server). */
  model?: ChatModel;
  env?: NodeJS.ProcessEnv;
  /** The caller's signal (the scheduler's run timeout); joined with this run's own timeout. */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Default: settings.maxSteps, else 10. */
  maxSteps?: number;
  maxRetries?: number;
  /** Stream the answers (server-sent events) instead of one JSON answer per step. */
  stream?: boolean;
  /** Called with the prompt before the first request (so a failed run still records it). */
  onPrompt?: (prompt: LlmPrompt) => void;
  onStep?: (step: LlmStep) => void;
}

const TOOL_NAMES = Object.keys(TOOL_DEFINITIONS) as ToolName[];
const MAX_ERROR_CHARS = 600;

function hasRawCalls(tools: TradingTools): tools is TradingTools & RawToolCalls {
  return typeof (tools as Partial<RawToolCalls>).callRaw === "function";
}

async function invokeTool(tools: TradingTools, name: ToolName, raw: unknown): Promise<ToolResult> {
  try {
    if (hasRawCalls(tools)) return await tools.callRaw(name, raw);
    const parsed = parseToolArgs(name, raw);
    if (!parsed.ok) return parsed.result;
    return await (tools[name] as (args: unknown) => Promise<ToolResult>)(parsed.args);
  } catch (error) {
    return toolError("tool_failed", error instanceof Error ? error.message : String(error));
  }
}

type JsonSchema = Parameters<typeof jsonSchema>[0];
const parameterCache = new Map<ToolName, JsonSchema>();

/** The tool's JSON Schema as providers take it (without `$schema`, which some reject); built once, the schemas are constants. */
function toolParameters(name: ToolName): JsonSchema {
  let cached = parameterCache.get(name);
  if (!cached) {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(TOOL_DEFINITIONS[name].schema, { io: "input" }) as Record<string, unknown>;
    cached = rest as JsonSchema;
    parameterCache.set(name, cached);
  }
  return cached;
}

/**
 * Each tool's input schema as the SDK takes it: built once and shared by every run (it holds
 * only the constant JSON Schema and a validation that passes the arguments through).
 */
const inputSchemas = new Map<ToolName, ReturnType<typeof jsonSchema<unknown>>>();

function inputSchema(name: ToolName): ReturnType<typeof jsonSchema<unknown>> {
  let schema = inputSchemas.get(name);
  if (!schema) {
    schema = jsonSchema<unknown>(toolParameters(name), { validate: (value) => ({ success: true, value }) });
    inputSchemas.set(name, schema);
  }
  return schema;
}

/**
 * The four tools for the SDK. The JSON Schema the provider sends comes from the tools' zod
 * schemas; the SDK passes the arguments through unvalidated so that the tools validate them with
 * those same schemas (and record a malformed call) and the model reads our field-by-field message
 * rather than a dump of zod issues. Calls run one at a time, in the order the model made them.
 */
function sdkTools(tools: TradingTools, redact: Redact): ToolSet {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };
  const set: ToolSet = {};
  for (const name of TOOL_NAMES) {
    const def = TOOL_DEFINITIONS[name];
    set[name] = tool({
      description: def.description,
      inputSchema: inputSchema(name),
      execute: (input: unknown) => serial(() => invokeTool(tools, name, cleanValue(input, redact))),
    });
  }
  return set;
}

interface ContentPart {
  type: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: unknown;
  error?: unknown;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
}

/** The step's tool calls as recorded; names, arguments and errors come from the model, so they are cleaned. */
function toolCallRecords(content: readonly ContentPart[], redact: Redact): LlmToolCallRecord[] {
  const records: LlmToolCallRecord[] = [];
  for (const call of content) {
    if (call.type !== "tool-call") continue;
    const outcome = content.find((p) => (p.type === "tool-result" || p.type === "tool-error") && p.toolCallId === call.toolCallId);
    const record: LlmToolCallRecord = { tool: cleanText(call.toolName ?? "?", redact), args: cleanValue(call.input ?? null, redact), ok: false, executed: outcome?.type === "tool-result" };
    if (outcome?.type === "tool-result") {
      const result = outcome.output as Partial<ToolResult> | undefined;
      record.ok = result?.ok === true;
      if (!record.ok) record.error = cleanText(result?.error?.message ?? "some actions were rejected (see the results)", redact);
    } else {
      record.error = outcome ? cleanText(errorText(outcome.error), redact) : "not executed";
    }
    records.push(record);
  }
  return records;
}

function heldIn(content: readonly ContentPart[]): boolean {
  return content.some((p) => p.type === "tool-result" && p.toolName === "holding" && (p.output as Partial<ToolResult> | undefined)?.ok === true);
}

const stopOnHolding: StopCondition<ToolSet> = ({ steps }) => {
  const last = steps[steps.length - 1];
  return last !== undefined && heldIn(last.content as ContentPart[]);
};

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_ERROR_CHARS ? flat : `${flat.slice(0, MAX_ERROR_CHARS - 1)}…`;
}

function providerFailure(error: APICallError): string {
  if (error.statusCode === undefined) return `could not reach the provider: ${error.message}`;
  if (error.statusCode < 300) return `the answer could not be read (HTTP ${error.statusCode}): ${error.message}`;
  return `HTTP ${error.statusCode}: ${error.message}`;
}

/** A failure as one readable line for the invocation row. */
export function describeLlmError(error: unknown): string {
  if (RetryError.isInstance(error)) {
    const last = error.lastError;
    const statuses = error.errors.map((e) => (APICallError.isInstance(e) && e.statusCode !== undefined ? `HTTP ${e.statusCode}` : "network error"));
    return truncate(`the provider failed ${error.errors.length} times (${statuses.join(", ")}); last: ${APICallError.isInstance(last) ? providerFailure(last) : errorText(last)}`);
  }
  if (APICallError.isInstance(error)) return truncate(`the provider failed: ${providerFailure(error)}`);
  // The SDK's own errors here are answers it could not use (no finish reason, a malformed chunk).
  if (AISDKError.isInstance(error)) return truncate(`the provider's answer was unusable: ${error.message}`);
  return truncate(errorText(error));
}

/** Times each provider call and counts the attempts of the current step (the SDK retries through the wrapper). */
function instrument(model: ChatModel) {
  const meter = { attempts: 0, latencyMs: 0 };
  const wrapped = wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v3",
      wrapGenerate: async ({ doGenerate }) => {
        meter.attempts++;
        const t0 = performance.now();
        const result = await doGenerate();
        meter.latencyMs = performance.now() - t0;
        return result;
      },
      wrapStream: async ({ doStream }) => {
        meter.attempts++;
        const t0 = performance.now();
        const result = await doStream();
        const timed = new TransformStream({
          flush() {
            meter.latencyMs = performance.now() - t0;
          },
        });
        return { ...result, stream: result.stream.pipeThrough(timed) };
      },
    },
  });
  return { wrapped, meter };
}

function tokens(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

export async function runLlmAgent(options: RunLlmAgentOptions): Promise<LlmRunResult> {
  const { ctx, settings } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxSteps = options.maxSteps ?? settings.maxSteps ?? DEFAULT_MAX_STEPS;
  const prompt = buildPrompt(ctx, options.variant);
  options.onPrompt?.(prompt);

  // A missing key fails here, before any request, with a message naming its variable.
  const { wrapped, meter } = instrument(options.model ?? createLlmModel(settings, options.env));
  const redact = keyRedactor(settings, options.env);
  const steps: LlmStep[] = [];
  const tools = options.tools;
  let stateUpdate: string | undefined;
  const prepareStep = async ({ stepNumber, messages }: { stepNumber: number; messages: ModelMessage[] }) => {
    stateUpdate = undefined;
    if (stepNumber === 0 || !hasAccountSnapshot(tools)) return undefined;
    try {
      stateUpdate = formatStateUpdate(await tools.accountSnapshot(), stepNumber + 1);
    } catch {
      return undefined; // an account that cannot be read now leaves the step as it was, not the run failed
    }
    return { messages: [...messages, { role: "user" as const, content: stateUpdate }] };
  };

  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new LlmRunError(`the model did not finish within ${timeoutMs} ms`, "timeout")), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
  const onStepFinish = (step: { content: unknown; usage: { inputTokens?: number; outputTokens?: number }; finishReason: string; text: string }) => {
    const record: LlmStep = {
      step: steps.length + 1,
      attempts: meter.attempts,
      latencyMs: Math.round(meter.latencyMs),
      inputTokens: tokens(step.usage.inputTokens),
      outputTokens: tokens(step.usage.outputTokens),
      finishReason: cleanText(step.finishReason),
      text: cleanText(step.text, redact),
      toolCalls: toolCallRecords(step.content as ContentPart[], redact),
      ...(stateUpdate !== undefined ? { stateUpdate } : {}),
    };
    meter.attempts = 0;
    meter.latencyMs = 0;
    steps.push(record);
    options.onStep?.(record);
  };
  const call = {
    model: wrapped,
    system: prompt.system,
    prompt: prompt.prompt,
    tools: sdkTools(options.tools, redact),
    stopWhen: [stopOnHolding, stepCountIs(maxSteps)],
    prepareStep,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    abortSignal: signal,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    onStepFinish,
  };

  try {
    let finishReason: string;
    if (options.stream) {
      let streamError: unknown;
      const result = streamText({ ...call, onError: ({ error }) => void (streamError ??= error) });
      await result.consumeStream({ onError: (error) => void (streamError ??= error) });
      if (signal.aborted) throw signal.reason;
      if (streamError !== undefined) throw streamError;
      finishReason = await result.finishReason;
    } else {
      finishReason = (await generateText(call)).finishReason;
    }
    const text = steps
      .map((s) => s.text.trim())
      .filter(Boolean)
      .join("\n\n");
    const acted = steps.some((s) => s.toolCalls.length > 0);
    if (!acted && text === "") throw new LlmRunError("the model returned an empty answer: no text and no tool call", "empty");
    return { text, steps, usage: sumUsage(steps), finishReason, held: steps.some((s) => s.toolCalls.some((c) => c.tool === "holding" && c.ok)) };
  } catch (error) {
    if (timer.signal.aborted) throw timer.signal.reason as LlmRunError;
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new LlmRunError("the run was canceled", "timeout");
    if (error instanceof LlmRunError) throw error;
    throw new LlmRunError(cleanText(describeLlmError(error), redact), "provider");
  } finally {
    clearTimeout(timeout);
  }
}

export function sumUsage(steps: readonly LlmStep[]): LlmUsage {
  return steps.reduce((u, s) => ({ inputTokens: u.inputTokens + (s.inputTokens ?? 0), outputTokens: u.outputTokens + (s.outputTokens ?? 0) }), { inputTokens: 0, outputTokens: 0 });
}
