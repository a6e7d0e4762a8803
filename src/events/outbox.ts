import { asc, gt, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { outbox } from "../db/schema.js";
import type { BusEvent } from "./bus.js";

export type StoredEventType = "order" | "position" | "account" | "invocation";

export interface PendingEvent {
  type: StoredEventType;
  modelId?: string | null;
  data: unknown;
}

/** Channel of the NOTIFY wake-up other processes (copy-trading workers) listen on. */
export const OUTBOX_CHANNEL = "autonome_outbox";

/** Writes events inside the caller's transaction; returns them with their outbox ids, in order. */
export async function appendEvents(tx: Tx, events: PendingEvent[]): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values(events.map((e) => ({ type: e.type, modelId: e.modelId ?? null, payload: toJson(e.data) })))
    .returning({ id: outbox.id });
  const last = rows[rows.length - 1]!.id;
  await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, ${String(last)})`);
  return events.map((e, i) => ({ id: rows[i]!.id, type: e.type, modelId: e.modelId ?? null, data: e.data }));
}

/** Events after `afterId`, oldest first: how a listener that was down catches up. Never by time. */
export async function readEventsAfter(db: Db, afterId: number, limit = 500): Promise<BusEvent[]> {
  const rows = await db.select().from(outbox).where(gt(outbox.id, afterId)).orderBy(asc(outbox.id)).limit(limit);
  return rows.map((r) => ({ id: r.id, type: r.type, modelId: r.modelId, data: r.payload }));
}

export async function lastEventId(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<number>`coalesce(max(${outbox.id}), 0)::int` }).from(outbox);
  return Number(row?.id ?? 0);
}

/** Payloads go through JSON once so bigint never reaches the driver. */
function toJson(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
