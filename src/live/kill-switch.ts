import { eq } from "drizzle-orm";
import type { Logger } from "../core/logger.js";
import type { Db } from "../db/client.js";
import { liveControl } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import type { TradingService } from "../trading/trading-service.js";
import { EXIT_ORDER_PREFIX } from "../trading/exit-orders.js";
import type { LiveAccounts } from "./live-accounts.js";

export interface LiveSwitchState {
  halted: boolean;
  reason: string | null;
  changedAt: string | null;
}

/**
 * The live kill switch. Thrown, it cancels every open entry order of every live model and
 * refuses new entries; exits still go out and the exchange-held stops and targets stay (they can
 * only reduce a position, and protect it meanwhile). Lifted, trading goes on.
 * Its state is a database row, so a restart comes back halted if it was.
 */
export class KillSwitch {
  private state: LiveSwitchState = { halted: false, reason: null, changedAt: null };

  constructor(private readonly deps: { db: Db; uow: UnitOfWork; service: TradingService; live: LiveAccounts; now: () => number; logger: Logger }) {}

  async load(): Promise<void> {
    const [row] = await this.deps.db.select().from(liveControl).where(eq(liveControl.id, 1));
    if (row) this.state = { halted: row.halted, reason: row.reason, changedAt: row.changedAt.toISOString() };
  }

  get halted(): boolean {
    return this.state.halted;
  }

  view(): LiveSwitchState {
    return { ...this.state };
  }

  /** Halts first (so nothing new goes out), then cancels; orders it could not cancel are listed. */
  async halt(reason: string | null): Promise<LiveSwitchState & { canceledOrders: number; failures: string[] }> {
    // Persisted (and in force) before the first cancel: a crash midway stays halted.
    await this.write(true, reason);
    let canceled = 0;
    const failures: string[] = [];
    for (const modelId of this.deps.live.linkedIds()) {
      const venue = this.deps.service.venueOf(modelId);
      try {
        for (const o of await venue.openOrders(modelId)) {
          // A position's stop and target stay: they can only reduce it, and protect it meanwhile.
          if (o.clientOrderId.startsWith(EXIT_ORDER_PREFIX)) continue;
          try {
            await this.deps.service.cancelOrder(modelId, o.clientOrderId);
            canceled++;
          } catch (error) {
            failures.push(`${modelId} ${o.clientOrderId}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      } catch (error) {
        failures.push(`${modelId}: could not list open orders (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    await this.announce(true, reason, canceled);
    if (failures.length > 0) this.deps.logger.error({ failures }, "kill switch: some orders could not be canceled");
    this.deps.logger.warn({ reason, canceled }, "live trading halted");
    return { ...this.view(), canceledOrders: canceled, failures };
  }

  async resume(): Promise<LiveSwitchState> {
    await this.write(false, null);
    await this.announce(false, null, 0);
    this.deps.logger.warn("live trading resumed");
    return this.view();
  }

  /** The event, once the cancellations are done: it says how many orders the halt canceled. */
  private announce(halted: boolean, reason: string | null, canceledOrders: number): Promise<void> {
    return this.deps.uow.run((_tx, ctx) => {
      ctx.emit(events.liveSwitched({ modelId: "", halted, reason, canceledOrders }));
      return Promise.resolve();
    });
  }

  private async write(halted: boolean, reason: string | null): Promise<void> {
    const changedAt = new Date(this.deps.now());
    await this.deps.uow.run(async (tx, ctx) => {
      await tx.insert(liveControl).values({ id: 1, halted, reason, changedAt }).onConflictDoUpdate({ target: liveControl.id, set: { halted, reason, changedAt } });
      ctx.onCommit(() => {
        this.state = { halted, reason, changedAt: changedAt.toISOString() };
      });
    });
  }
}
