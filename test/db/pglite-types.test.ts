import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { models } from "../../src/db/schema.js";
import { openTestDatabase, type TestDatabase } from "../support/databases.js";

/**
 * The embedded database keeps dates, times and intervals (and arrays of them, and numeric
 * arrays) as the database's text, set once on the client rather than passed with every query:
 * what drizzle reads must be exactly what it read when it passed them itself.
 */
describe("PGlite's values as drizzle reads them", () => {
  let t: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    t = await openTestDatabase("pglite");
    database = t.database;
  });
  afterAll(async () => t?.dispose());

  const probe = sql`select '2026-01-02 03:04:05.678+00'::timestamptz as tz, '2026-01-02 03:04:05'::timestamp as ts, '2026-01-02'::date as d,
    '1 day 02:00:00'::interval as i, array['2026-01-02'::date] as da, array['2026-01-02 03:04:05+00'::timestamptz] as tza, array[1.50, 2]::numeric[] as na,
    12.50::numeric as n, '{"a": 1}'::jsonb as j, 5::int4 as k, true as b`;
  const expected = {
    tz: "2026-01-02 03:04:05.678+00",
    ts: "2026-01-02 03:04:05",
    d: "2026-01-02",
    i: "1 day 02:00:00",
    da: "{2026-01-02}",
    tza: '{"2026-01-02 03:04:05+00"}',
    na: "{1.50,2}",
    n: "12.50",
    j: { a: 1 },
    k: 5,
    b: true,
  };
  const rowOf = (r: unknown) => (r as { rows: unknown[] }).rows[0];

  it("reads times as text and other types parsed, outside and inside a transaction", async () => {
    expect(rowOf(await database.db.execute(probe))).toEqual(expected);
    expect(rowOf(await database.db.transaction((tx) => tx.execute(probe)))).toEqual(expected);
  });

  it("still maps a table's time columns to dates", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    await database.db.insert(models).values({ id: "m-types", name: "types", kind: "rule", strategy: "trend-following", status: "active", initialCapital: "1000", createdAt: at });
    const [row] = await database.db
      .select({ createdAt: models.createdAt })
      .from(models)
      .where(sql`${models.id} = 'm-types'`);
    expect(row!.createdAt).toEqual(at);
    const [inTx] = await database.db.transaction((tx) =>
      tx
        .select({ createdAt: models.createdAt })
        .from(models)
        .where(sql`${models.id} = 'm-types'`),
    );
    expect(inTx!.createdAt).toEqual(at);
  });
});
