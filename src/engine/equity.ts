import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { equitySnapshots } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { formatUsd } from "../core/money.js";
import type { TradingService } from "../trading/trading-service.js";
import type { EquityWindow } from "../server/services.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Equity history: a snapshot per model every minute; minute rows older than a day are rolled
 * up to the last value of each hour, hourly rows older than 30 days to the last of each day.
 */
export class EquityRecorder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly service: TradingService,
    private readonly now: () => number,
  ) {}

  /** Writes this minute's snapshot of every account and emits an `account` event for each. */
  async snapshot(): Promise<void> {
    const ts = new Date(Math.floor(this.now() / MINUTE) * MINUTE);
    await this.uow.run(async (tx, ctx) => {
      for (const account of this.service.accounts.values()) {
        const f = this.service.figures(account);
        const row = { modelId: account.modelId, resolution: "1m" as const, ts, equity: formatUsd(f.equity), cash: formatUsd(f.cash), unrealizedPnl: formatUsd(f.unrealizedPnl) };
        await tx
          .insert(equitySnapshots)
          .values(row)
          .onConflictDoUpdate({ target: [equitySnapshots.modelId, equitySnapshots.resolution, equitySnapshots.ts], set: { equity: row.equity, cash: row.cash, unrealizedPnl: row.unrealizedPnl } });
        ctx.emit({ type: "account", modelId: account.modelId, data: { modelId: account.modelId, ts: ts.toISOString(), ...figuresView(f, account.initialCapital) } });
      }
    });
  }

  async rollUp(): Promise<void> {
    const now = this.now();
    await this.uow.run(async (tx) => {
      await rollUpTo(tx, "1m", "1h", "hour", new Date(Math.floor((now - DAY) / HOUR) * HOUR));
      await rollUpTo(tx, "1h", "1d", "day", new Date(Math.floor((now - 30 * DAY) / DAY) * DAY));
    });
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

export async function equityHistory(db: Db, modelId: string, window: EquityWindow, now: number) {
  const span = WINDOWS[window];
  const where = span === null ? eq(equitySnapshots.modelId, modelId) : and(eq(equitySnapshots.modelId, modelId), gte(equitySnapshots.ts, new Date(now - span)));
  return db.select({ ts: equitySnapshots.ts, equity: equitySnapshots.equity }).from(equitySnapshots).where(where).orderBy(asc(equitySnapshots.ts));
}

export function figuresView(f: ReturnType<TradingService["figures"]>, initialCapital: bigint) {
  const returnBp = initialCapital > 0n ? Number(((f.equity - initialCapital) * 1_000_000n) / initialCapital) / 10_000 : 0;
  return {
    cash: formatUsd(f.cash),
    equity: formatUsd(f.equity),
    unrealizedPnl: formatUsd(f.unrealizedPnl),
    realizedPnl: formatUsd(f.realizedPnl),
    fees: formatUsd(f.fees),
    marginUsed: formatUsd(f.marginUsed),
    available: formatUsd(f.available),
    returnPct: returnBp,
  };
}
