import { asc, desc, gt, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "./client.js";
import { outbox } from "./schema.js";
import type { BusEvent } from "../events/bus.js";
import { isDomainEventType, toWire, type DomainEvent, type WireName } from "../events/events.js";

/** Channel of the NOTIFY wake-up other processes (copy-trading workers) listen on. */
export const OUTBOX_CHANNEL = "autonome_outbox";

/**
 * Writes events inside the caller's transaction; returns them with their outbox ids, in order.
 * With `notify` the same statement sends the NOTIFY wake-up (delivered by PostgreSQL at commit),
 * so an event costs one round trip either way.
 */
export async function appendEvents(tx: Tx, events: DomainEvent[], notify = true): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  const values = sql.join(
    events.map((e) => sql`(${e.type}, ${e.modelId}, ${JSON.stringify(toJson(e))}::jsonb)`),
    sql`, `,
  );
  const insert = sql`insert into ${outbox} (type, model_id, payload) values ${values} returning id`;
  const result = notify ? await tx.execute(sql`with ins as (${insert}) select id, pg_notify(${OUTBOX_CHANNEL}, id::text) from ins order by id`) : await tx.execute(sql`${insert}`);
  const ids = (result as unknown as { rows: Array<{ id: number | string }> }).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  return events.map((e, i) => busEvent(ids[i]!, e));
}

/** Events after `afterId`, oldest first: how a listener that was down catches up. Never by time. */
export async function readEventsAfter(db: Db, afterId: number, limit = 500): Promise<BusEvent[]> {
  const rows = await db.select().from(outbox).where(gt(outbox.id, afterId)).orderBy(asc(outbox.id)).limit(limit);
  return rows.map((r) =>
    // Rows written before events had types carry the event stream's name and data as they are.
    isDomainEventType(r.type) ? busEvent(r.id, r.payload as DomainEvent) : { id: r.id, type: r.type as WireName, modelId: r.modelId, data: r.payload },
  );
}

/**
 * The newest `limit` events, newest first, with when each was written: what a live view shows
 * when it opens. The per-minute equity snapshots are left out (they would crowd out everything).
 */
export async function readRecentEvents(db: Db, limit: number): Promise<Array<BusEvent & { at: Date }>> {
  const rows = await db.select().from(outbox).where(ne(outbox.type, "EquitySnapshotted")).orderBy(desc(outbox.id)).limit(limit);
  return rows.map((r) => ({
    ...(isDomainEventType(r.type) ? busEvent(r.id, r.payload as DomainEvent) : { id: r.id, type: r.type as WireName, modelId: r.modelId, data: r.payload }),
    at: r.createdAt,
  }));
}

export async function lastEventId(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<string>`coalesce(max(${outbox.id}), 0)::text` }).from(outbox);
  return Number(row?.id ?? 0);
}

function busEvent(id: number, e: DomainEvent): BusEvent {
  const wire = toWire(e);
  return { id, type: wire.name, modelId: e.modelId, data: wire.data, event: e };
}

/** Payloads go through JSON once so bigint never reaches the driver. */
function toJson(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
