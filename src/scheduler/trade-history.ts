import { and, gte, inArray, isNull, or, sql } from "drizzle-orm";
import type { TradeTotals } from "../core/metrics.js";
import type { Db } from "../db/client.js";
import { jsonValue } from "../db/json-rows.js";
import { orders } from "../db/schema.js";
import type { EventBus } from "../events/bus.js";
import { NO_TRADES, tradeTotalsByModel } from "../trading/trade-totals.js";
import type { Holding } from "./account-stats.js";

/** What a model's prompt shows of its trading history: its closed-trade totals and the spans its positions were open. */
export interface ModelTrades {
  totals: TradeTotals;
  /** Positions open at some point since the window's start (a reduction's slice lies inside its position's span). */
  spans: Holding[];
}

/** The events of every write to a model's position rows (opened, scaled, reduced, closed, reconciled). */
const POSITION_EVENTS = new Set(["PositionOpened", "PositionScaled", "PositionReduced", "PositionClosed"]);

/**
 * Each model's trade history as its prompt needs it, read from the database the first time and
 * again only after the model's positions changed. A month-old arena of a hundred models has ten
 * thousand closed trades; reading them all every cycle (two scans, about 40 ms on the embedded
 * database) was most of a cycle's database time before the first model could be asked.
 *
 * Every write to a position row emits a position event after its commit (the outbox tail
 * publishes those of other processes on the bus too), so an event is what marks a model's
 * history stale. A read counts as current only when no event of the model arrived while it ran;
 * the spans kept cover the window of the first read, and a later, later-starting window keeps
 * what it needs of them. Without a bus nothing is kept: every call reads.
 */
export class TradeHistory {
  /** Per model: its history, and the start of the window its spans cover. */
  private readonly kept = new Map<string, ModelTrades & { since: number }>();
  /** Per model: position events seen so far (a read started before the latest one is not kept). */
  private readonly changes = new Map<string, number>();
  /** Absent without a bus: then nothing could tell a kept history stale, and none is kept. */
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    bus?: EventBus,
  ) {
    this.unsubscribe = bus?.subscribe((e) => {
      const modelId = e.modelId;
      if (!modelId || !e.event || !POSITION_EVENTS.has(e.event.type)) return;
      this.changes.set(modelId, (this.changes.get(modelId) ?? 0) + 1);
      this.kept.delete(modelId);
    });
  }

  /** The history of `ids`, its spans from `since` (epoch ms) on: one query per table for those not kept. */
  async of(ids: readonly string[], since: number): Promise<Map<string, ModelTrades>> {
    const out = new Map<string, ModelTrades>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.kept.get(id);
      if (kept && kept.since <= since) out.set(id, { totals: kept.totals, spans: kept.spans.filter((s) => s.closedAt === null || s.closedAt >= since) });
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const before = new Map(missing.map((id) => [id, this.changes.get(id) ?? 0]));
    const [totals, spans] = await Promise.all([tradeTotalsByModel(this.db, { modelIds: missing }), this.spansOf(missing, since)]);
    for (const id of missing) {
      const trades = { totals: totals.get(id) ?? NO_TRADES, spans: spans.get(id) ?? [] };
      out.set(id, trades);
      if (this.unsubscribe && (this.changes.get(id) ?? 0) === before.get(id)) this.kept.set(id, { ...trades, since });
    }
    return out;
  }

  close(): void {
    this.unsubscribe?.();
  }

  /**
   * Every position open at some point since `since`, one row per model with its spans as two JSON
   * arrays of epoch ms: thousands of positions cost a fraction of as many rows of dates.
   */
  private async spansOf(ids: string[], since: number): Promise<Map<string, Holding[]>> {
    const rows = await this.db
      .select({
        modelId: orders.modelId,
        openedAt: sql<unknown>`json_agg(floor(extract(epoch from ${orders.openedAt}) * 1000)::bigint order by ${orders.openedAt}, ${orders.id})`,
        closedAt: sql<unknown>`json_agg(floor(extract(epoch from ${orders.closedAt}) * 1000)::bigint order by ${orders.openedAt}, ${orders.id})`,
      })
      .from(orders)
      .where(and(inArray(orders.modelId, ids), isNull(orders.parentId), or(isNull(orders.closedAt), gte(orders.closedAt, new Date(since)))))
      .groupBy(orders.modelId);
    return new Map(rows.map((r) => [r.modelId, spans(r.openedAt, r.closedAt)]));
  }
}

/** Position spans from the two JSON arrays of one model's row (epoch ms; null: still open). */
function spans(openedAt: unknown, closedAt: unknown): Holding[] {
  const opened = jsonValue(openedAt) as Array<number | string>;
  const closed = jsonValue(closedAt) as Array<number | string | null>;
  return opened.map((o, i) => {
    const c = closed[i];
    return { openedAt: Number(o), closedAt: c === null || c === undefined ? null : Number(c) };
  });
}
