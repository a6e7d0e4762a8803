import type { ChatModel } from "./provider.js";
import type { LlmCallRequest } from "./recording-key.js";

/**
 * Where recorded LLM calls are kept, by key. A key may hold several calls: identical requests
 * do happen within one run (a retry of the same prompt, two models with the same settings seeing
 * the same market), and each must get back the answer it got when recorded, in that order.
 */

type GenerateResult = Awaited<ReturnType<ChatModel["doGenerate"]>>;
export type LlmContent = GenerateResult["content"][number];
export type LlmFinishReason = GenerateResult["finishReason"];
export type LlmCallUsage = GenerateResult["usage"];

/** One call as recorded (one line of a recording file). */
export interface RecordedLlmCall {
  key: string;
  /** Which call it was when recorded (the wrapper's `describe`), for a reader of the file. */
  step?: string;
  /** Wall time of the recording, ISO 8601. */
  recordedAt?: string;
  request: LlmCallRequest;
  /** The answer: text and tool calls in the order the model gave them, with the ids and arguments it gave. */
  response: { content: LlmContent[]; finishReason: LlmFinishReason; providerMetadata?: GenerateResult["providerMetadata"] };
  usage: LlmCallUsage;
}

/** A call being replayed, for stores that answer by more than the key (a paper day's, by run and step). */
export interface LlmCallAsked {
  /** The call's number through its model, from 1. */
  step: number;
  request: LlmCallRequest;
}

export interface LlmRecordingStore {
  /** The next recorded call for the key (the last one again once all were used), or undefined for none. */
  get(key: string, asked?: LlmCallAsked): RecordedLlmCall | undefined;
  put(key: string, call: RecordedLlmCall): void | Promise<void>;
  /** Why `get` found nothing, for the miss error (default: no recorded request is this one). */
  missReason?(key: string, asked: LlmCallAsked): string;
}

/** Recorded calls in memory, each key's calls in recording order, with a replay position per key. */
export class LlmRecordingMemory implements LlmRecordingStore {
  private readonly byKey = new Map<string, RecordedLlmCall[]>();
  private readonly used = new Map<string, number>();
  private count = 0;

  constructor(calls: Iterable<RecordedLlmCall> = []) {
    for (const call of calls) this.add(call.key, call);
  }

  /** Calls held, over all keys. */
  get size(): number {
    return this.count;
  }

  get(key: string): RecordedLlmCall | undefined {
    const calls = this.byKey.get(key);
    if (!calls) return undefined;
    const n = this.used.get(key) ?? 0;
    this.used.set(key, n + 1);
    // Past the end the request was made more often than recorded: it is still the same request, so the last answer stands.
    return calls[Math.min(n, calls.length - 1)];
  }

  put(key: string, call: RecordedLlmCall): void {
    this.add(key, call);
  }

  private add(key: string, call: RecordedLlmCall): void {
    const calls = this.byKey.get(key);
    if (calls) calls.push(call);
    else this.byKey.set(key, [call]);
    this.count++;
  }
}
