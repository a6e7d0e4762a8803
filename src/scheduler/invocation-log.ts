import { and, eq, lt, notInArray, sql } from "drizzle-orm";
import { cleanText, cleanValue, noRedaction, type Redact } from "../agents/llm/model-output.js";
import type { Tx } from "../db/client.js";
import { invocations, toolCalls } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { events, type DomainEvent } from "../events/events.js";
import { GroupCommit } from "../db/group-commit.js";
import { insertRows, tableRows, type TableKeys } from "../db/json-rows.js";
import type { ModelTools } from "./model-tools.js";

/**
 * The invocation rows of the scheduler's runs: "running" rows for a whole cycle in one
 * statement, the prompt as soon as it is built, tool-call rows, and the finished row with its
 * `invocation` event. Runs of one cycle start and end together, so their rows are written in
 * groups (GroupCommit): a hundred models cost a handful of transactions, not hundreds.
 *
 * What a model wrote is untrusted: every string written here (prompt, response, error, tool
 * arguments and results, steps) is cleaned first (its run's key redacted, NUL and lone surrogates
 * replaced; see model-output.ts), so no answer can make a record unwritable. And a run always
 * ends with a status: when its finished row cannot be written, `fail` marks it "error" with a
 * short reason, and `failAbandoned` ends rows left "running" past the stale limit (a process
 * that stopped mid-run, a database that was down when the run ended).
 */

export type RunStatus = "ok" | "error" | "timeout";

/** What a run reports beyond its tool calls (the scheduler's RunReport carries these). */
export interface RunTelemetry {
  prompt?: string;
  inputTokens?: number;
  outputTokens?: number;
  steps?: unknown[];
  /** Tool calls that never reached the tools: counted, all as failed. */
  unexecutedToolCalls?: number;
  /** Removes the run's secrets (its API key) from everything recorded; set by the LLM decider. */
  redact?: Redact;
}

export interface FinishedRun {
  modelId: string;
  invocationId: string;
  startedAt: number;
  /** Elapsed wall time of the run; from the clock when absent. */
  durationMs?: number;
  status: RunStatus;
  response: string | null;
  error: string | null;
  calls?: ModelTools["calls"];
  /** Its prompt is written only if not saved already (`savePrompt`). */
  report?: RunTelemetry;
}

interface FinishRow {
  id: string;
  status: RunStatus;
  prompt: string | null;
  response: string | null;
  error: string | null;
  durationMs: number;
  finishedAt: Date;
  decisions: unknown;
  inputTokens: number | null;
  outputTokens: number | null;
  steps: unknown;
  toolCallCount: number;
  failedToolCalls: number;
}

/** The columns a finished run sets (FinishRow's keys). */
const FINISH_KEYS: TableKeys<typeof invocations> = [
  "id",
  "status",
  "prompt",
  "response",
  "error",
  "durationMs",
  "finishedAt",
  "decisions",
  "inputTokens",
  "outputTokens",
  "steps",
  "toolCallCount",
  "failedToolCalls",
];

/** Finished runs in one UPDATE ... FROM a row set: a statement per row made the end of a 100-model cycle ten times slower on PGlite. */
async function finishRows(tx: Tx, rows: readonly FinishRow[]): Promise<void> {
  const set = tableRows(invocations, FINISH_KEYS, rows);
  await tx.execute(sql`
    update ${invocations} set
      status = v."status", prompt = coalesce(v."prompt", ${invocations.prompt}), response = v."response", error = v."error",
      duration_ms = v."durationMs", finished_at = v."finishedAt", decisions = v."decisions", input_tokens = v."inputTokens",
      output_tokens = v."outputTokens", steps = v."steps", tool_call_count = v."toolCallCount", failed_tool_calls = v."failedToolCalls"
    from ${set.from}
    where ${invocations.id} = v."id"`);
}

/** A tool call's row, stamped with its time by the tools (domain time, never the database's). */
export type ToolCallRow = typeof toolCalls.$inferInsert & { createdAt: Date };

const TOOL_CALL_KEYS: TableKeys<typeof toolCalls> = ["id", "invocationId", "modelId", "type", "metadata", "createdAt"];

const BEGIN_KEYS: TableKeys<typeof invocations> = ["id", "modelId", "status", "createdAt"];

/** A run's whole row, as begin, savePrompt and finish leave it between them. */
type HeldRow = Omit<FinishRow, "status" | "durationMs" | "finishedAt" | "toolCallCount" | "failedToolCalls"> & {
  modelId: string;
  createdAt: Date;
  status: RunStatus | "running";
  durationMs: number | null;
  finishedAt: Date | null;
  toolCallCount: number | null;
  failedToolCalls: number | null;
};
const HELD_KEYS: TableKeys<typeof invocations> = [...BEGIN_KEYS, ...FINISH_KEYS.filter((k) => k !== "id" && k !== "status")];
/** Rows per statement when held runs are written (one jsonb parameter each). */
const HELD_BATCH = 2000;

/** Runs kept in memory (hold() > 1): rows by invocation id in the order they began, tool calls and events in order. */
interface HeldRuns {
  rows: Map<string, HeldRow>;
  toolCalls: ToolCallRow[];
  events: DomainEvent[];
  cycles: number;
}

export class InvocationLog {
  private readonly toolCallRows: GroupCommit<ToolCallRow>;
  private readonly prompts: GroupCommit<{ id: string; prompt: string }>;
  private readonly finishes: GroupCommit<{ row: FinishRow; event: DomainEvent }>;
  private held: HeldRuns | null = null;
  private holdCycles = 1;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly now: () => number,
  ) {
    this.toolCallRows = new GroupCommit(uow, async (tx, _ctx, rows) => void (await tx.execute(insertRows(toolCalls, TOOL_CALL_KEYS, rows))));
    this.prompts = new GroupCommit(uow, async (tx, _ctx, items) => {
      const values = sql.join(
        items.map((p) => sql`(${p.id}::text, ${p.prompt}::text)`),
        sql`, `,
      );
      await tx.execute(sql`update ${invocations} set prompt = v.prompt from (values ${values}) as v(id, prompt) where ${invocations.id} = v.id`);
    });
    this.finishes = new GroupCommit(uow, async (tx, ctx, items) => {
      await finishRows(
        tx,
        items.map((i) => i.row),
      );
      for (const i of items) ctx.emit(i.event);
    });
  }

  /**
   * Keeps the rows and events of up to `cycles` cycles in memory and writes them together in one
   * unit of work: each run's row as begin, its prompt and finish would have left it, its tool
   * calls, the `invocation` and `cycle` events in their order (only later). For a run in which
   * nothing reads the runs before it ends (a backtest of rule models: only LLM prompts read past
   * runs), where a cycle's three bookkeeping transactions and its event are a third of the
   * database's work; call flush() at the end. 1 (the default) writes everything at once.
   */
  hold(cycles: number): void {
    if (!Number.isSafeInteger(cycles) || cycles < 1) throw new RangeError(`cycles must be a whole number of at least 1, got ${cycles}`);
    this.holdCycles = cycles;
  }

  /** Writes the runs and events kept so far (nothing when none is kept). */
  async flush(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = null;
    await this.uow.run(async (tx, ctx) => {
      const rows = [...held.rows.values()];
      for (let i = 0; i < rows.length; i += HELD_BATCH) await tx.execute(insertRows(invocations, HELD_KEYS, rows.slice(i, i + HELD_BATCH)));
      for (let i = 0; i < held.toolCalls.length; i += HELD_BATCH) await tx.execute(insertRows(toolCalls, TOOL_CALL_KEYS, held.toolCalls.slice(i, i + HELD_BATCH)));
      for (const e of held.events) ctx.emit(e);
    });
  }

  /** The end of a cycle, its `cycle` event: written at once, or kept with the cycle's runs (see hold()). */
  async endCycle(event: DomainEvent): Promise<void> {
    if (this.holdCycles <= 1) {
      await this.uow.run(async (_tx, ctx) => ctx.emit(event));
      return;
    }
    const held = this.holding();
    held.events.push(event);
    if (++held.cycles >= this.holdCycles) await this.flush();
  }

  private holding(): HeldRuns {
    return (this.held ??= { rows: new Map(), toolCalls: [], events: [], cycles: 0 });
  }

  /** A run that began while runs were held: its later records are kept with it. */
  private heldRow(invocationId: string): HeldRow | undefined {
    return this.held?.rows.get(invocationId);
  }

  /** The cycle's rows, all "running", in one statement. */
  async begin(runs: ReadonlyArray<{ invocationId: string; modelId: string; startedAt: number }>): Promise<void> {
    if (runs.length === 0) return;
    if (this.holdCycles > 1) {
      const held = this.holding();
      for (const r of runs) held.rows.set(r.invocationId, { ...NOT_FINISHED, id: r.invocationId, modelId: r.modelId, createdAt: new Date(r.startedAt) });
      return;
    }
    await this.uow.run(async (tx) => {
      const rows = runs.map((r) => ({ id: r.invocationId, modelId: r.modelId, status: "running" as const, createdAt: new Date(r.startedAt) }));
      await tx.execute(insertRows(invocations, BEGIN_KEYS, rows));
    });
  }

  savePrompt(invocationId: string, prompt: string, redact: Redact = noRedaction): Promise<void> {
    const held = this.heldRow(invocationId);
    if (held) {
      held.prompt = cleanText(prompt, redact);
      return Promise.resolve();
    }
    return this.prompts.add({ id: invocationId, prompt: cleanText(prompt, redact) });
  }

  /** A tool-call row; its metadata (the model's arguments, the result) is cleaned. */
  recordToolCall(row: ToolCallRow, redact: Redact = noRedaction): Promise<void> {
    const clean = { ...row, metadata: cleanValue(row.metadata, redact) };
    if (row.invocationId && this.heldRow(row.invocationId)) {
      this.held!.toolCalls.push(clean);
      return Promise.resolve();
    }
    return this.toolCallRows.add(clean);
  }

  /** The finished row and its `invocation` event (status, tokens, steps, failed tool calls), in one transaction. */
  async finish(f: FinishedRun): Promise<void> {
    const finishedAt = this.now();
    const report = f.report ?? {};
    const redact = report.redact ?? noRedaction;
    const text = (value: string | null) => (value === null ? null : cleanText(value, redact));
    const calls = cleanValue(f.calls ?? [], redact);
    const summary = summarizeRun({ ...f, calls }, finishedAt);
    const response = text(f.response);
    const error = text(f.error);
    const row: FinishRow = {
      id: f.invocationId,
      status: f.status,
      prompt: text(report.prompt ?? null),
      response,
      error,
      durationMs: summary.durationMs,
      finishedAt: new Date(finishedAt),
      decisions: calls,
      inputTokens: summary.inputTokens,
      outputTokens: summary.outputTokens,
      steps: cleanValue(report.steps ?? null, redact),
      toolCallCount: summary.toolCallCount,
      failedToolCalls: summary.failedToolCalls,
    };
    const event = invocationEvent(f, summary, f.status, response, error);
    const held = this.heldRow(f.invocationId);
    if (held) {
      // As finishRows' UPDATE leaves the row: a prompt saved earlier stays unless the finish brings one.
      Object.assign(held, { ...row, prompt: row.prompt ?? held.prompt });
      this.held!.events.push(event);
      return;
    }
    return this.finishes.add({ row, event });
  }

  /**
   * Ends a run whose finished row could not be written: status "error" with `reason` (one
   * readable line; the details belong in the log), its duration, tokens and tool-call counts, and
   * its `invocation` event. Numbers and the short reason only, so this write succeeds whenever
   * the database takes writes at all. A row that is no longer "running" is left as it is.
   */
  async fail(f: FinishedRun, reason: string): Promise<void> {
    const finishedAt = this.now();
    const summary = summarizeRun(f, finishedAt);
    const error = cleanText(reason, f.report?.redact);
    const failed = {
      status: "error" as const,
      error,
      durationMs: summary.durationMs,
      finishedAt: new Date(finishedAt),
      inputTokens: summary.inputTokens,
      outputTokens: summary.outputTokens,
      toolCallCount: summary.toolCallCount,
      failedToolCalls: summary.failedToolCalls,
    };
    const event = invocationEvent(f, summary, "error", null, error);
    const held = this.heldRow(f.invocationId);
    if (held) {
      if (held.status !== "running") return;
      Object.assign(held, failed);
      this.held!.events.push(event);
      return;
    }
    await this.uow.run(async (tx, ctx) => {
      const ended = await tx
        .update(invocations)
        .set(failed)
        .where(and(eq(invocations.id, f.invocationId), eq(invocations.status, "running")))
        .returning({ id: invocations.id });
      if (ended.length > 0) ctx.emit(event);
    });
  }

  /**
   * Ends every row still "running" that started before `startedBefore` (runs no process will
   * finish: the process stopped mid-run, or the run's record and its fallback both failed) as
   * "error" with `reason`, each with its `invocation` event. Returns how many it ended.
   */
  async failAbandoned(startedBefore: number, held: readonly string[], reason: string): Promise<number> {
    const finishedAt = new Date(this.now());
    const error = cleanText(reason);
    return this.uow.run(async (tx, ctx) => {
      const ended = await tx
        .update(invocations)
        .set({ status: "error", error, finishedAt })
        .where(and(eq(invocations.status, "running"), lt(invocations.createdAt, new Date(startedBefore)), held.length > 0 ? notInArray(invocations.id, [...held]) : undefined))
        .returning({ id: invocations.id, modelId: invocations.modelId });
      for (const r of ended) {
        ctx.emit(
          events.invocationFinished({
            modelId: r.modelId,
            invocation: {
              id: r.id,
              modelId: r.modelId,
              status: "error",
              durationMs: null,
              response: null,
              error,
              toolCalls: [],
              inputTokens: null,
              outputTokens: null,
              steps: null,
              toolCallCount: null,
              failedToolCalls: null,
            },
          }),
        );
      }
      return ended.length;
    });
  }
}

/** A row that began and has not finished: what begin() writes, every other column null. */
const NOT_FINISHED: Omit<HeldRow, "id" | "modelId" | "createdAt"> = {
  status: "running",
  prompt: null,
  response: null,
  error: null,
  durationMs: null,
  finishedAt: null,
  decisions: null,
  inputTokens: null,
  outputTokens: null,
  steps: null,
  toolCallCount: null,
  failedToolCalls: null,
};

interface RunSummary {
  durationMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  toolCallCount: number;
  failedToolCalls: number;
}

function summarizeRun(f: FinishedRun, finishedAt: number): RunSummary {
  const calls = f.calls ?? [];
  const report = f.report ?? {};
  const unexecuted = report.unexecutedToolCalls ?? 0;
  return {
    durationMs: Math.round(f.durationMs ?? finishedAt - f.startedAt),
    inputTokens: report.inputTokens ?? null,
    outputTokens: report.outputTokens ?? null,
    toolCallCount: calls.length + unexecuted,
    failedToolCalls: calls.filter((c) => !c.result.ok).length + unexecuted,
  };
}

function invocationEvent(f: FinishedRun, s: RunSummary, status: RunStatus, response: string | null, error: string | null): DomainEvent {
  return events.invocationFinished({
    modelId: f.modelId,
    invocation: {
      id: f.invocationId,
      modelId: f.modelId,
      status,
      durationMs: s.durationMs,
      response,
      error,
      toolCalls: (f.calls ?? []).map((c) => c.tool),
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      steps: f.report?.steps?.length ?? null,
      toolCallCount: s.toolCallCount,
      failedToolCalls: s.failedToolCalls,
    },
  });
}
