import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { findMarket, type MarketSpec } from "../core/market.js";
import { formatUsd, type Micro } from "../core/money.js";
import type { Tx } from "../db/client.js";
import { ledger, models, orders } from "../db/schema.js";
import type { UnitContext } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import type { VenuePosition } from "../venues/venue.js";
import type { ModelAccount, OpenPosition } from "./account.js";
import { EMPTY_PLAN, planToJson } from "./exit-plan.js";
import { positionColumns, positionEvent } from "./order-recorder.js";

export interface VenueState {
  positions: VenuePosition[];
  /** The venue's collateral for the account (its cash). */
  cash: Micro;
}

/**
 * Makes the database say what the venue says (a person's decision after a reconciliation
 * halt): positions that differ are closed at their cost with no P&L and the venue's positions
 * opened at the venue's average entry; the cash difference is booked as one RECONCILIATION
 * ledger entry, so the books show exactly what was adopted and when. The model is active
 * again afterwards. Returns what the in-memory account must become once this commits.
 */
export async function adoptVenueState(
  tx: Tx,
  ctx: UnitContext,
  args: { account: ModelAccount; venue: string; state: VenueState; markets: readonly MarketSpec[]; now: Date },
): Promise<{ positions: Map<string, OpenPosition>; adjustment: Micro }> {
  const { account, state, now } = args;
  const modelId = account.modelId;
  const theirs = new Map(state.positions.map((p) => [p.symbol, p]));
  const positions = new Map<string, OpenPosition>();
  for (const [symbol, p] of account.positions) {
    const v = theirs.get(symbol);
    if (v && v.side === p.state.side && v.lots === p.state.lots && v.cost === p.state.cost) {
      positions.set(symbol, p);
      continue;
    }
    const market = findMarket(args.markets, symbol)!;
    const cols = positionColumns(market, p.state);
    await tx
      .update(orders)
      .set({ status: "CLOSED", closeTrigger: "RECONCILIATION", exitPrice: cols.entryPrice, exitNotional: cols.entryCost, realizedPnl: "0", fees: cols.entryFees, closedAt: now, updatedAt: now })
      .where(eq(orders.id, p.id));
    ctx.emit(events.positionClosed({ modelId, position: { ...positionEvent(market, p, "RECONCILIATION") } }));
  }
  for (const v of state.positions) {
    if (positions.has(v.symbol)) continue;
    const market = findMarket(args.markets, v.symbol);
    if (!market) continue;
    const position: OpenPosition = {
      id: randomUUID(),
      modelId,
      state: { symbol: market.symbol, side: v.side, lots: v.lots, cost: v.cost, entryFees: 0n, leverage: v.leverage },
      plan: EMPTY_PLAN,
      openedAt: now.getTime(),
      entryClientOrderId: null,
    };
    await tx.insert(orders).values({
      id: position.id,
      modelId,
      venue: args.venue,
      symbol: market.symbol,
      side: v.side,
      ...positionColumns(market, position.state),
      exitPlan: planToJson(market, EMPTY_PLAN),
      status: "OPEN",
      openedAt: now,
      updatedAt: now,
    });
    positions.set(market.symbol, position);
    ctx.emit(events.positionOpened({ modelId, position: positionEvent(market, position, null) }));
  }
  // Cash before the closes above: they realized nothing, so the whole difference is the venue's word.
  const adjustment = state.cash - account.cash;
  if (adjustment !== 0n) await tx.insert(ledger).values({ modelId, kind: "RECONCILIATION", amount: formatUsd(adjustment) });
  await tx.update(models).set({ status: "active", haltReason: null, updatedAt: now }).where(eq(models.id, modelId));
  ctx.emit(events.modelStatusChanged({ modelId, status: "active", reason: null }));
  return { positions, adjustment };
}
