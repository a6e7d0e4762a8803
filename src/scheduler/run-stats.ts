import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invocations, toolCalls } from "../db/schema.js";

/**
 * Runs and tool calls per model, failures counted: what the model view shows next to the
 * account. A run fails with status error or timeout; a tool call fails when its arguments were
 * invalid, the tool did not exist, or any of its actions was rejected. Rows written before the
 * invocations carried their counts fall back to counting their tool_calls rows.
 */
export interface ModelRunStats {
  runs: number;
  failedRuns: number;
  toolCalls: number;
  failedToolCalls: number;
}

const EMPTY: ModelRunStats = { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 };

/** A failed tool call, as the stored row says it: its result is `{ok: false, ...}`. */
export const failedToolCall = sql`${toolCalls.metadata}->'result'->>'ok' = 'false'`;

const columns = {
  modelId: invocations.modelId,
  runs: sql<number>`count(*) filter (where ${invocations.status} <> 'running')`.mapWith(Number),
  failedRuns: sql<number>`count(*) filter (where ${invocations.status} in ('error', 'timeout'))`.mapWith(Number),
  toolCalls: sql<number>`coalesce(sum(coalesce(${invocations.toolCallCount}, (select count(*) from ${toolCalls} where ${toolCalls.invocationId} = ${invocations.id}))), 0)`.mapWith(Number),
  failedToolCalls:
    sql<number>`coalesce(sum(coalesce(${invocations.failedToolCalls}, (select count(*) from ${toolCalls} where ${toolCalls.invocationId} = ${invocations.id} and ${failedToolCall}))), 0)`.mapWith(
      Number,
    ),
};

export async function modelRunStats(db: Db, modelId: string): Promise<ModelRunStats> {
  const [row] = await db.select(columns).from(invocations).where(eq(invocations.modelId, modelId)).groupBy(invocations.modelId);
  return row ? { runs: row.runs, failedRuns: row.failedRuns, toolCalls: row.toolCalls, failedToolCalls: row.failedToolCalls } : { ...EMPTY };
}

/** Every model's stats in one query (for the model list); a model without runs is absent (use zeros). */
export async function runStatsByModel(db: Db): Promise<Map<string, ModelRunStats>> {
  const rows = await db.select(columns).from(invocations).groupBy(invocations.modelId);
  return new Map(rows.map((r) => [r.modelId, { runs: r.runs, failedRuns: r.failedRuns, toolCalls: r.toolCalls, failedToolCalls: r.failedToolCalls }]));
}
