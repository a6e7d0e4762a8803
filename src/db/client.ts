import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, types, type QueryOptions, type Transaction } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { DatabaseMeter, type DatabaseUsage } from "./meter.js";
import { usePgPreparedStatements } from "./pg-prepared.js";
import { usePreparedStatements } from "./pglite-prepared.js";
import * as schema from "./schema.js";

/** The drizzle database both drivers share: code above this file never knows which one it has. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbKind = "pglite" | "postgres";

export interface Database {
  db: Db;
  kind: DbKind;
  /** Runs the generated migrations (never a schema push). */
  migrate(): Promise<void>;
  /** Registers for NOTIFY on a channel (a wake-up for other processes); returns an unlisten function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: the whole database as a tarball (gzipped or not), to start other databases from. */
  dump?(compression?: "none" | "gzip"): Promise<Blob>;
  /** Wall time spent waiting for this database since it was opened (a backtest reports its share). */
  readonly usage: DatabaseUsage;
  close(): Promise<void>;
}

export const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "migrations");

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory; "memory://" for an in-memory database. */
  dataDir?: string;
  /** PGlite only: start from a dump of another database (dumpDataDir), e.g. an already migrated one. */
  loadDataDir?: Blob;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url);
  return openPglite(options.dataDir ?? "./data", options.loadDataDir);
}

/**
 * An in-memory database is gone when the process ends, so it gains nothing from crash safety:
 * no full-page images in the write-ahead log and no syncs (a backtest's statements run 15–20%
 * faster), and no zero-filling of each new 16 MB log segment: in memory the file grows by an
 * eighth per write past 1 MB, copied whole each time, which stalled the process 0.2–0.5 s per
 * segment (the copy-trading flow's worst latencies). Visible results are the same; only what a
 * crash would leave behind differs.
 */
const THROWAWAY_PARAMS = ["-c", "full_page_writes=off", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "wal_init_zero=off"];

async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
  // Starting the embedded database (initdb, or loading a dump) is database time too.
  const meter = new DatabaseMeter();
  const client = await meter.measure(async () => {
    const started = new PGlite({
      ...(inMemory ? { startParams: [...PGlite.defaultStartParams, ...THROWAWAY_PARAMS] } : { dataDir: resolve(dataDir) }),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
    await started.waitReady;
    return started;
  });
  usePreparedStatements(client);
  keepTimesAsText(client);
  meterPglite(client, meter);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    usage: meter,
    migrate: async () => {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS });
    },
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, onNotify);
      return async () => unlisten();
    },
    dump: async (compression = "none") => {
      // Everything to the files first: an in-memory database does not write its log at commit.
      await client.exec("CHECKPOINT");
      return client.dumpDataDir(compression);
    },
    close: async () => {
      await client.close();
    },
  };
}

/**
 * drizzle reads dates, times and intervals (and their arrays) as the database's text, passing
 * PGlite parsers that return the text with every query. PGlite merges those into a copy of its
 * whole parser table per query, about 120 µs, a third of a small statement. The same parsers are
 * set on the client once instead, and a query's own are left out when they are only those.
 */
const TIME_TYPES = [types.DATE, types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, 1182, 1115, 1185, 1187, 1231];
const asText = (value: string) => value;

function keepTimesAsText(client: PGlite): void {
  for (const oid of TIME_TYPES) client.parsers[oid] = asText;
  const query = client.query.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((sql: string, params?: unknown[], options?: QueryOptions) => query(sql, params, withoutTextParsers(options))) as PGlite["query"];
  client.transaction = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> =>
    transaction((tx) => {
      const own = tx.query.bind(tx);
      const plain = Object.create(tx) as Transaction;
      plain.query = ((sql: string, params?: unknown[], options?: QueryOptions) => own(sql, params, withoutTextParsers(options))) as Transaction["query"];
      return work(plain);
    });
}

/** The options without their parsers when every one keeps the text of a type the client already keeps as text. */
function withoutTextParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  const parsers = options?.parsers;
  if (!parsers) return options;
  for (const key in parsers) {
    const oid = Number(key);
    if (!TIME_TYPES.includes(oid) || parsers[oid]!("1") !== "1") return options;
  }
  const { parsers: _, ...rest } = options;
  return rest;
}

/**
 * Puts every call of the embedded database through the meter: statements outside and inside
 * transactions, and a transaction's BEGIN (with the wait for the database) and COMMIT, but not
 * the caller's own work between its statements.
 */
function meterPglite(client: PGlite, meter: DatabaseMeter): void {
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => meter.measure(() => query(...args))) as PGlite["query"];
  client.exec = (...args: Parameters<PGlite["exec"]>) => meter.measure(() => exec(...args));
  client.transaction = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> =>
    meter.measure(() =>
      transaction(async (tx) => {
        meter.leave();
        try {
          return await work(meteredTransaction(tx, meter));
        } finally {
          meter.enter();
        }
      }),
    );
}

function meteredTransaction(tx: Transaction, meter: DatabaseMeter): Transaction {
  const metered = Object.create(tx) as Transaction;
  metered.query = ((...args: Parameters<Transaction["query"]>) => meter.measure(() => tx.query(...args))) as Transaction["query"];
  metered.exec = (...args: Parameters<Transaction["exec"]>) => meter.measure(() => tx.exec(...args));
  return metered;
}

/** Measures query() in its promise and callback forms (the pool's own query() uses the callback); a streamed query passes through. */
function meterPgClient(client: pg.PoolClient, meter: DatabaseMeter): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | undefined;
    if (typeof first?.submit === "function") return query(...args);
    const last = args[args.length - 1];
    if (typeof last !== "function") return meter.measure(() => query(...args) as Promise<unknown>);
    const end = meter.begin();
    const callback = last as (...results: unknown[]) => unknown;
    try {
      return query(...args.slice(0, -1), (...results: unknown[]) => {
        end();
        return callback(...results);
      });
    } catch (error) {
      end();
      throw error;
    }
  };
}

/** How long the first connection may take before start-up gives up on the server. */
const CONNECT_TIMEOUT_MS = 15_000;

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ends (a restart, an admin) must not crash the process: the pool replaces it.
  pool.on("error", (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`));
  // Fail fast with a clear message instead of on the first query (or never, when packets to the server vanish).
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await probe.connect();
    await probe.end();
  } catch (error) {
    await probe.end().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw new Error(`DATABASE_URL: cannot connect to PostgreSQL at ${describeServer(url)}: ${connectFailure(error)}`, { cause: error });
  }
  const meter = new DatabaseMeter();
  // Every connection the pool opens, before its first query: drizzle's queries and transactions all run on them.
  pool.on("connect", (client) => {
    usePgPreparedStatements(client);
    meterPgClient(client, meter);
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners: pg.PoolClient[] = [];
  return {
    db,
    kind: "postgres",
    usage: meter,
    migrate: async () => {
      await migratePg(drizzlePg(pool, { schema }), { migrationsFolder: MIGRATIONS });
    },
    listen: async (channel, onNotify) => {
      const client = await pool.connect();
      listeners.push(client);
      client.on("notification", (msg) => {
        if (msg.channel === channel) onNotify(msg.payload ?? "");
      });
      await client.query(`LISTEN "${channel.replace(/"/g, "")}"`);
      return async () => {
        await client.query(`UNLISTEN "${channel.replace(/"/g, "")}"`).catch(() => undefined);
        client.release();
        listeners.splice(listeners.indexOf(client), 1);
      };
    },
    close: async () => {
      for (const c of listeners.splice(0)) c.release();
      await pool.end();
    },
  };
}

/** host:port/database of a connection string, never its user or password. */
function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "the configured server";
  }
}

/** Why a connection failed; a refused connection to several addresses is an AggregateError with an empty message. */
function connectFailure(error: unknown): string {
  if (error instanceof AggregateError) {
    const first = error.errors[0] as unknown;
    const code = (error as NodeJS.ErrnoException).code;
    return error.message || (first instanceof Error ? first.message : undefined) || code || "connection failed";
  }
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
