import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { models } from "../../src/db/schema.js";

describe.each(DRIVERS)("migrations on %s", (driver) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it("creates every table and keeps numeric money as exact strings", async () => {
    t = await openTestDatabase(driver);
    const { db } = t.database;
    await db.insert(models).values({ id: "m1", name: "n", kind: "rule", strategy: "trend", initialCapital: "10000.123456" });
    const [row] = await db.select().from(models);
    expect(row?.initialCapital).toBe("10000.123456");
    const tables = await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    const names = (tables as unknown as { rows: { table_name: string }[] }).rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(["models", "orders", "venue_orders", "fills", "ledger", "invocations", "tool_calls", "equity_snapshots", "outbox", "candles", "market_state"]));
  });

  it("is idempotent: migrating twice changes nothing", async () => {
    t = await openTestDatabase(driver);
    await t.database.migrate();
    const r = await t.database.db.execute(sql`select count(*)::int as n from models`);
    expect((r as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0);
  });
});
