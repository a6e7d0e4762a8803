import pg from "pg";
import { describe, expect, it } from "vitest";
import { backtestDatabase } from "../../src/backtest/database.js";
import { ADMIN_URL, DRIVERS } from "../support/databases.js";

describe.skipIf(!DRIVERS.includes("postgres"))("a backtest's PostgreSQL database", () => {
  it("is a database of its own whose commits do not wait for the disk (it is dropped after the run), gone once dropped", async () => {
    const setting = async () => {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        return (await admin.query<{ synchronous_commit: string }>("show synchronous_commit")).rows[0]!.synchronous_commit;
      } finally {
        await admin.end();
      }
    };
    const before = await setting();
    const database = await backtestDatabase(ADMIN_URL);
    const name = new URL(database.url!).pathname.slice(1);
    expect(name).toMatch(/^autonome_backtest_[0-9a-f]{12}$/);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query<{ db: string }>("select current_database() as db")).rows[0]!.db).toBe(name);
      expect((await client.query<{ synchronous_commit: string }>("show synchronous_commit")).rows[0]!.synchronous_commit).toBe("off");
    } finally {
      await client.end();
      await database.drop();
    }
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      expect((await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
    expect(await setting(), "the server's other databases keep their setting").toBe(before);
  });
});
