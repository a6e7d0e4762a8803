import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usePgPreparedStatements } from "../../src/db/pg-prepared.js";
import { createPgDatabase } from "../support/databases.js";

/**
 * A PostgreSQL connection with named prepared statements answers as one without them: the same
 * rows and errors, a repeated text parsed once on the server, never more than the bound kept, and
 * a statement the tables changed under prepared anew. What the server holds is read from the
 * connection's own pg_prepared_statements.
 */
describe("PostgreSQL's prepared statements", () => {
  let database: { url: string; drop: () => Promise<void> };
  let prepared: pg.Client;
  let plain: pg.Client;
  const KEPT = 3;

  beforeAll(async () => {
    database = await createPgDatabase();
    plain = new pg.Client({ connectionString: database.url });
    await plain.connect();
  });
  beforeEach(async () => {
    await plain.query("drop table if exists t; create table t (id int primary key, v text, n numeric, at timestamptz, j jsonb)");
    await plain.query("insert into t values (1, 'a', 1.50, '2026-01-02 03:04:05+00', '{\"k\": [1, 2]}'), (2, null, null, null, null)");
    // A connection of its own per test: what the server holds is that session's.
    prepared = new pg.Client({ connectionString: database.url });
    await prepared.connect();
    usePgPreparedStatements(prepared, KEPT);
  });
  afterEach(async () => {
    await prepared?.end();
  });
  afterAll(async () => {
    await plain?.end();
    await database?.drop();
  });

  // A plain string is sent as it is: this read is never named itself.
  const kept = async () => (await prepared.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by prepare_time, name")).rows;
  const keptTexts = async () => (await kept()).map((s) => s.statement);
  // As drizzle sends its statements: a config object with the parameters beside it.
  const run = (client: pg.Client, text: string, values: unknown[] = [], rowMode?: "array"): Promise<pg.QueryResult> =>
    (client.query as (config: object, values: unknown[]) => Promise<pg.QueryResult>)(rowMode ? { text, rowMode } : { text }, values);

  it("names a text the second time it is seen, then only binds it: the same rows as an unnamed statement", async () => {
    const q = "select id, v, n, at, j from t where id >= $1 order by id";
    const want = await run(plain, q, [1]);
    const first = await run(prepared, q, [1]);
    expect(first.rows).toEqual(want.rows);
    expect(await keptTexts(), "a text seen once is not named").not.toContain(q);
    for (const rowMode of [undefined, "array" as const]) {
      const wantRows = (await run(plain, q, [1], rowMode)).rows;
      for (let i = 0; i < 3; i++) {
        const got = await run(prepared, q, [1], rowMode);
        expect(got.rows).toEqual(wantRows);
        expect(got.fields.map((f) => [f.name, f.dataTypeID])).toEqual(want.fields.map((f) => [f.name, f.dataTypeID]));
      }
    }
    expect(
      (await keptTexts()).filter((t) => t === q),
      "prepared once, whatever the row mode",
    ).toHaveLength(1);
    // The callback form (a pool's own query uses it) goes the same way.
    const viaCallback = await new Promise<pg.QueryResult>((resolve, reject) =>
      (prepared.query as (config: object, values: unknown[], callback: (error: Error | null, result: pg.QueryResult) => void) => void)({ text: q }, [2], (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
    expect(viaCallback.rows).toEqual((await run(plain, q, [2])).rows);
    expect((await keptTexts()).filter((t) => t === q)).toHaveLength(1);
  });

  it("keeps no more than its bound: the least recently used statement is deallocated", async () => {
    const texts = Array.from({ length: 6 }, (_, i) => `select v from t where id = $1 and ${i} = ${i}`);
    for (const text of texts) for (let i = 0; i < 2; i++) expect((await run(prepared, text, [1])).rows).toEqual([{ v: "a" }]);
    // Used again: the most recent three are the ones kept.
    await run(prepared, texts[3]!, [1]);
    const statements = await keptTexts();
    expect(statements.length).toBeLessThanOrEqual(KEPT);
    expect(new Set(statements)).toEqual(new Set(texts.slice(3)));
    // A statement let go is parsed anew (named again) when it comes back, and still answers.
    for (let i = 0; i < 2; i++) expect((await run(prepared, texts[0]!, [1])).rows).toEqual([{ v: "a" }]);
    expect(await keptTexts()).toContain(texts[0]);
    expect((await keptTexts()).length).toBeLessThanOrEqual(KEPT);
  });

  it("keeps a statement through a failed execution; one that does not parse is never kept and fails the same way each time", async () => {
    const ins = "insert into t (id) values ($1)";
    await run(prepared, ins, [5]);
    await run(prepared, ins, [6]);
    const dup: unknown = await run(prepared, ins, [5]).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "23505" });
    expect(
      (await keptTexts()).filter((t) => t === ins),
      "a constraint error leaves the statement as it was",
    ).toHaveLength(1);
    await run(prepared, ins, [7]);
    expect((await plain.query("select count(*)::int as c from t")).rows).toEqual([{ c: 5 }]);

    const bad = "select $1::no_such_type";
    // Its own error every time: never "does not exist" (26000) from a name that was never parsed.
    for (let i = 0; i < 3; i++) await expect(run(prepared, bad, [1])).rejects.toMatchObject({ code: "42704" });
    expect(await keptTexts()).not.toContain(bad);
  });

  it("prepares anew a statement whose tables changed (DDL), in a transaction too, and deallocates the stale one", async () => {
    const q = "select * from t where id = $1";
    await run(prepared, q, [1]);
    await run(prepared, q, [1]);
    const before = (await kept()).find((s) => s.statement === q)!.name;
    await plain.query("alter table t add column z int default 7");
    // The server refuses the old plan once (its result type changed); the next call parses again.
    await expect(run(prepared, q, [1])).rejects.toMatchObject({ code: "0A000" });
    expect((await run(prepared, q, [1])).rows[0]).toMatchObject({ id: 1, z: 7 });
    const after = (await kept()).filter((s) => s.statement === q);
    expect(after).toHaveLength(1);
    expect(after[0]!.name).not.toBe(before);

    // The same in a transaction: the failed transaction refuses the deallocation, which waits for the next one.
    await plain.query("alter table t add column y int default 8");
    await prepared.query("begin");
    await expect(run(prepared, q, [1])).rejects.toMatchObject({ code: "0A000" });
    await prepared.query("rollback");
    expect((await run(prepared, q, [1])).rows[0]).toMatchObject({ id: 1, y: 8 });
    // A new statement named: the deallocations waiting are sent.
    const other = "select v from t where id = $1";
    await run(prepared, other, [1]);
    await run(prepared, other, [1]);
    const statements = await keptTexts();
    expect(
      statements.filter((t) => t === q),
      "the stale statement is gone",
    ).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(KEPT);
  });

  it("a deallocation that waited through a failed transaction runs after it; one the server no longer has fails nobody", async () => {
    const texts = ["a", "b", "c", "d", "e"].map((x) => `select '${x}' as x, v from t where id = $1`);
    const name = async (text: string) => (await kept()).find((s) => s.statement === text)?.name;
    for (const text of texts.slice(0, 3)) for (let i = 0; i < 2; i++) await run(prepared, text, [1]);
    // The first statement disappears behind the wrapper's back (someone's DEALLOCATE).
    await prepared.query(`deallocate ${await name(texts[0]!)}`);
    const b = await name(texts[1]!);
    await prepared.query("begin");
    await expect(prepared.query("select 1 / 0")).rejects.toMatchObject({ code: "22012" });
    // Named in the failed transaction (and refused there), pushing the first statement out: its deallocation waits.
    for (let i = 0; i < 2; i++) await expect(run(prepared, texts[3]!, [1])).rejects.toMatchObject({ code: "25P02" });
    await prepared.query("rollback");
    // The deallocation goes first and fails (the statement is gone): the caller's statement does not.
    expect((await run(prepared, texts[2]!, [1])).rows).toEqual([{ x: "c", v: "a" }]);
    expect(await keptTexts()).toEqual([texts[1], texts[2]]);
    // Two more named: the least recently used (the second) is deallocated, the bound holds.
    for (const text of texts.slice(3)) for (let i = 0; i < 2; i++) await run(prepared, text, [1]);
    await run(prepared, texts[2]!, [1]);
    const names = (await kept()).map((s) => s.name);
    expect(names).not.toContain(b);
    expect(names.length).toBeLessThanOrEqual(KEPT);
  });

  it("prepares anew after the server dropped its statements (DISCARD ALL)", async () => {
    const q = "select v from t where id = $1";
    await run(prepared, q, [1]);
    await run(prepared, q, [1]);
    await prepared.query("discard all");
    await expect(run(prepared, q, [1])).rejects.toMatchObject({ code: "26000" });
    expect((await run(prepared, q, [1])).rows).toEqual([{ v: "a" }]);
    expect((await run(prepared, q, [1])).rows).toEqual([{ v: "a" }]);
    expect((await keptTexts()).filter((t) => t === q)).toHaveLength(1);
  });
});
