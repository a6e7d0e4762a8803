import { afterEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { mirrorExecutions, mirrors, venueOrders } from "../../src/db/schema.js";
import { clientOrderIdFor, takeInSignals } from "../../src/copy/execution-queue.js";
import type { UnitOfWork } from "../../src/db/unit-of-work.js";
import { DRIVERS } from "../support/databases.js";
import { createMirrorHarness, restartEngine, type MirrorHarness } from "../support/mirror-harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rowsOf = <R>(r: unknown): R[] => (r as { rows: R[] }).rows;

/**
 * The fast path of a mirrored signal: taken in and claimed in one statement when nothing else of
 * the mirror waits, and its outcome committed in the follower order's own transaction. And the
 * slow paths it must still meet: an order committed without its outcome is settled from that
 * order, never sent again.
 */
describe.each(DRIVERS)("a mirrored signal's transactions on %s", { timeout: 90_000 }, (driver) => {
  let h: MirrorHarness;
  afterEach(async () => h?.dispose());

  it("the outcome is written by the follower order's own transaction, and an idle mirror's signal is claimed as it is taken in", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source();
    const m = await h.mirror(source, { sizing: { mode: "ratio", ratio: "1" } });
    await h.engine.start();
    await h.settle();
    // Claims counted from here: the hot path must not need a separate claim statement.
    for (const [side, qty] of [
      ["LONG", "0.01"],
      ["LONG", "0.02"],
    ] as const) {
      await h.service.openPosition(source, { symbol: "BTC", side, quantity: qty });
      await h.settle();
    }
    await h.service.reducePosition(source, "BTC", 1_000, "MANUAL");
    await h.settle();
    await h.service.closePosition(source, "BTC");
    await h.settle();
    const list = await h.services.mirrors.executions(m.id, { limit: 10 });
    expect(list.map((e) => [e.action, e.outcome])).toEqual([
      ["close", "filled"],
      ["reduce", "filled"],
      ["scale", "filled"],
      ["open", "filled"],
    ]);
    // xmin is the transaction that wrote a row's current version: the execution's outcome and the
    // follower order's final state (FILLED, with its fills) were written by the same transaction.
    const same = rowsOf<{ key: string; same: boolean; attempts: number }>(
      await h.t.database.db.execute(sql`
        select e.key, (e.xmin::text = o.xmin::text) as same, e.attempts
        from ${mirrorExecutions} e join ${venueOrders} o on o.client_order_id = e.client_order_id
        where e.mirror_id = ${m.id}`),
    );
    expect(same).toHaveLength(4);
    for (const r of same) expect(r).toMatchObject({ same: true, attempts: 1 });
    // One MirrorExecuted event per execution: no second transaction recorded it again.
    const [events] = rowsOf<{ n: number }>(await h.t.database.db.execute(sql`select count(*)::int as n from outbox where type = 'MirrorExecuted' and model_id = ${m.followerModelId}`));
    expect(events!.n).toBe(4);
  });

  it("the first signal taken in is claimed in the same statement only while this host holds the mirror", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source();
    const m = await h.mirror(source, { sizing: { mode: "ratio", ratio: "1" } });
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    const db = h.t.database.db;
    const row = async () => (await db.select().from(mirrors).where(eq(mirrors.id, m.id)))[0]!;

    // Held by another host: taken in as pending, claimed by nobody, cursor unmoved.
    await db
      .update(mirrors)
      .set({ host: "other", leaseUntil: sql`now() + interval '1 minute'` })
      .where(eq(mirrors.id, m.id));
    const refused = await takeInSignals(db, await row(), "me", 500, 5_000);
    expect(refused).toMatchObject({ held: false, signals: 2 });
    expect(refused.claimed).toBeUndefined();
    const pending = await db.select().from(mirrorExecutions).where(eq(mirrorExecutions.mirrorId, m.id));
    expect(pending.map((e) => [e.state, e.claimedBy, e.attempts])).toEqual([
      ["pending", null, 0],
      ["pending", null, 0],
    ]);
    await db.delete(mirrorExecutions).where(eq(mirrorExecutions.mirrorId, m.id));

    // Held by this host: the first is written claimed (as claimNext would claim it), the second pending.
    await db.update(mirrors).set({ host: "me" }).where(eq(mirrors.id, m.id));
    const taken = await takeInSignals(db, await row(), "me", 500, 5_000);
    expect(taken).toMatchObject({ held: true, signals: 2, added: 2 });
    const stored = await db.select().from(mirrorExecutions).where(eq(mirrorExecutions.mirrorId, m.id)).orderBy(mirrorExecutions.signalId);
    expect(stored.map((e) => [e.state, e.claimedBy, e.attempts])).toEqual([
      ["claimed", "me", 1],
      ["pending", null, 0],
    ]);
    // The row handed back is the row stored, every column.
    expect(taken.claimed).toEqual(stored[0]);
  });

  it("an order committed without its outcome (the process died between them) is settled from that order by the next holder: one order", async () => {
    // The outcome cannot ride in the order's transaction here (as with a venue that answers after
    // the order row is committed), and the process "dies" right after the order: the claim lapses.
    h = await createMirrorHarness(driver, {}, { engine: { leaseMs: 300, tickMs: 50 } });
    // Its unit of work: no rider, and after the order nothing it writes commits any more.
    let dead = false;
    const crash = new Error("the process died between the order and its outcome");
    const dying = new Proxy(h.uow, {
      get(t, p) {
        if (p === "ride") return () => () => undefined;
        if (p === "run" && dead) return () => Promise.reject(crash);
        const v = Reflect.get(t, p, t) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    }) as UnitOfWork;
    h.deepBook("BTC", 50_000);
    const source = await h.source();
    const m = await h.mirror(source, { sizing: { mode: "ratio", ratio: "1" } });
    const first = restartEngine({
      ...h,
      engineDeps: {
        ...h.engineDeps,
        uow: dying,
        faults: { afterOrder: () => void (dead = true) },
      },
    });
    h.engine = first;
    await first.start();
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await first.settle();
    const db = h.t.database.db;
    const [claimed] = await db.select().from(mirrorExecutions).where(eq(mirrorExecutions.mirrorId, m.id));
    expect(claimed).toMatchObject({ state: "claimed", attempts: 1, outcome: null });
    const key = `${m.id}:${claimed!.signalId}`;
    let orders = await db.select().from(venueOrders).where(eq(venueOrders.modelId, m.followerModelId));
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([[clientOrderIdFor(key), "FILLED"]]);

    // The "dead" process is gone without letting go of anything (no clean stop); its claim lapses.
    await first.stop().catch(() => undefined);
    await db.update(mirrors).set({ host: "dead-host" }).where(eq(mirrors.id, m.id));
    await db.update(mirrorExecutions).set({ claimedBy: "dead-host" }).where(eq(mirrorExecutions.mirrorId, m.id));
    await sleep(400);
    h.engine = restartEngine(h);
    await h.engine.start();
    await h.settle();
    const [done] = await db.select().from(mirrorExecutions).where(eq(mirrorExecutions.mirrorId, m.id));
    expect(done).toMatchObject({ state: "done", outcome: "filled", attempts: 2, filledQuantity: "0.0100000000", clientOrderId: clientOrderIdFor(key) });
    orders = await db.select().from(venueOrders).where(eq(venueOrders.modelId, m.followerModelId));
    expect(orders).toHaveLength(1);
    expect(h.service.account(m.followerModelId).positions.get("BTC")?.state.lots).toBe(1_000n);
  });
});
