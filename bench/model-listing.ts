/**
 * `GET /api/models` (the leaderboard's read) with 100 models, each with a realistic history: a
 * day of minute equity snapshots, hourly ones to 30 days and daily ones beyond (as the roll-up
 * leaves them), 100 closed trades and 300 recorded runs. Timed through the HTTP app (routes,
 * services, JSON), no sockets, on PGlite and on a fresh PostgreSQL database (skipped when
 * unreachable). Also counted: the statements one listing sends, which must not grow with the
 * number of models (it was 1 + 3 per model: 7.5 s on PGlite and 1.9 s on PostgreSQL for this
 * data on a loaded 2-core machine).
 *
 * Two figures: a listing while nothing new was written (what pollers see within a minute), and
 * the first listing after a snapshot round (a new minute's row for every model, announced on the
 * bus as the recorder does), which reads that round's rows into the week's curves kept in memory
 * and computes every model's ratios again (once per round, whatever the number of clients).
 *
 * The pieces are the app's own: createAppServices over a TradingService, SimVenue and UnitOfWork
 * on a migrated database; only the scheduler is absent (the listing does not use it).
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { createAppServices } from "../src/app/app-services.js";
import { ManualClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS } from "../src/core/market.js";
import type { Db } from "../src/db/client.js";
import { UnitOfWork } from "../src/db/unit-of-work.js";
import type { Scheduler } from "../src/scheduler/scheduler.js";
import { EventBus } from "../src/events/bus.js";
import { createApp } from "../src/server/app.js";
import type { AppServices, ModelView } from "../src/app/services.js";
import { ModelAccount } from "../src/trading/account.js";
import { TradingService } from "../src/trading/trading-service.js";
import { MarketRoom } from "../src/market/market-room.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import { ADMIN_URL, openTestDatabase, type DriverName, type TestDatabase } from "../test/support/databases.js";
import { distribution, int, ms, type Distribution, type Figure } from "./report.js";
import { countStatements } from "../test/support/count-statements.js";

/** A listing the dashboard can poll every second without crowding out everything else. */
export const MODEL_LISTING_GOAL_MS = 100;

export interface ModelListingOptions {
  models?: number;
  /** Timed listings per driver (default 30; quick: 5), after 3 untimed ones. */
  requests?: number;
  drivers?: DriverName[];
  quick?: boolean;
}

interface DriverResult {
  driver: DriverName;
  skipped?: string;
  list?: Distribution;
  cold?: Distribution;
  one?: Distribution;
  statements?: number;
  coldStatements?: number;
  rows?: number;
}

/** The history described at the top of this file, for every model of the database, up to `now`; the rows in equity_snapshots after it. Shared with the scheduler bench. */
export async function seedHistory(db: Db, now: number): Promise<number> {
  const at = new Date(now).toISOString();
  // Minute snapshots for the last day, hourly to 30 days, daily to 60 days: what the roll-up keeps.
  const series = [
    { resolution: "1m", step: "1 minute", from: "1 day", to: "0 minutes" },
    { resolution: "1h", step: "1 hour", from: "30 days", to: "1 day" },
    { resolution: "1d", step: "1 day", from: "60 days", to: "30 days" },
  ];
  for (const s of series) {
    await db.execute(sql`
      insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl)
      select m.id, ${s.resolution}, t, round((10000 + 250 * sin(extract(epoch from t) / 5400 + m.n) + m.n)::numeric, 6), 10000, 0
      from (select id, row_number() over (order by id) as n from models) m,
        generate_series(date_trunc('minute', ${at}::timestamptz) - ${s.from}::interval, date_trunc('minute', ${at}::timestamptz) - ${s.to}::interval, ${s.step}::interval) t
      on conflict do nothing`);
  }
  await db.execute(sql`
    insert into orders (id, model_id, venue, symbol, side, quantity, leverage, entry_price, entry_cost, status, exit_price, realized_pnl, fees, opened_at, closed_at)
    select gen_random_uuid()::text, m.id, 'sim', 'BTC', 'LONG', 0.01, 2, 100000, 1000, 'CLOSED', 100000 + k, round((k % 37 - 15) * 1.25, 6), 0.5,
      ${at}::timestamptz - (k || ' hours')::interval, ${at}::timestamptz - (k || ' hours')::interval + interval '10 minutes'
    from (select id from models) m, generate_series(1, 100) k`);
  await db.execute(sql`
    insert into invocations (id, model_id, status, duration_ms, tool_call_count, failed_tool_calls, created_at, finished_at)
    select gen_random_uuid()::text, m.id, case when k % 17 = 0 then 'error' else 'ok' end, 1000, 2, k % 5 / 4,
      ${at}::timestamptz - (k * 5 || ' minutes')::interval, ${at}::timestamptz - (k * 5 || ' minutes')::interval
    from (select id from models) m, generate_series(1, 300) k`);
  const result = (await db.execute(sql`select count(*)::int as n from equity_snapshots`)) as unknown as { rows: Array<{ n: number }> };
  return Number(result.rows[0]?.n ?? 0);
}

/** The app's services over a migrated database with the models and history described at the top of this file. */
export interface SeededApp {
  db: Db;
  services: AppServices;
  bus: EventBus;
  /** At the seed's "now" (2026-01-01T00:00:00Z); the services read the time from it. */
  clock: ManualClock;
  /** The models' ids, in creation order. */
  ids: string[];
  /** Rows in equity_snapshots after seeding. */
  rows: number;
  dispose(): Promise<void>;
}

/**
 * A migrated database of the driver with `n` models, each with the history described at the top
 * of this file, and createAppServices over it (no scheduler); `{ skipped }` when PostgreSQL is
 * unreachable. Shared with the dashboard bench.
 */
export async function openSeededApp(driver: DriverName, n: number): Promise<SeededApp | { skipped: string }> {
  let t: TestDatabase;
  try {
    t = await openTestDatabase(driver);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (driver === "postgres") return { skipped: `PostgreSQL unreachable at ${ADMIN_URL} (${reason})` };
    throw error;
  }
  try {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const bus = new EventBus();
    const uow = new UnitOfWork(t.database.db, bus);
    const room = new MarketRoom({ markets: DEFAULT_MARKETS });
    const venue = new SimVenue({ clock }, room);
    const accounts = new Map<string, ModelAccount>();
    const service = new TradingService({ uow, venue, clock, accounts, paper: venue, quote: () => undefined });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      await service.createAccount({ id, name: `model-${i}`, kind: "rule", strategy: "trend-following", initialCapital: "10000" });
      ids.push(id);
    }
    const rows = await seedHistory(t.database.db, clock.now());
    const services = createAppServices({
      db: t.database.db,
      dbKind: driver,
      mode: "simulation",
      version: "bench",
      feed: { describe: () => ({}), kind: "synthetic" },
      market: room,
      service,
      scheduler: {} as Scheduler,
      bus,
      strategies: () => [],
      now: () => clock.now(),
    });
    return { db: t.database.db, services, bus, clock, ids, rows, dispose: () => t.dispose() };
  } catch (error) {
    await t.dispose();
    throw error;
  }
}

async function runDriver(driver: DriverName, n: number, requests: number): Promise<DriverResult> {
  const seeded = await openSeededApp(driver, n);
  if ("skipped" in seeded) return { driver, skipped: seeded.skipped };
  try {
    const { services, bus, ids, rows } = seeded;
    const app = createApp({ services, logger: pino({ level: "silent" }) });
    const statements = countStatements(seeded.db);
    const get = async (path: string): Promise<number> => {
      const t0 = performance.now();
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`model-listing: GET ${path} answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as ModelView[] | ModelView;
      const elapsed = performance.now() - t0;
      if (Array.isArray(body) && (body.length !== n || body.some((m) => m.metrics.trades !== 100))) throw new Error("model-listing: the listing is incomplete");
      return elapsed;
    };
    // A round as the equity recorder writes it: every model's row at the next minute, then its events.
    const snapshotRound = async () => {
      seeded.clock.advance(60_000);
      const ts = new Date(Math.floor(seeded.clock.now() / 60_000) * 60_000).toISOString();
      await seeded.db.execute(sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl) select id, '1m', ${ts}::timestamptz, 10000, 10000, 0 from models`);
      for (const modelId of ids) bus.publish({ type: "account", modelId, data: { modelId, ts } });
    };
    for (let i = 0; i < 3; i++) {
      await snapshotRound();
      await get("/api/models");
    }
    statements.reset();
    await get("/api/models");
    const perListing = statements.count;
    await snapshotRound();
    statements.reset();
    await get("/api/models");
    const perColdListing = statements.count;
    const list: number[] = [];
    const cold: number[] = [];
    const one: number[] = [];
    for (let i = 0; i < requests; i++) {
      list.push(await get("/api/models"));
      one.push(await get(`/api/models/${ids[i % ids.length]!}`));
      await snapshotRound();
      cold.push(await get("/api/models"));
    }
    return { driver, list: distribution(list), cold: distribution(cold), one: distribution(one), statements: perListing, coldStatements: perColdListing, rows };
  } finally {
    await seeded.dispose();
  }
}

export async function runModelListingBench(options: ModelListingOptions = {}): Promise<Figure[]> {
  const n = options.models ?? 100;
  const requests = options.requests ?? (options.quick ? 5 : 30);
  const drivers = options.drivers ?? ["pglite", "postgres"];
  console.log(`${n} models, each: 1 day of minute snapshots, hourly to 30 days, daily to 60 days; 100 closed trades; 300 runs. ${requests} timed requests per driver after 3 untimed`);
  const results: DriverResult[] = [];
  for (const driver of drivers) results.push(await runDriver(driver, n, requests));

  const cell = (d: Distribution | undefined, pick: (d: Distribution) => number): string => (d ? ms(pick(d)) : "skipped");
  const table: Record<string, Record<string, string>> = {};
  const row = (name: string, f: (r: DriverResult) => string) => {
    table[name] = Object.fromEntries(results.map((r) => [r.driver, f(r)]));
  };
  row("equity snapshot rows in the table", (r) => (r.rows === undefined ? "-" : int(r.rows)));
  row("statements per listing (curves kept / re-read)", (r) => (r.statements === undefined ? "-" : `${r.statements} / ${r.coldStatements}`));
  row(`GET /api/models (${n} models), p50`, (r) => cell(r.list, (d) => d.p50));
  row(`GET /api/models (${n} models), p99 (goal < ${MODEL_LISTING_GOAL_MS} ms)`, (r) => cell(r.list, (d) => d.p99));
  row(`GET /api/models (${n} models), max`, (r) => cell(r.list, (d) => d.max));
  row("  first after a snapshot round (its rows read, ratios computed), p50", (r) => cell(r.cold, (d) => d.p50));
  row("  first after a snapshot round (its rows read, ratios computed), max", (r) => cell(r.cold, (d) => d.max));
  row("GET /api/models/:id, p50", (r) => cell(r.one, (d) => d.p50));
  row("GET /api/models/:id, p99", (r) => cell(r.one, (d) => d.p99));
  console.table(table);
  for (const r of results) if (r.skipped) console.log(`model-listing ${r.driver}: SKIPPED, ${r.skipped}`);

  return results.map((r) => ({
    benchmark: "model-listing",
    figure: `${r.driver}: p99 GET /api/models with ${n} models (p50 ${r.list ? ms(r.list.p50) : "-"}; after a snapshot round p50 ${r.cold ? ms(r.cold.p50) : "-"}; ${r.statements ?? "-"}/${r.coldStatements ?? "-"} statements)`,
    measured: r.list ? ms(r.list.p99) : `skipped (${r.skipped})`,
    goal: `< ${MODEL_LISTING_GOAL_MS} ms`,
    met: r.list ? r.list.p99 < MODEL_LISTING_GOAL_MS : undefined,
  }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runModelListingBench({ quick: process.argv.includes("--quick") });
}
