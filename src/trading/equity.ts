import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { insertRows, jsonValue, type TableKeys } from "../db/json-rows.js";
import { equitySnapshots } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { formatUsd } from "../core/money.js";
import type { EquityPoint } from "../core/metrics.js";
import type { TradingService } from "./trading-service.js";
import type { EquityWindow } from "./contracts.js";
import { events, type DomainEvent } from "../events/events.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Rows per statement (one jsonb parameter): a few thousand keep each statement small. */
const SNAPSHOT_BATCH = 5000;

/**
 * Equity history: a snapshot per model every minute; minute rows older than a day are rolled
 * up to the last value of each hour, hourly rows older than 30 days to the last of each day.
 */
export class EquityRecorder {
  /** Rounds taken but not written yet (hold() > 1): rows by model and minute (a later round wins), events in order. */
  private held: HeldRounds | null = null;
  private holdRounds = 1;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly service: TradingService,
    private readonly now: () => number,
  ) {}

  /**
   * Takes this minute's snapshot of every account: one row each (a second snapshot in the same
   * minute overwrites the first) and an `account` event each. The figures are read in the unit of
   * work's order, after every change queued before the call, and written in one statement with
   * the events in the same transaction, or kept to be written with later rounds (see hold()).
   */
  async snapshot(): Promise<void> {
    const ts = new Date(Math.floor(this.now() / MINUTE) * MINUTE);
    if (this.holdRounds <= 1) {
      await this.uow.run(async (tx, ctx) => {
        const round = this.round(ts);
        for (const e of round.events) ctx.emit(e);
        await writeRows(tx, round.rows);
      });
      return;
    }
    // The same place in the order of changes as a round written at once, without a transaction.
    const full = await this.uow.turn(() => {
      const round = this.round(ts);
      const held: HeldRounds = (this.held ??= { rows: new Map(), events: [], rounds: 0 });
      for (const row of round.rows) held.rows.set(`${row.modelId}/${row.ts.getTime()}`, row);
      held.events.push(...round.events);
      return ++held.rounds >= this.holdRounds;
    });
    if (full) await this.flush();
  }

  /**
   * Keeps up to `rounds` snapshot rounds in memory and writes them together in one unit of work,
   * rows and events exactly as rounds written one by one would have left them (only later). For a
   * run in which nothing reads the snapshots before it ends (a backtest of rule models), where a
   * round a minute is most of the database's work; call flush() at the end. 1 (the default)
   * writes each round at once.
   */
  hold(rounds: number): void {
    if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a whole number of at least 1, got ${rounds}`);
    this.holdRounds = rounds;
  }

  /** Writes the rounds kept so far (nothing when none is kept). */
  async flush(): Promise<void> {
    await this.uow.run(async (tx, ctx) => {
      const held = this.held;
      this.held = null;
      if (!held) return;
      for (const e of held.events) ctx.emit(e);
      await writeRows(tx, [...held.rows.values()]);
    });
  }

  private round(ts: Date): { rows: SnapshotRow[]; events: DomainEvent[] } {
    const rows: SnapshotRow[] = [];
    const emitted: DomainEvent[] = [];
    for (const account of this.service.accounts.values()) {
      const f = this.service.figures(account);
      rows.push({ modelId: account.modelId, resolution: "1m", ts, equity: formatUsd(f.equity), cash: formatUsd(f.cash), unrealizedPnl: formatUsd(f.unrealizedPnl) });
      emitted.push(events.equitySnapshotted({ modelId: account.modelId, ts: ts.toISOString(), figures: figuresView(f, account.initialCapital) }));
    }
    return { rows, events: emitted };
  }

  /** Rolls the old rows up; returns the time before which rows may have changed (for CurveWindow.rolledUp). */
  async rollUp(): Promise<Date> {
    const now = this.now();
    const hours = new Date(Math.floor((now - DAY) / HOUR) * HOUR);
    await this.uow.run(async (tx) => {
      await rollUpTo(tx, "1m", "1h", "hour", hours);
      await rollUpTo(tx, "1h", "1d", "day", new Date(Math.floor((now - 30 * DAY) / DAY) * DAY));
    });
    return hours;
  }
}

type SnapshotRow = typeof equitySnapshots.$inferInsert & { ts: Date };
interface HeldRounds {
  rows: Map<string, SnapshotRow>;
  events: DomainEvent[];
  rounds: number;
}

const SNAPSHOT_KEYS: TableKeys<typeof equitySnapshots> = ["modelId", "resolution", "ts", "equity", "cash", "unrealizedPnl"];

/** Snapshot rows in a few statements, each rows as one jsonb parameter (a row per model and minute: no row twice in one statement). */
async function writeRows(tx: Tx, rows: readonly SnapshotRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SNAPSHOT_BATCH) {
    await tx.execute(sql`
      ${insertRows(equitySnapshots, SNAPSHOT_KEYS, rows.slice(i, i + SNAPSHOT_BATCH))}
      on conflict (model_id, resolution, ts) do update set equity = excluded.equity, cash = excluded.cash, unrealized_pnl = excluded.unrealized_pnl`);
  }
}

async function rollUpTo(tx: Pick<Db, "execute">, from: string, to: string, unit: "hour" | "day", before: Date): Promise<void> {
  const cutoff = before.toISOString();
  // The unit is one of two literals from this file; inlined so every date_trunc is the same expression.
  const u = sql.raw(`'${unit}'`);
  await tx.execute(sql`
    insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl)
    select distinct on (model_id, date_trunc(${u}, ts at time zone 'UTC'))
      model_id, ${to}, date_trunc(${u}, ts at time zone 'UTC') at time zone 'UTC', equity, cash, unrealized_pnl
    from equity_snapshots
    where resolution = ${from} and ts < ${cutoff}::timestamptz
    order by model_id, date_trunc(${u}, ts at time zone 'UTC'), ts desc
    on conflict do nothing`);
  await tx.execute(sql`delete from equity_snapshots where resolution = ${from} and ts < ${cutoff}::timestamptz`);
}

const WINDOWS: Record<EquityWindow, number | null> = { "1h": HOUR, "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY, all: null };

/** A window's span in ms; null for "all". */
export function windowSpan(window: EquityWindow): number | null {
  return WINDOWS[window];
}

/** Where a window starts: `now` minus its span, the epoch for "all". */
export function windowStart(window: EquityWindow, now: number): Date {
  const span = windowSpan(window);
  return new Date(span === null ? 0 : now - span);
}

export async function equityHistory(db: Db, modelId: string, window: EquityWindow, now: number) {
  const span = WINDOWS[window];
  const where = span === null ? eq(equitySnapshots.modelId, modelId) : and(eq(equitySnapshots.modelId, modelId), gte(equitySnapshots.ts, new Date(now - span)));
  return db.select({ ts: equitySnapshots.ts, equity: equitySnapshots.equity }).from(equitySnapshots).where(where).orderBy(asc(equitySnapshots.ts));
}

/** A snapshot with its equity as the stored decimal text (exact, for display and sums). */
export interface ExactEquityPoint {
  ts: number;
  equity: string;
}

/**
 * Every model's equity curve since `since` (before `before` when given; only `modelId`'s when
 * given), oldest point first, in ONE query whatever the number of models: one row per model with
 * its points aggregated as JSON, the equity as the stored decimal text (exact, for answers that
 * show or compare money).
 */
export async function exactEquityCurves(db: Db, since: Date, only: { modelId?: string; before?: Date } = {}): Promise<Map<string, ExactEquityPoint[]>> {
  const rows = await db
    .select({
      modelId: equitySnapshots.modelId,
      ts: sql<unknown>`json_agg(floor(extract(epoch from ${equitySnapshots.ts}) * 1000)::bigint order by ${equitySnapshots.ts}, ${equitySnapshots.resolution})`,
      equity: sql<unknown>`json_agg(${equitySnapshots.equity}::text order by ${equitySnapshots.ts}, ${equitySnapshots.resolution})`,
    })
    .from(equitySnapshots)
    .where(
      and(
        gte(equitySnapshots.ts, since),
        only.before === undefined ? undefined : lt(equitySnapshots.ts, only.before),
        only.modelId === undefined ? undefined : eq(equitySnapshots.modelId, only.modelId),
      ),
    )
    .groupBy(equitySnapshots.modelId);
  const out = new Map<string, ExactEquityPoint[]>();
  for (const row of rows) {
    const ts = jsonValue(row.ts) as number[];
    const equity = jsonValue(row.equity) as string[];
    out.set(
      row.modelId,
      ts.map((t, i) => ({ ts: Number(t), equity: equity[i]! })),
    );
  }
  return out;
}

/** The same curves with equity as a number, for the ratios (Sharpe, drawdown): exactly `Number` of the stored text. */
export async function equityCurves(db: Db, since: Date, modelId?: string): Promise<Map<string, EquityPoint[]>> {
  const exact = await exactEquityCurves(db, since, modelId === undefined ? {} : { modelId });
  return new Map([...exact].map(([id, curve]) => [id, curve.map((p) => ({ ts: p.ts, equity: Number(p.equity) }))]));
}

/** Percent change from `start` to `end` in micro-dollars, to 4 decimals; 0 without a positive start. */
export function returnPct(end: bigint, start: bigint): number {
  return start > 0n ? Number(((end - start) * 1_000_000n) / start) / 10_000 : 0;
}

export function figuresView(f: ReturnType<TradingService["figures"]>, initialCapital: bigint) {
  return {
    cash: formatUsd(f.cash),
    equity: formatUsd(f.equity),
    unrealizedPnl: formatUsd(f.unrealizedPnl),
    realizedPnl: formatUsd(f.realizedPnl),
    fees: formatUsd(f.fees),
    funding: formatUsd(f.funding),
    marginUsed: formatUsd(f.marginUsed),
    available: formatUsd(f.available),
    returnPct: returnPct(f.equity, initialCapital),
  };
}
