import { and, asc, eq, gte, inArray, lt, lte, notExists, sql } from "drizzle-orm";
import type { ChatModel } from "../agents/llm/provider.js";
import { recordingModel, settingsDifference, type LlmRecordingStore, type LlmReplayMissError, type RecordedLlmCall } from "../agents/llm/recording.js";
import type { LlmSettings } from "../agents/llm/settings.js";
import type { Db } from "../db/client.js";
import { invocations, llmCalls } from "../db/schema.js";
import type { Decider, ScheduledModel } from "../scheduler/scheduler.js";

/**
 * An LLM model's paper day replayed with the model itself answered from its recorded calls
 * (llm_calls): the agent, its prompts, its tool loop and its tools run as they did, and each call
 * gets the answer the model gave in that run at that step. A run that failed in paper fails here
 * at the same call, with its recorded error.
 *
 * A call is matched by its run and its number in the run, and must ask what the recorded one
 * asked apart from the conversation: the same model id, system prompt, tools and call settings
 * (recording-key.ts, requestSettings). The conversation itself cannot match: the day is replayed
 * over books rebuilt from 1-minute candles, so the market text, the account and the tool results
 * differ from paper by design. A call with other settings, or past the calls its run recorded,
 * is a miss naming the step, never a call to a live model.
 */

export interface PaperLlmRun {
  /** The model's name (a backtest's models go by name). */
  model: string;
  /** When the run started (its invocation's time), epoch ms. */
  at: number;
  status: string;
  error: string | null;
  /** Its answered calls, in the order they were answered. */
  calls: RecordedLlmCall[];
}

/**
 * The runs in [from, to] of every model given that recorded LLM calls in that span, each with
 * its calls (runs without any, such as one that failed before its first answer, included).
 */
export async function loadPaperLlmRuns(db: Db, options: { from: number; to: number; models: ReadonlyArray<{ id: string; name: string }> }): Promise<PaperLlmRun[]> {
  const ids = options.models.map((m) => m.id);
  if (ids.length === 0) return [];
  const span = and(inArray(invocations.modelId, ids), gte(invocations.createdAt, new Date(options.from)), lte(invocations.createdAt, new Date(options.to)));
  const calls = await db.select({ call: llmCalls }).from(llmCalls).innerJoin(invocations, eq(invocations.id, llmCalls.invocationId)).where(span).orderBy(asc(llmCalls.invocationId), asc(llmCalls.seq));
  if (calls.length === 0) return [];
  const recorded = new Set(calls.map((c) => c.call.modelId));
  const byRun = new Map<string, RecordedLlmCall[]>();
  for (const { call } of calls) {
    const list = byRun.get(call.invocationId) ?? [];
    list.push({
      key: call.key,
      ...(call.step ? { step: call.step } : {}),
      recordedAt: call.recordedAt.toISOString(),
      request: call.request,
      response: call.response,
      usage: call.usage,
    } as RecordedLlmCall);
    byRun.set(call.invocationId, list);
  }
  const runs = await db
    .select({ id: invocations.id, modelId: invocations.modelId, status: invocations.status, error: invocations.error, at: invocations.createdAt })
    .from(invocations)
    .where(and(span, inArray(invocations.modelId, [...recorded])))
    .orderBy(asc(invocations.createdAt), asc(invocations.id));
  return runs.map((r) => ({
    model: options.models.find((m) => m.id === r.modelId)!.name,
    at: r.at.getTime(),
    status: r.status,
    error: r.error,
    calls: byRun.get(r.id) ?? [],
  }));
}

/**
 * The models given with runs in [from, to] that started before `prunedBefore` (retention_marks:
 * calls recorded before it were deleted, recording-retention.ts) and kept no recorded call: their
 * calls were pruned, or never recorded, and either way they cannot be answered from a recording.
 */
export async function unrecordedRunsBefore(db: Db, options: { from: number; to: number; prunedBefore: number; modelIds: readonly string[] }): Promise<Set<string>> {
  if (options.modelIds.length === 0 || options.from >= options.prunedBefore) return new Set();
  const rows = await db
    .selectDistinct({ modelId: invocations.modelId })
    .from(invocations)
    .where(
      and(
        inArray(invocations.modelId, [...options.modelIds]),
        gte(invocations.createdAt, new Date(options.from)),
        lte(invocations.createdAt, new Date(options.to)),
        lt(invocations.createdAt, new Date(options.prunedBefore)),
        notExists(
          db
            .select({ one: sql`1` })
            .from(llmCalls)
            .where(eq(llmCalls.invocationId, invocations.id)),
        ),
      ),
    );
  return new Set(rows.map((r) => r.modelId));
}

const ISO = (ms: number) => new Date(ms).toISOString();

/** A failure the recorded run ended with, replayed: the run fails as it did in paper (not a miss). */
export class RecordedRunFailure extends Error {
  override readonly name = "RecordedRunFailure";
}

export class PaperLlmReplay {
  private readonly queues = new Map<string, PaperLlmRun[]>();
  /** The recorded run each model is replaying now. */
  private readonly current = new Map<string, PaperLlmRun>();

  constructor(
    runs: readonly PaperLlmRun[],
    private readonly options: { onMiss?: (miss: LlmReplayMissError) => void } = {},
  ) {
    for (const r of [...runs].sort((a, b) => a.at - b.at)) this.queues.set(r.model, [...(this.queues.get(r.model) ?? []), r]);
  }

  /** The models answered from recordings. */
  get models(): ReadonlySet<string> {
    return new Set(this.queues.keys());
  }

  /**
   * A replayed model's decider: at each run, the agent once for every recorded run at or before
   * the run's time not replayed yet (a day's runs are aligned to the recorded times, so one).
   */
  around(model: ScheduledModel, decide: Decider | undefined): Decider | undefined {
    const queue = this.queues.get(model.name);
    if (!queue || !decide) return decide;
    return async (ctx, tools, report) => {
      const due: PaperLlmRun[] = [];
      while (queue.length > 0 && queue[0]!.at <= ctx.now) due.push(queue.shift()!);
      if (due.length === 0) {
        report.response = "no recorded run at this time";
        return;
      }
      let failure: unknown;
      for (const run of due) {
        this.current.set(model.name, run);
        try {
          await decide(ctx, tools, report);
        } catch (error) {
          failure ??= error;
        } finally {
          this.current.delete(model.name);
        }
      }
      if (failure !== undefined) throw failure;
    };
  }

  /** The model a replayed run talks to (undefined outside one): answers from its recorded run only. */
  model(settings: LlmSettings, model: ScheduledModel): ChatModel | undefined {
    const run = this.current.get(model.name);
    if (!run) return undefined;
    return recordingModel({
      mode: "replay",
      store: runStore(run),
      modelId: settings.model,
      model: () => {
        throw new Error("a paper day's LLM calls are answered from their recording, never by a live model");
      },
      describe: (step) => `model "${model.name}" in its paper run of ${ISO(run.at)}, step ${step}`,
      ...(this.options.onMiss ? { onMiss: this.options.onMiss } : {}),
    });
  }
}

/** The recorded calls of one run, answered in order, each only to a call asking what it asked. */
function runStore(run: PaperLlmRun): LlmRecordingStore {
  let used = 0;
  const differs = (asked: Parameters<NonNullable<LlmRecordingStore["missReason"]>>[1], recorded: RecordedLlmCall) => settingsDifference(asked.request, recorded.request);
  return {
    get: (_key, asked) => {
      const recorded = run.calls[used];
      if (!recorded) {
        if (run.status !== "ok") throw new RecordedRunFailure(`the recorded run ended here (${run.status}): ${run.error ?? "no reason recorded"}`);
        return undefined;
      }
      if (asked && differs(asked, recorded).length > 0) return undefined;
      used++;
      return recorded;
    },
    put: () => {
      throw new Error("a paper day is replayed from its recording, never recorded again");
    },
    missReason: (key, asked) => {
      const recorded = run.calls[used];
      if (!recorded) return `the run recorded ${run.calls.length} LLM call(s) and this is call ${used + 1} (key ${key}); the replay asked the model more than it was asked that day`;
      const names = differs(asked, recorded).map((n) => (n === "system" ? "the system prompt" : n === "modelId" ? "the model id" : n));
      return `the recorded call was asked with other settings: ${names.join(", ")} differ (key ${key}); replay the day with the model's settings of that day`;
    },
  };
}
