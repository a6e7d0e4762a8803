import { createHash } from "node:crypto";
import type { ChatModel } from "./provider.js";

/**
 * What identifies an LLM call for a recording: the same request must find its answer on any
 * machine and in any later run, and a request that could have been answered differently must not.
 * So the key holds what the model sees (every message of the conversation so far, tool results
 * included, the tool definitions and the tool choice), the sampling settings of the call and the
 * model id, and nothing about the transport: not the base URL (a recording made against one host
 * replays against another, or none), not the headers, not the abort signal, and not the
 * provider options, which may carry a key and must never be written into a recording file.
 */

/** What the SDK hands a model per call (language model spec v3). */
export type LlmCallOptions = Parameters<ChatModel["doGenerate"]>[0];

/** The request as recorded and hashed: the call's options without the transport, plus the model id. */
export interface LlmCallRequest {
  /** Bumped when what goes into the key changes, so old recordings miss rather than mismatch. */
  format: 1;
  modelId: string;
  call: Record<string, unknown>;
}

const TRANSPORT = new Set<string>(["abortSignal", "headers", "providerOptions", "includeRawChunks"]);

export function llmCallRequest(modelId: string, call: LlmCallOptions): LlmCallRequest {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(call)) if (!TRANSPORT.has(name) && value !== undefined) kept[name] = value;
  return { format: 1, modelId, call: JSON.parse(canonicalJson(kept)) as Record<string, unknown> };
}

/** The recording key of a call: sha256 (hex) of the canonical JSON of its request. */
export function llmCallKey(modelId: string, call: LlmCallOptions): string {
  return requestKey(llmCallRequest(modelId, call));
}

export function requestKey(request: LlmCallRequest): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

/**
 * JSON with object keys sorted at every level and undefined members dropped, so equal values
 * give equal text whatever order they were built in. Bytes (a file part) become base64.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? "null";
}

function canonical(value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString("base64") };
  if (value === null || typeof value !== "object") return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return canonical((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[name];
    if (v !== undefined && typeof v !== "function") out[name] = canonical(v);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What a request asks beyond its conversation: the model id, the system prompt, the tools and
 * every setting of the call (temperature, tool choice, ...). A paper day's replay runs the model
 * over books rebuilt from candles, so the market text, the account and the tool results it is
 * shown differ from the recording by design; these parts may not.
 */
export function requestSettings(request: LlmCallRequest): Record<string, unknown> {
  const { prompt, ...options } = request.call;
  const system = Array.isArray(prompt) ? prompt.filter((m) => isObject(m) && m.role === "system") : [];
  return { ...options, format: request.format, modelId: request.modelId, system };
}

/** The settings in which two requests differ ("modelId", "system", "temperature", "tools", ...), sorted. */
export function settingsDifference(a: LlmCallRequest, b: LlmCallRequest): string[] {
  const x = requestSettings(a);
  const y = requestSettings(b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => canonicalJson(x[k]) !== canonicalJson(y[k])).sort();
}
