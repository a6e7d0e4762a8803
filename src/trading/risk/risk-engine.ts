import { maxBig } from "../../core/decimal.js";
import { initialMargin, type LeverageCenti } from "../../core/leverage.js";
import { isOutcome, notional, type MarketSpec } from "../../core/market.js";
import { feeMicro, type Micro } from "../../core/money.js";
import type { Side } from "../../core/types.js";
import type { AccountFigures, ModelAccount } from "../account.js";
import { ENTRY_CHECKS, EXIT_PLAN_CHECKS, firstRejection, type EntryContext, type RiskRejection } from "./checks.js";
import { DEFAULT_RISK_LIMITS, resolveLimits, type RiskLimits } from "./limits.js";

const DAY_MS = 86_400_000;

/** The UTC day of an epoch-ms time, as the daily loss breaker counts days. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** Who acts: a model's run (limited to one action per symbol) or a person through the API. */
export interface ActionOrigin {
  source: "model" | "manual" | "mirror";
  runId?: string;
}

/** An entry order as the trading service is about to send it, after its own validation. */
export interface EntryRequest {
  account: ModelAccount;
  origin: ActionOrigin;
  market: MarketSpec;
  side: Side;
  lots: number;
  /** The position's leverage for a scale-in, the order's for a new position. */
  leverage: LeverageCenti;
  /** The price it would fill at: the best ask for a long, the best bid for a short, a LIMIT's own price. */
  entryTicks: number;
  /** The stop of the resulting position (a scale-in inherits the position's, or tightens it). */
  stopTicks: number | null;
  now: number;
  figures: AccountFigures;
  markets: ReadonlyMap<string, MarketSpec>;
  /** The mark (mid) by symbol. */
  mark: (symbol: string) => number | undefined;
  /** Taker fee the order is budgeted at. */
  takerFeeBps: number;
}

export interface RiskEngineOptions {
  /** Overrides of DEFAULT_RISK_LIMITS for every model without limits of its own (validated like a model's). */
  defaults?: unknown;
  /** How many runs' actions are remembered for the one-action-per-symbol rule (the oldest are forgotten). */
  runsRemembered?: number;
}

/**
 * The one place every entry and exit-plan change passes before it reaches the venue, from any
 * model and from the API alike. It holds each model's limits and the symbols each run has
 * acted on; what it needs from the past (the last close per symbol, the day's first equity)
 * lives on the account, which is rebuilt from the database at every start. The checks are
 * small pure functions (checks.ts); this class only gathers their inputs.
 */
export class RiskEngine {
  private readonly defaults: RiskLimits;
  private readonly perModel = new Map<string, RiskLimits>();
  /** Symbols acted on, by run id; insertion order is age. */
  private readonly runs = new Map<string, Set<string>>();
  private readonly runsRemembered: number;

  constructor(options: RiskEngineOptions = {}) {
    this.defaults = resolveLimits(options.defaults, DEFAULT_RISK_LIMITS);
    this.runsRemembered = options.runsRemembered ?? 4096;
  }

  /**
   * Sets a model's limits from its configuration (`models.config.risk`): any subset of the
   * limits over the defaults; `undefined`/`null` restores the defaults. Throws a 400
   * `invalid_request` naming each bad field, and then changes nothing.
   */
  setLimits(modelId: string, overrides: unknown): RiskLimits {
    const limits = resolveLimits(overrides, this.defaults);
    this.perModel.set(modelId, limits);
    return { ...limits };
  }

  limitsOf(modelId: string): RiskLimits {
    return { ...(this.perModel.get(modelId) ?? this.defaults) };
  }

  /** Null when the entry may go to the venue; otherwise the first limit it breaks. */
  checkEntry(req: EntryRequest): RiskRejection | null {
    return firstRejection(ENTRY_CHECKS, this.entryContext(req));
  }

  checkExitPlanUpdate(modelId: string, symbol: string, origin: ActionOrigin): RiskRejection | null {
    return firstRejection(EXIT_PLAN_CHECKS, { limits: this.limitsFor(modelId), symbol, actedThisRun: this.actedThisRun(origin, symbol) });
  }

  /** Called when an action passed the checks and is about to be carried out. Closing is not an action. */
  recordAction(origin: ActionOrigin, symbol: string): void {
    if (origin.source !== "model" || origin.runId === undefined) return;
    let symbols = this.runs.get(origin.runId);
    if (!symbols) {
      symbols = new Set();
      this.runs.set(origin.runId, symbols);
      for (const oldest of this.runs.keys()) {
        if (this.runs.size <= this.runsRemembered) break;
        this.runs.delete(oldest);
      }
    }
    symbols.add(symbol);
  }

  /** Every look at an account's equity: the first of each UTC day becomes the daily breaker's reference. */
  observeEquity(account: ModelAccount, now: number, equity: Micro): void {
    const day = utcDay(now);
    if (account.dayStart?.day !== day) account.dayStart = { day, equity };
  }

  /** Everything the entry checks compare, computed once in exact integers. */
  entryContext(req: EntryRequest): EntryContext {
    const { account, market, side, figures } = req;
    this.observeEquity(account, req.now, figures.equity);
    const existing = account.positions.get(market.symbol)?.state ?? null;
    const lots = BigInt(req.lots);
    const orderNotional = notional(market, req.entryTicks, lots);
    const markTicks = req.mark(market.symbol);
    const atMark = markTicks === undefined ? orderNotional : notional(market, markTicks, lots);
    // What the fill costs the equity at once: the fee, and the spread between the fill and the mark.
    const toMark = side === "LONG" ? orderNotional - atMark : atMark - orderNotional;
    const equityAfter = figures.equity - feeMicro(orderNotional, req.takerFeeBps) - maxBig(toMark, 0n);

    let exposure = maxBig(orderNotional, atMark);
    const symbols = new Set<string>([market.symbol]);
    for (const p of account.positions.values()) {
      const m = req.markets.get(p.state.symbol);
      const px = req.mark(p.state.symbol);
      exposure += m && px !== undefined ? notional(m, px, p.state.lots) : p.state.cost;
      symbols.add(p.state.symbol);
    }
    for (const r of account.resting.values()) {
      exposure += r.notional;
      symbols.add(r.symbol);
    }

    let riskAtStop: Micro | null = null;
    // A share of an outcome token without a stop can lose all it cost and no more: its stop is 0.
    const stopTicks = req.stopTicks ?? (isOutcome(market) ? 0 : null);
    if (stopTicks !== null) {
      const lotsAfter = (existing?.lots ?? 0n) + lots;
      const costAfter = (existing?.cost ?? 0n) + orderNotional;
      const atStop = notional(market, stopTicks, lotsAfter);
      riskAtStop = maxBig(side === "LONG" ? costAfter - atStop : atStop - costAfter, 0n);
    }

    const day = account.dayStart;
    return {
      limits: this.limitsFor(account.modelId),
      now: req.now,
      symbol: market.symbol,
      side,
      scaleIn: existing !== null,
      leverage: req.leverage,
      equity: figures.equity,
      equityAfter,
      initialCapital: account.initialCapital,
      dayStartEquity: day && day.day === utcDay(req.now) ? day.equity : null,
      marginUsed: figures.marginUsed,
      orderMargin: initialMargin(orderNotional, req.leverage),
      exposureAfter: exposure,
      riskAtStop,
      openPositionsAfter: symbols.size,
      lastClosed: account.lastClosed.get(market.symbol) ?? null,
      actedThisRun: this.actedThisRun(req.origin, market.symbol),
    };
  }

  private limitsFor(modelId: string): RiskLimits {
    return this.perModel.get(modelId) ?? this.defaults;
  }

  private actedThisRun(origin: ActionOrigin, symbol: string): boolean {
    return origin.source === "model" && origin.runId !== undefined && (this.runs.get(origin.runId)?.has(symbol) ?? false);
  }
}
