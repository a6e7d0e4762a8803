import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ledger, models, orders, venueOrders } from "../db/schema.js";
import { parseScaled } from "../core/decimal.js";
import { findMarket, notional, priceToTicks, type MarketSpec } from "../core/market.js";
import { initialMargin } from "../core/leverage.js";
import { usd, type Micro } from "../core/money.js";
import { ModelAccount } from "./account.js";
import { planFromJson } from "./exit-plan.js";
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
export async function restoreAccounts(db: Db, markets: readonly MarketSpec[]): Promise<RestoredState> {
  const accounts = new Map<string, ModelAccount>();
  const modelRows = await db.select().from(models);
  const sums = await db
    .select({
      modelId: ledger.modelId,
      kind: ledger.kind,
      total: sql<string>`sum(${ledger.amount})::text`,
    })
    .from(ledger)
    .where(sql`${ledger.id} > coalesce((select max(r.id) from ${ledger} r where r.model_id = ${ledger.modelId} and r.kind = 'RESET'), 0)`)
    .groupBy(ledger.modelId, ledger.kind);
  const byModel = new Map<string, Partial<Record<string, Micro>>>();
  for (const s of sums) {
    const m = byModel.get(s.modelId) ?? {};
    m[s.kind] = usd(s.total);
    byModel.set(s.modelId, m);
  }
  for (const row of modelRows) {
    const s = byModel.get(row.id) ?? {};
    accounts.set(row.id, new ModelAccount(row.id, usd(row.initialCapital), s.REALIZED_PNL ?? 0n, -(s.FEE ?? 0n)));
  }

  const open = await db.select().from(orders).where(eq(orders.status, "OPEN"));
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
  }

  // Cooldowns still running: the latest closed position per model and symbol.
  const cooling = await db.execute<{ model_id: string; symbol: string; until: string }>(sql`
    select distinct on (model_id, symbol) model_id, symbol, exit_plan->>'cooldownUntil' as until
    from ${orders} where status = 'CLOSED' and parent_id is null order by model_id, symbol, closed_at desc`);
  for (const r of (cooling as unknown as { rows: Array<{ model_id: string; symbol: string; until: string | null }> }).rows) {
    const until = r.until ? Date.parse(r.until) : NaN;
    if (Number.isFinite(until)) accounts.get(r.model_id)?.cooldowns.set(r.symbol, until);
  }

  const live = await db.select().from(venueOrders).where(inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED", "PENDING", "UNKNOWN"]));
  const resting = live.filter((o) => (o.status === "OPEN" || o.status === "PARTIALLY_FILLED") && o.type === "LIMIT");
  for (const o of resting) {
    const market = findMarket(markets, o.symbol);
    const account = accounts.get(o.modelId);
    if (!market || !account || o.purpose !== "OPEN" || !o.price) continue;
    // Resting entry orders hold margin, as they did before the restart.
    const rest = parseScaled(o.quantity, market.sizeDecimals) - parseScaled(o.filledQuantity, market.sizeDecimals);
    account.orderMargin.set(o.clientOrderId, initialMargin(notional(market, priceToTicks(market, o.price), rest), Number(parseScaled(o.leverage, 2))));
  }
  return {
    accounts,
    restingOrders: resting,
    unacknowledged: live.filter((o) => o.status === "PENDING" || o.status === "UNKNOWN"),
  };
}

/** Marks orders the venue never saw as canceled, with the reason; nothing is assumed filled. */
export async function closeUnacknowledged(db: Db, ids: string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await db.update(venueOrders).set({ status: "CANCELED", reason, updatedAt: new Date() }).where(and(inArray(venueOrders.id, ids), inArray(venueOrders.status, ["PENDING", "UNKNOWN"])));
}
