import { and, eq, inArray } from "drizzle-orm";
import { AppError, rejected } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { MarketSpec } from "../core/market.js";
import type { Db } from "../db/client.js";
import { models, venueOrders } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import type { TradingService } from "../trading/trading-service.js";
import { differences } from "./compare.js";
import type { LiveAccounts } from "./live-accounts.js";

export interface ReconcilerDeps {
  db: Db;
  uow: UnitOfWork;
  service: TradingService;
  live: LiveAccounts;
  markets: () => readonly MarketSpec[];
  now: () => number;
  logger: Logger;
}

export interface ReconcileResult {
  modelId: string;
  differences: string[];
  halted: boolean;
}

/**
 * Compares each live account with its exchange (at start and every minute): positions by
 * symbol, side and size, open orders by client id. Orders the last process left PENDING or
 * UNKNOWN are settled first by asking the venue. Any difference halts the model, with the
 * differences as the reason, until a person adopts the exchange's state or flattens by hand:
 * nothing trades while the books disagree.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async checkAll(): Promise<ReconcileResult[]> {
    const out: ReconcileResult[] = [];
    for (const id of this.deps.live.linkedIds()) {
      try {
        out.push(await this.check(id));
      } catch (error) {
        this.deps.logger.warn({ err: error, modelId: id }, "reconciliation could not read the exchange; trying again next round");
      }
    }
    return out;
  }

  /** One account, under its lock: nothing of ours is in flight while the two sides are read. */
  async check(modelId: string): Promise<ReconcileResult> {
    const { service, db } = this.deps;
    const unsettled = await db
      .select()
      .from(venueOrders)
      .where(and(eq(venueOrders.modelId, modelId), inArray(venueOrders.status, ["PENDING", "UNKNOWN"])));
    for (const row of unsettled) await service.reconcileOrder(row);
    return service.exclusive(modelId, async () => {
      const venue = service.venueOf(modelId);
      const [positions, open] = await Promise.all([venue.positions(modelId), venue.openOrders(modelId)]);
      const ours = await db
        .select({ clientOrderId: venueOrders.clientOrderId })
        .from(venueOrders)
        .where(and(eq(venueOrders.modelId, modelId), inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED", "PENDING", "UNKNOWN"])));
      const account = service.account(modelId);
      const found = differences(
        {
          database: {
            positions: [...account.positions.values()].map((p) => ({ symbol: p.state.symbol, side: p.state.side, lots: p.state.lots })),
            openOrders: new Set(ours.map((o) => o.clientOrderId)),
          },
          exchange: { positions: positions.map((p) => ({ symbol: p.symbol, side: p.side, lots: p.lots })), openOrders: new Set(open.map((o) => o.clientOrderId)) },
        },
        new Map(this.deps.markets().map((m) => [m.symbol, m])),
      );
      const [row] = await db.select({ status: models.status }).from(models).where(eq(models.id, modelId));
      if (found.length > 0 && row?.status !== "halted") await this.halt(modelId, found.join("; "));
      return { modelId, differences: found, halted: found.length > 0 || row?.status === "halted" };
    });
  }

  async halt(modelId: string, reason: string): Promise<void> {
    this.deps.logger.error({ modelId, reason }, "live account halted: the exchange and the database disagree");
    await this.deps.uow.run(async (tx, ctx) => {
      await tx
        .update(models)
        .set({ status: "halted", haltReason: reason, updatedAt: new Date(this.deps.now()) })
        .where(eq(models.id, modelId));
      ctx.emit(events.modelStatusChanged({ modelId, status: "halted", reason }));
    });
  }

  /**
   * A person's decision: the exchange is right. Its positions and cash become the database's
   * (a RECONCILIATION ledger entry for the cash), orders on the exchange the database does not
   * know are canceled, and the model trades again. Refused while the exchange cannot be read.
   */
  async adopt(modelId: string): Promise<ReconcileResult> {
    const { service } = this.deps;
    if (!this.deps.live.ids().includes(modelId)) throw rejected("not_live", `${modelId} trades on the simulator: there is no exchange state to adopt`);
    const problem = this.deps.live.problem(modelId);
    if (problem) throw rejected("live_trading_unavailable", problem);
    const venue = service.venueOf(modelId);
    const known = new Set(
      (
        await this.deps.db
          .select({ clientOrderId: venueOrders.clientOrderId })
          .from(venueOrders)
          .where(and(eq(venueOrders.modelId, modelId), inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED"])))
      ).map((o) => o.clientOrderId),
    );
    try {
      for (const o of await venue.openOrders(modelId)) {
        if (!known.has(o.clientOrderId)) await venue.cancelOrder(modelId, o.clientOrderId);
      }
      const [positions, cash] = await Promise.all([venue.positions(modelId), venue.collateral!(modelId)]);
      await service.adoptVenueState(modelId, { positions, cash });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(503, "venue_unavailable", `could not read the exchange to adopt its state: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.deps.logger.warn({ modelId }, "a person adopted the exchange's state for a live account");
    return this.check(modelId);
  }
}
