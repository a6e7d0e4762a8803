import { asc, desc, gt, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "./client.js";
import { jsonRows } from "./json-rows.js";
import { outbox } from "./schema.js";
import type { BusEvent } from "../events/bus.js";
import { isDomainEventType, toWire, type DomainEvent, type WireName } from "../events/events.js";

/** Channel of the NOTIFY wake-up other processes (copy-trading workers) listen on. */
export const OUTBOX_CHANNEL = "autonome_outbox";

/** Key of the advisory lock that orders outbox writes across processes (any constant; "autonome" in ASCII). */
const OUTBOX_LOCK = 0x6175746f6e6f6d65n;

/**
 * Writes events inside the caller's transaction; returns them with their outbox ids, in order.
 * With `notify` (PostgreSQL, where other processes write too) the same statement takes a
 * transaction-scoped advisory lock before ids are drawn and sends the NOTIFY wake-up: ids are
 * then committed in id order across every process, so a reader resuming "after id N" can never
 * skip an event that committed late, and the lock is held only from this last statement to the
 * commit. The write time is the clock at this statement, within a millisecond of the commit.
 */
export async function appendEvents(tx: Tx, events: DomainEvent[], notify = true, writer: string | null = null): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  // All the events as one jsonb parameter (bigint as strings), in their order.
  const set = jsonRows(
    "v",
    [
      ["n", "int"],
      ["type", "text"],
      ["model_id", "text"],
      ["payload", "jsonb"],
    ],
    events.map((e, n) => ({ n, type: e.type, model_id: e.modelId, payload: e })),
  );
  const lock = notify ? sql` cross join (select pg_advisory_xact_lock(${OUTBOX_LOCK.toString()}::bigint)) l` : sql``;
  const insert = sql`insert into ${outbox} (type, model_id, payload, writer, created_at) select v.type, v.model_id, v.payload, ${writer}::text, clock_timestamp() from ${set}${lock} order by v.n returning id`;
  const result = notify ? await tx.execute(sql`with ins as (${insert}) select id, pg_notify(${OUTBOX_CHANNEL}, id::text) from ins order by id`) : await tx.execute(insert);
  const ids = (result as unknown as { rows: Array<{ id: number | string }> }).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  return events.map((e, i) => busEvent(ids[i]!, e));
}

/** Events after `afterId`, oldest first: how a listener that was down catches up. Never by time. */
export async function readEventsAfter(db: Db, afterId: number, limit = 500): Promise<BusEvent[]> {
  const rows = await db.select().from(outbox).where(gt(outbox.id, afterId)).orderBy(asc(outbox.id)).limit(limit);
  return rows.map(rowEvent);
}

/** An outbox row as the bus carries it. */
export function rowEvent(r: Pick<typeof outbox.$inferSelect, "id" | "type" | "modelId" | "payload">): BusEvent {
  // Rows written before events had types carry the event stream's name and data as they are.
  return isDomainEventType(r.type) ? busEvent(r.id, r.payload as DomainEvent) : { id: r.id, type: r.type as WireName, modelId: r.modelId, data: r.payload };
}

/**
 * The newest `limit` events, newest first, with when each was written: what a live view shows
 * when it opens. The per-minute equity snapshots are left out (they would crowd out everything).
 */
export async function readRecentEvents(db: Db, limit: number): Promise<Array<BusEvent & { at: Date }>> {
  const rows = await db.select().from(outbox).where(ne(outbox.type, "EquitySnapshotted")).orderBy(desc(outbox.id)).limit(limit);
  return rows.map((r) => ({ ...rowEvent(r), at: r.createdAt }));
}

export async function lastEventId(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<string>`coalesce(max(${outbox.id}), 0)::text` }).from(outbox);
  return Number(row?.id ?? 0);
}

function busEvent(id: number, e: DomainEvent): BusEvent {
  const wire = toWire(e);
  return { id, type: wire.name, modelId: e.modelId, data: wire.data, event: e };
}
