import { DrizzleQueryError } from "drizzle-orm";
import pRetry, { AbortError } from "p-retry";
import { AppError } from "../core/errors.js";
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
import { events } from "../events/events.js";

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
  private readonly markets: Map<string, Watched>;
  private readonly logger: Logger;
  private stopped = false;

  constructor(private readonly opts: ExitEngineOptions) {
    this.markets = new Map(opts.markets.map((m) => [m.symbol, watched(m)]));
    this.logger = opts.logger ?? silentLogger;
  }

  /** A market that joined while running (a prediction market's outcome token): its positions' plans are watched too. */
  addMarket(market: MarketSpec): void {
    if (!this.markets.has(market.symbol)) this.markets.set(market.symbol, watched(market));
  }

  /** Hot path: called for every book update. Allocation-free unless something triggers. */
  onBook(symbol: string, bid: number | undefined, ask: number | undefined): void {
    const market = this.markets.get(symbol);
    if (!market || this.stopped) return;
    const now = this.opts.now();
    const inflight = this.inflight;
    let slot = 0;
    for (const account of this.opts.service.accounts.values()) {
      const pos = account.positions.get(symbol);
      if (pos === undefined || (inflight.size > 0 && inflight.has(pos.id))) continue;
      const trigger = exitTrigger(pos.state.side, pos.plan, bid, ask, now) ?? liquidation(market, slot, pos.state, pos.state.side === "LONG" ? bid : ask);
      slot++;
      if (trigger) this.fire(account.modelId, symbol, pos, trigger);
    }
  }

  /** Closes in flight. */
  get closing(): number {
    return this.inflight.size;
  }

  /** True while a close is in flight. */
  get busy(): boolean {
    return this.inflight.size > 0;
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
        throw r.status === "partial" ? new Error("partial_close") : new CloseRejected(r.reason ?? "rejected");
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
          await this.reportFailure(modelId, symbol, pos.id, trigger, error.attemptNumber, error, wait);
        },
      },
    ).catch((error: unknown) => {
      if (!(error instanceof AbortError)) this.logger.error({ err: error, modelId, symbol }, "triggered close gave up");
    });
  }

  /**
   * Logs the failure in full and records a `close_failed` event that carries only a code and a
   * readable message: the error's own text stays in the log, since a driver's error names the
   * SQL and its parameters, and events reach every stream client.
   */
  private async reportFailure(modelId: string, symbol: string, positionId: string, trigger: CloseTrigger, attempt: number, error: unknown, retryInMs: number): Promise<void> {
    const { reason, message } = closeFailure(error);
    this.logger.warn({ err: error, modelId, symbol, trigger, attempt, reason }, "triggered close failed; retrying");
    try {
      await this.opts.uow.run(async (_tx, ctx) => {
        ctx.emit(events.closeFailed({ modelId, positionId, symbol, closeTrigger: trigger, attempt, reason, message, retryInMs }));
      });
    } catch (err) {
      this.logger.error({ err, modelId, symbol }, "could not record a failed close");
    }
  }
}

/** The trading service answered a close with a rejection (no exception): its reason is a code. */
class CloseRejected extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** A snake_case code as the API uses, from any text (a venue's reason may be in its own style). */
function codeOf(text: string): string {
  const code = text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  return code || "unknown";
}

/** Drizzle wraps a failed statement (its message holds the SQL and parameters); both drivers' server errors carry a SQLSTATE. */
function isDatabaseError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DrizzleQueryError) return true;
    const fields = e as Error & { severity?: unknown; code?: unknown };
    if (typeof fields.severity === "string" && typeof fields.code === "string") return true;
  }
  return false;
}

/**
 * What a failed close says in its event: `reason`, a snake_case code (`rejected:<code>` when the
 * venue or a rule refused it, `database_error`, `venue_unavailable`, ...), and a short message for
 * people. Never the error's own message, which may hold SQL, parameters or a venue's raw answer.
 */
export function closeFailure(error: unknown): { reason: string; message: string } {
  if (error instanceof CloseRejected) {
    const code = codeOf(error.code);
    return { reason: `rejected:${code}`, message: `the close was rejected (${code}); retrying` };
  }
  if (error instanceof AppError) {
    if (error.status === 422 || error.status === 409) return { reason: `rejected:${codeOf(error.code)}`, message: `the close was rejected (${codeOf(error.code)}); retrying` };
    if (error.code === "venue_unavailable") return { reason: "venue_unavailable", message: "the venue did not answer the close; retrying" };
    return { reason: codeOf(error.code), message: "the close failed; retrying (details in the server log)" };
  }
  if (isDatabaseError(error)) return { reason: "database_error", message: "the database could not record the close; retrying" };
  return { reason: "internal_error", message: "the close failed unexpectedly; retrying (details in the server log)" };
}

/**
 * A market the engine watches, with the liquidation prices of its positions by their place in
 * the walk of onBook (the accounts' order). A price is solved once per position state and kept
 * with the state object it was solved for: a slot whose state is another object (a fill changed
 * the position, an account came or went and shifted the slots) is solved again. A WeakMap from
 * state to price did the same, but its lookup per position per update was an eighth of the check.
 */
interface Watched {
  readonly spec: MarketSpec;
  readonly states: PositionState[];
  readonly prices: number[];
}

const watched = (spec: MarketSpec): Watched => ({ spec, states: [], prices: [] });

/**
 * Isolated liquidation: the position's initial margin plus its P&L at the exit price has fallen
 * to the maintenance margin. Solved once per position state for the price in ticks at which
 * that happens, so the check on every book update is one integer comparison.
 */
function liquidation(m: Watched, slot: number, state: PositionState, exitPx: number | undefined): CloseTrigger | null {
  if (exitPx === undefined) return null;
  let px: number;
  if (m.states[slot] === state) {
    px = m.prices[slot]!;
  } else {
    px = liquidationPrice(m.spec, state);
    m.states[slot] = state;
    m.prices[slot] = px;
  }
  return (state.side === "LONG" ? exitPx <= px : exitPx >= px) ? "LIQUIDATION" : null;
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
