import pRetry, { AbortError } from "p-retry";
import { initialMargin } from "../core/leverage.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { notional, type MarketSpec } from "../core/market.js";
import type { PositionState } from "../core/position.js";
import type { CloseTrigger } from "../core/types.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { OpenPosition } from "./account.js";
import { exitTrigger } from "./exit-plan.js";
import type { TradingService } from "./trading-service.js";

export interface ExitEngineOptions {
  service: TradingService;
  uow: UnitOfWork;
  markets: readonly MarketSpec[];
  now: () => number;
  logger?: Logger;
  /** Backoff of a failed close: first wait, doubling up to the cap, forever until it closes. */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * Checks every open position's exit plan and liquidation price on every book update, and
 * closes a triggered position exactly once. A close that fails is retried with backoff and
 * reported as an event on every failure, until the position is closed: stops are never lost.
 */
export class ExitEngine {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly markets: Map<string, MarketSpec>;
  private readonly logger: Logger;
  private stopped = false;

  constructor(private readonly opts: ExitEngineOptions) {
    this.markets = new Map(opts.markets.map((m) => [m.symbol, m]));
    this.logger = opts.logger ?? silentLogger;
  }

  /** Hot path: called for every book update. Allocation-free unless something triggers. */
  onBook(symbol: string, bid: number | undefined, ask: number | undefined): void {
    const market = this.markets.get(symbol);
    if (!market || this.stopped) return;
    const now = this.opts.now();
    for (const account of this.opts.service.accounts.values()) {
      const pos = account.positions.get(symbol);
      if (!pos || this.inflight.has(pos.id)) continue;
      const trigger = exitTrigger(pos.state.side, pos.plan, bid, ask, now) ?? liquidation(market, pos, pos.state.side === "LONG" ? bid : ask);
      if (trigger) this.fire(account.modelId, symbol, pos, trigger);
    }
  }

  /** Resolves when every close in flight has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  stop(): void {
    this.stopped = true;
  }

  private fire(modelId: string, symbol: string, pos: OpenPosition, trigger: CloseTrigger): void {
    const run = this.closeUntilDone(modelId, symbol, pos, trigger).finally(() => this.inflight.delete(pos.id));
    this.inflight.set(pos.id, run);
  }

  private async closeUntilDone(modelId: string, symbol: string, pos: OpenPosition, trigger: CloseTrigger): Promise<void> {
    const stillOpen = () => this.opts.service.accounts.get(modelId)?.positions.get(symbol)?.id === pos.id;
    await pRetry(
      async () => {
        if (this.stopped) throw new AbortError("exit engine stopped");
        if (!stillOpen()) return;
        const r = await this.opts.service.closePosition(modelId, symbol, trigger);
        if (r.status === "closed" || r.reason === "no_position" || !stillOpen()) return;
        // A partial close leaves the rest of a triggered position to close on the next attempt.
        throw new Error(r.status === "partial" ? "partial_close" : (r.reason ?? "rejected"));
      },
      {
        // Never give up while the position is open: after 20 growing waits, keep retrying at the cap.
        retries: 20,
        forever: true,
        factor: 2,
        minTimeout: this.opts.retryInitialMs ?? 100,
        maxTimeout: this.opts.retryMaxMs ?? 30_000,
        randomize: false,
        onFailedAttempt: async (error) => {
          if (error.message === "partial_close") return;
          const wait = Math.min((this.opts.retryInitialMs ?? 100) * 2 ** (error.attemptNumber - 1), this.opts.retryMaxMs ?? 30_000);
          this.logger.warn({ modelId, symbol, trigger, attempt: error.attemptNumber, reason: error.message }, "triggered close failed; retrying");
          await this.reportFailure(modelId, symbol, pos.id, trigger, error.attemptNumber, error.message, wait);
        },
      },
    ).catch((error: unknown) => {
      if (!(error instanceof AbortError)) this.logger.error({ err: error, modelId, symbol }, "triggered close gave up");
    });
  }

  private async reportFailure(modelId: string, symbol: string, positionId: string, trigger: CloseTrigger, attempt: number, reason: string, retryInMs: number): Promise<void> {
    try {
      await this.opts.uow.run(async (_tx, ctx) => {
        ctx.emit({ type: "order", modelId, data: { action: "close_failed", positionId, symbol, closeTrigger: trigger, attempt, reason, retryInMs } });
      });
    } catch (error) {
      this.logger.error({ err: error, modelId, symbol }, "could not record a failed close");
    }
  }
}

/**
 * Isolated liquidation: the position's initial margin plus its P&L at the exit price has fallen
 * to the maintenance margin. Solved once per position state for the price in ticks at which
 * that happens, so the check on every book update is one integer comparison.
 */
const liquidationPrices = new WeakMap<PositionState, number>();

function liquidation(m: MarketSpec, pos: OpenPosition, exitPx: number | undefined): CloseTrigger | null {
  if (exitPx === undefined) return null;
  let px = liquidationPrices.get(pos.state);
  if (px === undefined) {
    px = liquidationPrice(m, pos.state);
    liquidationPrices.set(pos.state, px);
  }
  return (pos.state.side === "LONG" ? exitPx <= px : exitPx >= px) ? "LIQUIDATION" : null;
}

/**
 * With notional n(p) = p x lots x unit, margin M and maintenance rate r (bps / 10,000):
 * a long is liquidated when M + n(p) - cost <= r n(p), i.e. p <= (cost - M) / (lots unit (1 - r));
 * a short when M + cost - n(p) <= r n(p), i.e. p >= (cost + M) / (lots unit (1 + r)).
 */
export function liquidationPrice(m: MarketSpec, s: PositionState): number {
  const margin = initialMargin(s.cost, s.leverage);
  const perTick = notional(m, 1, s.lots); // micro-dollars per tick of price for the whole position
  const bps = BigInt(m.maintenanceMarginBps);
  if (s.side === "LONG") {
    const num = (s.cost - margin) * 10_000n;
    const den = perTick * (10_000n - bps);
    return num <= 0n ? 0 : Number(num / den);
  }
  const num = (s.cost + margin) * 10_000n;
  const den = perTick * (10_000n + bps);
  return Number((num + den - 1n) / den);
}
