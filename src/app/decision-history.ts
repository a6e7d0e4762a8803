import { inArray, sql } from "drizzle-orm";
import { trimZeros } from "../core/decimal.js";
import type { Side } from "../core/types.js";
import type { Db } from "../db/client.js";
import { invocations, orders } from "../db/schema.js";
import { AUTOMATIC_TRIGGERS, closeReason, type AutomaticTrigger } from "../scheduler/automatic-closes.js";
import type { InvocationView } from "./services.js";

/**
 * A model's decision history: its runs (invocations with their tool calls) and, between them,
 * the positions the system closed for it (a stop, a target, an invalidation price, a time exit,
 * a liquidation), so that whoever reads the history (the dashboard's model chat, an API client)
 * sees why a position closed without a run of the model to explain it.
 *
 * An automatic close is not recorded as an invocation: no model ran, and a made-up run would
 * count in the model's runs, tokens and failure rates. It is the CLOSED row of the orders table
 * itself, shown as an entry of kind "close" with its trigger and a reason in words; the history
 * is the two tables merged newest first, paged together (one query for the page's keys).
 */

/** A position closed by the system, as the history shows it. */
export interface AutomaticCloseView {
  kind: "close";
  /** The CLOSED row of the orders table (the trade in GET /api/trades). */
  id: string;
  modelId: string;
  /** When it closed (ISO-8601): its place in the history. */
  createdAt: string;
  closeTrigger: AutomaticTrigger;
  symbol: string;
  side: Side;
  quantity: string;
  entryPrice: string;
  exitPrice: string;
  realizedPnl: string;
  fees: string;
  /** The exit plan's level or time that triggered the close (stop, target, invalidation price, time exit); null for a liquidation. */
  level: string | null;
  /** One sentence: what closed, why, at what price, and the realized P&L. */
  reason: string;
}

export type DecisionHistoryEntry = (InvocationView & { kind: "invocation" }) | AutomaticCloseView;

function levelOf(trigger: AutomaticTrigger, plan: (typeof orders.$inferSelect)["exitPlan"]): string | null {
  if (!plan) return null;
  if (trigger === "STOP") return plan.stop;
  if (trigger === "TARGET") return plan.target;
  if (trigger === "INVALIDATION") return plan.invalidationPrice;
  if (trigger === "TIME") return plan.timeExit;
  return null;
}

export function automaticCloseView(r: typeof orders.$inferSelect): AutomaticCloseView {
  const trigger = r.closeTrigger as AutomaticTrigger;
  const view = {
    symbol: r.symbol,
    side: r.side,
    quantity: trimZeros(r.quantity),
    exitPrice: trimZeros(r.exitPrice ?? "0"),
    realizedPnl: trimZeros(r.realizedPnl ?? "0"),
  };
  return {
    kind: "close",
    id: r.id,
    modelId: r.modelId,
    createdAt: (r.closedAt ?? r.updatedAt).toISOString(),
    closeTrigger: trigger,
    ...view,
    entryPrice: trimZeros(r.entryPrice),
    fees: trimZeros(r.fees),
    level: levelOf(trigger, r.exitPlan),
    reason: closeReason({ ...view, closeTrigger: trigger, exitPlan: r.exitPlan }),
  };
}

const TRIGGERS = sql.join(
  AUTOMATIC_TRIGGERS.map((t) => sql`${t}`),
  sql`, `,
);

/**
 * One page of the history, newest first: runs and automatic closes by time (ties by id, as the
 * invocations list pages), `offset` entries back. `invocationViews` builds the runs' views.
 */
export async function decisionHistory(
  db: Db,
  modelId: string | undefined,
  limit: number,
  offset: number,
  invocationViews: (rows: Array<typeof invocations.$inferSelect>) => Promise<InvocationView[]>,
): Promise<DecisionHistoryEntry[]> {
  const ofModel = modelId === undefined ? sql`true` : sql`model_id = ${modelId}`;
  const page = await db.execute(sql`
    select kind, id from (
      select 'invocation' as kind, id, created_at as at from ${invocations} where ${ofModel}
      union all
      select 'close' as kind, id, closed_at as at from ${orders}
        where ${ofModel} and status = 'CLOSED' and closed_at is not null and close_trigger in (${TRIGGERS})
    ) h order by at desc, id desc limit ${limit} offset ${offset}`);
  const keys = (page as unknown as { rows: Array<{ kind: "invocation" | "close"; id: string }> }).rows;
  const runIds = keys.filter((k) => k.kind === "invocation").map((k) => k.id);
  const closeIds = keys.filter((k) => k.kind === "close").map((k) => k.id);
  const [runRows, closeRows] = await Promise.all([
    runIds.length ? db.select().from(invocations).where(inArray(invocations.id, runIds)) : Promise.resolve([]),
    closeIds.length ? db.select().from(orders).where(inArray(orders.id, closeIds)) : Promise.resolve([]),
  ]);
  const runs = new Map((await invocationViews(runRows)).map((v) => [v.id, v]));
  const closes = new Map(closeRows.map((r) => [r.id, r]));
  const out: DecisionHistoryEntry[] = [];
  for (const k of keys) {
    if (k.kind === "invocation") {
      const run = runs.get(k.id);
      if (run) out.push({ kind: "invocation", ...run });
    } else {
      const row = closes.get(k.id);
      if (row) out.push(automaticCloseView(row));
    }
  }
  return out;
}
