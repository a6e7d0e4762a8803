import type { MarketSpec } from "../../core/market.js";
import type { OrderReport, VenueFill } from "../venue.js";
import type { Order, Trade } from "./openapi.js";
import { fillOf, isDecided, ourSide, reportOf, toLots } from "./wire-mapping.js";

/** What we know of one of our orders on Lighter, gathered from the account channels or REST. */
export interface TrackedOrder {
  clientOrderId: string;
  clientIndex: number;
  market: MarketSpec;
  order?: Order;
  /** Every fill seen, by trade id. */
  fills: Map<string, VenueFill>;
  /** Fills already handed to the trading service (in a placement's answer or an update). */
  reported: Set<string>;
  /** The status last handed out, so an update is sent only when something changed. */
  reportedStatus?: OrderReport["status"];
  /** We canceled it ourselves at its GTT expiry (Lighter's own expiry must be ≥ 5 minutes ahead). */
  expiredByUs?: boolean;
  /** A placement or cancel waiting for the order's fate (a cancel accepts only an end). */
  waiter?: { accept: (report: OrderReport) => boolean; resolve: (report: OrderReport) => void };
}

/**
 * The orders of one Lighter account and their fills, merged from order updates and trades that
 * arrive on separate channels in any order. An order is "settled" for reporting when its status
 * is decided and the trades seen add up to its filled amount: only then do its fills go out, so
 * a report never claims a fill it cannot price.
 */
export class OrderTracker {
  private readonly byIndex = new Map<number, TrackedOrder>();

  constructor(
    readonly accountId: string,
    readonly accountIndex: number,
    private readonly emit: (report: OrderReport) => void,
    private readonly now: () => number,
  ) {}

  track(clientOrderId: string, clientIndex: number, market: MarketSpec): TrackedOrder {
    let t = this.byIndex.get(clientIndex);
    if (!t) {
      t = { clientOrderId, clientIndex, market, fills: new Map(), reported: new Set() };
      this.byIndex.set(clientIndex, t);
    }
    return t;
  }

  get(clientIndex: number): TrackedOrder | undefined {
    return this.byIndex.get(clientIndex);
  }

  all(): TrackedOrder[] {
    return [...this.byIndex.values()];
  }

  forget(clientIndex: number): void {
    this.byIndex.delete(clientIndex);
  }

  onOrder(order: Order): void {
    const t = this.byIndex.get(order.client_order_index);
    if (!t) return;
    // Updates can overtake each other across reconnects: never go back to a less-filled state.
    if (t.order && toLots(t.market, t.order.filled_base_amount) > toLots(t.market, order.filled_base_amount)) return;
    t.order = order;
    this.settle(t);
  }

  onTrade(trade: Trade): void {
    for (const clientIndex of [trade.ask_client_id, trade.bid_client_id]) {
      const t = this.byIndex.get(clientIndex);
      if (!t) continue;
      const who = ourSide(trade, this.accountIndex, clientIndex);
      if (!who) continue;
      const fill = fillOf(t.market, trade, who, this.accountId, t.clientOrderId);
      if (t.fills.has(fill.tradeId)) continue;
      t.fills.set(fill.tradeId, fill);
      this.settle(t);
    }
  }

  /** The order's report with every fill (for orderStatus: recording is idempotent on trade ids). */
  fullReport(t: TrackedOrder): OrderReport | undefined {
    if (!t.order) return undefined;
    return reportOf(t.market, t.order, this.accountId, t.clientOrderId, [...t.fills.values()], this.now(), t.expiredByUs);
  }

  /** Whether the fills seen account for all the order says it filled. */
  complete(t: TrackedOrder): boolean {
    if (!t.order) return false;
    const filled = toLots(t.market, t.order.filled_base_amount);
    let seen = 0;
    for (const f of t.fills.values()) seen += f.lots;
    return seen >= filled;
  }

  private settle(t: TrackedOrder): void {
    if (!t.order || !isDecided(t.order) || !this.complete(t)) return;
    const fresh = [...t.fills.values()].filter((f) => !t.reported.has(f.tradeId));
    const report = reportOf(t.market, t.order, this.accountId, t.clientOrderId, fresh, this.now(), t.expiredByUs);
    if (t.waiter?.accept(report)) {
      const w = t.waiter;
      t.waiter = undefined;
      this.markReported(t, report);
      w.resolve(report);
      return;
    }
    if (fresh.length === 0 && report.status === t.reportedStatus) return;
    // Nobody placed it in this process's life (a placement timed out, or it predates a restart)
    // and it has not been handed out yet: a report on its own.
    this.markReported(t, report);
    this.emit(report);
  }

  markReported(t: TrackedOrder, report: OrderReport): void {
    for (const f of report.fills) t.reported.add(f.tradeId);
    t.reportedStatus = report.status;
  }
}
