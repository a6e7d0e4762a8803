import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Db, Tx } from "../../src/db/client.js";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { EventBus } from "../../src/events/bus.js";
import { events } from "../../src/events/events.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";

/** A database whose transactions take a turn of the event loop each and write nothing. */
const slowDb = { transaction: async <T>(work: (tx: unknown) => Promise<T>) => (await new Promise((r) => setImmediate(r)), work({})) } as unknown as Db;

describe("UnitOfWork.turn", () => {
  it("runs in the units' order, outside a transaction: after what was queued before it committed, before what comes after", async () => {
    const uow = new UnitOfWork(slowDb, new EventBus(), false);
    const log: string[] = [];
    let state = 0;
    const first = uow.run(async (_tx, ctx) => ctx.onCommit(() => void (state = 1)));
    const seen = uow.turn(() => {
      log.push(`turn sees ${state}`);
      return state;
    });
    const after = uow.run(async (_tx, ctx) => ctx.onCommit(() => void (state = 2)));
    expect(uow.busy).toBe(true);
    await Promise.all([first, seen, after]);
    expect(await seen).toBe(1);
    expect(log).toEqual(["turn sees 1"]);
    expect(state).toBe(2);
    expect(uow.busy).toBe(false);
  });

  it("a turn that throws rejects alone: the units after it still run", async () => {
    const uow = new UnitOfWork(slowDb, new EventBus(), false);
    const failed = uow.turn(() => {
      throw new Error("no");
    });
    const next = uow.run(async () => "ran");
    await expect(failed).rejects.toThrow("no");
    await expect(next).resolves.toBe("ran");
    await uow.idle();
    expect(uow.busy).toBe(false);
  });
});

describe.each(DRIVERS)("UnitOfWork group commit on %s", (driver) => {
  let t: TestDatabase;
  afterEach(async () => t?.dispose());

  /** Counts the transactions the unit of work opens (not the savepoints inside them). */
  function counted(db: Db): { uow: UnitOfWork; transactions: () => number; published: string[]; ids: number[] } {
    let n = 0;
    const real = db.transaction.bind(db);
    const wrapped = Object.create(db) as Db;
    wrapped.transaction = ((work: Parameters<typeof real>[0]) => (n++, real(work))) as typeof real;
    const bus = new EventBus();
    const published: string[] = [];
    const ids: number[] = [];
    bus.subscribe((e) => {
      published.push((e.data as { modelId: string }).modelId);
      ids.push(Number(e.id));
    });
    return { uow: new UnitOfWork(wrapped, bus, false), transactions: () => n, published, ids };
  }

  const note = (tx: Tx, who: string) => tx.execute(sql`insert into uow_probe (who) values (${who})`);
  const written = async () => ((await t.database.db.execute(sql`select who from uow_probe order by id`)) as unknown as { rows: Array<{ who: string }> }).rows.map((r) => r.who);
  const funding = (modelId: string) => events.fundingPaid({ modelId, symbol: "BTC", amount: "-1", paymentId: modelId });

  it("units of different accounts that queued up together share one commit; one that fails rolls back alone", async () => {
    t = await openTestDatabase(driver);
    await t.database.db.execute(sql`create table uow_probe (id serial primary key, who text not null)`);
    const { uow, transactions, published, ids } = counted(t.database.db);
    const memory: string[] = [];
    const unit = (who: string, fail = false) =>
      uow.run(
        async (tx, ctx) => {
          await note(tx, who);
          ctx.emit(funding(who));
          if (who !== "b") ctx.emit(funding(`${who}2`));
          ctx.onCommit(() => memory.push(who));
          if (fail) await tx.execute(sql`select 1 / 0`); // a database error mid-unit: the transaction is aborted until its savepoint rolls back
          return who;
        },
        { group: who },
      );
    const results = await Promise.allSettled([unit("a"), unit("b"), unit("c", true), unit("d")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    // Queued before the first started: all four share one transaction.
    expect(transactions()).toBe(1);
    expect(await written()).toEqual(["a", "b", "d"]);
    // Memory follows the database only for what committed, in queue order, and so do the events.
    expect(memory).toEqual(["a", "b", "d"]);
    expect(published).toEqual(["a", "a2", "b", "d", "d2"]);
    // The events of the units that held are written together, in the units' order, and each is published with its own outbox id.
    const rows = ((await t.database.db.execute(sql`select id, model_id from outbox order by id`)) as unknown as { rows: Array<{ id: string | number; model_id: string }> }).rows;
    expect(rows.map((r) => r.model_id)).toEqual(["a", "a2", "b", "d", "d2"]);
    expect(ids).toEqual(rows.map((r) => Number(r.id)));
  });

  it("never puts two units of one account, a unit without a group, or a turn in the same transaction", async () => {
    t = await openTestDatabase(driver);
    await t.database.db.execute(sql`create table uow_probe (id serial primary key, who text not null)`);
    const { uow, transactions } = counted(t.database.db);
    let balance = 0;
    const seen: number[] = [];
    // Each unit reads the account's balance in memory: a second unit of the same account in the
    // same transaction would read it before the first one's onCommit, and count twice.
    const credit = (group: string | undefined) =>
      uow.run(
        async (tx, ctx) => {
          seen.push(balance);
          await note(tx, group ?? "none");
          ctx.onCommit(() => void (balance += 1));
        },
        group === undefined ? {} : { group },
      );
    await Promise.all([credit("a"), credit("a"), credit("a"), credit(undefined), credit("b"), uow.turn(() => seen.push(-1)), credit("c"), credit("d")]);
    expect(seen).toEqual([0, 1, 2, 3, 4, -1, 5, 5]);
    // a | a | a | none | b | turn | c+d: six transactions for seven units.
    expect(transactions()).toBe(6);
    expect((await written()).length).toBe(7);
  });

  it("a rider runs inside every unit of its group until stopped, after the unit's statements, and commits or rolls back with it", async () => {
    t = await openTestDatabase(driver);
    await t.database.db.execute(sql`create table uow_probe (id serial primary key, who text not null)`);
    const { uow, transactions, published } = counted(t.database.db);
    const rode: string[] = [];
    const stop = uow.ride("a", async (tx, ctx) => {
      // It sees what the unit wrote in this transaction (the unit's last row) and writes beside it.
      const [last] = ((await tx.execute(sql`select who from uow_probe order by id desc limit 1`)) as unknown as { rows: Array<{ who: string }> }).rows;
      rode.push(last!.who);
      await note(tx, `rider after ${last!.who}`);
      ctx.emit(funding(`rider-${last!.who}`));
    });
    const unit = (group: string | undefined, who: string, fail = false) =>
      uow.run(
        async (tx) => {
          await note(tx, who);
          if (fail) throw new Error(`${who} refused`);
        },
        group === undefined ? {} : { group },
      );
    await unit("a", "a1");
    await unit("b", "b1"); // another group: no rider
    await unit(undefined, "none"); // no group: no rider
    await expect(unit("a", "a2", true)).rejects.toThrow("a2 refused"); // the unit failed: its rider never ran
    // Queued together with other accounts (one shared commit, a savepoint each): the rider rides in a's savepoint only.
    await Promise.all([unit("c", "c1"), unit("a", "a3"), unit("d", "d1")]);
    stop();
    await unit("a", "a4");
    expect(rode).toEqual(["a1", "a3"]);
    expect(await written()).toEqual(["a1", "rider after a1", "b1", "none", "c1", "a3", "rider after a3", "d1", "a4"]);
    // The rider's events are the unit's: written in its transaction, published after its commit.
    expect(published.filter((m) => m.startsWith("rider"))).toEqual(["rider-a1", "rider-a3"]);
    expect(transactions()).toBe(6);
  });

  it("a rider that fails fails its unit: nothing of the unit commits", async () => {
    t = await openTestDatabase(driver);
    await t.database.db.execute(sql`create table uow_probe (id serial primary key, who text not null)`);
    const { uow } = counted(t.database.db);
    let committed = false;
    uow.ride("a", async (tx) => {
      await tx.execute(sql`select 1 / 0`);
    });
    const run = uow.run(
      async (tx, ctx) => {
        await note(tx, "a1");
        ctx.onCommit(() => (committed = true));
      },
      { group: "a" },
    );
    await expect(run).rejects.toThrow();
    expect(await written()).toEqual([]);
    expect(committed).toBe(false);
  });

  it("when the shared commit fails, every unit of it fails and memory stays as it was", async () => {
    t = await openTestDatabase(driver);
    await t.database.db.execute(sql`create table uow_probe (id serial primary key, who text not null)`);
    // A deferred constraint fails at COMMIT, after every savepoint was released.
    await t.database.db.execute(sql`create table uow_once (who text primary key deferrable initially deferred)`);
    const { uow } = counted(t.database.db);
    const memory: string[] = [];
    const unit = (who: string, key: string) =>
      uow.run(
        async (tx, ctx) => {
          await note(tx, who);
          await tx.execute(sql`insert into uow_once (who) values (${key})`);
          ctx.onCommit(() => memory.push(who));
        },
        { group: who },
      );
    const results = await Promise.allSettled([unit("a", "k1"), unit("b", "k2"), unit("c", "k2")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await written()).toEqual([]);
    expect(memory).toEqual([]);
    // The unit of work goes on: the next unit commits.
    await unit("d", "k3");
    expect(await written()).toEqual(["d"]);
    expect(memory).toEqual(["d"]);
  });
});
