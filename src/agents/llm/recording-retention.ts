import { asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Logger } from "../../core/logger.js";
import type { Db } from "../../db/client.js";
import { llmCalls, retentionMarks } from "../../db/schema.js";

/**
 * Retention of the recorded LLM calls (llm_calls, recording-table.ts): every call of every
 * paper run is kept with its whole request and answer, so the table grows by megabytes a day
 * per model. A pass deletes what was recorded more than `days` before now (the domain clock,
 * the one the rows were stamped with), in short batches: each batch is one transaction over the
 * oldest rows, so no pass holds a lock for long, however much there is to delete.
 *
 * Runs go whole: a batch deletes every call of the runs its oldest rows belong to, never part of
 * a run, since a what-if answers a run's calls in order and a run missing its first calls would
 * be answered wrongly rather than not at all. With each batch, retention_marks records how far
 * back calls are gone, so a what-if of an older span can say they were pruned (paper-day.ts).
 */

export const LLM_CALLS_RETENTION_VAR = "AUTONOME_LLM_CALLS_RETENTION_DAYS";
/** retention_marks' row for llm_calls. */
export const LLM_CALLS_MARK = "llm_calls";
const DAY = 86_400_000;

export interface LlmCallRetentionOptions {
  db: Db;
  /** Days of calls kept (AUTONOME_LLM_CALLS_RETENTION_DAYS). */
  days: number;
  now: () => number;
  logger: Logger;
  /**
   * Rows looked at per batch (default 200): their runs are deleted whole, so a batch deletes
   * at most this many runs, each at most its steps' calls (maxSteps, at most 50).
   */
  batchRows?: number;
}

export interface PruneOutcome {
  /** Rows deleted. */
  deleted: number;
  /** Runs whose calls were deleted. */
  runs: number;
  batches: number;
  /** Runs with a call recorded before this time (epoch ms) are gone. */
  before: number;
}

export class LlmCallRetention {
  private readonly batchRows: number;
  /** The pass under way: a pass asked for meanwhile is that one, never a second beside it. */
  private running: Promise<PruneOutcome> | null = null;
  private stopped = false;

  constructor(private readonly options: LlmCallRetentionOptions) {
    if (!(Number.isInteger(options.days) && options.days >= 1)) throw new RangeError(`${LLM_CALLS_RETENTION_VAR}: a retention needs a whole number of days, at least 1, got ${options.days}`);
    this.batchRows = options.batchRows ?? 200;
  }

  /** One pass: batches until nothing recorded before the window is left (or until stop()). */
  prune(): Promise<PruneOutcome> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /** No batch after the one under way, which this waits for (the database closes next). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<PruneOutcome> {
    const { db, logger } = this.options;
    const before = this.options.now() - this.options.days * DAY;
    const cutoff = new Date(before);
    const outcome: PruneOutcome = { deleted: 0, runs: 0, batches: 0, before };
    while (!this.stopped) {
      // The oldest rows through llm_calls_recorded_idx: a short index scan, not a read of the table.
      const oldest = await db.select({ id: llmCalls.invocationId }).from(llmCalls).where(lt(llmCalls.recordedAt, cutoff)).orderBy(asc(llmCalls.recordedAt)).limit(this.batchRows);
      if (oldest.length === 0) break;
      const runs = [...new Set(oldest.map((r) => r.id))];
      const deleted = await db.transaction(async (tx) => {
        await tx
          .insert(retentionMarks)
          .values({ name: LLM_CALLS_MARK, prunedBefore: cutoff })
          // A shorter setting earlier may have pruned further: the mark never moves back.
          .onConflictDoUpdate({ target: retentionMarks.name, set: { prunedBefore: sql`greatest(${retentionMarks.prunedBefore}, excluded.pruned_before)` } });
        return (await tx.delete(llmCalls).where(inArray(llmCalls.invocationId, runs)).returning({ seq: llmCalls.seq })).length;
      });
      outcome.deleted += deleted;
      outcome.runs += runs.length;
      outcome.batches++;
    }
    if (outcome.deleted > 0) {
      logger.info(
        { deleted: outcome.deleted, runs: outcome.runs, batches: outcome.batches, before: cutoff.toISOString(), days: this.options.days },
        `pruned ${outcome.deleted} recorded LLM call(s) older than ${this.options.days} day(s)`,
      );
    }
    return outcome;
  }
}

/** Since when recorded LLM calls are kept: calls before it were deleted by the retention setting (null: none ever were). */
export async function llmCallsPrunedBefore(db: Db): Promise<number | null> {
  const [mark] = await db.select({ at: retentionMarks.prunedBefore }).from(retentionMarks).where(eq(retentionMarks.name, LLM_CALLS_MARK));
  return mark ? mark.at.getTime() : null;
}
