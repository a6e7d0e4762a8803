import { and, eq, inArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { equitySnapshots, ledger, models, orders, venueOrders } from "../db/schema.js";
import { parseScaled } from "../core/decimal.js";
import { findMarket, notional, priceToTicks, type MarketSpec } from "../core/market.js";
import { initialMargin } from "../core/leverage.js";
import { usd, type Micro } from "../core/money.js";
import type { Side } from "../core/types.js";
import { ModelAccount } from "./account.js";
import { planFromJson } from "./exit-plan.js";
import { utcDay } from "./risk/risk-engine.js";
import type { VenueOrderRow } from "./order-recorder.js";

export interface RestoredState {
  accounts: Map<string, ModelAccount>;
  /** Resting orders to put back on the simulator's book. */
  restingOrders: VenueOrderRow[];
  /** Orders written but never acknowledged (the process died in between): to reconcile. */
  unacknowledged: VenueOrderRow[];
}

/**
 * Rebuilds every account from the database alone: cash, realized P&L and fees from the
 * ledger (since the last reset), positions and exit plans from the OPEN rows. After a
 * restart the equity of every account is exactly what it was.
 */
export async function restoreAccounts(db: Db, markets: readonly MarketSpec[], only?: readonly string[]): Promise<RestoredState> {
  const accounts = new Map<string, ModelAccount>();
  // `only`: just these accounts (a follower a mirror worker takes over), read the same way.
  const modelRows =
    only === undefined
      ? await db.select().from(models)
      : only.length === 0
        ? []
        : await db
            .select()
            .from(models)
            .where(inArray(models.id, [...only]));
  if (only !== undefined && modelRows.length === 0) return { accounts, restingOrders: [], unacknowledged: [] };
  // With `only`, every read below is limited to those accounts (a worker taking one over reads one).
  const ids = modelRows.map((r) => r.id);
  const mine = (column: SQL | AnyColumn) =>
    only === undefined
      ? sql`true`
      : sql`${column} in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`;
  const sums = await db
    .select({
      modelId: ledger.modelId,
      kind: ledger.kind,
      total: sql<string>`sum(${ledger.amount})::text`,
    })
    .from(ledger)
    .where(sql`${mine(ledger.modelId)} and ${ledger.id} > coalesce((select max(r.id) from ${ledger} r where r.model_id = ${ledger.modelId} and r.kind = 'RESET'), 0)`)
    .groupBy(ledger.modelId, ledger.kind);
  const byModel = new Map<string, Partial<Record<string, Micro>>>();
  for (const s of sums) {
    const m = byModel.get(s.modelId) ?? {};
    m[s.kind] = usd(s.total);
    byModel.set(s.modelId, m);
  }
  for (const row of modelRows) {
    const s = byModel.get(row.id) ?? {};
    const account = new ModelAccount(row.id, usd(row.initialCapital), s.REALIZED_PNL ?? 0n, -(s.FEE ?? 0n));
    account.funding = s.FUNDING ?? 0n;
    account.adjustments = s.RECONCILIATION ?? 0n;
    accounts.set(row.id, account);
  }

  const open = await db
    .select()
    .from(orders)
    .where(and(eq(orders.status, "OPEN"), mine(orders.modelId)));
  for (const row of open) {
    const account = accounts.get(row.modelId);
    const market = findMarket(markets, row.symbol);
    if (!account || !market) continue;
    account.positions.set(market.symbol, {
      id: row.id,
      modelId: row.modelId,
      state: {
        symbol: market.symbol,
        side: row.side,
        lots: parseScaled(row.quantity, market.sizeDecimals),
        cost: usd(row.entryCost),
        entryFees: usd(row.entryFees),
        leverage: Number(parseScaled(row.leverage, 2)),
      },
      plan: planFromJson(market, row.exitPlan),
      openedAt: row.openedAt.getTime(),
      entryClientOrderId: row.entryClientOrderId,
    });
    const funding = usd(row.funding);
    if (funding !== 0n) account.positionFunding.set(row.id, funding);
  }

  // The latest closed position per model and symbol: its exit-plan cooldown, and its side and
  // time for the risk engine's flip cooldown.
  const lastClosed = await db.execute(sql`
    select distinct on (model_id, symbol) model_id, symbol, side, exit_plan->>'cooldownUntil' as until,
      floor(extract(epoch from closed_at) * 1000)::text as closed_ms
    from ${orders} where status = 'CLOSED' and parent_id is null and ${mine(sql`model_id`)} order by model_id, symbol, closed_at desc`);
  for (const r of rowsOf<{ model_id: string; symbol: string; side: Side; until: string | null; closed_ms: string | null }>(lastClosed)) {
    const account = accounts.get(r.model_id);
    const until = r.until ? Date.parse(r.until) : NaN;
    if (Number.isFinite(until)) account?.cooldowns.set(r.symbol, until);
    if (r.closed_ms !== null) account?.lastClosed.set(r.symbol, { side: r.side, closedAt: Number(r.closed_ms) });
  }

  // The daily loss breaker's reference survives a restart: the first equity snapshot of the
  // latest day with snapshots (after the last reset); the risk engine uses it only on that day.
  const dayStarts = await db.execute(sql`
    select distinct on (s.model_id) s.model_id, floor(extract(epoch from s.ts) * 1000)::text as ts_ms, s.equity::text as equity
    from ${equitySnapshots} s
    where s.resolution = '1m' and ${mine(sql`s.model_id`)}
      and s.ts >= (select date_trunc('day', max(x.ts) at time zone 'UTC') at time zone 'UTC' from ${equitySnapshots} x where x.model_id = s.model_id and x.resolution = '1m')
      and s.ts > coalesce((select max(l.created_at) from ${ledger} l where l.model_id = s.model_id and l.kind = 'RESET'), '-infinity'::timestamptz)
    order by s.model_id, s.ts asc`);
  for (const r of rowsOf<{ model_id: string; ts_ms: string; equity: string }>(dayStarts)) {
    const account = accounts.get(r.model_id);
    if (account) account.dayStart = { day: utcDay(Number(r.ts_ms)), equity: usd(r.equity) };
  }

  const live = await db
    .select()
    .from(venueOrders)
    .where(and(inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED", "PENDING", "UNKNOWN"]), mine(venueOrders.modelId)));
  const resting = live.filter((o) => accounts.has(o.modelId) && (o.status === "OPEN" || o.status === "PARTIALLY_FILLED") && o.type === "LIMIT");
  for (const o of resting) {
    const market = findMarket(markets, o.symbol);
    const account = accounts.get(o.modelId);
    if (!market || !account || o.purpose !== "OPEN" || !o.price) continue;
    // Resting entry orders hold margin, as they did before the restart.
    const rest = parseScaled(o.quantity, market.sizeDecimals) - parseScaled(o.filledQuantity, market.sizeDecimals);
    const restNotional = notional(market, priceToTicks(market, o.price), rest);
    account.resting.set(o.clientOrderId, { symbol: market.symbol, notional: restNotional, margin: initialMargin(restNotional, Number(parseScaled(o.leverage, 2))) });
  }
  return {
    accounts,
    restingOrders: resting,
    unacknowledged: live.filter((o) => accounts.has(o.modelId) && (o.status === "PENDING" || o.status === "UNKNOWN")),
  };
}

/** The rows of a raw query on either driver (both answer `{ rows }`). */
function rowsOf<R>(result: unknown): R[] {
  return (result as { rows: R[] }).rows;
}
