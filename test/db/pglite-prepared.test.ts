import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usePreparedStatements } from "../../src/db/pglite-prepared.js";

/**
 * PGlite with named prepared statements answers as PGlite without them: the same rows, types,
 * errors and locking, and statements parsed once. Each test compares against a plain PGlite
 * where the answer is PGlite's own, and reads pg_prepared_statements for what is kept.
 */
describe("PGlite's prepared statements", () => {
  let prepared: PGlite;
  let plain: PGlite;
  beforeAll(async () => {
    prepared = new PGlite();
    plain = new PGlite();
    usePreparedStatements(prepared, 3);
  });
  beforeEach(async () => {
    for (const db of [prepared, plain]) {
      await db.exec("drop table if exists t; create table t (id int primary key, v text, n numeric, at timestamptz, j jsonb)");
      await db.exec("insert into t values (1, 'a', 1.50, '2026-01-02 03:04:05+00', '{\"k\": [1, 2]}'), (2, null, null, null, null)");
    }
  });
  afterAll(async () => {
    await prepared.close();
    await plain.close();
  });

  const kept = async () => (await prepared.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by name")).rows;

  it("answers a repeated statement as PGlite does, from one prepared statement", async () => {
    const q = "select id, v, n, at, j from t where id >= $1 order by id";
    for (const options of [undefined, { rowMode: "array" as const }]) {
      const want = await plain.query(q, [1], options);
      for (let i = 0; i < 3; i++) {
        const got = await prepared.query(q, [1], options);
        expect(got.rows).toEqual(want.rows);
        expect(got.fields).toEqual(want.fields);
      }
    }
    const statements = (await kept()).filter((s) => s.statement === q);
    expect(statements, "parsed once, whatever the row mode").toHaveLength(1);
    // Parameters go through PGlite's serializers: a Date, an object for jsonb, null.
    const ins = "insert into t (id, at, j, v) values ($1, $2, $3, $4) returning id, at, j, v";
    const at = new Date("2026-03-04T05:06:07.089Z");
    expect((await prepared.query(ins, [3, at, { x: "y" }, null])).rows).toEqual((await plain.query(ins, [3, at, { x: "y" }, null])).rows);
    expect((await prepared.query(ins, [4, at, [1, 2], "w"])).rows).toEqual((await plain.query(ins, [4, at, [1, 2], "w"])).rows);
  });

  it("keeps PGlite's errors: a constraint's code and the query on the error; a statement that does not parse is not kept", async () => {
    const ins = "insert into t (id) values ($1)";
    await prepared.query(ins, [5]);
    const dup: unknown = await prepared.query(ins, [5]).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "23505", query: ins, params: [5] });
    // The session goes on after the error.
    expect((await prepared.query("select count(*)::int as c from t")).rows).toEqual([{ c: 3 }]);
    const bad = "selec 1";
    for (let i = 0; i < 2; i++) await expect(prepared.query(bad)).rejects.toMatchObject({ code: "42601", query: bad });
    expect((await kept()).map((s) => s.statement)).not.toContain(bad);
  });

  it("an error binding or executing a kept statement ends where PGlite's does: the session goes on, a transaction is aborted", async () => {
    const cast = "select $1::int + 1 as n";
    const divide = "select 10 / $1::int as n";
    for (const db of [prepared, plain]) for (const q of [cast, divide]) await db.query(q, [1]); // kept before the failures
    const codes = async (db: PGlite) => {
      const seen: unknown[] = [];
      const code = (e: unknown) => (e as { code?: string }).code;
      // Outside a transaction: a value the parameter's type refuses (bind), a division by zero (execute).
      seen.push(await db.query(cast, ["abc"]).catch(code), await db.query(divide, [0]).catch(code));
      seen.push((await db.query<{ n: number }>(cast, [41])).rows[0]!.n, (await db.query<{ n: number }>(divide, [5])).rows[0]!.n);
      // Inside one: the statement after the failure meets the aborted transaction, and nothing commits.
      seen.push(
        await db
          .transaction(async (tx) => {
            await tx.query("insert into t (id) values ($1)", [30]);
            seen.push(await tx.query(divide, [0]).catch(code));
            seen.push(await tx.query(cast, [1]).catch(code));
          })
          .catch(code),
      );
      seen.push((await db.query<{ c: number }>("select count(*)::int as c from t where id = $1", [30])).rows[0]!.c);
      return seen;
    };
    const want = await codes(plain);
    expect(want.slice(0, 4)).toEqual(["22P02", "22012", 42, 2]);
    expect(await codes(prepared)).toEqual(want);
  });

  it("keeps a statement prepared in a transaction that rolled back, and reads inside a transaction what it wrote", async () => {
    const ins = "insert into t (id, v) values ($1, $2)";
    await expect(
      prepared.transaction(async (tx) => {
        await tx.query(ins, [10, "x"]);
        expect((await tx.query("select v from t where id = $1", [10])).rows).toEqual([{ v: "x" }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await prepared.query("select v from t where id = $1", [10])).rows, "rolled back").toEqual([]);
    await prepared.query(ins, [11, "y"]);
    expect(
      (await kept()).filter((s) => s.statement === ins),
      "the same statement, still kept",
    ).toHaveLength(1);
    expect((await prepared.query("select v from t where id = $1", [11])).rows).toEqual([{ v: "y" }]);
  });

  it("a query outside waits for a transaction in progress, as PGlite's own", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = prepared.transaction(async (t) => {
      await t.query("insert into t (id) values ($1)", [20]);
      order.push("tx wrote");
      await held;
      order.push("tx commits");
    });
    await new Promise((r) => setTimeout(r, 20));
    const outside = prepared.query<{ c: number }>("select count(*)::int as c from t where id = $1", [20]).then((r) => (order.push("outside read"), r.rows[0]!.c));
    await new Promise((r) => setTimeout(r, 20));
    release();
    await tx;
    expect(await outside, "it saw the committed row").toBe(1);
    expect(order).toEqual(["tx wrote", "tx commits", "outside read"]);
  });

  it("keeps at most its bound, closing the least recently used, and parses anew after the table changed under a statement", async () => {
    const texts = [1, 2, 3, 4, 5].map((k) => `select ${k} as k, count(*)::int as c from t where id > $1`);
    for (const round of [0, 1])
      for (const [i, q] of texts.entries()) {
        expect((await prepared.query(q, [0])).rows, `round ${round}`).toEqual([{ k: i + 1, c: 2 }]);
        expect((await kept()).length).toBeLessThanOrEqual(3);
      }
    const star = "select * from t where id = $1";
    const before = (await prepared.query(star, [1])).fields.map((f) => f.name);
    await prepared.exec("alter table t add column extra int default 7");
    // The cached plan no longer fits: PostgreSQL refuses it once, and the next use parses anew.
    const first = await prepared.query<Record<string, unknown>>(star, [1]).then(
      (r) => r.rows[0],
      (e: { code: string }) => e.code,
    );
    expect(first === "0A000" || (typeof first === "object" && first.extra === 7)).toBe(true);
    const again = await prepared.query<Record<string, unknown>>(star, [1]);
    expect(again.fields.map((f) => f.name)).toEqual([...before, "extra"]);
    expect(again.rows[0]!.extra).toBe(7);
    expect((await kept()).length, "the statement whose plan changed was closed, not left behind").toBeLessThanOrEqual(3);
  });
});
