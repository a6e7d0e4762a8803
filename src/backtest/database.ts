import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Where a backtest writes: never the live database. The default is a throwaway embedded
 * database in memory; on a PostgreSQL server it is a database of its own, created for the run
 * and dropped after it (the migrations name the public schema, so a database, not a schema,
 * is what keeps a run apart from everything else on the server), its commits not waiting for
 * the disk, as the embedded one's.
 */
export interface BacktestDatabase {
  /** DATABASE_URL for the kernel, or undefined for the embedded database. */
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function backtestDatabase(serverUrl: string | undefined): Promise<BacktestDatabase> {
  if (!serverUrl) return { url: undefined, dataDir: "memory://", drop: async () => undefined };
  const name = `autonome_backtest_${randomBytes(6).toString("hex")}`;
  // Dropped after the run, so a server crash losing its last commits loses nothing: commits need not wait for the disk (what readers see is the same).
  await admin(serverUrl, `CREATE DATABASE ${name}`, `ALTER DATABASE ${name} SET synchronous_commit = off`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), dataDir: "memory://", drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs `statements` one after another on one connection to the server (CREATE DATABASE cannot share a statement string). */
async function admin(serverUrl: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 15_000 });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
