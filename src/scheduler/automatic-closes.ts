import { and, desc, eq, gte, inArray } from "drizzle-orm";
import type { AutomaticClose } from "../agents/strategy.js";
import { trimZeros } from "../core/decimal.js";
import type { Side } from "../core/types.js";
import type { Db } from "../db/client.js";
import { orders, type ExitPlanJson } from "../db/schema.js";

/**
 * Positions the system closed for a model: its exit plan's stop, target, invalidation price or
 * time exit, or a liquidation. They are CLOSED rows of the orders table with that close
 * trigger, so the decision history and the next prompt read them from there rather than from a
 * record of their own: nothing to write, nothing that can disagree with the trade, and no run
 * of the model is made up for them.
 */

export const AUTOMATIC_TRIGGERS = ["STOP", "TARGET", "INVALIDATION", "TIME", "LIQUIDATION", "RESOLUTION"] as const;
export type AutomaticTrigger = (typeof AUTOMATIC_TRIGGERS)[number];

/** What a CLOSED row of an automatic close holds that its story needs (decimal strings as the API shows them). */
export interface AutomaticCloseRow {
  symbol: string;
  side: Side;
  quantity: string;
  exitPrice: string | null;
  realizedPnl: string | null;
  closeTrigger: string | null;
  exitPlan: ExitPlanJson | null;
}

function usd(value: string): string {
  return value.startsWith("-") ? `-$${value.slice(1)}` : `$${value}`;
}

/** What triggered the close, in the trader's words, with the level or time from the exit plan it closed under. */
export function triggerText(trigger: AutomaticTrigger, plan: ExitPlanJson | null): string {
  switch (trigger) {
    case "STOP":
      return plan?.stop ? `its stop at ${plan.stop} was reached` : "its stop was reached";
    case "TARGET":
      return plan?.target ? `its profit target at ${plan.target} was reached` : "its profit target was reached";
    case "INVALIDATION":
      return plan?.invalidationPrice ? `its invalidation price ${plan.invalidationPrice} was reached` : "its invalidation price was reached";
    case "TIME":
      return plan?.timeExit ? `its time exit (${plan.timeExit}) came` : "its time exit came";
    case "LIQUIDATION":
      return "it was liquidated (its margin fell to the maintenance requirement)";
    case "RESOLUTION":
      return "its prediction market resolved (a winning share pays 1 dollar, a losing one nothing)";
  }
}

/** One sentence: what closed, why, at what price, and the realized P&L. */
export function closeReason(row: AutomaticCloseRow): string {
  const trigger = row.closeTrigger as AutomaticTrigger;
  const at = row.exitPrice === null ? "" : ` at ${row.exitPrice}`;
  const pnl = row.realizedPnl === null ? "" : `, realized P&L ${usd(row.realizedPnl)} after fees`;
  return `${row.side} ${row.quantity} ${row.symbol} closed automatically${at}: ${triggerText(trigger, row.exitPlan)}${pnl}`;
}

export function isAutomaticTrigger(trigger: string | null): trigger is AutomaticTrigger {
  return (AUTOMATIC_TRIGGERS as readonly string[]).includes(trigger ?? "");
}

/**
 * The automatic closes of `modelIds` since `since`, newest first, at most `perModel` each, in
 * the shape the prompt shows. One query for all the models of a cycle.
 */
export async function automaticCloses(db: Db, modelIds: readonly string[], since: Date, perModel: number): Promise<Map<string, AutomaticClose[]>> {
  const out = new Map<string, AutomaticClose[]>();
  if (modelIds.length === 0) return out;
  const rows = await db
    .select({
      modelId: orders.modelId,
      symbol: orders.symbol,
      side: orders.side,
      quantity: orders.quantity,
      exitPrice: orders.exitPrice,
      realizedPnl: orders.realizedPnl,
      closeTrigger: orders.closeTrigger,
      exitPlan: orders.exitPlan,
      closedAt: orders.closedAt,
    })
    .from(orders)
    .where(and(inArray(orders.modelId, [...modelIds]), eq(orders.status, "CLOSED"), inArray(orders.closeTrigger, [...AUTOMATIC_TRIGGERS]), gte(orders.closedAt, since)))
    .orderBy(desc(orders.closedAt), desc(orders.id));
  for (const r of rows) {
    if (!isAutomaticTrigger(r.closeTrigger) || r.closedAt === null) continue;
    const list = out.get(r.modelId) ?? [];
    if (list.length >= perModel) continue;
    list.push({
      symbol: r.symbol,
      side: r.side,
      quantity: trimZeros(r.quantity),
      trigger: r.closeTrigger,
      reason: triggerText(r.closeTrigger, r.exitPlan),
      exitPrice: trimZeros(r.exitPrice ?? "0"),
      realizedPnl: trimZeros(r.realizedPnl ?? "0"),
      closedAt: r.closedAt.getTime(),
    });
    out.set(r.modelId, list);
  }
  return out;
}
