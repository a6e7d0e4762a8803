/**
 * Copy trading under a steady flow: source fills mirrored onto simulator followers, on PGlite and
 * on a fresh PostgreSQL database (created for the run and dropped after; skipped when unreachable).
 *
 * The pieces are the app's own, wired as src/app/autonome.ts wires them in one process: a migrated
 * database, one UnitOfWork (NOTIFY on PostgreSQL, as the app), SimVenue on a MarketRoom, the
 * TradingService and ExitEngine on the wall clock, MirrorService to create the mirrors and one
 * MirrorEngine (lease 10 s, tick 1 s: the defaults) hosting the followers.
 *
 * The fills: SOURCES source models (rule models, permissive risk limits), each with one follower
 * (kind mirror, same capital, the default mirror: proportional sizing, IOC, 50 bps bound). Each
 * source cycles on its own symbol: open, scale in, reduce by that half, close (four fills a cycle,
 * a couple of thousand dollars, sides alternating by cycle), through the trading service as market
 * orders. The books are 20 levels of about $1M a side, refreshed every 100 ms: every order fills.
 *
 * Two phases per driver. First 200 fills one at a time (the next once the previous one's
 * execution is done): the engine's latency without any queueing. Then the flow, 10,000 fills at a
 * steady 150 per second (50 a source): the k-th is sent at k / rate s whatever the engine is doing
 * (a source's fills are chained, so they keep their order), except that no more than WINDOW fills
 * may await their execution: when the engine falls behind, the flow waits for it (counted as a
 * stall) and resumes at the rate, so the queue stays bounded and the latency is what a saturated
 * engine gives, not an ever-growing backlog. 150/s is what fits 10,000 fills on both drivers in
 * under three minutes; the flow stops at a time budget (70 s) when the machine cannot keep up, and
 * says so.
 *
 * Latency is what the execution rows say: from source_at (the source's outbox row, written by the
 * last statement before its commit) to sent_at (the follower's order handed to the trading
 * service) and to filled_at (the follower's order row updated with its fill, in the transaction
 * that commits it). Missed signals and duplicates are counted by the database: source position
 * events in the outbox without an execution row, rows vs distinct keys, and follower orders per
 * execution (their client id is derived from the execution's key).
 *
 * Where the time goes: the engine is given a database handle, a unit of work and a trading
 * service that time each of its calls (the code under test is unchanged), and the unit of work
 * splits each transaction into waiting for the single writer, its statements, and the outbox
 * write + commit. Per execution the engine does: intake (a read of the source's events, then one
 * statement inserting the executions, the first one already claimed when nothing else of the
 * mirror is waiting, and moving the cursor), a claim (update ... skip locked) only when something
 * was waiting, then sends: the trading service's order transaction, in which the execution's
 * outcome is recorded too (UnitOfWork.ride). The fallback steps (reading the order back and an
 * outcome transaction of its own) show only when an order was refused before any write.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { getTableName, sql, type SQL } from "drizzle-orm";
import type { BookUpdate, Level } from "../src/core/book.js";
import { systemClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS, findMarket, lotsToQuantity, type MarketSpec } from "../src/core/market.js";
import type { Side } from "../src/core/types.js";
import { placeOrderFromRow } from "../src/app/resting.js";
import { MirrorEngine } from "../src/copy/mirror-engine.js";
import { MirrorService } from "../src/copy/mirror-service.js";
import type { Db } from "../src/db/client.js";
import { UnitOfWork, type UnitContext, type UnitOptions } from "../src/db/unit-of-work.js";
import { EventBus } from "../src/events/bus.js";
import type { DomainEvent } from "../src/events/events.js";
import { defaultStartMid } from "../src/feeds/synthetic/index.js";
import { MarketRoom } from "../src/market/market-room.js";
import { ModelAccount } from "../src/trading/account.js";
import { ExitEngine } from "../src/trading/exit-engine.js";
import { restoreAccounts } from "../src/trading/restore.js";
import { TradingService } from "../src/trading/trading-service.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import { ADMIN_URL, openTestDatabase, type DriverName, type TestDatabase } from "../test/support/databases.js";
import { PERMISSIVE_LIMITS } from "../test/support/trading-harness.js";
import { int, ms, percentile, type Figure } from "./report.js";

/** The issue's goal: p99 from the source's commit to the follower's order sent. */
export const MIRRORS_SENT_P99_GOAL_MS = 25;

const SOURCES = 3;
/** Source fills per second in the flow. */
const DEFAULT_RATE = 150;
const LEVELS = 20;
/** Each source's position: about this many dollars at open, half as much again on the scale-in. */
const POSITION_USD = 2_000;
const BOOK_REFRESH_MS = 100;
const CAPITAL = "100000";
/** Source fills of the flow not yet executed, at most: beyond it the flow waits for the engine. */
const WINDOW = 12;
/** After the last source fill, the engine must have finished everything within this long. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Position events of a source: the signals a mirror turns into executions (src/copy/signal.ts). */
const SIGNAL_TYPES = ["PositionOpened", "PositionScaled", "PositionReduced", "PositionClosed", "ExitPlanUpdated"];

export interface MirrorsOptions {
  /** Source fills per driver. Default 10,000 (quick: 1,000). */
  fills?: number;
  /** Source fills per second, open-loop. Default DEFAULT_RATE. */
  rate?: number;
  /** The flow stops sending after this long (the run must stay within a few minutes on a loaded machine). Default 70 s (quick: 20 s). */
  budgetMs?: number;
  /** Fills sent one at a time first (the next once the previous one's execution is done). Default 200 (quick: 60). */
  closedFills?: number;
  drivers?: DriverName[];
  quick?: boolean;
}

interface Pcts {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function pcts(values: readonly number[]): Pcts {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), max: s[s.length - 1] ?? Number.NaN, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}

export interface DriverResult {
  driver: DriverName;
  skipped?: string;
  fills?: number;
  executions?: number;
  missed?: number;
  /** Execution rows minus distinct keys, and minus distinct (mirror, signal) pairs. */
  duplicateKeys?: number;
  duplicatePairs?: number;
  /** Executions with more than one follower order, the most any has, and follower orders that belong to no execution. */
  multiOrderExecutions?: number;
  maxOrdersPerExecution?: number;
  strayOrders?: number;
  /** Outcomes of the flow's executions: "state outcome (reason)" -> count. */
  outcomes?: Record<string, number>;
  /** One fill at a time (the engine without queueing), then the flow at the set rate. */
  closed?: PhaseResult;
  flow?: PhaseResult;
  sourceErrors?: number;
  elapsedMs?: number;
}

interface StepRow {
  step: string;
  calls: number;
  perExecution: number;
  p50: number;
  p99: number;
  /** Milliseconds per execution spent in this step, summed over its calls. */
  msPerExecution: number;
}

interface StepsHolder {
  current: Steps;
}

/** Durations of the engine's calls, by step. */
class Steps {
  private readonly byStep = new Map<string, number[]>();
  /** Time the single writer (the unit of work) spent in transactions, the sources' included. */
  writerBusyMs = 0;

  add(step: string, msTaken: number): void {
    let list = this.byStep.get(step);
    if (!list) this.byStep.set(step, (list = []));
    list.push(msTaken);
  }

  rows(executions: number): StepRow[] {
    return [...this.byStep]
      .map(([step, v]) => {
        const d = pcts(v);
        return { step, calls: v.length, perExecution: v.length / Math.max(1, executions), p50: d.p50, p99: d.p99, msPerExecution: (d.mean * v.length) / Math.max(1, executions) };
      })
      .sort((a, b) => b.msPerExecution - a.msPerExecution);
  }
}

const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * The app's unit of work, each transaction timed: waiting for the single writer (units run one at
 * a time), the unit's own statements, then the outbox write, commit and publish. Named by what the
 * unit emitted: the engine's finish (a MirrorExecuted event), a follower's order, a source's order.
 */
class TimedUnitOfWork extends UnitOfWork {
  private busyUntil = 0;

  constructor(
    db: Db,
    bus: EventBus,
    notify: boolean,
    writer: string,
    private readonly steps: StepsHolder,
    private readonly followers: Set<string>,
  ) {
    super(db, bus, notify, writer);
  }

  override run<T>(work: (tx: Parameters<Parameters<UnitOfWork["run"]>[0]>[0], ctx: UnitContext) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    const t0 = performance.now();
    let t1 = Number.NaN;
    let t2 = Number.NaN;
    const emitted: DomainEvent[] = [];
    // The unit's options go on: its group (group commit, and the rider that records a mirror execution's outcome in the follower order's transaction).
    const done = super.run(async (tx, ctx) => {
      t1 = performance.now();
      const value = await work(tx, { emit: (e) => (emitted.push(e), ctx.emit(e)), onCommit: (fn) => ctx.onCommit(fn) });
      t2 = performance.now();
      return value;
    }, options);
    const record = () => {
      const t3 = performance.now();
      if (Number.isNaN(t2)) return;
      // Units sharing one commit (group commit) overlap: count the time covered once.
      this.steps.current.writerBusyMs += Math.max(0, t3 - Math.max(t1, this.busyUntil));
      this.busyUntil = Math.max(this.busyUntil, t3);
      const name = this.name(emitted);
      if (name === null) return;
      this.steps.current.add(`${name}: wait for the writer`, t1 - t0);
      this.steps.current.add(`${name}: statements`, t2 - t1);
      this.steps.current.add(`${name}: ${name.startsWith("follower") ? "rider (the outcome) + " : ""}outbox + commit`, t3 - t2);
    };
    done.then(record, record);
    return done;
  }

  private name(events: DomainEvent[]): string | null {
    const mirror = events.some((e) => e.type === "MirrorExecuted");
    const follower = events.some((e) => e.type !== "MirrorExecuted" && e.modelId !== null && this.followers.has(e.modelId));
    // The rider's outcome is written after the unit's own statements (in "rider + outbox + commit"); its event is not seen here.
    if (follower) return "follower order tx (trading service)";
    if (mirror) return "outcome tx of its own (the fallback)";
    if (events.some((e) => e.type.startsWith("Position"))) return "source order tx (the source's own fill)";
    return null;
  }
}

/** The engine's database handle: every statement it sends is timed, named by what it reads or writes. */
function timedDb(db: Db, steps: StepsHolder): Db {
  const dialect = (db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string } } }).dialect;
  const nameOfSql = (q: SQL): string => {
    const text = dialect.sqlToQuery(q).sql;
    if (text.includes("with ins as")) return "intake: insert executions (first one claimed when idle), move the cursor";
    if (text.includes("state = 'claimed', claimed_by")) return "claim next: update ... for update skip locked";
    if (text.includes("lease_until < now()")) return "reclaim stale claims (update)";
    if (text.includes("count(*)::int as n")) return "reclaim: count live claims";
    return "lease round";
  };
  const names: Record<string, string> = {
    venue_orders: "fallback: read the follower's order by client id",
    fills: "fallback: average fill price (fills)",
    outbox: "intake: read the source's events (outbox)",
    mirrors: "lease round",
    models: "lease round",
    claim: "claim next / reclaim lapsed claims (update mirror_executions)",
    lease: "lease round",
  };
  const wrap = <T extends object>(target: T, label: { table?: string; ordered: boolean }): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v = Reflect.get(t, prop, t) as unknown;
        if (typeof v !== "function") return v;
        if (prop === "then") {
          return (onOk?: (x: unknown) => unknown, onError?: (e: unknown) => unknown) => {
            const t0 = performance.now();
            const name =
              label.table === "mirror_executions" ? (label.ordered ? "working executions (reaper read)" : "claim: read the claimed row") : (names[label.table ?? ""] ?? `read ${label.table ?? "?"}`);
            const record = () => steps.current.add(name, performance.now() - t0);
            return (v as (a: unknown, b: unknown) => Promise<unknown>).call(
              t,
              (x: unknown) => (record(), onOk ? onOk(x) : x),
              (e: unknown) => {
                record();
                if (onError) return onError(e);
                throw e;
              },
            );
          };
        }
        return (...args: unknown[]) => {
          if (prop === "from" && args[0] !== null && typeof args[0] === "object") {
            try {
              label.table = getTableName(args[0] as Parameters<typeof getTableName>[0]);
            } catch {
              label.table = "?";
            }
          }
          if (prop === "orderBy") label.ordered = true;
          const r = (v as (...a: unknown[]) => unknown).apply(t, args);
          if (r === t) return receiver;
          return r !== null && typeof r === "object" ? wrap(r, label) : r;
        };
      },
    });
  return new Proxy(db, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown;
      if (typeof v !== "function") return v;
      if (prop === "transaction") {
        return async (fn: (tx: unknown) => Promise<unknown>) => {
          const t0 = performance.now();
          try {
            return await (v as (f: unknown) => Promise<unknown>).call(t, fn);
          } finally {
            steps.current.add("intake: take in signals (transaction)", performance.now() - t0);
          }
        };
      }
      if (prop === "execute") {
        return async (q: SQL) => {
          const t0 = performance.now();
          try {
            return await (v as (x: SQL) => Promise<unknown>).call(t, q);
          } finally {
            steps.current.add(nameOfSql(q), performance.now() - t0);
          }
        };
      }
      if (prop === "select") return (...args: unknown[]) => wrap((v as (...a: unknown[]) => object).apply(t, args), { ordered: false });
      if (prop === "update") {
        return (table: Parameters<typeof getTableName>[0]) =>
          wrap((v as (x: unknown) => object).call(t, table), { table: getTableName(table) === "mirror_executions" ? "claim" : "lease", ordered: false });
      }
      return (v as (...a: unknown[]) => unknown).bind(t);
    },
  });
}

/** The trading service as the engine sees it: its order calls timed (the account lock, the writer queue and the transaction). */
function timedService(service: TradingService, steps: StepsHolder): TradingService {
  const timed = new Set(["openPosition", "reducePosition", "closePosition", "updateExitPlan"]);
  return new Proxy(service, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown;
      if (typeof v !== "function") return v;
      if (typeof prop === "string" && timed.has(prop)) {
        return async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          } finally {
            steps.current.add("send: trading service call, total", performance.now() - t0);
          }
        };
      }
      return (v as (...a: unknown[]) => unknown).bind(t);
    },
  });
}

/** A 20-level book around `mid` (ticks), a basis point between levels, about $1M a level. */
function deepBook(m: MarketSpec, mid: number, ts: number): BookUpdate {
  const step = Math.max(1, Math.round(mid / 10_000));
  const lots = Math.round((1_000_000 / (mid / 10 ** m.priceDecimals)) * 10 ** m.sizeDecimals);
  const side = (best: number, dir: 1 | -1): Level[] => Array.from({ length: LEVELS }, (_, i) => [best + dir * i * step, lots] as const);
  return { symbol: m.symbol, ts, kind: "snapshot", bids: side(mid - step, -1), asks: side(mid + step, 1) };
}

const sleep = (msToWait: number) => new Promise((r) => setTimeout(r, msToWait));
const rowsOf = <R>(r: unknown): R[] => (r as { rows: R[] }).rows;

interface Source {
  id: string;
  market: MarketSpec;
  lots: number;
  /** Fills sent so far: open, scale, reduce, close, then again on the other side. */
  sent: number;
}

/** What a phase's executions measured: latencies from the execution rows, and the engine's steps. */
interface PhaseResult {
  executions: number;
  sent: Pcts;
  filled: Pcts;
  /** Source commit -> its event published on the bus (outbox write to commit, then publish). */
  published: Pcts;
  /** Published -> the follower's order sent. */
  publishedToSent: Pcts;
  steps: StepRow[];
  /** The flow: fills per second achieved, and how long the engine needed after the last source fill. */
  achievedRate?: number;
  drainMs?: number;
  /** Time in transactions of the one unit of work (every writer of the process, sources included) per fill. */
  writerMsPerFill: number;
  /** One at a time: this process's CPU time per fill (source and mirror; PGlite's work included), and the wall time. */
  cpuMsPerFill?: number;
  wallMsPerFill?: number;
  /** Fills the flow was to send (it stops at the time budget), and how often it waited for the engine (WINDOW reached). */
  planned?: number;
  stalls?: number;
}

async function runDriver(driver: DriverName, fills: number, closedFills: number, rate: number, budgetMs: number): Promise<DriverResult> {
  let t: TestDatabase;
  try {
    t = await openTestDatabase(driver);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (driver === "postgres") return { driver, skipped: `PostgreSQL unreachable at ${ADMIN_URL} (${reason})` };
    throw error;
  }
  const started = performance.now();
  const db = t.database.db;
  const steps: StepsHolder = { current: new Steps() };
  const followers = new Set<string>();
  const host = `bench-${process.pid}-${randomUUID().slice(0, 8)}`;
  const bus = new EventBus();
  const uow = new TimedUnitOfWork(db, bus, driver === "postgres", host, steps, followers);
  const markets = DEFAULT_MARKETS;
  const room = new MarketRoom({ markets });
  const venue = new SimVenue({ markets, clock: systemClock }, room);
  const accounts = new Map<string, ModelAccount>();
  const service = new TradingService({ uow, venue, clock: systemClock, accounts, quote: (s) => room.quote(s), paper: venue });
  const exits = new ExitEngine({ service, uow, markets, now: () => systemClock.now() });
  room.onBook("exits", (u, q) => exits.onBook(u.symbol, q.bid, q.ask));
  venue.onOrderUpdate((r) => void service.onVenueUpdate(r));
  const mids = new Map(markets.map((m) => [m.symbol, defaultStartMid(m)]));
  const refresh = () => {
    for (const m of markets) room.apply(deepBook(m, mids.get(m.symbol)!, systemClock.now()));
  };
  refresh();
  const feed = setInterval(refresh, BOOK_REFRESH_MS);

  let engine: MirrorEngine | undefined;
  try {
    const loadAccounts = (ids: string[]) => restoreAccounts(db, markets, ids);
    const mirrorsApi = new MirrorService({
      db,
      now: () => systemClock.now(),
      createFollower: async (name, capital) => {
        const id = randomUUID();
        await service.createAccount({ id, name, kind: "mirror", strategy: "mirror", initialCapital: capital ?? CAPITAL, config: { risk: { ...PERMISSIVE_LIMITS } } });
        service.risk.setLimits(id, PERMISSIVE_LIMITS);
        return id;
      },
      positionsOf: () => Promise.resolve([]),
      releaseFollower: (id) => void service.unhost(id),
      changed: () => engine?.poke(),
    });
    engine = new MirrorEngine({
      db: timedDb(db, steps),
      uow,
      bus,
      service: timedService(service, steps),
      host,
      loadAccounts,
      restoreResting: (rows) => {
        for (const o of rows) {
          const placed = placeOrderFromRow(findMarket(markets, o.symbol)!, o);
          venue.restoreRestingOrder(placed.req, placed.filledLots, o.venueOrderId ?? undefined);
        }
      },
      sourceEquity: (id) => {
        const a = service.findAccount(id);
        return Promise.resolve(a ? service.figures(a).equity : 0n);
      },
      leaseMs: 10_000,
      tickMs: 1000,
    });

    const sources: Source[] = [];
    for (let i = 0; i < SOURCES; i++) {
      const id = randomUUID();
      await service.createAccount({ id, name: `source-${i}-${id.slice(0, 8)}`, kind: "rule", strategy: "manual", initialCapital: CAPITAL });
      service.risk.setLimits(id, PERMISSIVE_LIMITS);
      const market = markets[i % markets.length]!;
      const price = mids.get(market.symbol)! / 10 ** market.priceDecimals;
      // Even, so the scale-in (half) and the reduction (half) are whole lots.
      const lots = 2 * Math.ceil(((POSITION_USD / price) * 10 ** market.sizeDecimals) / 2);
      sources.push({ id, market, lots, sent: 0 });
      const m = await mirrorsApi.create({ sourceModelId: id, follower: { name: `follower-${i}-${id.slice(0, 8)}`, initialCapital: CAPITAL } });
      followers.add(m.followerModelId);
    }
    await engine.start();
    await engine.settle();
    if (engine.hostedMirrors().length !== SOURCES) throw new Error(`mirrors: the engine hosts ${engine.hostedMirrors().length} of ${SOURCES} mirrors`);
    const lastOutboxId = async () => rowsOf<{ id: number }>(await db.execute(sql`select coalesce(max(id), 0)::float8 as id from outbox`))[0]!.id;
    const startId = await lastOutboxId();

    // When each source position event was published on the bus (right after its commit), and which executions are done.
    const publishedAt = new Map<number, number>();
    const lastSignal = new Map<string, number>();
    const done = new Set<number>();
    /** Executions done (and source fills that failed), and who waits for the next one. */
    let finished = 0;
    let onFinished: (() => void) | null = null;
    const waiting = new Map<number, () => void>();
    const sourceIds = new Set(sources.map((s) => s.id));
    bus.subscribe((e) => {
      if (e.type === "position" && e.id !== undefined && e.modelId && sourceIds.has(e.modelId)) {
        publishedAt.set(e.id, wallNow());
        lastSignal.set(e.modelId, e.id);
      }
      if (e.event?.type === "MirrorExecuted" && e.event.execution.state === "done") {
        const signal = Number(e.event.execution.signalId);
        done.add(signal);
        finished++;
        waiting.get(signal)?.();
        onFinished?.();
        onFinished = null;
      }
    });
    const executed = (signal: number) =>
      new Promise<void>((resolve, reject) => {
        if (done.has(signal)) return resolve();
        const timer = setTimeout(() => reject(new Error(`mirrors: signal ${signal} not executed within 10 s`)), 10_000);
        waiting.set(signal, () => {
          clearTimeout(timer);
          waiting.delete(signal);
          resolve();
        });
      });

    let sourceErrors = 0;
    /** The source's next fill: open, scale in by half, reduce by that half, close; sides alternate by cycle. */
    const act = async (s: Source) => {
      const step = s.sent % 4;
      const side: Side = Math.floor(s.sent / 4) % 2 === 0 ? "LONG" : "SHORT";
      s.sent++;
      const symbol = s.market.symbol;
      try {
        if (step === 0) await service.openPosition(s.id, { symbol, side, quantity: lotsToQuantity(s.market, BigInt(s.lots)), leverage: "2" });
        else if (step === 1) await service.openPosition(s.id, { symbol, side, quantity: lotsToQuantity(s.market, BigInt(s.lots / 2)) });
        else if (step === 2) await service.reducePosition(s.id, symbol, s.lots / 2, "MANUAL");
        else await service.closePosition(s.id, symbol);
      } catch (error) {
        finished++; // no signal, no execution: it does not hold the flow's window
        if (sourceErrors++ === 0) console.log(`mirrors ${driver}: a source fill failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const settle = async (since: number): Promise<number> => {
      for (;;) {
        await engine!.settle();
        const [left] = rowsOf<{ n: number; behind: number }>(
          await db.execute(sql`
            select (select count(*) from mirror_executions where state in ('pending', 'claimed'))::int as n,
                   (select count(*) from mirrors m where m.signal_cursor < (select coalesce(max(o.id), 0) from outbox o where o.model_id = m.source_model_id))::int as behind`),
        );
        if (left!.n === 0 && left!.behind === 0) return performance.now() - since;
        if (performance.now() - since > SETTLE_TIMEOUT_MS) throw new Error(`mirrors: ${left!.n} executions still pending ${SETTLE_TIMEOUT_MS / 1000} s after the last source fill`);
        await sleep(20);
      }
    };
    const phase = async (fromId: number, toId: number, extra: Partial<PhaseResult> = {}): Promise<PhaseResult> => {
      const lat = rowsOf<{ signal: number; source: number; sent: number | null; filled: number | null }>(
        await db.execute(sql`
          select signal_id::float8 as signal, extract(epoch from source_at)::float8 * 1000 as source,
                 (extract(epoch from sent_at - source_at) * 1000)::float8 as sent,
                 (extract(epoch from filled_at - source_at) * 1000)::float8 as filled
          from mirror_executions where signal_id > ${fromId} and signal_id <= ${toId}`),
      );
      const published: number[] = [];
      const publishedToSent: number[] = [];
      for (const r of lat) {
        const p = publishedAt.get(r.signal);
        if (p === undefined) continue;
        published.push(p - r.source);
        if (r.sent !== null) publishedToSent.push(r.source + r.sent - p);
      }
      return {
        executions: lat.length,
        sent: pcts(lat.flatMap((r) => (r.sent === null ? [] : [r.sent]))),
        filled: pcts(lat.flatMap((r) => (r.filled === null ? [] : [r.filled]))),
        published: pcts(published),
        publishedToSent: pcts(publishedToSent),
        steps: steps.current.rows(lat.length),
        writerMsPerFill: steps.current.writerBusyMs / Math.max(1, lat.length),
        ...extra,
      };
    };

    // Closed loop: one fill at a time, the next once the follower's execution is done: the engine without queueing.
    steps.current = new Steps();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let k = 0; k < closedFills; k++) {
      const s = sources[k % SOURCES]!;
      const before = lastSignal.get(s.id);
      await act(s);
      const signal = lastSignal.get(s.id);
      if (signal !== undefined && signal !== before) await executed(signal);
    }
    const cpu = process.cpuUsage(cpu0);
    const closedWallMs = performance.now() - wall0;
    await settle(performance.now());
    const flowId = await lastOutboxId();
    const closed = await phase(startId, flowId, { cpuMsPerFill: (cpu.user + cpu.system) / 1000 / closedFills, wallMsPerFill: closedWallMs / closedFills });

    // The flow: a fill every 1/rate s, whatever the engine is doing (a source's fills are chained: they keep
    // their order), but never more than WINDOW without their execution done: when the engine falls behind,
    // the flow waits for it (counted) instead of queueing without bound, and resumes at the rate, without a burst.
    steps.current = new Steps();
    const chains = sources.map(() => Promise.resolve());
    const interval = 1000 / rate;
    const flowStart = performance.now();
    const finishedBefore = finished;
    let due = flowStart;
    let sent = 0;
    let stalls = 0;
    while (sent < fills && performance.now() - flowStart < budgetMs) {
      if (sent - (finished - finishedBefore) >= WINDOW) {
        stalls++;
        while (sent - (finished - finishedBefore) >= WINDOW && performance.now() - flowStart < budgetMs) await Promise.race([new Promise<void>((r) => (onFinished = r)), sleep(100)]);
        due = Math.max(due, performance.now());
        continue;
      }
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const i = sent % SOURCES;
      chains[i] = chains[i]!.then(() => act(sources[i]!));
      sent++;
      due = Math.max(due + interval, performance.now() - 5 * interval);
    }
    await Promise.all(chains);
    const flowEnd = performance.now();
    const drainMs = await settle(flowEnd);
    const flow = await phase(flowId, Number.MAX_SAFE_INTEGER, { achievedRate: (sent * 1000) / (flowEnd - flowStart), drainMs, planned: fills, stalls });

    const signalTypes = sql.join(
      SIGNAL_TYPES.map((x) => sql`${x}`),
      sql`, `,
    );
    const [counts] = rowsOf<{ fills: number; executions: number; missed: number; keys: number; pairs: number }>(
      await db.execute(sql`
        select
          (select count(*) from outbox o join mirrors m on m.source_model_id = o.model_id where o.id > ${startId} and o.type in (${signalTypes}))::int as fills,
          (select count(*) from mirror_executions)::int as executions,
          (select count(*) from outbox o join mirrors m on m.source_model_id = o.model_id
             where o.id > ${startId} and o.type in (${signalTypes})
               and not exists (select 1 from mirror_executions e where e.mirror_id = m.id and e.signal_id = o.id))::int as missed,
          (select count(distinct key) from mirror_executions)::int as keys,
          (select count(*) from (select distinct mirror_id, signal_id from mirror_executions) p)::int as pairs`),
    );
    // Follower orders grouped by the execution their client id was derived from (mx-<24 hex of sha256(key)>[-attempt]).
    const [orders] = rowsOf<{ multi: number; most: number; stray: number }>(
      await db.execute(sql`
        with o as (
          select left(v.client_order_id, 27) as base, count(*)::int as n
          from venue_orders v join mirrors m on m.follower_model_id = v.model_id group by 1),
        x as (select 'mx-' || left(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 24) as base from mirror_executions)
        select (select count(*) from x join o using (base) where o.n > 1)::int as multi,
               (select coalesce(max(o.n), 0) from x join o using (base))::int as most,
               (select count(*) from o where not exists (select 1 from x where x.base = o.base))::int as stray`),
    );
    const outcomes: Record<string, number> = {};
    for (const r of rowsOf<{ k: string; n: number }>(
      await db.execute(sql`select concat_ws(' ', state, outcome, '(' || reason || ')') as k, count(*)::int as n from mirror_executions where signal_id > ${flowId} group by 1 order by 2 desc`),
    ))
      outcomes[r.k] = r.n;
    return {
      driver,
      fills: counts!.fills,
      executions: counts!.executions,
      missed: counts!.missed,
      duplicateKeys: counts!.executions - counts!.keys,
      duplicatePairs: counts!.executions - counts!.pairs,
      multiOrderExecutions: orders!.multi,
      maxOrdersPerExecution: orders!.most,
      strayOrders: orders!.stray,
      outcomes,
      closed,
      flow,
      sourceErrors,
      elapsedMs: performance.now() - started,
    };
  } finally {
    clearInterval(feed);
    // Nothing may be in flight when the database closes (PGlite must not be closed mid-query).
    await engine?.stop();
    exits.stop();
    await exits.idle();
    await t.dispose();
  }
}

export async function runMirrorsBench(options: MirrorsOptions = {}): Promise<Figure[]> {
  const fills = options.fills ?? (options.quick ? 1_000 : 10_000);
  const closedFills = options.closedFills ?? (options.quick ? 60 : 200);
  const rate = options.rate ?? DEFAULT_RATE;
  const budgetMs = options.budgetMs ?? (options.quick ? 20_000 : 70_000);
  const drivers = options.drivers ?? ["pglite", "postgres"];
  console.log(
    `${int(fills)} source fills per driver at ${rate}/s (open-loop), after ${closedFills} one at a time; ${SOURCES} sources on ${DEFAULT_MARKETS.slice(0, SOURCES)
      .map((m) => m.symbol)
      .join("/")}, each with one follower (proportional, IOC, 50 bps bound) in one MirrorEngine; open, scale, reduce, close; books 20 levels x ~$1M`,
  );
  const results: DriverResult[] = [];
  for (const driver of drivers) {
    const r = await runDriver(driver, fills, closedFills, rate, budgetMs);
    results.push(r);
    if (r.skipped) console.log(`mirrors ${driver}: SKIPPED, ${r.skipped}`);
    else console.log(`mirrors ${driver}: done in ${((r.elapsedMs ?? 0) / 1000).toFixed(1)} s`);
  }

  const ran = results.filter((r) => !r.skipped);
  const table: Record<string, Record<string, string>> = {};
  const row = (name: string, f: (r: DriverResult) => string) => {
    table[name] = Object.fromEntries(results.map((r) => [r.driver, r.skipped ? "skipped" : f(r)]));
  };
  const four = (d: Pcts) => `${d.p50.toFixed(1)} / ${d.p95.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(1)}`;
  row("source fills (position events in the outbox)", (r) => int(r.fills!));
  row("executions", (r) => int(r.executions!));
  row("missed: events without an execution (goal 0)", (r) => String(r.missed));
  row("duplicates: rows - distinct keys, - distinct (mirror, signal)", (r) => `${r.duplicateKeys}, ${r.duplicatePairs}`);
  row("executions with > 1 follower order (most orders)", (r) => `${r.multiOrderExecutions} (${r.maxOrdersPerExecution})`);
  row("follower orders of no execution", (r) => String(r.strayOrders));
  row("source fills that failed", (r) => String(r.sourceErrors));
  row(
    `flow: fills sent at ${rate}/s (achieved)`,
    (r) =>
      `${int(r.flow!.executions)} of ${int(r.flow!.planned!)} (${r.flow!.achievedRate!.toFixed(0)}/s)${r.flow!.executions < r.flow!.planned! ? ", time budget reached" : ""}${r.flow!.achievedRate! < 0.95 * rate && r.flow!.stalls === 0 ? ", this process could not keep the pace" : ""}`,
  );
  row(`flow: waited for the engine (${WINDOW} fills without execution)`, (r) => `${r.flow!.stalls} times`);
  const outcomeKeys = [...new Set(ran.flatMap((r) => Object.keys(r.outcomes!)))];
  for (const k of outcomeKeys) row(`flow outcome: ${k}`, (r) => String(r.outcomes![k] ?? 0));
  row(`flow: commit -> order sent, ms p50/p95/p99/max (goal p99 < ${MIRRORS_SENT_P99_GOAL_MS})`, (r) => four(r.flow!.sent));
  row("flow: commit -> fill committed, ms p50/p95/p99/max", (r) => four(r.flow!.filled));
  row("flow:   commit -> event published, ms p50/p95/p99/max", (r) => four(r.flow!.published));
  row("flow:   published -> order sent, ms p50/p95/p99/max", (r) => four(r.flow!.publishedToSent));
  row("flow: engine done after the last source fill", (r) => ms(r.flow!.drainMs!, 0));
  row(`one at a time (${closedFills}): commit -> sent, ms p50/p95/p99/max`, (r) => four(r.closed!.sent));
  row("one at a time: commit -> fill committed, ms p50/p95/p99/max", (r) => four(r.closed!.filled));
  row(
    "one at a time: wall / this process's CPU per fill (source + mirror)",
    (r) => `${ms(r.closed!.wallMsPerFill!, 1)} / ${ms(r.closed!.cpuMsPerFill!, 1)} (CPU: <= ${int(1000 / r.closed!.cpuMsPerFill!)}/s)`,
  );
  row(
    "the writer (one unit of work) in transactions per fill: one at a time / flow",
    (r) => `${ms(r.closed!.writerMsPerFill, 1)} / ${ms(r.flow!.writerMsPerFill, 1)} (<= ${int(1000 / r.flow!.writerMsPerFill)}/s)`,
  );
  console.table(table);

  for (const r of ran) {
    console.log(
      `mirrors ${r.driver}: the engine's calls, one at a time and in the flow (ms/exec: summed over the calls, per execution; "wait for the writer": queued behind other transactions; the send includes the follower order's transaction)`,
    );
    const closedSteps = new Map(r.closed!.steps.map((s) => [s.step, s]));
    const order = [...r.flow!.steps, ...r.closed!.steps.filter((s) => !r.flow!.steps.some((f) => f.step === s.step))];
    console.table(
      Object.fromEntries(
        order.map((x) => {
          const c = closedSteps.get(x.step);
          const f = r.flow!.steps.find((y) => y.step === x.step);
          const cell = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(2));
          return [
            x.step,
            {
              "1 at a time: calls/exec": cell(c?.perExecution),
              "ms/exec": cell(c?.msPerExecution),
              p50: cell(c?.p50),
              "flow: calls/exec": cell(f?.perExecution),
              "flow ms/exec": cell(f?.msPerExecution),
              "flow p50": cell(f?.p50),
              "flow p99": cell(f?.p99),
            },
          ];
        }),
      ),
    );
  }

  return results.flatMap((r): Figure[] => {
    if (r.skipped)
      return [{ benchmark: "mirrors", figure: `${r.driver}: p99 source commit -> follower order sent`, measured: `skipped (${r.skipped})`, goal: `< ${MIRRORS_SENT_P99_GOAL_MS} ms`, met: undefined }];
    const f = r.flow!;
    const dupes = r.duplicateKeys! + r.duplicatePairs! + r.multiOrderExecutions! + r.strayOrders!;
    return [
      {
        benchmark: "mirrors",
        figure: `${r.driver}: p99 source commit -> follower order sent, ${int(f.executions)} fills at ${f.achievedRate!.toFixed(0)}/s${f.stalls! > 0 ? ` (waited ${f.stalls} times for the engine)` : ""}${f.executions < f.planned! ? ` (time budget: ${int(f.executions)} of ${int(f.planned!)})` : ""} (p50 ${ms(f.sent.p50, 1)}, p95 ${ms(f.sent.p95, 1)}; to fill committed p50 ${ms(f.filled.p50, 1)}, p99 ${ms(f.filled.p99, 1)}; one at a time p99 ${ms(r.closed!.sent.p99, 1)})`,
        measured: ms(f.sent.p99, 1),
        goal: `< ${MIRRORS_SENT_P99_GOAL_MS} ms`,
        met: f.sent.p99 < MIRRORS_SENT_P99_GOAL_MS,
      },
      {
        benchmark: "mirrors",
        figure: `${r.driver}: ${int(r.fills!)} fills -> ${int(r.executions!)} executions, missed / duplicates`,
        measured: `${r.missed} / ${dupes}`,
        goal: "0 / 0",
        met: r.missed === 0 && dupes === 0,
      },
    ];
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  await runMirrorsBench({
    quick: process.argv.includes("--quick"),
    ...(arg("--fills") ? { fills: Number(arg("--fills")) } : {}),
    ...(arg("--rate") ? { rate: Number(arg("--rate")) } : {}),
    ...(arg("--closed") ? { closedFills: Number(arg("--closed")) } : {}),
    ...(arg("--drivers") ? { drivers: arg("--drivers")!.split(",") as DriverName[] } : {}),
  });
}
