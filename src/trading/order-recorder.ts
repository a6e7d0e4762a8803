import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { fills, ledger, orders, venueOrders } from "../db/schema.js";
import type { UnitContext } from "../db/unit-of-work.js";
import { formatLeverage } from "../core/leverage.js";
import { parseScaled, trimZeros } from "../core/decimal.js";
import { lotsToQuantity, notional, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd, type Micro } from "../core/money.js";
import { applyEntryFill, applyExitFill, averagePrice, mergeSlices, type ClosedSlice, type PositionState } from "../core/position.js";
import type { CloseTrigger, Side } from "../core/types.js";
import type { OrderReport } from "../venues/venue.js";
import type { ModelAccount, OpenPosition } from "./account.js";
import { planFromJson, planToJson, type ExitPlan } from "./exit-plan.js";
import { positionView } from "./position-view.js";
import { events } from "../events/events.js";

export type VenueOrderRow = typeof venueOrders.$inferSelect;

/** What recording a venue report did, for the caller's answer. */
export interface RecordOutcome {
  order: VenueOrderRow;
  newFills: number;
  filledLots: number;
  /** Notional and fees of the new fills. */
  notional: Micro;
  fees: Micro;
  position: OpenPosition | null;
  closed: { rowId: string; slice: ClosedSlice; trigger: CloseTrigger | null } | null;
}

/**
 * Writes a venue's report of an order into the database in the caller's transaction: the
 * order's status, each new fill (idempotent on the venue's trade id), the position row it
 * opens, scales, reduces or closes, and the ledger. The in-memory account follows on commit.
 */
export interface ReportToRecord {
  market: MarketSpec;
  account: ModelAccount;
  report: OrderReport;
  now: Date;
  /** The order's row when the caller has it (it just wrote it); read from the database otherwise. */
  known?: VenueOrderRow | undefined;
}

export async function recordReport(tx: Tx, ctx: UnitContext, { market, account, report, now, known }: ReportToRecord): Promise<RecordOutcome | null> {
  const [order] = known ? [known] : await tx.select().from(venueOrders).where(eq(venueOrders.clientOrderId, report.clientOrderId));
  if (!order) return null;
  const side: Side = order.purpose === "OPEN" ? (order.side === "BUY" ? "LONG" : "SHORT") : order.side === "BUY" ? "SHORT" : "LONG";
  const current = account.positions.get(market.symbol) ?? null;
  let state: PositionState | null = current?.state ?? null;
  let slice: ClosedSlice | null = null;
  let realized = 0n;
  let fees = 0n;
  let notionalSum = 0n;
  let newFills = 0;
  let filledLots = 0;
  let positionId = current?.id ?? order.positionId ?? randomUUID();
  if (!current && order.purpose === "OPEN") {
    // The position this order was meant to scale may have closed while it was in flight (a stop):
    // then its fills open a new position, under a new id.
    const taken = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, positionId));
    if (taken.length > 0) positionId = randomUUID();
  }

  // One statement for all fills; a fill already recorded (a replayed report) is skipped, never doubled.
  const inserted =
    report.fills.length === 0
      ? []
      : await tx
          .insert(fills)
          .values(
            report.fills.map((f) => ({
              venue: f.venue,
              tradeId: f.tradeId,
              clientOrderId: f.clientOrderId,
              modelId: account.modelId,
              positionId,
              symbol: f.symbol,
              side: f.side,
              price: ticksToPrice(market, f.priceTicks),
              quantity: lotsToQuantity(market, f.lots),
              fee: formatUsd(f.fee),
              liquidity: f.liquidity,
              ts: new Date(f.ts),
            })),
          )
          .onConflictDoNothing()
          .returning({ id: fills.id, tradeId: fills.tradeId });
  const fillIds = new Map(inserted.map((r) => [r.tradeId, r.id]));
  const ledgerRows: Array<typeof ledger.$inferInsert> = [];
  for (const f of report.fills) {
    const fillId = fillIds.get(f.tradeId);
    if (fillId === undefined) continue;
    newFills++;
    filledLots += f.lots;
    fees += f.fee;
    const amount = { priceTicks: f.priceTicks, lots: f.lots, fee: f.fee };
    notionalSum += notional(market, f.priceTicks, f.lots);
    if (order.purpose === "OPEN") {
      state = applyEntryFill(market, state, side, Number(parseScaled(order.leverage, 2)), amount);
    } else if (state) {
      const r = applyExitFill(market, state, amount);
      state = r.position;
      slice = slice ? mergeSlices(slice, r.closed) : r.closed;
      realized += r.closed.grossPnl;
      ledgerRows.push({ modelId: account.modelId, kind: "REALIZED_PNL", amount: formatUsd(r.closed.grossPnl), positionId, fillId, createdAt: new Date(f.ts) });
    }
    ledgerRows.push({ modelId: account.modelId, kind: "FEE", amount: formatUsd(-f.fee), positionId, fillId, createdAt: new Date(f.ts) });
  }
  if (ledgerRows.length > 0) await tx.insert(ledger).values(ledgerRows);

  const newOrderFilled = lotsToQuantity(market, parseScaled(order.filledQuantity, market.sizeDecimals) + BigInt(filledLots));
  const [updatedOrder] = await tx
    .update(venueOrders)
    .set({ status: report.status, reason: report.reason ?? null, venueOrderId: report.venueOrderId || order.venueOrderId, filledQuantity: newOrderFilled, positionId, updatedAt: now })
    .where(eq(venueOrders.id, order.id))
    .returning();
  ctx.emit(events.orderUpdated(report.status, report.fills.length > 0, { modelId: account.modelId, order: orderView(updatedOrder!) }));

  let position: OpenPosition | null = current;
  let closed: RecordOutcome["closed"] = null;
  if (newFills > 0 && order.purpose === "OPEN" && state) {
    const plan = current ? scaledPlan(side, current.plan, order.exitPlan ? planFromJson(market, order.exitPlan) : null) : planFromJson(market, order.exitPlan);
    position = { id: positionId, modelId: account.modelId, state, plan, openedAt: current?.openedAt ?? now.getTime(), entryClientOrderId: current?.entryClientOrderId ?? order.clientOrderId };
    const values = positionColumns(market, state);
    if (current) {
      await tx
        .update(orders)
        .set({ ...values, exitPlan: planToJson(market, plan), updatedAt: now })
        .where(eq(orders.id, positionId));
    } else {
      await tx.insert(orders).values({
        id: positionId,
        modelId: account.modelId,
        venue: order.venue,
        symbol: market.symbol,
        side,
        ...values,
        exitPlan: planToJson(market, plan),
        status: "OPEN",
        entryClientOrderId: order.clientOrderId,
        openedAt: now,
        updatedAt: now,
      });
    }
    const body = {
      modelId: account.modelId,
      position: {
        ...positionEvent(market, position, null),
        fill: {
          quantity: lotsToQuantity(market, BigInt(filledLots)),
          price: averagePrice(market, notionalSum, BigInt(filledLots)),
          // The order behind the change: copy trading finds what the source itself copied (a follow model's follow-<signal>).
          clientOrderId: order.clientOrderId,
        },
      },
    };
    ctx.emit(current ? events.positionScaled(body) : events.positionOpened(body));
  }
  if (newFills > 0 && order.purpose === "CLOSE" && current && slice) {
    const trigger = (order.closeTrigger as CloseTrigger | null) ?? "MANUAL";
    const exit = {
      status: "CLOSED" as const,
      quantity: lotsToQuantity(market, slice.lots),
      entryCost: formatUsd(slice.entryCost),
      entryPrice: averagePrice(market, slice.entryCost, slice.lots),
      exitNotional: formatUsd(slice.exitNotional),
      exitPrice: averagePrice(market, slice.exitNotional, slice.lots),
      realizedPnl: formatUsd(slice.realizedPnl),
      fees: formatUsd(slice.fees),
      closeTrigger: trigger,
      exitClientOrderId: order.clientOrderId,
      closedAt: now,
      updatedAt: now,
    };
    let rowId = current.id;
    if (state === null) {
      // Closing exactly once: only an OPEN row can become CLOSED.
      const done = await tx
        .update(orders)
        .set(exit)
        .where(sql`${orders.id} = ${current.id} and ${orders.status} = 'OPEN'`)
        .returning({ id: orders.id });
      if (done.length === 0) throw new Error(`position ${current.id} was already closed`);
      position = null;
    } else {
      rowId = randomUUID();
      await tx.insert(orders).values({
        id: rowId,
        parentId: current.id,
        modelId: account.modelId,
        venue: order.venue,
        symbol: market.symbol,
        side: current.state.side,
        leverage: formatLeverage(current.state.leverage),
        entryFees: "0",
        exitPlan: planToJson(market, current.plan),
        entryClientOrderId: current.entryClientOrderId,
        openedAt: new Date(current.openedAt),
        ...exit,
      });
      await tx
        .update(orders)
        .set({ ...positionColumns(market, state), updatedAt: now })
        .where(eq(orders.id, current.id));
      position = { ...current, state };
    }
    closed = { rowId, slice, trigger };
    const body = {
      modelId: account.modelId,
      position: {
        ...positionEvent(market, { ...current, state: state ?? current.state }, trigger),
        closedRow: rowId,
        exitPrice: exit.exitPrice,
        realizedPnl: exit.realizedPnl,
        fees: exit.fees,
        // What this change did: copy trading sizes a follower's reduction from it.
        fill: { quantity: exit.quantity, price: exit.exitPrice, clientOrderId: order.clientOrderId },
      },
    };
    ctx.emit(state === null ? events.positionClosed(body) : events.positionReduced(body));
  }

  const finalPosition = position;
  ctx.onCommit(() => {
    account.realizedPnl += realized;
    account.fees += fees;
    if (finalPosition) account.positions.set(market.symbol, finalPosition);
    else if (order.purpose === "CLOSE" && newFills > 0) {
      account.positions.delete(market.symbol);
      if (current?.plan.cooldownUntil) account.cooldowns.set(market.symbol, current.plan.cooldownUntil);
      if (current) account.lastClosed.set(market.symbol, { side: current.state.side, closedAt: now.getTime() });
    }
  });
  return { order: updatedOrder!, newFills, filledLots, notional: notionalSum, fees, position: finalPosition, closed };
}

/**
 * The plan of a scaled position: the scale-in order's (the position's plan with the order's
 * changes, as merged when it was sent), except that the stop never loosens, should the position's
 * stop have tightened while the order was resting.
 */
function scaledPlan(side: Side, current: ExitPlan, ordered: ExitPlan | null): ExitPlan {
  if (!ordered) return current;
  const a = current.stop;
  const b = ordered.stop;
  const stop = a === null ? b : b === null ? a : side === "LONG" ? Math.max(a, b) : Math.min(a, b);
  return { ...ordered, stop };
}

export function positionColumns(m: MarketSpec, s: PositionState) {
  return {
    quantity: lotsToQuantity(m, s.lots),
    leverage: formatLeverage(s.leverage),
    entryCost: formatUsd(s.cost),
    entryFees: formatUsd(s.entryFees),
    entryPrice: averagePrice(m, s.cost, s.lots),
  };
}

/** The position row as `position` events carry it: the API's shape plus the close trigger. */
export function positionEvent(m: MarketSpec, p: OpenPosition, trigger: CloseTrigger | null) {
  return { ...positionView(m, p, undefined), closeTrigger: trigger };
}

export function orderView(o: VenueOrderRow) {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    modelId: o.modelId,
    venue: o.venue,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    price: o.price === null ? null : trimZeros(o.price),
    quantity: trimZeros(o.quantity),
    filledQuantity: trimZeros(o.filledQuantity),
    status: o.status,
    reason: o.reason,
    purpose: o.purpose,
    closeTrigger: o.closeTrigger,
    createdAt: o.createdAt.toISOString(),
  };
}
