import { randomUUID } from "node:crypto";
import { eq, getTableColumns, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { insertRows, jsonRows, type JsonColumn, type TableKeys } from "../db/json-rows.js";
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
  /** `known` is not in the database yet: it is inserted with the answer rather than updated. */
  unsaved?: boolean;
}

export async function recordReport(tx: Tx, ctx: UnitContext, { market, account, report, now, known, unsaved = false }: ReportToRecord): Promise<RecordOutcome | null> {
  if (unsaved && !known) throw new Error("recordReport: an unsaved order needs its row");
  const [order] = known ? [known] : await tx.select().from(venueOrders).where(eq(venueOrders.clientOrderId, report.clientOrderId));
  if (!order) return null;
  const side: Side = order.purpose === "OPEN" ? (order.side === "BUY" ? "LONG" : "SHORT") : order.side === "BUY" ? "SHORT" : "LONG";
  const current = account.positions.get(market.symbol) ?? null;
  let state: PositionState | null = current?.state ?? null;
  let slice: ClosedSlice | null = null;
  let realized = 0n;
  let fees = 0n;
  let notionalSum = 0n;
  let filledLots = 0;
  let positionId = current?.id ?? order.positionId ?? randomUUID();
  if (!current && order.purpose === "OPEN") {
    // The position this order was meant to scale may have closed while it was in flight (a stop):
    // then its fills open a new position, under a new id.
    const taken = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, positionId));
    if (taken.length > 0) positionId = randomUUID();
  }

  const fillRows = report.fills.map((f) => ({
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
  }));
  // A fill already recorded (a replayed report) is skipped, never doubled. A new order's
  // fills are all new: they are written with everything else below, in one statement.
  let fillIds: Map<string, number> | null = null;
  if (!unsaved && fillRows.length > 0) {
    const inserted = await tx.insert(fills).values(fillRows).onConflictDoNothing().returning({ id: fills.id, tradeId: fills.tradeId });
    fillIds = new Map(inserted.map((r) => [r.tradeId, r.id]));
  }
  const newFills = fillIds === null ? report.fills : report.fills.filter((f) => fillIds.has(f.tradeId));
  const ledgerRows: LedgerRow[] = [];
  for (const f of newFills) {
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
      ledgerRows.push({ tradeId: f.tradeId, modelId: account.modelId, kind: "REALIZED_PNL", amount: formatUsd(r.closed.grossPnl), positionId, createdAt: new Date(f.ts) });
    }
    ledgerRows.push({ tradeId: f.tradeId, modelId: account.modelId, kind: "FEE", amount: formatUsd(-f.fee), positionId, createdAt: new Date(f.ts) });
  }

  const newOrderFilled = lotsToQuantity(market, parseScaled(order.filledQuantity, market.sizeDecimals) + BigInt(filledLots));
  const answer = { status: report.status, reason: report.reason ?? null, venueOrderId: report.venueOrderId || order.venueOrderId, filledQuantity: newOrderFilled, positionId, updatedAt: now };

  // The position's rows: what the fills opened, scaled, reduced or closed.
  const positionWrites: PositionWrite[] = [];
  let position: OpenPosition | null = current;
  let opened: OpenPosition | null = null;
  let closed: RecordOutcome["closed"] = null;
  let exit: ReturnType<typeof exitColumns> | null = null;
  if (newFills.length > 0 && order.purpose === "OPEN" && state) {
    const plan = current ? scaledPlan(side, current.plan, order.exitPlan ? planFromJson(market, order.exitPlan) : null) : planFromJson(market, order.exitPlan);
    opened = position = { id: positionId, modelId: account.modelId, state, plan, openedAt: current?.openedAt ?? now.getTime(), entryClientOrderId: current?.entryClientOrderId ?? order.clientOrderId };
    const values = positionColumns(market, state);
    positionWrites.push({
      query: current
        ? tx
            .update(orders)
            .set({ ...values, exitPlan: planToJson(market, plan), updatedAt: now })
            .where(eq(orders.id, positionId))
            .returning({ id: orders.id })
        : tx
            .insert(orders)
            .values({
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
            })
            .returning({ id: orders.id }),
    });
  }
  if (newFills.length > 0 && order.purpose === "CLOSE" && current && slice) {
    const trigger = (order.closeTrigger as CloseTrigger | null) ?? "MANUAL";
    exit = exitColumns(market, slice, trigger, order.clientOrderId, now);
    let rowId = current.id;
    if (state === null) {
      // Closing exactly once: only an OPEN row can become CLOSED.
      positionWrites.push({
        query: tx
          .update(orders)
          .set(exit)
          .where(sql`${orders.id} = ${current.id} and ${orders.status} = 'OPEN'`)
          .returning({ id: orders.id }),
        mustChange: `position ${current.id} was already closed`,
      });
      position = null;
    } else {
      rowId = randomUUID();
      positionWrites.push({
        query: tx
          .insert(orders)
          .values({
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
          })
          .returning({ id: orders.id }),
      });
      positionWrites.push({
        query: tx
          .update(orders)
          .set({ ...positionColumns(market, state), updatedAt: now })
          .where(eq(orders.id, current.id))
          .returning({ id: orders.id }),
      });
      position = { ...current, state };
    }
    closed = { rowId, slice, trigger };
  }

  let updatedOrder: VenueOrderRow;
  if (unsaved) {
    updatedOrder = { ...order, ...answer };
    await writeNewOrder(tx, { fills: fillRows, ledger: ledgerRows, order: updatedOrder, positionWrites });
  } else {
    if (ledgerRows.length > 0) await tx.insert(ledger).values(ledgerRows.map(({ tradeId, ...row }) => ({ ...row, fillId: fillIds!.get(tradeId)! })));
    [updatedOrder] = (await tx.update(venueOrders).set(answer).where(eq(venueOrders.id, order.id)).returning()) as [VenueOrderRow];
    for (const w of positionWrites) {
      const changed = await w.query;
      if (w.mustChange !== undefined && changed.length === 0) throw new Error(w.mustChange);
    }
  }
  ctx.emit(events.orderUpdated(report.status, report.fills.length > 0, { modelId: account.modelId, order: orderView(updatedOrder) }));

  if (opened) {
    const body = {
      modelId: account.modelId,
      position: {
        ...positionEvent(market, opened, null),
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
  if (closed && current && exit) {
    const body = {
      modelId: account.modelId,
      position: {
        ...positionEvent(market, { ...current, state: state ?? current.state }, closed.trigger),
        closedRow: closed.rowId,
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
    else if (order.purpose === "CLOSE" && newFills.length > 0) {
      account.positions.delete(market.symbol);
      if (current?.plan.cooldownUntil) account.cooldowns.set(market.symbol, current.plan.cooldownUntil);
      if (current) account.lastClosed.set(market.symbol, { side: current.state.side, closedAt: now.getTime() });
    }
  });
  return { order: updatedOrder, newFills: newFills.length, filledLots, notional: notionalSum, fees, position: finalPosition, closed };
}

/** A ledger row of a fill, known by the fill's trade id until the fill has its row id. */
type LedgerRow = Omit<typeof ledger.$inferInsert, "fillId"> & { tradeId: string; positionId: string; createdAt: Date; amount: string; kind: "REALIZED_PNL" | "FEE" };

/** A write of the position's rows, returning the rows it touched; `mustChange`: the error when it touched none. */
interface PositionWrite {
  query: SQLWrapper & PromiseLike<Array<{ id: string }>>;
  mustChange?: string;
}

function exitColumns(market: MarketSpec, slice: ClosedSlice, trigger: CloseTrigger, exitClientOrderId: string, now: Date) {
  return {
    status: "CLOSED" as const,
    quantity: lotsToQuantity(market, slice.lots),
    entryCost: formatUsd(slice.entryCost),
    entryPrice: averagePrice(market, slice.entryCost, slice.lots),
    exitNotional: formatUsd(slice.exitNotional),
    exitPrice: averagePrice(market, slice.exitNotional, slice.lots),
    realizedPnl: formatUsd(slice.realizedPnl),
    fees: formatUsd(slice.fees),
    closeTrigger: trigger,
    exitClientOrderId,
    closedAt: now,
    updatedAt: now,
  };
}

const FILL_KEYS: TableKeys<typeof fills> = ["venue", "tradeId", "clientOrderId", "modelId", "positionId", "symbol", "side", "price", "quantity", "fee", "liquidity", "ts"];

const LEDGER_COLUMNS: JsonColumn[] = [
  ["n", "int"],
  ["trade_id", "text"],
  ["model_id", "text"],
  ["kind", "text"],
  ["amount", "numeric"],
  ["position_id", "text"],
  ["created_at", "timestamptz"],
];

/** Every column of a venue order (a new order's row is written whole). */
const ORDER_KEYS = Object.keys(getTableColumns(venueOrders)) as TableKeys<typeof venueOrders>;

/**
 * A new order with its answer, in one statement: its fills, their ledger entries (joined to
 * the fills' new ids by trade id), the order's row and the position's rows; the rows of each
 * table as one jsonb parameter (drizzle building a statement of many parameters cost more than
 * the database running it). One round trip rather than five is what a stop's close costs on an
 * in-process venue. Data-modifying CTEs
 * all run to completion, and the counts they return prove each did what it had to.
 */
async function writeNewOrder(tx: Tx, w: { fills: Array<typeof fills.$inferInsert>; ledger: LedgerRow[]; order: VenueOrderRow; positionWrites: PositionWrite[] }): Promise<void> {
  const ctes: SQL[] = [];
  if (w.fills.length > 0) {
    ctes.push(sql`f as (${insertRows(fills, FILL_KEYS, w.fills)} on conflict do nothing returning id, trade_id)`);
  }
  if (w.ledger.length > 0) {
    const rows = jsonRows(
      "v",
      LEDGER_COLUMNS,
      w.ledger.map((r, n) => ({ n, trade_id: r.tradeId, model_id: r.modelId, kind: r.kind, amount: r.amount, position_id: r.positionId, created_at: r.createdAt })),
    );
    ctes.push(
      sql`l as (insert into ${ledger} (model_id, kind, amount, position_id, fill_id, created_at) select v.model_id, v.kind, v.amount, v.position_id, f.id, v.created_at from ${rows} join f on f.trade_id = v.trade_id order by v.n returning id)`,
    );
  }
  ctes.push(sql`o as (${insertRows(venueOrders, ORDER_KEYS, [w.order])} returning id)`);
  // An embedded query builder brings its own parentheses.
  w.positionWrites.forEach((p, i) => ctes.push(sql`${sql.raw(`p${i}`)} as ${p.query}`));
  const counts = [
    sql`(select count(*)::int from o) as orders`,
    w.fills.length > 0 ? sql`(select count(*)::int from f) as fills` : sql`0 as fills`,
    w.ledger.length > 0 ? sql`(select count(*)::int from l) as ledger` : sql`0 as ledger`,
    ...w.positionWrites.map((_, i) => sql`${sql.raw(`(select count(*)::int from p${i}) as p${i}`)}`),
  ];
  const result = (await tx.execute(sql`with ${sql.join(ctes, sql`, `)} select ${sql.join(counts, sql`, `)}`)) as unknown as { rows: Array<Record<string, number>> };
  const row = result.rows[0]!;
  // A new order's fills cannot have been recorded before; should one have been, nothing is written.
  if (Number(row.fills) !== w.fills.length || Number(row.ledger) !== w.ledger.length || Number(row.orders) !== 1) {
    throw new Error(`order ${w.order.clientOrderId}: ${w.fills.length - Number(row.fills)} of its fills were already recorded; nothing was written`);
  }
  w.positionWrites.forEach((p, i) => {
    if (p.mustChange !== undefined && Number(row[`p${i}`]) === 0) throw new Error(p.mustChange);
  });
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
