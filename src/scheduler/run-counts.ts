import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invocations } from "../db/schema.js";

/**
 * How many runs each model has finished since it was created, and how many in a recent window,
 * for the prompt ("this is run #57"), without counting a model's whole history every cycle: runs
 * older than a settling margin (an hour, or the window when longer) no longer change (a run ends
 * within its timeout, 2 minutes by default, and one left running is ended by the stale sweep,
 * within 10 minutes or at the next start, before any count), so their count is kept, and each
 * cycle reads only the rows since the last count: the window's runs per model (6 hours for the
 * prompts), however long the model has run.
 */

const SETTLED_AFTER_MS = 3_600_000;

export interface RunCount {
  /** Finished runs since the model was created. */
  total: number;
  /** Finished runs created at or after the window's start. */
  recent: number;
}

export class RunCounts {
  /** Per model: finished runs created before `upTo` (epoch ms). */
  private readonly settled = new Map<string, { count: number; upTo: number }>();

  constructor(private readonly db: Db) {}

  /** The counts of `ids` at `now` (domain time), `recent` from `windowStart` on. One query for all of them. */
  async counts(ids: readonly string[], now: number, windowStart: number): Promise<Map<string, RunCount>> {
    const out = new Map<string, RunCount>();
    if (ids.length === 0) return out;
    const settleBefore = Math.min(now - SETTLED_AFTER_MS, windowStart);
    const from = (id: string) => this.settled.get(id)?.upTo ?? 0;
    const bounds = sql.join(
      ids.map((id) => sql`(${id}::text, ${new Date(from(id)).toISOString()}::timestamptz)`),
      sql`, `,
    );
    // Per model through its index (model_id, created_at): a join of the list with the table was
    // planned as a scan of every run ever recorded, each cycle, however little of it was new.
    const rows = await this.db.execute(sql`
      select v.model_id, c.settling, c.recent, c.seen
      from (values ${bounds}) as v(model_id, up_to)
      cross join lateral (
        select
          count(*) filter (where i.created_at < ${new Date(settleBefore).toISOString()}::timestamptz)::int as settling,
          count(*) filter (where i.created_at >= ${new Date(windowStart).toISOString()}::timestamptz)::int as recent,
          count(*)::int as seen
        from ${invocations} i
        where i.model_id = v.model_id and i.created_at >= v.up_to and i.status <> 'running'
      ) c`);
    const byId = new Map((rows as unknown as { rows: Array<{ model_id: string; settling: number; recent: number; seen: number }> }).rows.map((r) => [r.model_id, r]));
    for (const id of ids) {
      const r = byId.get(id);
      const before = this.settled.get(id)?.count ?? 0;
      out.set(id, { total: before + Number(r?.seen ?? 0), recent: Number(r?.recent ?? 0) });
      if (settleBefore > from(id)) this.settled.set(id, { count: before + Number(r?.settling ?? 0), upTo: settleBefore });
    }
    return out;
  }
}
