import pg from "pg";
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migratedTemplate } from "../../src/db/template.js";

/**
 * Database tests run on both drivers: embedded PGlite and the real PostgreSQL server.
 * The server is at AUTONOME_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * each test database is created fresh and dropped afterwards.
 */
export const ADMIN_URL = process.env.AUTONOME_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type DriverName = "pglite" | "postgres";
export const DRIVERS: DriverName[] = process.env.AUTONOME_TEST_DRIVERS ? (process.env.AUTONOME_TEST_DRIVERS.split(",") as DriverName[]) : ["pglite", "postgres"];

export interface TestDatabase {
  database: Database;
  url?: string;
  /** Closes the connection and drops the database. */
  dispose(): Promise<void>;
}

/**
 * Creates a PostgreSQL database and returns its URL: empty, or a copy of `template` (the
 * migrated template the global setup prepares, which saves migrating every test database).
 */
export async function createPgDatabase(template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `autonome_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated database of the given driver. */
export async function openTestDatabase(driver: DriverName): Promise<TestDatabase> {
  if (driver === "pglite") {
    const database = await openDatabase({ dataDir: "memory://", loadDataDir: await migratedTemplate() });
    await database.migrate();
    return { database, dispose: () => database.close() };
  }
  const { url, drop } = await createPgDatabase(process.env.AUTONOME_TEST_PG_TEMPLATE);
  const database = await openDatabase({ url });
  await database.migrate();
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      await drop();
    },
  };
}
