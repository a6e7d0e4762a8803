import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseMeter } from "../../src/db/meter.js";
import { models } from "../../src/db/schema.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";

/** A clock the test moves by hand: the meter's arithmetic, never wall time. */
function manual() {
  let t = 0;
  return { now: () => t, to: (ms: number) => void (t = ms) };
}

describe("DatabaseMeter", () => {
  it("counts the time with at least one call in flight, overlapping calls once", async () => {
    const clock = manual();
    const meter = new DatabaseMeter(clock.now);
    let finishA!: () => void;
    let finishB!: () => void;
    clock.to(10);
    const a = meter.measure(() => new Promise<void>((r) => (finishA = r)));
    clock.to(15);
    const b = meter.measure(() => new Promise<void>((r) => (finishB = r)));
    clock.to(20);
    expect(meter.busyMs).toBe(10); // a call still in flight counts up to now
    finishA();
    await a;
    clock.to(30);
    finishB();
    await b;
    clock.to(50); // idle: nothing more
    await meter.measure(async () => clock.to(54));
    expect(meter.busyMs).toBe(20 + 4);
    expect(meter.calls).toBe(3);
  });

  it("a call that fails, at once or later, leaves the meter idle", async () => {
    const clock = manual();
    const meter = new DatabaseMeter(clock.now);
    expect(() =>
      meter.measure(() => {
        throw new Error("no connection");
      }),
    ).toThrow("no connection");
    clock.to(5);
    await expect(meter.measure(() => Promise.reject(new Error("bad statement")))).rejects.toThrow("bad statement");
    clock.to(100);
    expect(meter.busyMs).toBe(0);
    expect(meter.calls).toBe(2);
  });
});

describe.each(DRIVERS)("database usage on %s", (driver) => {
  let t: TestDatabase;
  afterEach(async () => t?.dispose());

  it("counts statements outside and inside transactions, and the transactions", async () => {
    t = await openTestDatabase(driver);
    const { db, usage } = t.database;
    const calls = usage.calls;
    const busy = usage.busyMs;
    await db.execute(sql`select 1`);
    await db.transaction(async (tx) => {
      await tx.select().from(models);
      await tx.execute(sql`select 2`);
    });
    // PGlite: 1 + the transaction + its 2 statements; PostgreSQL: 1 + begin, 2 statements, commit.
    expect(usage.calls - calls).toBe(driver === "pglite" ? 4 : 5);
    expect(usage.busyMs).toBeGreaterThanOrEqual(busy);
  });
});
