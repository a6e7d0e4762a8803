import { createHash } from "node:crypto";
import { and, asc, eq, getTableColumns, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import type { UnitContext } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import { fills, followSignals, mirrorExecutions, mirrors, outbox, venueOrders } from "../db/schema.js";
import type { DomainEvent } from "../events/events.js";
import type { VenueOrderRow } from "../trading/order-recorder.js";
import { followSignalOf, isSignalType, toSignal, type Signal } from "./signal.js";
import { executionView, type ExecutionRow, type MirrorRow } from "./mirror-store.js";

/**
 * The database side of mirroring: signals taken in by id, executions claimed before anything is
 * sent, outcomes recorded. Every write is guarded by the mirror's lease (host) or the
 * execution's state, so two processes can never act on the same execution.
 */

/** The idempotency key of a (signal, mirror) pair. */
export function executionKey(mirrorId: string, signalId: number): string {
  return `${mirrorId}:${signalId}`;
}

/** The follower's client order id, derived from the key (and the attempt, after an order that never happened). */
export function clientOrderIdFor(key: string, attempt = 1): string {
  const base = `mx-${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
  return attempt <= 1 ? base : `${base}-${attempt}`;
}

/**
 * Turns the source's events after the mirror's cursor into pending executions (one per signal,
 * unique by key) and moves the cursor, in one statement: nothing is selected by time, and a
 * mirror that was down catches up from where it stopped. The cursor only moves while this host
 * holds the mirror and nobody moved it meanwhile; the executions are unique by key anyway, so
 * two hosts taking in the same events can never make two of one.
 *
 * With `claimMs` (the caller knows the mirror has no pending or claimed execution left, so the
 * first new one is next in line) the first new execution is written already claimed by this
 * host, as `claimNext` would claim it, in the same statement: the hot path from a source's fill
 * to the follower's order is one read and one write. It is claimed only under the same condition
 * the cursor moves on (this host holds the mirror, the cursor is where it read it); one that
 * another host inserted first stays theirs (`claimed` is then absent).
 */
export async function takeInSignals(
  db: Db,
  m: MirrorRow,
  host: string,
  batch = 500,
  claimMs?: number,
): Promise<{ held: boolean; cursor: number; signals: number; added: number; more: boolean; claimed?: ExecutionRow }> {
  const rows = await db
    .select({ id: outbox.id, type: outbox.type, payload: outbox.payload, createdAt: outbox.createdAt })
    .from(outbox)
    .where(and(eq(outbox.modelId, m.sourceModelId), gt(outbox.id, m.signalCursor)))
    .orderBy(asc(outbox.id))
    .limit(batch);
  if (rows.length === 0) return { held: true, cursor: m.signalCursor, signals: 0, added: 0, more: false };
  const values: Array<typeof mirrorExecutions.$inferInsert> = [];
  for (const r of rows) {
    if (!isSignalType(r.type)) continue;
    const s = toSignal(r.id, r.payload as DomainEvent, r.createdAt.getTime());
    if ("unusable" in s) continue;
    values.push(pendingRow(m, s));
  }
  const cursor = rows[rows.length - 1]!.id;
  const holds = sql`exists (select 1 from ${mirrors} where id = ${m.id} and host = ${host} and deleted_at is null and signal_cursor = ${m.signalCursor})`;
  const first = values[0];
  if (claimMs !== undefined && first) {
    const when = <T>(then: SQL, otherwise: SQL) => sql`case when ${holds} then ${then} else ${otherwise} end` as unknown as T;
    values[0] = {
      ...first,
      state: when(sql`'claimed'`, sql`'pending'`),
      claimedBy: when(sql`${host}`, sql`null`),
      leaseUntil: when(sql`now() + (${claimMs}::int * interval '1 millisecond')`, sql`null`),
      attempts: when(sql`1`, sql`0`),
    };
  }
  const move = sql`update ${mirrors} set signal_cursor = ${cursor} where id = ${m.id} and host = ${host} and deleted_at is null and signal_cursor = ${m.signalCursor} returning id`;
  const result =
    values.length === 0
      ? await db.execute(move)
      : await db.execute(
          sql`with ins as (${db.insert(mirrorExecutions).values(values).onConflictDoNothing().getSQL()}
                returning id, state, lease_until, created_at, source_price, source_quantity, trader_signal_id, trader_wallet, trader_price, trader_at), moved as (${move})
              select (select count(*) from ins)::int as added, (select count(*) from moved)::int as moved,
                     c.id::float8 as claimed_id, (extract(epoch from c.lease_until) * 1000)::float8 as claimed_lease, (extract(epoch from c.created_at) * 1000)::float8 as claimed_created,
                     c.source_price::text as claimed_price, c.source_quantity::text as claimed_quantity,
                     c.trader_signal_id::float8 as claimed_trader_signal, c.trader_wallet as claimed_trader_wallet, c.trader_price::text as claimed_trader_price,
                     (extract(epoch from c.trader_at) * 1000)::float8 as claimed_trader_at
              from (select 1) one left join (select * from ins where state = 'claimed') c on true`,
        );
  const r = (
    result as unknown as {
      rows: Array<{
        added?: number;
        moved?: number;
        id?: string;
        claimed_id?: number | null;
        claimed_lease?: number | null;
        claimed_created?: number | null;
        claimed_price?: string | null;
        claimed_quantity?: string | null;
        claimed_trader_signal?: number | null;
        claimed_trader_wallet?: string | null;
        claimed_trader_price?: string | null;
        claimed_trader_at?: number | null;
      }>;
    }
  ).rows;
  const moved = values.length === 0 ? r.length > 0 : (r[0]?.moved ?? 0) > 0;
  const c = r[0];
  const claimed =
    moved && first && c?.claimed_id != null
      ? claimedRow(
          {
            ...first,
            sourcePrice: c.claimed_price ?? null,
            sourceQuantity: c.claimed_quantity ?? null,
            traderSignalId: c.claimed_trader_signal ?? null,
            traderWallet: c.claimed_trader_wallet ?? null,
            traderPrice: c.claimed_trader_price ?? null,
            traderAt: c.claimed_trader_at == null ? null : new Date(Number(c.claimed_trader_at)),
          },
          Number(c.claimed_id),
          host,
          new Date(Number(c.claimed_lease)),
          new Date(Number(c.claimed_created)),
        )
      : undefined;
  return {
    held: moved,
    cursor: moved ? cursor : m.signalCursor,
    signals: values.length,
    added: values.length === 0 ? 0 : (r[0]?.added ?? 0),
    more: rows.length === batch,
    ...(claimed ? { claimed } : {}),
  };
}

/** The execution `takeInSignals` wrote claimed, as `claimNext` would have returned it (every column: a new one must be added here). */
function claimedRow(v: typeof mirrorExecutions.$inferInsert, id: number, host: string, leaseUntil: Date, createdAt: Date): ExecutionRow {
  return {
    id,
    key: v.key,
    mirrorId: v.mirrorId,
    signalId: v.signalId,
    sourceModelId: v.sourceModelId,
    followerModelId: v.followerModelId,
    action: v.action,
    signal: v.signal,
    symbol: v.symbol,
    side: v.side,
    state: "claimed",
    outcome: null,
    reason: null,
    detail: null,
    message: null,
    sourcePrice: v.sourcePrice ?? null,
    sourceQuantity: v.sourceQuantity ?? null,
    sourceAt: v.sourceAt,
    intendedQuantity: null,
    filledQuantity: null,
    avgPrice: null,
    slippageBps: null,
    traderSignalId: v.traderSignalId ?? null,
    traderWallet: v.traderWallet ?? null,
    traderPrice: v.traderPrice ?? null,
    traderAt: v.traderAt ?? null,
    traderSlippageBps: null,
    clientOrderId: null,
    attempts: 1,
    claimedBy: host,
    leaseUntil,
    sentAt: null,
    filledAt: null,
    finishedAt: null,
    createdAt,
  };
}

function pendingRow(m: MirrorRow, s: Signal): typeof mirrorExecutions.$inferInsert {
  return {
    ...traderOf(m, s),
    key: executionKey(m.id, s.id),
    mirrorId: m.id,
    signalId: s.id,
    sourceModelId: m.sourceModelId,
    followerModelId: m.followerModelId,
    action: s.action,
    signal: s,
    symbol: s.symbol,
    side: s.side,
    state: "pending",
    sourcePrice: s.price,
    sourceQuantity: s.quantity,
    sourceAt: new Date(s.at),
  };
}

/**
 * The followed wallet's trade behind a follow model's order (`follow-<id>`), read in the insert
 * itself (a primary-key lookup per column, no extra round trip on the way to the order): the
 * wallet trade was stored before the source's order existed. Only the source's own signals count.
 */
function traderOf(m: MirrorRow, s: Signal): Partial<typeof mirrorExecutions.$inferInsert> {
  const id = followSignalOf(s);
  if (id === null) return {};
  const of = (column: SQL) => sql`(select ${column} from ${followSignals} where ${followSignals.id} = ${id} and ${followSignals.modelId} = ${m.sourceModelId})`;
  // SQL in place of values: the insert takes either, the row type only values.
  const value = <T>(column: SQL) => of(column) as unknown as T;
  return {
    traderSignalId: value(sql`id`),
    traderWallet: value(sql`wallet`),
    traderPrice: value(sql`price`),
    traderAt: value(sql`traded_at`),
  };
}

/**
 * Claims the mirror's oldest pending execution before anything is sent: on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED` and a lease, so however many processes look, one gets it.
 */
export async function claimNext(db: Db, mirrorId: string, host: string, leaseMs: number): Promise<ExecutionRow | undefined> {
  const [row] = await db
    .update(mirrorExecutions)
    .set({ state: "claimed", claimedBy: host, leaseUntil: sql`now() + (${leaseMs}::int * interval '1 millisecond')`, attempts: sql`${mirrorExecutions.attempts} + 1` })
    .where(
      sql`${mirrorExecutions.id} = (
        select id from ${mirrorExecutions} where mirror_id = ${mirrorId} and state = 'pending'
        order by signal_id limit 1 for update skip locked)`,
    )
    .returning();
  return row;
}

/**
 * Claimed executions of the mirror with no recorded outcome whose claim lapsed (their process
 * died, or the venue did not answer): oldest first, re-claimed for this host. They come before
 * any pending one, so a follower's changes keep the source's order.
 */
export async function reclaimStale(db: Db, mirrorId: string, host: string, leaseMs: number): Promise<{ rows: ExecutionRow[]; blocked: boolean }> {
  const rows = await db
    .update(mirrorExecutions)
    .set({ claimedBy: host, leaseUntil: sql`now() + (${leaseMs}::int * interval '1 millisecond')`, attempts: sql`${mirrorExecutions.attempts} + 1` })
    .where(
      sql`${mirrorExecutions.id} in (
        select id from ${mirrorExecutions} where mirror_id = ${mirrorId} and state = 'claimed' and lease_until < now()
        for update skip locked)`,
    )
    .returning();
  rows.sort((a, b) => a.signalId - b.signalId);
  // A claim still within its lease belongs to a process that may yet finish it, or is one of ours
  // waiting to retry (retryLater): later signals wait for it, so the follower keeps the source's order.
  const [live] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mirrorExecutions)
    .where(and(eq(mirrorExecutions.mirrorId, mirrorId), eq(mirrorExecutions.state, "claimed"), sql`${mirrorExecutions.leaseUntil} >= now()`));
  return { rows, blocked: (live?.n ?? 0) > 0 };
}

/** Executions resting on the book (GTC/GTT), for the reaper. */
export async function workingExecutions(db: Db, mirrorId: string): Promise<ExecutionRow[]> {
  return db
    .select()
    .from(mirrorExecutions)
    .where(and(eq(mirrorExecutions.mirrorId, mirrorId), eq(mirrorExecutions.state, "working")))
    .orderBy(asc(mirrorExecutions.signalId));
}

/**
 * The follower's orders of an execution, every attempt so far, oldest first: looked up by their
 * exact client ids (an index lookup, however long the history).
 */
export async function ordersOf(db: Db, key: string, attempts: number): Promise<VenueOrderRow[]> {
  const ids = Array.from({ length: Math.max(1, attempts) + 1 }, (_, i) => clientOrderIdFor(key, i + 1));
  return db.select().from(venueOrders).where(inArray(venueOrders.clientOrderId, ids)).orderBy(asc(venueOrders.createdAt));
}

/** The follower's order with this client id (a unique-index lookup). */
export async function orderByClientId(db: Db, clientOrderId: string): Promise<VenueOrderRow | undefined> {
  const [row] = await db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, clientOrderId));
  return row;
}

/** Average fill price of an order, exact to 12 decimals (null when nothing filled). */
export async function averageFillPrice(db: Db, clientOrderId: string): Promise<string | null> {
  const [row] = await db
    .select({ avg: sql<string | null>`(sum(${fills.price} * ${fills.quantity}) / nullif(sum(${fills.quantity}), 0))::numeric(38,12)::text` })
    .from(fills)
    .where(eq(fills.clientOrderId, clientOrderId));
  return row?.avg ?? null;
}

/**
 * The follower's order with this client id and its average fill price, in one statement: what an
 * execution's outcome is read from, inside the order's own transaction (see MirrorExecutor).
 */
export async function orderWithAverage(tx: Db | Tx, clientOrderId: string): Promise<{ order: VenueOrderRow; avg: string | null } | undefined> {
  const [row] = await tx
    .select({
      ...getTableColumns(venueOrders),
      avg: sql<
        string | null
      >`(select (sum(${fills.price} * ${fills.quantity}) / nullif(sum(${fills.quantity}), 0))::numeric(38,12)::text from ${fills} where ${fills.clientOrderId} = ${clientOrderId})`,
    })
    .from(venueOrders)
    .where(eq(venueOrders.clientOrderId, clientOrderId));
  if (!row) return undefined;
  const { avg, ...order } = row;
  return { order, avg };
}

export type ExecutionPatch = Partial<
  Pick<
    ExecutionRow,
    | "state"
    | "outcome"
    | "reason"
    | "detail"
    | "message"
    | "intendedQuantity"
    | "filledQuantity"
    | "avgPrice"
    | "slippageBps"
    | "traderSlippageBps"
    | "clientOrderId"
    | "sentAt"
    | "filledAt"
    | "finishedAt"
  >
>;

/** Records what became of an execution (only one still claimed or working can change). */
export async function updateExecution(tx: Tx, id: number, patch: ExecutionPatch): Promise<ExecutionRow | undefined> {
  const [row] = await tx
    .update(mirrorExecutions)
    .set(patch)
    .where(and(eq(mirrorExecutions.id, id), inArray(mirrorExecutions.state, ["claimed", "working"])))
    .returning();
  return row;
}

/** Records an execution's new state with its `mirror` event, in the caller's transaction. */
export async function recordExecution(tx: Tx, ctx: UnitContext, id: number, patch: ExecutionPatch): Promise<ExecutionRow | undefined> {
  const updated = await updateExecution(tx, id, patch);
  if (updated) ctx.emit(events.mirrorExecuted({ modelId: updated.followerModelId, execution: { ...executionView(updated) } }));
  return updated;
}

/** An execution whose outcome is still unknown is looked at again after `ms` (its claim lapses then). */
export async function retryLater(db: Db, id: number, ms: number): Promise<void> {
  await db.execute(sql`update ${mirrorExecutions} set lease_until = now() + (${ms}::int * interval '1 millisecond') where id = ${id} and state = 'claimed'`);
}
