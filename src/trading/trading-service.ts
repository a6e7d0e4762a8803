import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { AppError, conflict, invalid, notFound, rejected } from "../core/errors.js";
import { formatLeverage, initialMargin } from "../core/leverage.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { isOutcome, lotsToQuantity, notional, priceToTicks, ticksToPrice, type MarketSpec } from "../core/market.js";
import { parseScaled } from "../core/decimal.js";
import { feeMicro, formatUsd, MAX_INITIAL_CAPITAL_USD, usd, type Micro } from "../core/money.js";
import { textProblem } from "../core/text.js";
import { averagePrice, type PositionState } from "../core/position.js";
import { entrySide, exitSide, type CloseTrigger, type TimeInForce } from "../core/types.js";
import type { Clock } from "../core/clock.js";
import { fundingPayments, ledger, models, orders, venueOrders } from "../db/schema.js";
import { fundingCashFlow, parseFundingRate, simFundingPaymentId } from "../market/funding.js";
import type { UnitContext, UnitOfWork } from "../db/unit-of-work.js";
import type { Tx } from "../db/client.js";
import type { ExitPlanInput, OpenPositionInput } from "./contracts.js";
import type { FundingPayment, OrderReport, PlaceOrder, Venue } from "../venues/venue.js";
import { ModelAccount, type OpenPosition } from "./account.js";
import { assertPlanSides, EMPTY_PLAN, mergePlan, parsePlanPatch, planToJson, type ExitPlan } from "./exit-plan.js";
import { orderView, recordReport, type RecordOutcome, type VenueOrderRow } from "./order-recorder.js";
import { AccountLock } from "./account-lock.js";
import { adoptVenueState, type VenueState } from "./adopt-venue-state.js";
import { EXIT_ORDER_PREFIX, exitOrderChanges, wantedExitOrders, type HeldExitOrder } from "./exit-orders.js";
import { events } from "../events/events.js";
import { parseLeverageField, parseLots, parsePrice, withoutNulls } from "./order-input.js";
import { RiskEngine } from "./risk/risk-engine.js";
import { checkOrder } from "./risk/order-checks.js";
import { lockEntryCapital } from "./capital-lock.js";
import type { RiskRejection } from "./risk/checks.js";

export interface Quote {
  bid: number | undefined;
  ask: number | undefined;
  mid: number | undefined;
}

/** Which live venue trades an account; undefined for an account on the paper venue. */
export interface LiveVenues {
  venueFor(accountId: string): Venue | undefined;
}

/** Why an entry may not go out now (a halted model, the kill switch, a stale or closed market), or null. */
export type EntryGate = (accountId: string, symbol: string) => { code: string; message: string } | null;

export interface TradingServiceDeps {
  uow: UnitOfWork;
  /** The paper venue (the simulator), and the market catalog every account shares. */
  venue: Venue;
  /** Accounts that trade on a live venue instead (Lighter); the rest trade on `venue`. */
  live?: LiveVenues;
  /** Checked before every entry; exits are never gated. */
  entryGate?: EntryGate;
  clock: Clock;
  accounts: Map<string, ModelAccount>;
  quote: (symbol: string) => Quote | undefined;
  /** A paper venue whose accounts follow ours (the simulator): funded on create and reset. */
  paper?: {
    restoreAccount(accountId: string, cash: Micro, positions: PositionState[]): void;
    forgetAccount?(accountId: string): void;
    /** Moves an account's cash outside a trade (a funding payment), as the ledger just did. */
    adjustCash?(accountId: string, amount: Micro): void;
  };
  /** Taker fee the pre-trade margin check budgets for (the venue charges its own). */
  takerFeeBps?: number;
  /** The risk limits every entry and exit-plan change passes; one with the default limits when absent. */
  risk?: RiskEngine;
  logger?: Logger;
}

/** An entry as the API and the tools describe it (decimal strings; prices rounded to the tick). */
export type OpenRequest = OpenPositionInput;

export interface OpenResult {
  status: "filled" | "partial" | "resting";
  requestedLots: number;
  filledLots: number;
  notional: Micro;
  fees: Micro;
  position: OpenPosition | null;
  market: MarketSpec;
  report: OrderReport;
}

/** Who asks: a model's run (the risk engine limits actions per run) or a person through the API. */
export interface OrderOrigin {
  source: "model" | "manual" | "mirror";
  /** The invocation id of a model's run. */
  runId?: string;
}

export const MANUAL: OrderOrigin = { source: "manual" };

export interface OpenOptions {
  /** Deterministic for a model's orders (derived from its run), so a retried send never double-places; fresh otherwise. */
  clientOrderId?: string;
  origin?: OrderOrigin;
}

/** Why an order exists, written on its row. */
interface OrderMeta {
  purpose: "OPEN" | "CLOSE";
  positionId: string;
  exitPlan?: ExitPlan;
  closeTrigger?: CloseTrigger;
}

export interface CloseResult {
  status: "closed" | "partial" | "rejected";
  exitPrice?: string;
  realizedPnl?: string;
  reason?: string;
}

/**
 * The only writer of orders, fills and the ledger. Each change is validated first, written
 * as an order row with a fresh client id before it is sent, and recorded in one transaction
 * with its events when the venue answers. It never asks which venue it talks to.
 */
export class TradingService {
  private readonly logger: Logger;
  /** One change at a time per account: a position is also closed exactly once however triggers race. */
  private readonly lock = new AccountLock();
  /** Nothing reaches the venue without passing it: set a model's limits with `risk.setLimits(modelId, config.risk)`. */
  readonly risk: RiskEngine;

  constructor(private readonly deps: TradingServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.risk = deps.risk ?? new RiskEngine();
  }

  /** The venue that trades the account: its live venue, else the paper one. */
  venueOf(accountId: string): Venue {
    return this.deps.live?.venueFor(accountId) ?? this.deps.venue;
  }

  isLive(accountId: string): boolean {
    return this.deps.live?.venueFor(accountId) !== undefined;
  }

  get accounts(): Map<string, ModelAccount> {
    return this.deps.accounts;
  }

  market(symbol: string): MarketSpec {
    const m = this.marketMap().get(String(symbol).toUpperCase());
    if (!m) {
      const perpetuals = this.deps.venue.markets().filter((x) => !isOutcome(x));
      throw invalid(`symbol: unknown market "${symbol}" (known: ${perpetuals.map((x) => x.symbol).join(", ")}, and the outcome tokens listed at /api/prediction-markets)`);
    }
    return m;
  }

  /** The touch and mark the service prices entries and values accounts at (undefined before the market's first book). */
  quote(symbol: string): Quote | undefined {
    return this.deps.quote(symbol);
  }

  /** Whether a change to the account (an open, a close, an exit-plan change, a venue report) is running or queued. */
  busy(modelId: string): boolean {
    return this.lock.busy(modelId);
  }

  account(modelId: string): ModelAccount {
    const a = this.deps.accounts.get(modelId);
    if (!a) {
      if (this.observed.has(modelId)) throw new AppError(409, "hosted_elsewhere", `${modelId} is a follower traded by another process (a mirror worker); act on it there, or pause its mirror`);
      throw notFound(`model ${modelId} does not exist`);
    }
    return a;
  }

  /**
   * Accounts this process shows but does not trade: followers whose mirror another process
   * (a worker) holds. Their figures come from the database, refreshed when their events arrive.
   */
  private readonly observed = new Map<string, ModelAccount>();

  /** An account to read figures from: one this process trades, else one it only observes. */
  viewAccount(modelId: string): ModelAccount {
    return this.deps.accounts.get(modelId) ?? this.observed.get(modelId) ?? this.account(modelId);
  }

  /** Every account this process shows: the ones it trades and the ones it observes. */
  viewAccounts(): ModelAccount[] {
    return [...this.deps.accounts.values(), ...this.observed.values()];
  }

  /** An account this process trades or observes, if it has it. */
  findAccount(modelId: string): ModelAccount | undefined {
    return this.deps.accounts.get(modelId) ?? this.observed.get(modelId);
  }

  isObserved(modelId: string): boolean {
    return this.observed.has(modelId);
  }

  /** Shows an account traded elsewhere (a fresh read of it from the database). */
  observe(account: ModelAccount): void {
    if (!this.deps.accounts.has(account.modelId)) this.observed.set(account.modelId, account);
  }

  /**
   * Starts trading an account here (read fresh from the database): the paper venue gets its
   * cash and positions, the exit engine starts watching its plans.
   */
  host(account: ModelAccount): void {
    this.observed.delete(account.modelId);
    this.deps.accounts.set(account.modelId, account);
    if (this.isLive(account.modelId)) return;
    this.deps.paper?.restoreAccount(
      account.modelId,
      account.cash,
      [...account.positions.values()].map((p) => p.state),
    );
  }

  /** Stops trading an account here (another process took it over); it is then only observed. */
  unhost(modelId: string): ModelAccount | undefined {
    const a = this.deps.accounts.get(modelId);
    if (!a) return undefined;
    this.deps.accounts.delete(modelId);
    this.deps.paper?.forgetAccount?.(modelId);
    this.observed.set(modelId, a);
    return a;
  }

  /**
   * Opens or scales a position. Checks and the write run under the account's lock, so every
   * request is decided against what the ones before it committed.
   */
  openPosition(modelId: string, req: OpenRequest, options: OpenOptions = {}): Promise<OpenResult> {
    const account = this.account(modelId);
    return this.lock.run(modelId, () => this.open(account, req, options.clientOrderId ?? `open-${randomUUID()}`, options.origin ?? MANUAL));
  }

  private async open(account: ModelAccount, req: OpenRequest, clientOrderId: string, origin: OrderOrigin): Promise<OpenResult> {
    const modelId = account.modelId;
    const market = this.market(req.symbol);
    const lots = parseLots(market, req.quantity);
    const existing = account.positions.get(market.symbol) ?? null;
    if (isOutcome(market) && req.side === "SHORT") {
      throw invalid(`side: ${market.symbol} is an outcome token, bought as shares and never sold short; to bet against "${market.instrument.outcome}", buy another outcome's token of the market`);
    }
    if (isOutcome(market) && !market.instrument.accepting) {
      throw rejected("market_not_accepting_orders", `${market.symbol}'s prediction market has closed or resolved: it takes no more orders (a resolved market's positions redeem by themselves)`);
    }
    const leverage = existing ? existing.state.leverage : parseLeverageField(req.leverage ?? "1", market.maxLeverage);
    const gated = this.deps.entryGate?.(modelId, market.symbol);
    if (gated) throw rejected(gated.code, gated.message);
    const type = req.type ?? "MARKET";
    const limitTicks = req.price !== undefined ? parsePrice(market, "price", req.price) : undefined;
    if (type === "LIMIT" && limitTicks === undefined) throw invalid("price: a LIMIT order needs a price");
    const q = this.deps.quote(market.symbol);
    const entryPx = req.side === "LONG" ? q?.ask : q?.bid;
    const exitPx = req.side === "LONG" ? q?.bid : q?.ask;
    const refPx = type === "LIMIT" ? limitTicks : entryPx;
    const orderNotional = refPx === undefined || exitPx === undefined ? null : notional(market, refPx, lots);
    const takerFeeBps = this.deps.takerFeeBps ?? 6;
    const figures = this.figures(account);
    const unable = checkOrder({
      modelId,
      symbol: market.symbol,
      side: req.side,
      holding: existing?.state.side ?? null,
      cooldownUntil: account.cooldowns.get(market.symbol) ?? null,
      now: this.deps.clock.now(),
      notional: orderNotional,
      minNotional: market.minNotional,
      marginNeeded: orderNotional === null ? 0n : initialMargin(orderNotional, leverage) + feeMicro(orderNotional, takerFeeBps),
      available: figures.available,
    });
    if (unable) throw rejected(unable.code, unable.message);
    // A scale-in's exit plan is a change to the position's: a field left null (as a model's tool
    // call leaves what it does not restate) keeps the position's value, so the stop is inherited.
    const patch = parsePlanPatch(market, existing ? withoutNulls(req.exitPlan ?? {}) : (req.exitPlan ?? {}));
    const plan: ExitPlan = existing ? mergePlan(market, req.side, existing.plan, patch) : { ...EMPTY_PLAN, ...patch };
    const tif: TimeInForce = type === "MARKET" ? "IOC" : (req.timeInForce ?? "GTC");
    // An order that rests is checked against its own price; one that trades now (a market order,
    // a limit IOC/FOK such as a copy-trading entry at its slippage bound) against the market's.
    const rests = type === "LIMIT" && (tif === "GTC" || tif === "GTT");
    assertPlanSides(market, req.side, plan, rests || exitPx === undefined ? limitTicks! : exitPx);
    const expiresAt = req.expiresAt !== undefined ? Date.parse(req.expiresAt) : undefined;
    if (tif === "GTT" && (expiresAt === undefined || !Number.isFinite(expiresAt))) throw invalid("expiresAt: a GTT order needs an ISO-8601 expiry");
    // The risk engine is the last word before anything is written: a refusal leaves no trace but its log line.
    const denied = this.risk.checkEntry({
      account,
      origin,
      market,
      side: req.side,
      lots,
      leverage,
      entryTicks: refPx!,
      stopTicks: plan.stop,
      now: this.deps.clock.now(),
      figures,
      markets: this.marketMap(),
      mark: (s) => this.deps.quote(s)?.mid,
      takerFeeBps,
    });
    if (denied) throw this.riskDenied(modelId, market.symbol, origin, denied);
    this.risk.recordAction(origin, market.symbol);

    const placed: PlaceOrder = {
      clientOrderId,
      accountId: modelId,
      symbol: market.symbol,
      side: entrySide(req.side),
      type,
      lots,
      timeInForce: tif,
      leverage,
      ...(limitTicks !== undefined ? { priceTicks: limitTicks } : {}),
      ...(req.postOnly ? { postOnly: true } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    const { report, outcome } = await this.execute(market, account, placed, { purpose: "OPEN", positionId: existing?.id ?? randomUUID(), exitPlan: plan });
    if (outcome && outcome.newFills > 0) await this.syncExitOrders(account, market);
    const resting = report.status === "OPEN" || report.status === "PARTIALLY_FILLED";
    if (resting && type === "LIMIT") this.holdOrderMargin(account, market, placed, outcome?.filledLots ?? 0);
    if (!outcome || outcome.newFills === 0) {
      if (resting) return { status: "resting", requestedLots: lots, filledLots: 0, notional: 0n, fees: 0n, position: account.positions.get(market.symbol) ?? null, market, report };
      throw rejected(report.reason ?? "not_filled", `nothing filled: ${report.reason ?? report.status.toLowerCase()}`);
    }
    return {
      status: outcome.filledLots >= lots ? "filled" : resting ? "resting" : "partial",
      requestedLots: lots,
      filledLots: outcome.filledLots,
      notional: outcome.notional,
      fees: outcome.fees,
      position: outcome.position,
      market,
      report,
    };
  }

  closePosition(modelId: string, symbol: string, trigger: CloseTrigger = "MANUAL", clientOrderId?: string): Promise<CloseResult> {
    const account = this.account(modelId);
    const market = this.market(symbol);
    return this.lock.run(modelId, () => this.close(account, market, trigger, clientOrderId));
  }

  /**
   * Reduces a position by `lots` at the market (all of it when `lots` is at least the position's):
   * how a follower follows its source's partial close. The answer says what filled.
   */
  reducePosition(modelId: string, symbol: string, lots: number, trigger: CloseTrigger, clientOrderId?: string): Promise<CloseResult & { filledLots: number }> {
    const account = this.account(modelId);
    const market = this.market(symbol);
    if (!Number.isSafeInteger(lots) || lots <= 0) throw invalid(`lots: ${lots} must be a positive whole number of lots`);
    return this.lock.run(modelId, () => this.close(account, market, trigger, clientOrderId, lots));
  }

  private async close(account: ModelAccount, market: MarketSpec, trigger: CloseTrigger, clientOrderId?: string, upToLots?: number): Promise<CloseResult & { filledLots: number }> {
    const result = await this.closeAtMarket(account, market, trigger, clientOrderId, upToLots);
    // What is left (if anything) gets exit orders of its size; a closed position none.
    if (result.filledLots > 0) await this.syncExitOrders(account, market);
    return result;
  }

  private async closeAtMarket(account: ModelAccount, market: MarketSpec, trigger: CloseTrigger, clientOrderId?: string, upToLots?: number): Promise<CloseResult & { filledLots: number }> {
    const modelId = account.modelId;
    let pos = account.positions.get(market.symbol);
    if (!pos) return { status: "rejected", reason: "no_position", filledLots: 0 };
    // A full close takes the venue's stop and target down first: whichever exit comes first
    // wins, and the other can then not act on a position that is gone (they are reduce-only too).
    if (upToLots === undefined && this.venueOf(modelId).holdsExitOrders) {
      await this.syncExitOrders(account, market, { cancelAll: true });
      pos = account.positions.get(market.symbol);
      if (!pos) return { status: "rejected", reason: "no_position", filledLots: 0 };
    }
    const held = Number(pos.state.lots);
    const lots = upToLots === undefined ? held : Math.min(upToLots, held);
    const { report, outcome } = await this.execute(
      market,
      account,
      {
        clientOrderId: clientOrderId ?? `close-${pos.id}-${randomUUID().slice(0, 8)}`,
        accountId: modelId,
        symbol: market.symbol,
        side: exitSide(pos.state.side),
        type: "MARKET",
        lots,
        timeInForce: "IOC",
        reduceOnly: true,
        leverage: pos.state.leverage,
      },
      { purpose: "CLOSE", positionId: pos.id, closeTrigger: trigger },
    );
    if (!outcome?.closed) return { status: "rejected", reason: report.reason ?? "not_filled", filledLots: 0 };
    const s = outcome.closed.slice;
    return {
      // A reduction that took all it was asked for is done; a close is done when nothing is left.
      status: (upToLots === undefined ? !account.positions.has(market.symbol) : Number(s.lots) >= lots) ? "closed" : "partial",
      exitPrice: averagePrice(market, s.exitNotional, s.lots),
      realizedPnl: formatUsd(s.realizedPnl),
      filledLots: Number(s.lots),
    };
  }

  /**
   * An outcome token's market resolved (the venue already knows: it redeems at `payoutTicks`):
   * every position in it this process trades closes at the payout with closeTrigger RESOLUTION,
   * its realized P&L in the ledger. Each under its account's lock, with the position's own
   * client id, so a position redeems once. Returns the positions redeemed.
   */
  async redeemResolved(symbol: string, payoutTicks: number): Promise<number> {
    const market = this.market(symbol);
    let redeemed = 0;
    for (const account of [...this.deps.accounts.values()]) {
      if (!account.positions.has(market.symbol)) continue;
      await this.lock.run(account.modelId, async () => {
        const pos = account.positions.get(market.symbol);
        if (!pos) return;
        const { report, outcome } = await this.execute(
          market,
          account,
          {
            clientOrderId: `redeem-${pos.id}`,
            accountId: account.modelId,
            symbol: market.symbol,
            side: exitSide(pos.state.side),
            type: "MARKET",
            lots: Number(pos.state.lots),
            timeInForce: "IOC",
            reduceOnly: true,
            leverage: pos.state.leverage,
            priceTicks: payoutTicks,
            redeem: true,
          },
          { purpose: "CLOSE", positionId: pos.id, closeTrigger: "RESOLUTION" },
        );
        if (outcome?.closed) redeemed++;
        else this.logger.error({ modelId: account.modelId, symbol: market.symbol, reason: report.reason }, "a resolved position did not redeem");
      });
    }
    return redeemed;
  }

  /** Creates a model's row and its opening deposit in one transaction. */
  async createAccount(row: typeof models.$inferInsert): Promise<ModelAccount> {
    // The HTTP layer checks these too; the CLI and any other caller reach here without it.
    const nameProblem = textProblem(row.name);
    if (nameProblem) throw invalid(`name: ${nameProblem}`);
    let capital: Micro;
    try {
      capital = usd(row.initialCapital);
    } catch {
      throw invalid(`initialCapital: "${row.initialCapital}" must be a positive decimal of dollars with at most 6 decimals`);
    }
    if (capital <= 0n) throw invalid("initialCapital: must be positive");
    if (capital > usd(MAX_INITIAL_CAPITAL_USD)) throw invalid(`initialCapital: must be at most ${MAX_INITIAL_CAPITAL_USD} dollars`);
    const account = new ModelAccount(row.id, capital);
    await this.deps.uow.run(async (tx, ctx) => {
      const taken = await tx.select({ id: models.id }).from(models).where(eq(models.name, row.name));
      if (taken.length > 0) throw new AppError(409, "name_taken", `a model named "${row.name}" already exists`);
      await tx.insert(models).values(row);
      await tx.insert(ledger).values({ modelId: row.id, kind: "DEPOSIT", amount: formatUsd(capital), createdAt: new Date(this.deps.clock.now()) });
      ctx.emit(events.accountCreated({ modelId: row.id, cash: formatUsd(capital) }));
      ctx.onCommit(() => {
        this.deps.accounts.set(row.id, account);
        if (!this.isLive(row.id)) this.deps.paper?.restoreAccount(row.id, capital, []);
      });
    });
    return account;
  }

  /**
   * Closes every position at the market, cancels resting orders and books a RESET entry that
   * brings cash back to the initial capital. History (trades, fills) is kept.
   */
  resetAccount(modelId: string): Promise<ModelAccount> {
    const account = this.account(modelId);
    // Cash on an exchange is what the exchange holds: no ledger entry can bring it back.
    if (this.isLive(modelId)) throw conflict("live_account", `${modelId} trades on ${this.venueOf(modelId).name}: a live account cannot be reset; close its positions instead`);
    return this.lock.run(modelId, () => this.reset(account));
  }

  private async reset(account: ModelAccount): Promise<ModelAccount> {
    const modelId = account.modelId;
    const venue = this.venueOf(modelId);
    for (const o of await venue.openOrders(modelId)) {
      const r = await venue.cancelOrder(modelId, o.clientOrderId);
      await this.recordUpdate(r);
    }
    const left: string[] = [];
    for (const symbol of [...account.positions.keys()]) {
      const market = this.market(symbol);
      // A close walks the book up to the price bound: a partial close goes on while it makes progress.
      let r = await this.close(account, market, "MANUAL");
      for (let tries = 1; r.status === "partial" && tries < 5; tries++) r = await this.close(account, market, "MANUAL");
      const pos = account.positions.get(symbol);
      if (pos) left.push(`${lotsToQuantity(market, pos.state.lots)} ${symbol} (${r.reason ?? r.status})`);
    }
    if (left.length > 0) {
      // Closes that filled are real trades and stay; the reset itself is not booked.
      throw rejected("reset_incomplete", `the account was not reset: ${left.join(", ")} could not be closed within the price bound; what did close stays closed; retry when the book refills`);
    }
    await this.deps.uow.run(async (tx, ctx) => {
      const delta = account.initialCapital - account.cash;
      await tx.insert(ledger).values({ modelId, kind: "RESET", amount: formatUsd(delta), createdAt: new Date(this.deps.clock.now()) });
      ctx.emit(events.accountReset({ modelId, cash: formatUsd(account.initialCapital) }));
      ctx.onCommit(() => {
        account.realizedPnl = 0n;
        account.adjustments = 0n;
        account.funding = 0n;
        account.positionFunding.clear();
        account.fees = 0n;
        account.resting.clear();
        // The daily loss breaker starts over from the reset equity.
        account.dayStart = null;
        this.deps.paper?.restoreAccount(modelId, account.initialCapital, []);
      });
    });
    return account;
  }

  /** Changes a position's exit plan; under the account's lock, so a stop only tightens whatever the interleaving. */
  updateExitPlan(modelId: string, symbol: string, input: ExitPlanInput, origin: OrderOrigin = MANUAL): Promise<OpenPosition> {
    const account = this.account(modelId);
    const market = this.market(symbol);
    return this.lock.run(modelId, () => this.changeExitPlan(account, market, input, origin));
  }

  private async changeExitPlan(account: ModelAccount, market: MarketSpec, input: ExitPlanInput, origin: OrderOrigin): Promise<OpenPosition> {
    const modelId = account.modelId;
    const pos = account.positions.get(market.symbol);
    if (!pos) throw notFound(`${modelId} has no open ${market.symbol} position`);
    const next = mergePlan(market, pos.state.side, pos.plan, parsePlanPatch(market, input));
    const q = this.deps.quote(market.symbol);
    const exitPx = pos.state.side === "LONG" ? q?.bid : q?.ask;
    // Only what this patch sets is checked against the price: a level the market already crossed is the exit engine's to act on.
    if (exitPx !== undefined) {
      const changed = (v: number | null, given: unknown) => (given === undefined ? null : v);
      assertPlanSides(
        market,
        pos.state.side,
        { ...next, stop: changed(next.stop, input.stop), target: changed(next.target, input.target), invalidationPrice: changed(next.invalidationPrice, input.invalidationPrice) },
        exitPx,
      );
    }
    const denied = this.risk.checkExitPlanUpdate(modelId, market.symbol, origin);
    if (denied) throw this.riskDenied(modelId, market.symbol, origin, denied);
    this.risk.recordAction(origin, market.symbol);
    const updated: OpenPosition = { ...pos, plan: next };
    await this.deps.uow.run(async (tx, ctx) => {
      await tx
        .update(orders)
        .set({ exitPlan: planToJson(market, next), updatedAt: new Date(this.deps.clock.now()) })
        .where(eq(orders.id, pos.id));
      ctx.emit(events.exitPlanUpdated({ modelId, position: { id: pos.id, modelId, symbol: market.symbol, side: pos.state.side, exitPlan: planToJson(market, next), closeTrigger: null } }));
      ctx.onCommit(() => {
        const live = account.positions.get(market.symbol);
        if (live && live.id === pos.id) account.positions.set(market.symbol, { ...live, plan: next });
      });
    });
    await this.syncExitOrders(account, market);
    return updated;
  }

  /**
   * Makes the database say what the account's venue says (positions and cash), under the
   * account's lock, and makes the model active again: how a person resolves a reconciliation
   * halt. Recorded with a RECONCILIATION ledger entry for the cash difference.
   */
  adoptVenueState(modelId: string, state: VenueState): Promise<ModelAccount> {
    const account = this.account(modelId);
    return this.lock.run(modelId, async () => {
      const venue = this.venueOf(modelId);
      await this.deps.uow.run(async (tx, ctx) => {
        const done = await adoptVenueState(tx, ctx, { account, venue: venue.name, state, markets: venue.markets(), now: new Date(this.deps.clock.now()) });
        ctx.onCommit(() => {
          account.positions.clear();
          for (const [symbol, p] of done.positions) account.positions.set(symbol, p);
          account.adjustments += done.adjustment;
        });
      });
      return account;
    });
  }

  /**
   * Records a funding payment a live venue reported, once (the venue's payment id is unique):
   * a FUNDING ledger entry moves the account's cash by it.
   */
  recordFunding(payment: FundingPayment): Promise<boolean> {
    const account = this.deps.accounts.get(payment.accountId);
    if (!account) return Promise.resolve(false);
    return this.lock.run(payment.accountId, () => this.bookFunding(account, payment, account.positions.get(payment.symbol)?.id ?? null));
  }

  /**
   * The simulator's funding payment of a paper account's position at `fundingTime`: quantity ×
   * mark × rate (positive: longs pay shorts), exact to the micro-dollar (src/market/funding.ts).
   * Once per position and funding time (its payment id says both), so a restart or a replay over
   * the same times never pays twice. Live accounts are left to their venue; nothing happens
   * without a position or when the amount rounds to zero. Returns the cash change booked, or null.
   */
  async settleFunding(modelId: string, symbol: string, fundingTime: number, rate: string, markTicks: number): Promise<Micro | null> {
    const account = this.deps.accounts.get(modelId);
    if (!account || this.isLive(modelId)) return null;
    const market = this.market(symbol);
    parseFundingRate(rate); // a bad rate is refused before anything waits for the lock
    return this.lock.run(modelId, async () => {
      const pos = account.positions.get(market.symbol);
      if (!pos) return null;
      const amount = fundingCashFlow(market, pos.state.side, pos.state.lots, markTicks, rate);
      if (amount === 0n) return null;
      const payment: FundingPayment = {
        venue: this.deps.venue.name,
        accountId: modelId,
        paymentId: simFundingPaymentId(market.symbol, fundingTime, pos.id),
        symbol: market.symbol,
        amount,
        ts: fundingTime,
      };
      return (await this.bookFunding(account, payment, pos.id)) ? amount : null;
    });
  }

  /**
   * One funding payment in one transaction, unless its id was booked before: the payment row,
   * a FUNDING ledger entry, the position's running funding (its row's `funding`), the event.
   * Under the account's lock (every caller holds it).
   */
  private bookFunding(account: ModelAccount, payment: FundingPayment, positionId: string | null): Promise<boolean> {
    return this.deps.uow.run(async (tx, ctx) => {
      const [row] = await tx
        .insert(fundingPayments)
        .values({ modelId: payment.accountId, venue: payment.venue, paymentId: payment.paymentId, symbol: payment.symbol, amount: formatUsd(payment.amount), paidAt: new Date(payment.ts) })
        .onConflictDoNothing()
        .returning({ id: fundingPayments.id });
      if (!row) return false;
      await tx.insert(ledger).values({ modelId: payment.accountId, kind: "FUNDING", amount: formatUsd(payment.amount), positionId, createdAt: new Date(payment.ts) });
      if (positionId !== null)
        await tx
          .update(orders)
          .set({ funding: sql`${orders.funding} + ${formatUsd(payment.amount)}::numeric` })
          .where(eq(orders.id, positionId));
      ctx.emit(events.fundingPaid({ modelId: payment.accountId, symbol: payment.symbol, amount: formatUsd(payment.amount), paymentId: payment.paymentId }));
      ctx.onCommit(() => {
        account.funding += payment.amount;
        if (positionId !== null && account.positions.get(payment.symbol)?.id === positionId) {
          account.positionFunding.set(positionId, (account.positionFunding.get(positionId) ?? 0n) + payment.amount);
        }
        // Funding of positions that closed since is on their rows; the map holds open ones only.
        for (const id of account.positionFunding.keys()) if (![...account.positions.values()].some((p) => p.id === id)) account.positionFunding.delete(id);
        // A paper account's venue holds its cash too (its margin checks read it).
        if (!this.isLive(payment.accountId)) this.deps.paper?.adjustCash?.(payment.accountId, payment.amount);
      });
      return true;
    });
  }

  /** Runs `fn` while no other change to the account runs (a reconciliation compares a still picture). */
  exclusive<T>(modelId: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(modelId, fn);
  }

  /** Cancels a resting order of the model; the venue's answer is recorded like any other. */
  cancelOrder(modelId: string, clientOrderId: string): Promise<void> {
    this.account(modelId);
    return this.lock.run(modelId, async () => {
      const report = await this.venueOf(modelId).cancelOrder(modelId, clientOrderId);
      if (report.status === "REJECTED" && report.reason === "unknown_order") throw notFound(`${modelId} has no order ${clientOrderId} on the venue`);
      await this.recordUpdate(report);
    });
  }

  /** Records a report the venue sent on its own (a resting order filled or expired). */
  onVenueUpdate(report: OrderReport): Promise<void> {
    return this.lock.run(report.accountId, () => this.recordUpdate(report));
  }

  /**
   * Settles an order written but never acknowledged (the process died between writing it and
   * recording the answer) from the venue's own answer. Only a venue that knows every order
   * (the simulator, rebuilt from the database) may answer that it never happened; an order a
   * remote venue cannot find, or asked while it is down, stays UNKNOWN for a later look.
   */
  reconcileOrder(row: VenueOrderRow): Promise<"recorded" | "never_happened" | "unknown"> {
    return this.lock.run(row.modelId, async () => {
      let report: OrderReport | undefined;
      try {
        report = await this.venueOf(row.modelId).orderStatus(row.modelId, row.clientOrderId);
      } catch (error) {
        this.logger.warn({ err: error, clientOrderId: row.clientOrderId }, "the venue did not answer; the order stays UNKNOWN");
        return "unknown";
      }
      if (report) {
        await this.recordUpdate(report);
        return "recorded";
      }
      const venue = this.venueOf(row.modelId);
      if (!venue.knowsEveryOrder && !(await venue.lostForGood?.(row.modelId, row.clientOrderId, row.createdAt.getTime()).catch(() => false))) return "unknown";
      await this.deps.uow.run(async (tx, ctx) => {
        const now = new Date(this.deps.clock.now());
        const [updated] = await tx
          .update(venueOrders)
          .set({ status: "CANCELED", reason: "lost_before_execution", updatedAt: now })
          .where(and(eq(venueOrders.id, row.id), inArray(venueOrders.status, ["PENDING", "UNKNOWN"])))
          .returning();
        if (updated) ctx.emit(events.orderUpdated("CANCELED", false, { modelId: row.modelId, order: orderView(updated) }));
      });
      return "never_happened";
    });
  }

  private async recordUpdate(report: OrderReport): Promise<void> {
    const account = this.deps.accounts.get(report.accountId);
    const market = this.marketMap().get(report.symbol);
    if (!account || !market) return;
    const outcome = await this.record(market, account, report);
    if (report.status !== "OPEN" && report.status !== "PARTIALLY_FILLED") account.resting.delete(report.clientOrderId);
    // A fill the venue reported on its own (its stop fired, a resting entry filled) changes the
    // position: its exit orders follow (the other one of a fired stop/target is canceled).
    if (outcome && outcome.newFills > 0) await this.syncExitOrders(account, market);
  }

  /** The exit orders the venue holds for a position: its OPEN reduce-only trigger rows. */
  private async heldExitOrders(modelId: string, positionId: string): Promise<HeldExitOrder[]> {
    const rows = await this.deps.uow.db
      .select()
      .from(venueOrders)
      .where(
        and(
          eq(venueOrders.modelId, modelId),
          eq(venueOrders.positionId, positionId),
          eq(venueOrders.purpose, "CLOSE"),
          inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED", "PENDING", "UNKNOWN"]),
          inArray(venueOrders.closeTrigger, ["STOP", "TARGET"]),
        ),
      );
    const market = (symbol: string) => this.market(symbol);
    return rows
      .filter((r) => r.price !== null)
      .map((r) => ({
        clientOrderId: r.clientOrderId,
        kind: r.closeTrigger as "STOP" | "TARGET",
        triggerTicks: priceToTicks(market(r.symbol), r.price!),
        lots: Number(parseScaled(r.quantity, market(r.symbol).sizeDecimals) - parseScaled(r.filledQuantity, market(r.symbol).sizeDecimals)),
      }));
  }

  /**
   * Makes the venue hold the position's stop and target as reduce-only trigger orders (venues
   * that can: holdsExitOrders), or none when the position is gone. Best effort: the exit engine
   * here stays armed whatever happens, so a failure is logged, never thrown at the trade that
   * caused it. Runs under the account's lock (every caller holds it).
   */
  private async syncExitOrders(account: ModelAccount, market: MarketSpec, options: { cancelAll?: boolean } = {}): Promise<void> {
    const venue = this.venueOf(account.modelId);
    if (!venue.holdsExitOrders) return;
    const pos = account.positions.get(market.symbol);
    try {
      const positionIds = new Set<string>();
      if (pos) positionIds.add(pos.id);
      // Rows of this symbol's earlier positions too: a stop whose position closed must go.
      const stale = await this.deps.uow.db
        .selectDistinct({ positionId: venueOrders.positionId })
        .from(venueOrders)
        .where(
          and(
            eq(venueOrders.modelId, account.modelId),
            eq(venueOrders.symbol, market.symbol),
            eq(venueOrders.purpose, "CLOSE"),
            inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED"]),
            inArray(venueOrders.closeTrigger, ["STOP", "TARGET"]),
          ),
        );
      for (const r of stale) if (r.positionId) positionIds.add(r.positionId);
      for (const positionId of positionIds) {
        const current = positionId === pos?.id && !options.cancelAll ? pos : undefined;
        const { cancel, place } = exitOrderChanges(wantedExitOrders(current), await this.heldExitOrders(account.modelId, positionId));
        for (const h of cancel) await this.recordUpdate(await venue.cancelOrder(account.modelId, h.clientOrderId));
        if (!current) continue;
        for (const w of place) {
          await this.execute(
            market,
            account,
            {
              clientOrderId: `${EXIT_ORDER_PREFIX}${w.kind.toLowerCase()}-${randomUUID()}`,
              accountId: account.modelId,
              symbol: market.symbol,
              side: exitSide(current.state.side),
              type: "MARKET",
              lots: w.lots,
              timeInForce: "GTC",
              reduceOnly: true,
              leverage: current.state.leverage,
              // The row's price is the trigger (a trigger order has no limit of its own).
              priceTicks: w.triggerTicks,
              trigger: { kind: w.kind, priceTicks: w.triggerTicks },
            },
            { purpose: "CLOSE", positionId: current.id, closeTrigger: w.kind },
          );
        }
      }
    } catch (error) {
      this.logger.warn({ err: error, modelId: account.modelId, symbol: market.symbol }, "could not bring the venue's stop/target orders up to date; the local exit engine still watches the plan");
    }
  }

  figures(account: ModelAccount) {
    const f = account.figures(this.marketMap(), (s) => this.deps.quote(s)?.mid);
    this.risk.observeEquity(account, this.deps.clock.now(), f.equity);
    return f;
  }

  /** Markets by symbol, rebuilt only when the venue's list changes (prediction markets join while running). */
  private marketMap(): Map<string, MarketSpec> {
    const list = this.deps.venue.markets();
    if (list !== this.mapOf) {
      this.mapOf = list;
      this.byMarket = new Map(list.map((m) => [m.symbol, m]));
    }
    return this.byMarket;
  }

  private mapOf: readonly MarketSpec[] | undefined;
  private byMarket = new Map<string, MarketSpec>();

  private riskDenied(modelId: string, symbol: string, origin: OrderOrigin, denied: RiskRejection): AppError {
    this.logger.info({ modelId, symbol, origin: origin.source, runId: origin.runId, code: denied.code }, `risk check refused: ${denied.message}`);
    return rejected(denied.code, denied.message);
  }

  /** Writes the order before sending it; an exception from the venue leaves it UNKNOWN and reconciles. */
  /**
   * Sends an order and records the venue's answer. The order row (with its client id) is
   * committed before the order leaves for a remote venue, and an exception leaves it UNKNOWN to
   * reconcile. A venue that executes inside this process from state rebuilt out of the database
   * (the simulator without latency) gets the row, the execution and its outcome in ONE
   * transaction instead: a crash loses the order and the simulator's memory of it together, so
   * nothing can be half-known, and a stop costs one durable commit rather than two.
   */
  private async execute(market: MarketSpec, account: ModelAccount, req: PlaceOrder, meta: OrderMeta): Promise<{ report: OrderReport; outcome: RecordOutcome | null }> {
    const now = () => new Date(this.deps.clock.now());
    const venue = this.venueOf(req.accountId);
    if (venue.executesInProcess) {
      let sent = false;
      try {
        return await this.deps.uow.run(
          async (tx, ctx) => {
            // Nobody outside this transaction can see the order before its answer: its row is
            // written once, with the answer, rather than inserted and then updated.
            const row = await this.writeOrder(tx, ctx, market, req, meta, now(), { unsaved: true });
            sent = true;
            const report = await venue.placeOrder(req);
            return { report, outcome: await recordReport(tx, ctx, { market, account, report, now: now(), known: row, unsaved: true }) };
          },
          // Orders of other accounts queued behind this one share a commit (a burst of stops).
          { group: req.accountId },
        );
      } catch (error) {
        // The database rolled the order back: the venue must not keep what the database does not,
        // or the position it opened could never be closed nor its stop executed.
        if (sent && venue.revertOrder?.(req.accountId, req.clientOrderId) === false) {
          this.logger.error({ accountId: req.accountId, clientOrderId: req.clientOrderId }, "the venue could not undo an order the database refused; restart to rebuild it from the database");
        }
        throw error;
      }
    }
    const row = await this.deps.uow.run((tx, ctx) => this.writeOrder(tx, ctx, market, req, meta, now()));
    let report: OrderReport;
    let known: VenueOrderRow | undefined = row;
    try {
      report = await venue.placeOrder(req);
    } catch (error) {
      this.logger.warn({ err: error, clientOrderId: req.clientOrderId }, "order outcome unknown; reconciling with the venue");
      await this.deps.uow.run(async (tx, ctx) => {
        const [unknown] = await tx.update(venueOrders).set({ status: "UNKNOWN", reason: "venue_no_answer", updatedAt: now() }).where(eq(venueOrders.clientOrderId, req.clientOrderId)).returning();
        if (unknown) ctx.emit(events.orderUpdated("UNKNOWN", false, { modelId: req.accountId, order: orderView(unknown) }));
      });
      const found = await venue.orderStatus(req.accountId, req.clientOrderId).catch(() => undefined);
      if (!found) throw new AppError(503, "venue_unavailable", `the venue did not answer for order ${req.clientOrderId}; it stays UNKNOWN until reconciled`);
      report = found;
      known = undefined; // its status changed since: read it back
    }
    // The row as written is what recording the answer starts from: no need to read it back.
    return { report, outcome: await this.record(market, account, report, known) };
  }

  /**
   * The order's row, inserted before it is sent; with `unsaved`, only built: the caller records
   * it with the venue's answer in the same transaction (an in-process venue answers at once).
   */
  private async writeOrder(tx: Tx, ctx: UnitContext, market: MarketSpec, req: PlaceOrder, meta: OrderMeta, now: Date, options: { unsaved?: boolean } = {}): Promise<VenueOrderRow> {
    // Shares are paid in full: a buy of outcome tokens is covered by the account's cash as the database has it.
    if (meta.purpose === "OPEN" && req.side === "BUY" && isOutcome(market) && req.priceTicks !== undefined) {
      await lockEntryCapital(tx, req.accountId, notional(market, req.priceTicks, req.lots));
    }
    const values: VenueOrderRow = {
      id: randomUUID(),
      clientOrderId: req.clientOrderId,
      modelId: req.accountId,
      positionId: meta.positionId,
      venue: this.venueOf(req.accountId).name,
      venueClientIndex: this.venueOf(req.accountId).clientIndexOf?.(req.clientOrderId) ?? null,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      price: req.priceTicks !== undefined ? ticksToPrice(market, req.priceTicks) : null,
      quantity: lotsToQuantity(market, req.lots),
      leverage: formatLeverage(req.leverage),
      reduceOnly: req.reduceOnly ?? false,
      postOnly: req.postOnly ?? false,
      expiresAt: req.expiresAt !== undefined ? new Date(req.expiresAt) : null,
      purpose: meta.purpose,
      closeTrigger: meta.closeTrigger ?? null,
      exitPlan: meta.exitPlan ? planToJson(market, meta.exitPlan) : null,
      status: "PENDING",
      reason: null,
      venueOrderId: null,
      filledQuantity: "0",
      createdAt: now,
      updatedAt: now,
    };
    const row = options.unsaved ? values : (await tx.insert(venueOrders).values(values).returning())[0];
    ctx.emit(
      events.orderPlaced({
        modelId: req.accountId,
        order: {
          id: row!.id,
          clientOrderId: req.clientOrderId,
          symbol: req.symbol,
          side: req.side,
          type: req.type,
          quantity: lotsToQuantity(market, req.lots),
          purpose: meta.purpose,
          closeTrigger: meta.closeTrigger ?? null,
        },
      }),
    );
    return row!;
  }

  private record(market: MarketSpec, account: ModelAccount, report: OrderReport, row?: VenueOrderRow): Promise<RecordOutcome | null> {
    // In the account's group: riders of that account (a mirror recording its execution's outcome)
    // commit with the fill, and units of other accounts may share the commit.
    return this.deps.uow.run((tx, ctx) => recordReport(tx, ctx, { market, account, report, now: new Date(this.deps.clock.now()), known: row }), { group: account.modelId });
  }

  private holdOrderMargin(account: ModelAccount, market: MarketSpec, req: PlaceOrder, filledLots: number): void {
    const rest = req.lots - filledLots;
    if (rest <= 0 || req.priceTicks === undefined) return;
    const restNotional = notional(market, req.priceTicks, rest);
    account.resting.set(req.clientOrderId, { symbol: market.symbol, notional: restNotional, margin: initialMargin(restNotional, req.leverage) });
  }
}
