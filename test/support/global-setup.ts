import pg from "pg";
import { openDatabase } from "../../src/db/client.js";
import { ADMIN_URL } from "./databases.js";

/**
 * Migrates one PostgreSQL template database for the whole run; each test database is a copy
 * of it (CREATE DATABASE ... TEMPLATE), so no test pays for migrations. Dropped at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const drivers = process.env.AUTONOME_TEST_DRIVERS ?? "pglite,postgres";
  if (!drivers.includes("postgres")) return async () => undefined;
  const name = `autonome_tmpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await db.migrate();
  await db.close();
  process.env.AUTONOME_TEST_PG_TEMPLATE = name;
  return async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}
