/**
 * Latency from a book update that crosses a stop to the close committed in the database.
 *
 * The real pieces, as the app wires them: a migrated database (PGlite in memory, and a fresh
 * PostgreSQL database created for the run and dropped after), UnitOfWork + EventBus, SimVenue,
 * TradingService and ExitEngine. For each sample, untimed: a normal book is set and a position
 * (10 models in turn, BTC/ETH/SOL, longs and shorts) is opened through
 * TradingService.openPosition with a stop 1% away. Timed: a snapshot that gaps 2% through the
 * stop is applied (MarketRoom.apply: the simulator, then ExitEngine.onBook, listening as in the app)
 * until the `position` event with action "closed" arrives on the in-process bus. The unit of
 * work publishes it right after the close's transaction commits, so that moment is when the
 * CLOSED row became visible; the row is then read back (untimed) to check it is CLOSED by STOP.
 *
 * On the simulator the close is one transaction of four round trips: BEGIN, one statement for
 * the close order's row (written once, with the venue's answer), its fills, their ledger entries
 * and the position's CLOSED row, one for the events (the outbox), COMMIT.
 *
 * The goal is relative, since figures in ms swing 3-5x with the load on this shared machine: the
 * p99 within STOP_RATIO_GOAL x the p99 of a bare 3-statement transaction (insert, update, insert
 * on a small table, through the same driver) timed right after each stop, under the same load.
 *
 * Also timed: a burst, one update crossing the stops of all 10 models at once. The unit of work
 * writes closes of different accounts that queue up together in one transaction (a savepoint
 * each), so the burst costs one commit: its goal is the transactions used (one, not ten), and
 * its last close is shown against ten single closes one after another.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { eq, sql } from "drizzle-orm";
import type { BookUpdate, Level } from "../src/core/book.js";
import { ManualClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS, ticksToPrice, type MarketSpec } from "../src/core/market.js";
import type { Side } from "../src/core/types.js";
import { orders } from "../src/db/schema.js";
import { UnitOfWork } from "../src/db/unit-of-work.js";
import { EventBus } from "../src/events/bus.js";
import { defaultStartMid } from "../src/feeds/synthetic/index.js";
import { MarketRoom } from "../src/market/market-room.js";
import { ModelAccount } from "../src/trading/account.js";
import { ExitEngine } from "../src/trading/exit-engine.js";
import { RiskEngine } from "../src/trading/risk/risk-engine.js";
import { TradingService } from "../src/trading/trading-service.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import { ADMIN_URL, openTestDatabase, type DriverName, type TestDatabase } from "../test/support/databases.js";
import { distribution, ms, type Distribution, type Figure } from "./report.js";

/** p99 of trigger -> CLOSED committed over p99 of a bare 3-statement transaction. */
export const STOP_RATIO_GOAL = 2;

const MODELS = 10;
const LEVELS = 20;
const STOP_DISTANCE = 0.01;
const GAP = 0.02;
const CLOSE_TIMEOUT_MS = 10_000;
/** Position sizes: a few hundred dollars at 2x. */
const QUANTITY: Record<string, string> = { BTC: "0.002", ETH: "0.05", SOL: "1" };

export interface StopLatencyOptions {
  /** Timed samples per driver. Default 200 (quick: 30). */
  positions?: number;
  /** Untimed samples first, so the code and the database's plans are warm. Default 20 (quick: 5). */
  warmup?: number;
  /** Bursts of 10 simultaneous stops. Default 5 (quick: 2). */
  bursts?: number;
  drivers?: DriverName[];
  quick?: boolean;
}

export interface DriverResult {
  driver: DriverName;
  skipped?: string;
  total?: Distribution;
  /** Per burst: time until the last of the 10 closes committed. */
  burstLast?: Distribution;
  /** A bare 3-statement transaction, timed after each stop. */
  bare?: Distribution;
  /** Transactions the bursts' closes committed in, per burst (10 closing one after another). */
  burstTransactions?: number;
  failures: number;
}

/** A 20-level book around `mid` (ticks), one tick-rounded basis point between levels, ~$50k a level. */
function book(m: MarketSpec, mid: number, ts: number): BookUpdate {
  const step = Math.max(1, Math.round(mid / 10_000));
  const lots = Math.round((50_000 / (mid / 10 ** m.priceDecimals)) * 10 ** m.sizeDecimals);
  const side = (best: number, dir: 1 | -1): Level[] => Array.from({ length: LEVELS }, (_, i) => [best + dir * i * step, lots] as const);
  return { symbol: m.symbol, ts, kind: "snapshot", bids: side(mid - step, -1), asks: side(mid + step, 1) };
}

interface Rig {
  t: TestDatabase;
  clock: ManualClock;
  room: MarketRoom;
  service: TradingService;
  exits: ExitEngine;
  models: string[];
  /** Resolves with the hrtime at which each position's "closed" event was published. */
  expectClosed(positionIds: string[]): Promise<Map<string, bigint>>;
  failures(): number;
}

async function createRig(t: TestDatabase): Promise<Rig> {
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const bus = new EventBus();
  const uow = new UnitOfWork(t.database.db, bus, t.database.kind === "postgres");
  const room = new MarketRoom({ markets: DEFAULT_MARKETS });
  const venue = new SimVenue({ clock }, room);
  const accounts = new Map<string, ModelAccount>();
  const quote = (symbol: string) => room.quote(symbol);
  // Each model flips sides on a symbol from one sample to the next, seconds apart: no flip cooldown here.
  const risk = new RiskEngine({ defaults: { flipCooldownMinutes: 0 } });
  const service = new TradingService({ uow, venue, clock, accounts, quote, paper: venue, risk });
  const exits = new ExitEngine({ service, uow, markets: DEFAULT_MARKETS, now: () => clock.now(), retryInitialMs: 5, retryMaxMs: 50 });
  room.onBook("exits", (u, q) => exits.onBook(u.symbol, q.bid, q.ask));
  venue.onOrderUpdate((r) => void service.onVenueUpdate(r));

  const waiting = new Map<string, { at: Map<string, bigint>; left: Set<string>; resolve: () => void }>();
  let failures = 0;
  bus.subscribe((e) => {
    const now = process.hrtime.bigint();
    const d = e.data as { action?: string; order?: { purpose?: string; clientOrderId?: string }; position?: { id?: string } };
    if (e.type === "order" && d.action === "close_failed") failures++;
    if (e.type === "position" && d.action === "closed" && d.position?.id !== undefined) {
      const w = waiting.get(d.position.id);
      if (!w) return;
      waiting.delete(d.position.id);
      w.at.set(d.position.id, now);
      w.left.delete(d.position.id);
      if (w.left.size === 0) w.resolve();
    }
  });

  const models: string[] = [];
  for (let i = 0; i < MODELS; i++) {
    const id = randomUUID();
    await service.createAccount({ id, name: `bench-${i}-${id.slice(0, 8)}`, kind: "rule", strategy: "manual", initialCapital: "10000" });
    models.push(id);
  }
  return {
    t,
    clock,
    room,
    service,
    exits,
    models,
    failures: () => failures,
    expectClosed(positionIds) {
      return new Promise((resolve, reject) => {
        const at = new Map<string, bigint>();
        const timer = setTimeout(() => reject(new Error(`no close committed within ${CLOSE_TIMEOUT_MS} ms for ${positionIds.join(", ")}`)), CLOSE_TIMEOUT_MS);
        const entry = {
          at,
          left: new Set(positionIds),
          resolve: () => {
            clearTimeout(timer);
            resolve(at);
          },
        };
        for (const id of positionIds) waiting.set(id, entry);
      });
    },
  };
}

/** Sets the normal book (untimed) and opens a position with its stop STOP_DISTANCE away. */
async function open(rig: Rig, model: string, m: MarketSpec, side: Side, mid: number): Promise<string> {
  rig.room.apply(book(m, mid, rig.clock.advance(1)));
  const stop = Math.round(mid * (side === "LONG" ? 1 - STOP_DISTANCE : 1 + STOP_DISTANCE));
  const r = await rig.service.openPosition(model, { symbol: m.symbol, side, quantity: QUANTITY[m.symbol]!, leverage: "2", exitPlan: { stop: ticksToPrice(m, stop) } });
  if (!r.position) throw new Error(`stop-latency: opening ${side} ${m.symbol} filled nothing (${r.status})`);
  return r.position.id;
}

/** The timed part: the crossing update through the room (the simulator, then the exit engine), until the closes commit. */
async function cross(rig: Rig, m: MarketSpec, side: Side, mid: number, positionIds: string[]): Promise<{ start: bigint; at: Map<string, bigint> }> {
  const gapped = book(m, Math.round(mid * (side === "LONG" ? 1 - GAP : 1 + GAP)), rig.clock.advance(1));
  const closed = rig.expectClosed(positionIds);
  const start = process.hrtime.bigint();
  rig.room.apply(gapped);
  const at = await closed;
  await rig.exits.idle();
  return { start, at };
}

async function checkClosed(rig: Rig, positionId: string): Promise<void> {
  const [row] = await rig.t.database.db.select({ status: orders.status, trigger: orders.closeTrigger }).from(orders).where(eq(orders.id, positionId));
  if (row?.status !== "CLOSED" || row.trigger !== "STOP")
    throw new Error(`stop-latency: position ${positionId} is ${row?.status ?? "missing"} (${row?.trigger ?? "no trigger"}), expected CLOSED by STOP`);
}

const msBetween = (a: bigint, b: bigint): number => Number(b - a) / 1e6;

/** The reference: BEGIN, insert, update, insert, COMMIT on a small table of its own, through the same driver. */
async function bareTransaction(t: TestDatabase, i: number): Promise<number> {
  const start = process.hrtime.bigint();
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`insert into bench_bare (id, v) values (${i}, 'a')`);
    await tx.execute(sql`update bench_bare set v = 'b' where id = ${i}`);
    await tx.execute(sql`insert into bench_bare_log (bare_id, v) values (${i}, 'b')`);
  });
  return msBetween(start, process.hrtime.bigint());
}

async function runDriver(driver: DriverName, samples: number, warmup: number, bursts: number): Promise<DriverResult> {
  let t: TestDatabase;
  try {
    t = await openTestDatabase(driver);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (driver === "postgres") return { driver, skipped: `PostgreSQL unreachable at ${ADMIN_URL} (${reason})`, failures: 0 };
    throw error;
  }
  let rig: Rig | undefined;
  try {
    rig = await createRig(t);
    await t.database.db.execute(sql`create table bench_bare (id integer primary key, v text not null)`);
    await t.database.db.execute(sql`create table bench_bare_log (id serial primary key, bare_id integer not null, v text not null)`);
    const bare: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const model = rig.models[i % MODELS]!;
      const m = DEFAULT_MARKETS[i % DEFAULT_MARKETS.length]!;
      const side: Side = Math.floor(i / MODELS) % 2 === 0 ? "LONG" : "SHORT";
      const mid = defaultStartMid(m);
      const id = await open(rig, model, m, side, mid);
      const { start, at } = await cross(rig, m, side, mid, [id]);
      await checkClosed(rig, id);
      const reference = await bareTransaction(t, i);
      if (i < warmup) continue;
      bare.push(reference);
      const end = at.get(id)!;
      total.push(msBetween(start, end));
    }

    const burstLast: number[] = [];
    let transactions = 0;
    const counting = rig.t.database.db.transaction.bind(rig.t.database.db);
    const btc = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
    const mid = defaultStartMid(btc);
    for (let b = 0; b < bursts; b++) {
      const ids: string[] = [];
      for (const model of rig.models) ids.push(await open(rig, model, btc, "LONG", mid));
      rig.t.database.db.transaction = ((work: Parameters<typeof counting>[0]) => (transactions++, counting(work))) as typeof counting;
      const { start, at } = await cross(rig, btc, "LONG", mid, ids);
      rig.t.database.db.transaction = counting;
      for (const id of ids) await checkClosed(rig, id);
      burstLast.push(Math.max(...ids.map((id) => msBetween(start, at.get(id)!))));
    }
    return {
      driver,
      total: distribution(total),
      burstLast: distribution(burstLast),
      bare: distribution(bare),
      burstTransactions: bursts > 0 ? transactions / bursts : 0,
      failures: rig.failures(),
    };
  } finally {
    // Nothing may be in flight when the database closes (PGlite must not be closed mid-query).
    rig?.exits.stop();
    await rig?.exits.idle();
    await t.dispose();
  }
}

export async function runStopLatencyBench(options: StopLatencyOptions = {}): Promise<Figure[]> {
  const samples = options.positions ?? (options.quick ? 30 : 200);
  const warmup = options.warmup ?? (options.quick ? 5 : 20);
  const bursts = options.bursts ?? (options.quick ? 2 : 5);
  const drivers = options.drivers ?? ["pglite", "postgres"];
  console.log(`${samples} stops per driver (after ${warmup} warm-up), ${MODELS} models, BTC/ETH/SOL longs and shorts, stop ${STOP_DISTANCE * 100}% away, book gaps ${GAP * 100}% through it`);
  const results: DriverResult[] = [];
  for (const driver of drivers) results.push(await runDriver(driver, samples, warmup, bursts));

  const cell = (d: Distribution | undefined, pick: (d: Distribution) => number): string => (d ? ms(pick(d)) : "skipped");
  const table: Record<string, Record<string, string>> = {};
  const row = (name: string, f: (r: DriverResult) => string) => {
    table[name] = Object.fromEntries(results.map((r) => [r.driver, f(r)]));
  };
  row("samples", (r) => (r.total ? String(r.total.n) : "-"));
  row("trigger -> CLOSED committed, p50", (r) => cell(r.total, (d) => d.p50));
  row("trigger -> CLOSED committed, p99", (r) => cell(r.total, (d) => d.p99));
  row("trigger -> CLOSED committed, max", (r) => cell(r.total, (d) => d.max));
  row("trigger -> CLOSED committed, mean", (r) => cell(r.total, (d) => d.mean));
  row("bare 3-statement transaction, p50", (r) => cell(r.bare, (d) => d.p50));
  row("bare 3-statement transaction, p99", (r) => cell(r.bare, (d) => d.p99));
  row(`ratio: stop p99 / bare p99 (goal <= ${STOP_RATIO_GOAL})`, (r) => (r.total && r.bare ? `${(r.total.p99 / r.bare.p99).toFixed(2)}x` : "-"));
  row(`burst: 10 stops on one update, last close, p50 of ${bursts}`, (r) => cell(r.burstLast, (d) => d.p50));
  row(`burst: 10 stops on one update, last close, max`, (r) => cell(r.burstLast, (d) => d.max));
  row("burst: transactions per burst of 10 closes", (r) => (r.burstTransactions !== undefined ? r.burstTransactions.toFixed(1) : "-"));
  row("burst: last close / (10 x single-stop p50)", (r) => (r.total && r.burstLast ? `${(r.burstLast.p50 / (10 * r.total.p50)).toFixed(2)}x` : "-"));
  row("failed close attempts", (r) => (r.total ? String(r.failures) : "-"));
  console.table(table);
  for (const r of results) if (r.skipped) console.log(`stop-latency ${r.driver}: SKIPPED, ${r.skipped}`);

  return results.flatMap((r): Figure[] => {
    if (!r.total || !r.bare || !r.burstLast)
      return [{ benchmark: "stop-latency", figure: `${r.driver}: stop p99 / bare transaction p99`, measured: `skipped (${r.skipped})`, goal: `<= ${STOP_RATIO_GOAL}x`, met: undefined }];
    const ratio = r.total.p99 / r.bare.p99;
    return [
      {
        benchmark: "stop-latency",
        figure: `${r.driver}: stop p99 ${ms(r.total.p99)} / bare 3-statement tx p99 ${ms(r.bare.p99)}`,
        measured: `${ratio.toFixed(2)}x`,
        goal: `<= ${STOP_RATIO_GOAL}x`,
        met: ratio <= STOP_RATIO_GOAL && r.failures === 0,
      },
      {
        benchmark: "stop-latency",
        figure: `${r.driver}: burst of 10 stops, transactions committed (last close ${ms(r.burstLast.p50)})`,
        measured: (r.burstTransactions ?? 0).toFixed(1),
        goal: "< 10 (batched)",
        met: (r.burstTransactions ?? 10) < 10,
      },
    ];
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runStopLatencyBench({ quick: process.argv.includes("--quick") });
}
