import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { invocations, toolCalls } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { PendingEvent } from "../events/outbox.js";
import { GroupCommit } from "./group-commit.js";
import type { ModelTools } from "./model-tools.js";

/**
 * The invocation rows of the scheduler's runs: "running" rows for a whole cycle in one
 * statement, the prompt as soon as it is built, tool-call rows, and the finished row with its
 * `invocation` event. Runs of one cycle start and end together, so their rows are written in
 * groups (GroupCommit): a hundred models cost a handful of transactions, not hundreds.
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
}

export interface FinishedRun {
  modelId: string;
  invocationId: string;
  startedAt: number;
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

/** JSON for a jsonb parameter; bigint (never expected here) as a string rather than a failed row. */
function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Finished runs in one UPDATE ... FROM (VALUES ...): a statement per row made the end of a 100-model cycle ten times slower on PGlite. */
async function finishRows(tx: Tx, rows: readonly FinishRow[]): Promise<void> {
  const values = sql.join(
    rows.map(
      (u) =>
        sql`(${u.id}::text, ${u.status}::text, ${u.prompt}::text, ${u.response}::text, ${u.error}::text, ${u.durationMs}::int, ${u.finishedAt.toISOString()}::timestamptz, ${json(u.decisions)}::jsonb, ${u.inputTokens}::int, ${u.outputTokens}::int, ${json(u.steps)}::jsonb, ${u.toolCallCount}::int, ${u.failedToolCalls}::int)`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    update ${invocations} set
      status = v.status, prompt = coalesce(v.prompt, ${invocations.prompt}), response = v.response, error = v.error,
      duration_ms = v.duration_ms, finished_at = v.finished_at, decisions = v.decisions, input_tokens = v.input_tokens,
      output_tokens = v.output_tokens, steps = v.steps, tool_call_count = v.tool_call_count, failed_tool_calls = v.failed_tool_calls
    from (values ${values}) as v(id, status, prompt, response, error, duration_ms, finished_at, decisions, input_tokens, output_tokens, steps, tool_call_count, failed_tool_calls)
    where ${invocations.id} = v.id`);
}

export class InvocationLog {
  private readonly toolCallRows: GroupCommit<typeof toolCalls.$inferInsert>;
  private readonly prompts: GroupCommit<{ id: string; prompt: string }>;
  private readonly finishes: GroupCommit<{ row: FinishRow; event: PendingEvent }>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly now: () => number,
  ) {
    this.toolCallRows = new GroupCommit(uow, async (tx, _ctx, rows) => void (await tx.insert(toolCalls).values(rows)));
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

  /** The cycle's rows, all "running", in one statement. */
  async begin(runs: ReadonlyArray<{ invocationId: string; modelId: string; startedAt: number }>): Promise<void> {
    if (runs.length === 0) return;
    await this.uow.run(async (tx) => {
      await tx.insert(invocations).values(runs.map((r) => ({ id: r.invocationId, modelId: r.modelId, status: "running" as const, createdAt: new Date(r.startedAt) })));
    });
  }

  savePrompt(invocationId: string, prompt: string): Promise<void> {
    return this.prompts.add({ id: invocationId, prompt });
  }

  recordToolCall(row: typeof toolCalls.$inferInsert): Promise<void> {
    return this.toolCallRows.add(row);
  }

  /** The finished row and its `invocation` event (status, tokens, steps, failed tool calls), in one transaction. */
  finish(f: FinishedRun): Promise<void> {
    const finishedAt = this.now();
    const calls = f.calls ?? [];
    const report = f.report ?? {};
    const unexecuted = report.unexecutedToolCalls ?? 0;
    const toolCallCount = calls.length + unexecuted;
    const failedToolCalls = calls.filter((c) => !c.result.ok).length + unexecuted;
    const tokens = { inputTokens: report.inputTokens ?? null, outputTokens: report.outputTokens ?? null };
    const durationMs = finishedAt - f.startedAt;
    return this.finishes.add({
      row: {
        id: f.invocationId,
        status: f.status,
        prompt: report.prompt ?? null,
        response: f.response,
        error: f.error,
        durationMs,
        finishedAt: new Date(finishedAt),
        decisions: calls,
        ...tokens,
        steps: report.steps ?? null,
        toolCallCount,
        failedToolCalls,
      },
      event: {
        type: "invocation",
        modelId: f.modelId,
        data: {
          id: f.invocationId,
          modelId: f.modelId,
          status: f.status,
          durationMs,
          response: f.response,
          error: f.error,
          toolCalls: calls.map((c) => c.tool),
          ...tokens,
          steps: report.steps?.length ?? null,
          toolCallCount,
          failedToolCalls,
        },
      },
    });
  }
}
