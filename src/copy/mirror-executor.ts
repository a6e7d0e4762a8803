import { AppError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { maxBig, parseScaled } from "../core/decimal.js";
import { lotsToQuantity, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd, usd } from "../core/money.js";
import { entrySide, exitSide, TERMINAL_ORDER_STATUSES, type VenueOrderStatus } from "../core/types.js";
import type { Db } from "../db/client.js";
import type { Rider, UnitOfWork } from "../db/unit-of-work.js";
import type { TradingService } from "../trading/trading-service.js";
import type { VenueOrderRow } from "../trading/order-recorder.js";
import { averageFillPrice, clientOrderIdFor, orderByClientId, ordersOf, orderWithAverage, recordExecution, type ExecutionPatch } from "./execution-queue.js";
import type { ExecutionRow, MirrorRow } from "./mirror-store.js";
import { DEFAULTS, type Reason, type Sizing } from "./mirror-settings.js";
import type { Signal } from "./signal.js";
import type { ExitPlanInput } from "../trading/contracts.js";
import { boundTicks, entryLots, notionalAt, reductionLots, slippageBps } from "./sizing.js";
import { belowMinExit, isResolutionClose, outcomeVerdict, resolutionVerdict } from "./outcome-signals.js";
import { reasonOfOrder, reasonOfRefusal } from "./venue-reasons.js";

export interface ExecutorDeps {
  db: Db;
  /** The unit of work the trading service writes through: the outcome rides in the order's transaction. */
  uow: UnitOfWork;
  service: TradingService;
  sourceEquity(modelId: string): Promise<bigint>;
  wallNow(): number;
  finish(row: ExecutionRow, patch: ExecutionPatch): Promise<ExecutionRow | undefined>;
  faults?: { afterClaim?(row: ExecutionRow): void; afterOrder?(row: ExecutionRow): void };
  logger: Logger;
}

/**
 * Executes one claimed execution on the follower's account through the trading service (so the
 * follower's risk engine applies), and records its outcome. The follower's order carries a
 * client id derived from the execution's key: after a crash, the order (if any) is found by it
 * and settled, never sent twice.
 */
export class MirrorExecutor {
  constructor(private readonly d: ExecutorDeps) {}

  /**
   * Runs a claimed execution; `recovering` when an earlier claim lapsed. Returns false when the
   * outcome is still unknown (the venue did not answer): the execution stays claimed, to retry.
   */
  async run(mirror: MirrorRow, row: ExecutionRow, recovering: boolean): Promise<boolean> {
    this.d.faults?.afterClaim?.(row);
    if (recovering) {
      const settled = await this.settleEarlierOrder(mirror, row);
      if (settled === "unknown" && this.d.wallNow() - (row.signal as Signal).at > mirror.maxSignalAgeMs) {
        // A remote venue that cannot find the order does not prove it never happened: never
        // resend it. The mirror moves on; the order stays UNKNOWN for the trading service.
        await this.d.finish(row, {
          ...this.failed("venue_error", "the venue never confirmed the order and cannot find it; it was not sent again (its fate stays UNKNOWN until the venue reconciles it)"),
          detail: "outcome_unknown",
        });
        return true;
      }
      if (settled !== "none") return settled === "done";
    }
    try {
      return await this.execute(mirror, row, await this.nextClientOrderId(row));
    } catch (error) {
      this.d.logger.error({ err: error, executionId: row.id }, "mirror execution failed");
      await this.d.finish(row, this.failed("venue_error", error instanceof Error ? error.message : String(error)));
      return true;
    }
  }

  /** A resting (GTC/GTT) execution: finished when its order is, canceled when its time is up. */
  async reap(mirror: MirrorRow, row: ExecutionRow): Promise<void> {
    const order = row.clientOrderId ? await orderByClientId(this.d.db, row.clientOrderId) : undefined;
    if (!order) return;
    if (TERMINAL_ORDER_STATUSES.has(order.status as VenueOrderStatus)) {
      await this.finishFromOrder(row, order, row.sentAt?.getTime() ?? null, "expired");
      return;
    }
    const ttl = mirror.ttlMs ?? DEFAULTS.ttlMs;
    if (row.sentAt && this.d.wallNow() - row.sentAt.getTime() >= ttl) {
      try {
        await this.d.service.cancelOrder(row.followerModelId, order.clientOrderId);
      } catch (error) {
        this.d.logger.warn({ err: error, clientOrderId: order.clientOrderId }, "the reaper could not cancel a mirror order; trying again");
        return;
      }
      const after = await orderByClientId(this.d.db, order.clientOrderId);
      if (after && TERMINAL_ORDER_STATUSES.has(after.status as VenueOrderStatus)) await this.finishFromOrder(row, after, row.sentAt.getTime(), "expired");
    }
  }

  private async execute(mirror: MirrorRow, row: ExecutionRow, clientOrderId: string): Promise<boolean> {
    const s = row.signal as Signal;
    const follower = row.followerModelId;
    const skip = (reason: Reason, message: string, detail?: string) =>
      this.d.finish(row, { state: "done", outcome: "skipped", reason, message, detail: detail ?? null, finishedAt: new Date(this.d.wallNow()) }).then(() => true);

    // Each signal gets an outcome: these are decided before anything is sent.
    if (mirror.deletedAt !== null || !mirror.active) return skip("mirror_paused", mirror.deletedAt ? "the mirror was deleted" : "the mirror is paused");
    if (mirror.symbols && !mirror.symbols.includes(s.symbol)) return skip("symbol_not_allowed", `${s.symbol} is not among the mirror's symbols (${mirror.symbols.join(", ")})`);
    // Whatever its age: a resolution's close is never an order to send (see outcome-signals.ts).
    if (isResolutionClose(s)) {
      const m = this.marketOf(s.symbol);
      const held = m ? this.d.service.account(follower).positions.get(m.symbol) : undefined;
      const v = resolutionVerdict(s, m && held ? lotsToQuantity(m, held.state.lots) : null);
      return skip(v.reason, v.message);
    }
    const age = this.d.wallNow() - s.at;
    if (age > mirror.maxSignalAgeMs) return skip("signal_too_old", `the signal is ${age} ms old, above maxSignalAgeMs ${mirror.maxSignalAgeMs}`);
    const market = this.marketOf(s.symbol);
    if (!market) return skip("symbol_not_allowed", `the follower's venue has no ${s.symbol} market`);
    const refused = outcomeVerdict(market, s);
    if (refused) return skip(refused.reason, refused.message);
    const account = this.d.service.account(follower);
    const held = account.positions.get(market.symbol);

    if (s.action === "exit_plan") {
      if (!held || held.state.side !== s.side) return skip("no_follower_position", `the follower holds no ${s.side} ${s.symbol} position whose exit plan could follow`);
      try {
        await this.d.service.updateExitPlan(follower, s.symbol, mirroredPlan(s.exitPlan ?? {}), { source: "mirror" });
      } catch (error) {
        return this.finishFromError(row, error);
      }
      const now = new Date(this.d.wallNow());
      await this.d.finish(row, { state: "done", outcome: "filled", message: "exit plan mirrored", sentAt: now, filledAt: now, finishedAt: now });
      return true;
    }

    if (s.action === "reduce" || s.action === "close") {
      if (!held || held.state.side !== s.side) return skip("no_follower_position", `the follower holds no ${s.side} ${s.symbol} position to ${s.action}`);
      const lots = reductionLots(held.state.lots, s.action, s.quantity ?? "0", s.positionQuantity);
      if (lots <= 0n) return skip("below_min_size", `the follower's share of this reduction rounds down to nothing (${lotsToQuantity(market, held.state.lots)} held)`);
      const tooSmall = belowMinExit(market, lots, held.state.lots);
      if (tooSmall) return skip(tooSmall.reason, tooSmall.message);
      const sentAt = this.d.wallNow();
      const ride = this.rideAlong(row, clientOrderId, sentAt);
      try {
        await this.d.service.reducePosition(follower, s.symbol, Number(lots), "MIRROR", clientOrderId);
      } catch (error) {
        ride.stop();
        return ride.recorded || this.afterError(row, clientOrderId, sentAt, error, lotsToQuantity(market, lots));
      }
      ride.stop();
      return ride.recorded || this.afterOrder(row, clientOrderId, sentAt, ride.faulted);
    }

    // An entry or a scale-in: sized, bounded, sent as the mirror's order type.
    const followerEquity = this.d.service.figures(account).equity;
    const sourceEquity = (mirror.sizing as Sizing).mode === "proportional" ? await this.d.sourceEquity(row.sourceModelId) : 0n;
    const size = entryLots({ market, sizing: mirror.sizing as Sizing, sourceQuantity: s.quantity ?? "0", sourcePrice: s.price ?? "0", followerEquity, sourceEquity });
    const minNotional = maxBig(usd(mirror.minNotional), market.minNotional);
    const notional = notionalAt(market, s.price ?? "0", size.lots);
    if (size.lots < BigInt(market.minBaseLots) || notional < minNotional) {
      await this.keepPlan(row, held?.state.side === s.side);
      return skip(
        "below_min_size",
        `the sized order, ${lotsToQuantity(market, size.lots)} ${s.symbol} ($${formatUsd(notional)}), is below the minimum (${lotsToQuantity(market, market.minBaseLots)} ${s.symbol} and $${formatUsd(minNotional)})`,
      );
    }
    const side = entrySide(s.side);
    const price = boundTicks(market, side, s.price!, mirror.maxSlippageBps);
    if (price === null) {
      await this.keepPlan(row, held?.state.side === s.side);
      return skip("slippage_exceeded", `no price on ${s.symbol}'s tick lies within maxSlippageBps ${mirror.maxSlippageBps} of the source's ${s.price}`);
    }
    const ttl = mirror.ttlMs ?? DEFAULTS.ttlMs;
    const leverage = parseScaled(s.leverage, 2, "floor") > BigInt(market.maxLeverage) * 100n ? String(market.maxLeverage) : s.leverage;
    const sentAt = this.d.wallNow();
    const ride = this.rideAlong(row, clientOrderId, sentAt);
    try {
      await this.d.service.openPosition(
        follower,
        {
          symbol: s.symbol,
          side: s.side,
          quantity: lotsToQuantity(market, size.lots),
          leverage,
          type: "LIMIT",
          price: ticksToPrice(market, price),
          timeInForce: mirror.orderType,
          ...(mirror.orderType === "GTT" ? { expiresAt: new Date(this.d.wallNow() + ttl).toISOString() } : {}),
          ...(s.exitPlan ? { exitPlan: s.exitPlan } : {}),
        },
        { clientOrderId, origin: { source: "mirror" } },
      );
    } catch (error) {
      ride.stop();
      const done = ride.recorded || (await this.afterError(row, clientOrderId, sentAt, error, lotsToQuantity(market, size.lots)));
      await this.keepPlan(row, held?.state.side === s.side);
      return done;
    }
    ride.stop();
    return ride.recorded || this.afterOrder(row, clientOrderId, sentAt, ride.faulted);
  }

  /**
   * The execution's outcome written in the follower order's own transaction: while the trading
   * service runs the order, a rider on the follower's units (UnitOfWork.ride) reads the order's
   * row as that transaction left it and records the outcome beside it, so one commit holds the
   * order, its fills and the outcome, and a crash cannot fall between them. An order the
   * transaction left PENDING or UNKNOWN (a remote venue answers after the row is written) is
   * recorded by the unit that records the answer; when no unit recorded it (a refusal before
   * any write, a venue that never answered), `recorded` stays false and the outcome is read
   * back and written after, as before.
   */
  private rideAlong(row: ExecutionRow, clientOrderId: string, sentAt: number): { readonly recorded: boolean; readonly faulted: boolean; stop(): void } {
    const state = { recorded: false, faulted: false };
    const rider: Rider = async (tx, ctx) => {
      if (state.recorded) return;
      const found = await orderWithAverage(tx, clientOrderId);
      if (!found) return;
      const patch = this.outcomePatch(row, found.order, found.avg, sentAt, null);
      if (!patch) return;
      // The crash tests' "between order and outcome": the venue executed it, nothing is committed yet.
      if (!state.faulted) {
        state.faulted = true;
        this.d.faults?.afterOrder?.(row);
      }
      await recordExecution(tx, ctx, row.id, patch);
      ctx.onCommit(() => (state.recorded = true));
    };
    const stop = this.d.uow.ride(row.followerModelId, rider);
    return {
      get recorded() {
        return state.recorded;
      },
      get faulted() {
        return state.faulted;
      },
      stop,
    };
  }

  /**
   * A scale-in the follower did not take still carries the source's exit-plan change (a tighter
   * stop, say): the follower's own position gets it, so it is never left on the looser plan.
   */
  private async keepPlan(row: ExecutionRow, holdsSameSide: boolean): Promise<void> {
    const s = row.signal as Signal;
    if (!holdsSameSide || !s.exitPlan) return;
    try {
      await this.d.service.updateExitPlan(row.followerModelId, s.symbol, mirroredPlan(s.exitPlan), { source: "mirror" });
    } catch (error) {
      this.d.logger.warn({ err: error, executionId: row.id }, "could not carry a skipped scale-in's exit plan over to the follower");
    }
  }

  /** The order was answered: its row says what happened. */
  private async afterOrder(row: ExecutionRow, clientOrderId: string, sentAt: number, faulted = false): Promise<boolean> {
    if (!faulted) this.d.faults?.afterOrder?.(row);
    const order = await orderByClientId(this.d.db, clientOrderId);
    if (!order) {
      await this.d.finish(row, this.failed("venue_error", "the order left no record"));
      return true;
    }
    return this.finishFromOrder(row, order, sentAt, null);
  }

  /** The trading service refused or the venue failed: an order row, if one was written, still decides. */
  private async afterError(row: ExecutionRow, clientOrderId: string, sentAt: number, error: unknown, intended: string): Promise<boolean> {
    const order = await orderByClientId(this.d.db, clientOrderId);
    if (order) {
      if (order.status === "PENDING" || order.status === "UNKNOWN") return false;
      return this.finishFromOrder(row, order, sentAt, null);
    }
    return this.finishFromError(row, error, intended);
  }

  private async finishFromError(row: ExecutionRow, error: unknown, intended: string | null = null): Promise<boolean> {
    const now = new Date(this.d.wallNow());
    if (!(error instanceof AppError)) {
      await this.d.finish(row, { ...this.failed("venue_error", error instanceof Error ? error.message : String(error)), intendedQuantity: intended });
      return true;
    }
    if (error.code === "venue_unavailable") return false;
    const reason = reasonOfRefusal(error.code, error.status);
    await this.d.finish(row, {
      intendedQuantity: intended,
      state: "done",
      outcome: reason === "venue_error" ? "failed" : "skipped",
      reason,
      detail: error.code,
      message: error.message,
      finishedAt: now,
    });
    return true;
  }

  /** An execution's outcome from its order's row and fills: the same whether just sent or found after a crash. */
  private async finishFromOrder(row: ExecutionRow, order: VenueOrderRow, sentAt: number | null, endedReason: Reason | null): Promise<boolean> {
    const status = order.status as VenueOrderStatus;
    if (status === "PENDING" || status === "UNKNOWN") return false;
    const avg = parseScaled(order.filledQuantity, 10) > 0n ? await averageFillPrice(this.d.db, order.clientOrderId) : null;
    await this.d.finish(row, this.outcomePatch(row, order, avg, sentAt, endedReason)!);
    return true;
  }

  /**
   * What an order's row (and its average fill price) says of the execution; null while its fate
   * is unknown (PENDING, UNKNOWN). `sentAt` is null when the order was found later (a crash, a
   * resting order), `endedReason` the reason when the mirror ended it (reaped).
   */
  private outcomePatch(row: ExecutionRow, order: VenueOrderRow, avg: string | null, sentAt: number | null, endedReason: Reason | null): ExecutionPatch | null {
    const s = row.signal as Signal;
    const status = order.status as VenueOrderStatus;
    if (status === "PENDING" || status === "UNKNOWN") return null;
    const filled = parseScaled(order.filledQuantity, 10);
    const wanted = parseScaled(order.quantity, 10);
    if (filled === 0n) avg = null;
    const side = s.action === "reduce" || s.action === "close" ? exitSide(s.side) : entrySide(s.side);
    const now = new Date(this.d.wallNow());
    const base: ExecutionPatch = {
      clientOrderId: order.clientOrderId,
      intendedQuantity: order.quantity,
      filledQuantity: order.filledQuantity,
      avgPrice: avg,
      slippageBps: avg !== null && s.price ? slippageBps(side, s.price, avg) : null,
      // Against the followed wallet's own trade, when the source is a follow model that copied one.
      traderSlippageBps: avg !== null && row.traderPrice ? slippageBps(side, row.traderPrice, avg) : null,
      sentAt: sentAt === null ? order.createdAt : new Date(sentAt),
      // Just answered: the fill is being committed now; found later (a crash, a resting order): when its row last changed.
      filledAt: filled > 0n ? (sentAt !== null && endedReason === null ? now : order.updatedAt) : null,
    };
    if (status === "OPEN" || status === "PARTIALLY_FILLED") return { ...base, state: "working", message: `resting on the book until filled or reaped` };
    if (status === "FILLED" || filled >= wanted) return { ...base, state: "done", outcome: "filled", finishedAt: now };
    const venueReason = order.reason ?? status.toLowerCase();
    const reason: Reason = endedReason ?? reasonOfOrder(status, venueReason, order.purpose === "CLOSE");
    const outcome = filled > 0n ? "partial" : reason === "venue_error" ? "failed" : "skipped";
    return { ...base, state: "done", outcome, reason, detail: venueReason, message: order.reason ? `the venue: ${order.reason}` : `order ${status.toLowerCase()}`, finishedAt: now };
  }

  /**
   * After a lapsed claim: the order an earlier attempt sent, if any, decides. One whose answer
   * was lost is reconciled with the venue first; one the venue never got is sent again.
   */
  private async settleEarlierOrder(mirror: MirrorRow, row: ExecutionRow): Promise<"done" | "unknown" | "none"> {
    const orders = await ordersOf(this.d.db, row.key, row.attempts);
    const last = orders[orders.length - 1];
    if (!last) return "none";
    if (last.status === "PENDING" || last.status === "UNKNOWN") {
      const r = await this.d.service.reconcileOrder(last);
      if (r === "unknown") return "unknown";
    }
    const after = (await orderByClientId(this.d.db, last.clientOrderId))!;
    if (after.status === "CANCELED" && after.reason === "lost_before_execution" && parseScaled(after.filledQuantity, 10) === 0n) return "none";
    const working = after.status === "OPEN" || after.status === "PARTIALLY_FILLED";
    await this.finishFromOrder(row, after, null, null);
    if (working) await this.reap(mirror, { ...row, state: "working", clientOrderId: after.clientOrderId, sentAt: after.createdAt });
    return "done";
  }

  /** The first client id of this execution no order carries yet. */
  private async nextClientOrderId(row: ExecutionRow): Promise<string> {
    // A first claim has sent nothing yet: no need to look.
    if (row.attempts <= 1) return clientOrderIdFor(row.key, 1);
    const used = new Set((await ordersOf(this.d.db, row.key, row.attempts)).map((o) => o.clientOrderId));
    let attempt = 1;
    while (used.has(clientOrderIdFor(row.key, attempt))) attempt++;
    return clientOrderIdFor(row.key, attempt);
  }

  /** The follower's market of a symbol, or undefined when its venue has none. */
  private marketOf(symbol: string): MarketSpec | undefined {
    try {
      return this.d.service.market(symbol);
    } catch {
      return undefined;
    }
  }

  private failed(reason: Reason, message: string): ExecutionPatch {
    return { state: "done", outcome: "failed", reason, message, finishedAt: new Date(this.d.wallNow()) };
  }
}

/** The parts of the source's plan a follower takes: its levels and time exit (cooldown and confidence stay the follower's). */
function mirroredPlan(p: ExitPlanInput): ExitPlanInput {
  return { stop: p.stop ?? null, target: p.target ?? null, invalidation: p.invalidation ?? null, invalidationPrice: p.invalidationPrice ?? null, timeExit: p.timeExit ?? null };
}
