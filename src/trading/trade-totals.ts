import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { usd } from "../core/money.js";
import type { TradeTotals } from "../core/metrics.js";
import type { Db } from "../db/client.js";
import { orders } from "../db/schema.js";

export const NO_TRADES: TradeTotals = { trades: 0, wins: 0, grossProfit: 0n, grossLoss: 0n, total: 0n };

/**
 * The closed-trade totals of every model (or only those of `modelIds`; only trades closed at or
 * after `since`), with the fees those trades paid, summed exactly by the database in one
 * query: one row per model however many trades it has.
 */
export async function tradeTotalsByModel(db: Db, only: { modelIds?: readonly string[]; since?: Date } = {}): Promise<Map<string, TradeTotals & { fees: bigint }>> {
  const pnl = sql`coalesce(${orders.realizedPnl}, 0)`;
  const rows = await db
    .select({
      modelId: orders.modelId,
      trades: sql<number>`count(*)`.mapWith(Number),
      wins: sql<number>`count(*) filter (where ${pnl} > 0)`.mapWith(Number),
      grossProfit: sql<string>`coalesce(sum(${pnl}) filter (where ${pnl} > 0), 0)::text`,
      grossLoss: sql<string>`coalesce(-sum(${pnl}) filter (where ${pnl} < 0), 0)::text`,
      total: sql<string>`coalesce(sum(${pnl}), 0)::text`,
      fees: sql<string>`coalesce(sum(${orders.fees}), 0)::text`,
    })
    .from(orders)
    .where(
      and(eq(orders.status, "CLOSED"), only.modelIds === undefined ? undefined : inArray(orders.modelId, [...only.modelIds]), only.since === undefined ? undefined : gte(orders.closedAt, only.since)),
    )
    .groupBy(orders.modelId);
  return new Map(rows.map((r) => [r.modelId, { trades: r.trades, wins: r.wins, grossProfit: usd(r.grossProfit), grossLoss: usd(r.grossLoss), total: usd(r.total), fees: usd(r.fees) }]));
}
