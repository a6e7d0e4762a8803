import { simulateReadableStream, wrapLanguageModel, type LanguageModelMiddleware } from "ai";
import { systemClock } from "../../core/clock.js";
import type { ChatModel } from "./provider.js";
import { llmCallRequest, requestKey, type LlmCallRequest } from "./recording-key.js";
import type { LlmRecordingStore, RecordedLlmCall } from "./recording-store.js";
import { StreamCollector, answerParts, storableContent, type LlmStreamPart } from "./recording-stream.js";

/**
 * Recording and replaying LLM calls, so that a backtest of an LLM model can be rerun exactly and
 * for free. A live model answers the same prompt differently each time and charges for it; a
 * backtest that called it on every run could neither be reproduced nor compared with a change of
 * fees or slippage. Recording calls the real endpoint once and keeps every answer (text, tool
 * calls with their ids and arguments, finish reason, tokens) under a key made from what the
 * model was asked (recording-key.ts). Replay answers from the recording alone: it never builds
 * the real model, so it needs neither a network nor a key, and a request that was not recorded
 * is an error naming the step, never a quiet call to a live model that would make the backtest
 * unrepeatable without anyone noticing.
 *
 * It sits below the agent as a model (an AI SDK middleware), so the agent, its tools, its retries
 * and its step records run exactly as they do live.
 */

export type LlmRecordMode = "record" | "replay";

export { canonicalJson, llmCallKey, llmCallRequest, requestSettings, settingsDifference, type LlmCallOptions, type LlmCallRequest } from "./recording-key.js";
export { LlmRecordingMemory, type LlmCallAsked, type LlmCallUsage, type LlmContent, type LlmFinishReason, type LlmRecordingStore, type RecordedLlmCall } from "./recording-store.js";
export { LlmRecordingFileError, openLlmRecordingFile, parseLlmRecording, type LlmRecordingFile } from "./recording-file.js";

/** A replayed call that the recording has no answer for. */
export class LlmReplayMissError extends Error {
  override readonly name = "LlmReplayMissError";
  constructor(
    /** The call's number through this model, from 1. */
    readonly step: number,
    /** The step as `describe` names it. */
    readonly where: string,
    readonly key: string,
    /** Why nothing answered, when the store can tell more than that the request differs. */
    reason?: string,
  ) {
    super(
      `LLM replay miss at ${where}: ${reason ?? `nothing was recorded for this request (key ${key}); the prompt, the tools, the model or its settings differ from the recording. Re-record with --llm record.`}`,
    );
  }
}

export interface RecordingModelOptions {
  mode: LlmRecordMode;
  store: LlmRecordingStore;
  /** Makes the real model; called once, at the first recorded call, and never on replay. */
  model: () => ChatModel;
  /** The model id of the settings (`settings.model`): part of every key. */
  modelId: string;
  /** Names a call for a miss and for the file, such as "model m1, cycle 2025-01-15T12:00Z, step 2". */
  describe: (step: number) => string;
  /** Told of each miss before it is thrown: the agent reports a failed call as a failed run, so a backtest that must stop at a miss learns of it here. */
  onMiss?: (error: LlmReplayMissError) => void;
  /** Wall clock for `recordedAt` (default the system clock). */
  now?: () => number;
}

type Answer = RecordedLlmCall["response"] & { usage: RecordedLlmCall["usage"] };

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A recorded usage with every count present (JSON drops the undefined ones). */
function usageOf(usage: RecordedLlmCall["usage"]): RecordedLlmCall["usage"] {
  const input: Partial<RecordedLlmCall["usage"]["inputTokens"]> = usage.inputTokens ?? {};
  const output: Partial<RecordedLlmCall["usage"]["outputTokens"]> = usage.outputTokens ?? {};
  return {
    inputTokens: { total: input.total, noCache: input.noCache, cacheRead: input.cacheRead, cacheWrite: input.cacheWrite },
    outputTokens: { total: output.total, text: output.text, reasoning: output.reasoning },
    ...(usage.raw ? { raw: usage.raw } : {}),
  };
}

/**
 * A model that records every call made through it to `store`, or answers every call from it.
 * Recording passes the real answers through unchanged (a stream still streams) and stores each
 * once it is complete; a call that failed is not stored, so the retry that follows is.
 */
export function recordingModel(options: RecordingModelOptions): ChatModel {
  const { mode, store, modelId } = options;
  const now = options.now ?? (() => systemClock.now());
  let real: ChatModel | undefined;
  const realModel = () => (real ??= options.model());
  // wrapLanguageModel reads the model's identity at once; the real model is made at its first call.
  const lazy: ChatModel = {
    specificationVersion: "v3",
    provider: "llm-recording",
    modelId,
    supportedUrls: {},
    doGenerate: (params) => realModel().doGenerate(params),
    doStream: (params) => realModel().doStream(params),
  };
  let calls = 0;

  const save = (step: number, key: string, request: LlmCallRequest, answer: Answer) => {
    const { usage, ...response } = answer;
    return store.put(
      key,
      copy({ key, step: options.describe(step), recordedAt: new Date(now()).toISOString(), request, response: { ...response, content: storableContent(response.content) }, usage }),
    );
  };

  const replay = (step: number, key: string, request: LlmCallRequest, signal: AbortSignal | undefined): Answer => {
    signal?.throwIfAborted();
    const recorded = store.get(key, { step, request });
    if (!recorded) {
      const miss = new LlmReplayMissError(step, options.describe(step), key, store.missReason?.(key, { step, request }));
      options.onMiss?.(miss);
      throw miss;
    }
    const { content, finishReason, providerMetadata } = copy(recorded.response);
    return { content, finishReason, usage: usageOf(recorded.usage), ...(providerMetadata ? { providerMetadata } : {}) };
  };

  const middleware: LanguageModelMiddleware = {
    specificationVersion: "v3",
    wrapGenerate: async ({ doGenerate, params }) => {
      const step = ++calls;
      const request = llmCallRequest(modelId, params);
      const key = requestKey(request);
      if (mode === "replay") return { ...replay(step, key, request, params.abortSignal), warnings: [], response: { modelId } };
      const result = await doGenerate();
      await save(step, key, request, {
        content: result.content,
        finishReason: result.finishReason,
        usage: result.usage,
        ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
      });
      return result;
    },
    wrapStream: async ({ doStream, params }) => {
      const step = ++calls;
      const request = llmCallRequest(modelId, params);
      const key = requestKey(request);
      if (mode === "replay") {
        const chunks = answerParts(replay(step, key, request, params.abortSignal));
        return { stream: simulateReadableStream({ chunks, initialDelayInMs: null, chunkDelayInMs: null }) };
      }
      const result = await doStream();
      const collector = new StreamCollector();
      const tap = new TransformStream<LlmStreamPart, LlmStreamPart>({
        transform(part, controller) {
          collector.add(part);
          controller.enqueue(part);
        },
        // A stream cut short (an abort, a provider error) has no answer to keep.
        async flush() {
          const answer = collector.answer();
          if (answer) await save(step, key, request, answer);
        },
      });
      return { ...result, stream: result.stream.pipeThrough(tap) };
    },
  };
  return wrapLanguageModel({ model: lazy, middleware });
}
