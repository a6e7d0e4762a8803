import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { insertRows, jsonRows, tableRows } from "../../src/db/json-rows.js";
import { candles } from "../../src/db/schema.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";

describe.each(DRIVERS)("jsonRows (%s)", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const rowsOf = async (q: ReturnType<typeof sql>) => ((await t.database.db.execute(q)) as unknown as { rows: Array<Record<string, unknown>> }).rows;

  it("reads every row back as written: awkward text, integers, exact times, nested JSON, and null for what is absent", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    const text = `quote ' double " backslash \\ newline \n tab \t unicode é ✓ 🚀 $1 :name`;
    const set = jsonRows(
      "v",
      [
        ["n", "int"],
        ["label", "text"],
        ["at", "timestamptz"],
        ["doc", "jsonb"],
      ],
      [{ n: 1, label: text, at, doc: { a: [1, "two", null], big: 12345678901234567890n } }, { n: 2, label: null, at: null, doc: null }, { n: 3 }],
    );
    const rows = await rowsOf(sql`select n, label, at::text as at_text, (extract(epoch from at) * 1000)::bigint::text as ms, doc from ${set} order by n`);
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(rows[0]!.label).toBe(text);
    expect(rows[0]!.ms).toBe(String(at.getTime()));
    expect(rows[0]!.doc).toEqual({ a: [1, "two", null], big: "12345678901234567890" });
    for (const r of rows.slice(1)) {
      expect(r.label).toBeNull();
      expect(r.at_text).toBeNull();
      expect(r.doc).toBeNull();
    }
  });

  it("feeds an INSERT ... SELECT and an UPDATE ... FROM with one parameter whatever the number of rows", async () => {
    await t.database.db.execute(sql`create table json_rows_t (id text primary key, v int not null)`);
    const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
    const insert = sql`insert into json_rows_t (id, v) select id, v from ${jsonRows(
      "x",
      [
        ["id", "text"],
        ["v", "int"],
      ],
      ids.map((id, i) => ({ id, v: i })),
    )}`;
    expect(new PgDialect().sqlToQuery(insert).params).toHaveLength(1);
    await t.database.db.execute(insert);
    await t.database.db.execute(
      sql`update json_rows_t set v = x.v * 2 from ${jsonRows(
        "x",
        [
          ["id", "text"],
          ["v", "int"],
        ],
        ids.slice(0, 10).map((id, i) => ({ id, v: i })),
      )} where json_rows_t.id = x.id`,
    );
    const rows = await rowsOf(sql`select count(*)::int as n, sum(v)::int as total from json_rows_t`);
    // 0..499 summed, with the first ten doubled.
    expect(rows[0]).toEqual({ n: 500, total: (499 * 500) / 2 + (9 * 10) / 2 });
  });

  it("inserts a table's rows by their TypeScript keys with the schema's own names and types", async () => {
    const openTime = new Date("2026-05-06T07:08:00.000Z");
    const keys = ["symbol", "interval", "openTime", "open", "high", "low", "close", "volume"] as const;
    await t.database.db.execute(insertRows(candles, keys, [{ symbol: "JSONX", interval: "1m", openTime, open: "1.5", high: "2.000000000001", low: "1", close: "1.25", volume: "0.0000000001" }]));
    const rows = await rowsOf(sql`select open_time = ${openTime.toISOString()}::timestamptz as same_time, high::text as high, volume::text as volume from candles where symbol = 'JSONX'`);
    // numeric(38, 12) and numeric(38, 10): the decimals arrive exactly, at the column's scale.
    expect(rows).toEqual([{ same_time: true, high: "2.000000000001", volume: "0.0000000001" }]);
    expect(() => tableRows(candles, ["symbol", "nope"] as never, [])).toThrow(/"nope" is not a column of the table/);
  });

  it("refuses names that are not plain SQL names (they go into the statement's text)", () => {
    expect(() => jsonRows("v; drop table x", [["a", "text"]], [])).toThrow(/plain lower-case SQL names/);
    expect(() => jsonRows("v", [["a) as y; --", "text"]], [])).toThrow(/plain lower-case SQL names/);
  });
});
