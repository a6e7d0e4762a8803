import { randomUUID } from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { invocations } from "../../src/db/schema.js";
import { RunCounts } from "../../src/scheduler/run-counts.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const HOUR = 3_600_000;

describe.each(DRIVERS)("run counts on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("count every finished run and those of the window, and later read only the runs since the last day counted", async () => {
    h = await createHarness(driver);
    const [a, b] = [await h.model(), await h.model()];
    const db = h.t.database.db;
    const t0 = Date.parse("2026-01-10T00:00:00Z");
    const run = async (modelId: string, at: number, status: "ok" | "error" | "timeout" | "running" = "ok") => {
      const id = randomUUID();
      await db.insert(invocations).values({ id, modelId, status, createdAt: new Date(at) });
      return id;
    };
    // a: 3 runs two days ago, 2 in the last 6 hours, and one still running (not counted); b: none.
    for (const k of [1, 2, 3]) await run(a, t0 - 48 * HOUR + k * 60_000);
    await run(a, t0 - 5 * HOUR, "error");
    await run(a, t0 - HOUR, "timeout");
    const running = await run(a, t0, "running");
    const counts = new RunCounts(db);
    expect(await counts.counts([a, b], t0, t0 - 6 * HOUR)).toEqual(
      new Map([
        [a, { total: 5, recent: 2 }],
        [b, { total: 0, recent: 0 }],
      ]),
    );

    // Three days later: the running one finished, four more runs (one of b).
    await db.update(invocations).set({ status: "ok" }).where(eq(invocations.id, running));
    const t1 = t0 + 72 * HOUR;
    await run(a, t1 - 30 * HOUR);
    await run(a, t1 - 2 * HOUR);
    await run(a, t1 - HOUR);
    await run(b, t1 - HOUR);
    expect(await counts.counts([a, b], t1, t1 - 6 * HOUR)).toEqual(
      new Map([
        [a, { total: 9, recent: 2 }],
        [b, { total: 1, recent: 1 }],
      ]),
    );

    // What lies before the window counted last is not read again (a run ends within minutes, so
    // history that old never changes in practice): rows slipped in there are not seen, even 10 hours
    // back, while a new run is.
    await run(a, t0 - 100 * HOUR);
    await run(a, t1 - 10 * HOUR);
    await run(a, t1 + 60_000);
    expect((await counts.counts([a], t1 + 120_000, t1 - 6 * HOUR)).get(a)).toEqual({ total: 10, recent: 3 });
    // A fresh counter reads everything once.
    expect((await new RunCounts(db).counts([a], t1 + 120_000, t1 - 6 * HOUR)).get(a)).toEqual({ total: 12, recent: 3 });
  });

  it("reads each model's runs through its index, not the whole table (a month of 100 models' runs is 860,000 rows)", async () => {
    h = await createHarness(driver);
    const ids = [await h.model(), await h.model(), await h.model()];
    const db = h.t.database.db;
    const t0 = Date.parse("2026-02-01T00:00:00Z");
    // Ten days of runs every 5 minutes, then the counts a cycle asks for (the window's 6 hours).
    const rows = ids.flatMap((modelId) => Array.from({ length: 2880 }, (_, k) => ({ id: randomUUID(), modelId, status: "ok" as const, createdAt: new Date(t0 - k * 300_000) })));
    for (let i = 0; i < rows.length; i += 1000) await db.insert(invocations).values(rows.slice(i, i + 1000));
    await db.execute(sql`analyze invocations`);
    const statements: SQL[] = [];
    let watching = false;
    const watched = new Proxy(db, {
      get: (target, prop, receiver) => (prop === "execute" ? (q: SQL) => (watching && statements.push(q), target.execute(q)) : Reflect.get(target, prop, receiver)),
    }) as Db;
    const counts = new RunCounts(watched);
    await counts.counts(ids, t0, t0 - 6 * HOUR); // the first count reads each model's whole history once
    watching = true;
    expect((await counts.counts(ids, t0 + 300_000, t0 + 300_000 - 6 * HOUR)).get(ids[0]!)).toEqual({ total: 2880, recent: 72 });
    expect(statements).toHaveLength(1);
    const plan = (await db.execute(sql`explain ${statements[0]!}`)) as unknown as { rows: Array<Record<string, string>> };
    const text = plan.rows.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toContain("invocations_model_idx");
    expect(text).not.toMatch(/Seq Scan on invocations/);
  });
});
