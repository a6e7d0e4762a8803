import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { mirrorHosts, mirrors } from "../db/schema.js";
import type { MirrorRow } from "./mirror-store.js";

/**
 * Which process executes which mirror: a lease on the mirror row. The holder alone takes in its
 * signals, executes them and trades (hosts) its follower's account, so a follower's account lives
 * in exactly one process; a holder that dies loses its leases when they lapse, and another takes
 * them over from the database.
 */

const rowsOf = <R>(r: unknown) => (r as { rows: R[] }).rows;

/** Renews this host's leases; returns the mirrors it still holds, as they are now (settings may have changed). */
export async function renewLeases(db: Db, host: string, leaseMs: number): Promise<Map<string, MirrorRow>> {
  const rows = await db
    .update(mirrors)
    .set({ leaseUntil: sql`now() + (${leaseMs}::int * interval '1 millisecond')` })
    .where(and(eq(mirrors.host, host), isNull(mirrors.deletedAt), sql`${mirrors.leaseUntil} >= now()`))
    .returning();
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Says this host is alive and returns its fair share of the live mirrors: all of them divided
 * among the hosts seen within a lease, rounded up.
 */
export async function heartbeat(db: Db, host: string, leaseMs: number): Promise<number> {
  await db.execute(sql`insert into ${mirrorHosts} (id, seen_at) values (${host}, now()) on conflict (id) do update set seen_at = now()`);
  const [stats] = rowsOf<{ total: number; hosts: number }>(
    await db.execute(sql`
      select (select count(*)::int from ${mirrors} where deleted_at is null) as total,
             (select count(*)::int from ${mirrorHosts} where seen_at >= now() - (${leaseMs}::int * interval '1 millisecond')) as hosts`),
  );
  return Math.ceil((stats?.total ?? 0) / Math.max(1, stats?.hosts ?? 1));
}

/** This host is leaving: the others' shares grow at once. */
export async function leave(db: Db, host: string): Promise<void> {
  await db.execute(sql`delete from ${mirrorHosts} where id = ${host}`);
}

/** Takes up to `want` free mirrors (never held, or lapsed); `SKIP LOCKED`, so concurrent hosts never take the same one. */
export async function acquireLeases(db: Db, host: string, leaseMs: number, want: number): Promise<MirrorRow[]> {
  if (want <= 0) return [];
  const r = await db.execute(sql`
    with free as (
      select id from ${mirrors}
      where deleted_at is null and (host is null or lease_until is null or lease_until < now())
      order by created_at, id limit ${want} for update skip locked
    )
    update ${mirrors} m set host = ${host}, lease_until = now() + (${leaseMs}::int * interval '1 millisecond')
    from free where m.id = free.id
    returning m.id`);
  const ids = rowsOf<{ id: string }>(r).map((x) => x.id);
  if (ids.length === 0) return [];
  return db
    .select()
    .from(mirrors)
    .where(
      sql`${mirrors.id} in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
}

/** Gives up this host's leases (a clean stop), so another process takes them at once. */
export async function releaseLeases(db: Db, host: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(mirrors)
    .set({ host: null, leaseUntil: null })
    .where(and(eq(mirrors.host, host), inArray(mirrors.id, [...ids])));
}
