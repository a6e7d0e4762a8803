import type { MirrorService } from "../../src/copy/mirror-service.js";
import { conflict, invalid, notFound, rejected } from "../../src/core/errors.js";
import { NO_LIVE } from "../../src/live/live-service.js";
import { NO_BACKTESTS } from "../../src/backtest/backtest-api.js";
import { NO_PREDICTION_MARKETS } from "../../src/prediction/prediction-api.js";
import type {
  AnalyticsView,
  AppEvent,
  AppServices,
  CreateModelInput,
  LeaderboardQuery,
  ExitPlanInput,
  ExitPlanView,
  MarketView,
  ModelView,
  OpenPositionInput,
  OrderView,
  PositionView,
  TradeView,
} from "../../src/app/services.js";

/**
 * An in-memory AppServices that records every call, so HTTP tests can check both what the server
 * answered and what (if anything) it asked the application to do. Business rules are crude
 * stand-ins that raise the same AppErrors the real services raise.
 */
export class FakeServices implements AppServices {
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  /** Copy trading is tested against the real services (test/copy); these HTTP tests never reach it. */
  readonly mirrors = {} as MirrorService;
  /** Live trading is tested against the real services and the fake Lighter (test/live). */
  readonly live = NO_LIVE;
  /** Backtests are tested against the real services and real child runs (test/api/backtests.test.ts). */
  readonly backtests = NO_BACKTESTS;
  /** Prediction markets are tested against the real services (test/api/prediction-markets.test.ts). */
  readonly predictions = NO_PREDICTION_MARKETS;
  readonly models = new Map<string, ModelView>();
  readonly openPositions: PositionView[] = [];
  readonly closedTrades: TradeView[] = [];
  /** The outbox: subscribe replays from here, publish appends and delivers live. */
  readonly events: AppEvent[] = [];
  readonly listeners = new Set<(event: AppEvent) => void>();
  unsubscribed = 0;
  /** Thrown by the next call, to see how the server reports failures it did not expect. */
  failNextWith: Error | undefined;

  constructor() {
    this.models.set("m1", model("m1", "momentum-1"));
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failNextWith;
    this.failNextWith = undefined;
    if (failure) throw failure;
  }

  callsTo(method: string) {
    return this.calls.filter((c) => c.method === method);
  }

  private requireModel(id: string): ModelView {
    const found = this.models.get(id);
    if (!found) throw notFound(`model ${id} not found`);
    return found;
  }

  health() {
    this.record("health");
    return {
      status: "ok" as const,
      reasons: [],
      mode: "simulation" as const,
      feed: { kind: "synthetic", seed: 42 },
      db: { kind: "pglite" as const },
      version: "0.1.0",
    };
  }

  markets(): MarketView[] {
    this.record("markets");
    return [market("BTC", "100000.0"), market("ETH", "3500.00")];
  }

  book(symbol: string, depth: number) {
    this.record("book", symbol, depth);
    if (symbol !== "BTC" && symbol !== "ETH") throw notFound(`unknown market ${symbol}`);
    const bids: Array<[string, string]> = [["99999.5", "1.2"]];
    const asks: Array<[string, string]> = [["100000.5", "0.8"]];
    return { symbol, bids, asks, ts: NOW };
  }

  async listModels() {
    this.record("listModels");
    return [...this.models.values()];
  }

  /** Follow models' signals and wallets are tested against the real services (test/follow/). */
  async signals(id: string): Promise<never> {
    this.requireModel(id);
    throw new Error("signals are not faked");
  }

  async signalSummary(id: string): Promise<never> {
    this.requireModel(id);
    throw new Error("signals are not faked");
  }

  async followWallets(id: string): Promise<never> {
    this.requireModel(id);
    throw new Error("follow wallets are not faked");
  }

  async getModel(id: string) {
    this.record("getModel", id);
    return this.requireModel(id);
  }

  async createModel(input: CreateModelInput) {
    this.record("createModel", input);
    if (!this.strategies().some((s) => s.name === input.strategy)) {
      throw invalid(`strategy: unknown strategy ${input.strategy}`);
    }
    if ([...this.models.values()].some((m) => m.name === input.name)) {
      throw conflict("duplicate_name", `a model named ${input.name} exists`);
    }
    const { initialCapital, risk, ...rest } = input;
    const created: ModelView = { ...model(`m${this.models.size + 1}`, input.name), ...rest };
    if (risk !== undefined) created.risk = { ...created.risk, ...(risk as Record<string, number | boolean>) };
    if (initialCapital !== undefined) created.initialCapital = initialCapital;
    this.models.set(created.id, created);
    return created;
  }

  async setModelStatus(id: string, status: ModelView["status"]) {
    this.record("setModelStatus", id, status);
    const found = this.requireModel(id);
    found.status = status;
    return found;
  }

  async setRiskLimits(id: string, risk: unknown) {
    this.record("setRiskLimits", id, risk);
    const found = this.requireModel(id);
    if (risk !== null && typeof (risk as { maxLeverage?: unknown }).maxLeverage === "number" && (risk as { maxLeverage: number }).maxLeverage > 100) {
      throw invalid("risk.maxLeverage: must be a leverage from 1 to 100, with at most 2 decimals");
    }
    found.risk = risk === null ? { maxLeverage: 10 } : { ...found.risk, ...(risk as Record<string, number | boolean>) };
    return found;
  }

  async equity(id: string, window: string) {
    this.record("equity", id, window);
    this.requireModel(id);
    return [{ ts: NOW, equity: "10000.00" }];
  }

  strategies() {
    return [
      { name: "momentum", kind: "rule" as const, description: "buys strength" },
      { name: "default", kind: "llm" as const, description: "the base prompt" },
    ];
  }

  async positions(modelId?: string) {
    this.record("positions", modelId);
    return this.openPositions.filter((p) => modelId === undefined || p.modelId === modelId);
  }

  async trades(modelId: string | undefined, limit: number, offset?: number) {
    this.record("trades", modelId, limit, ...(offset === undefined ? [] : [offset]));
    const from = offset ?? 0;
    return this.closedTrades.filter((t) => modelId === undefined || t.modelId === modelId).slice(from, from + limit);
  }

  async leaderboard(query: LeaderboardQuery) {
    this.record("leaderboard", query);
    return [];
  }

  async leaderboardVariants(window: string) {
    this.record("leaderboardVariants", window);
    return [];
  }

  async equityCurves(window: string, points: number) {
    this.record("equityCurves", window, points);
    return [];
  }

  async analytics(id: string): Promise<AnalyticsView> {
    this.record("analytics", id);
    this.requireModel(id);
    return {
      modelId: id,
      sharpe: null,
      sortino: null,
      calmar: null,
      maxDrawdown: null,
      profitFactor: null,
      expectancy: null,
      winRate: null,
      trades: 0,
      wins: 0,
      losses: 0,
      averageWin: null,
      averageLoss: null,
      largestWin: null,
      largestLoss: null,
      longestWinStreak: 0,
      longestLossStreak: 0,
      currentWinStreak: 0,
      currentLossStreak: 0,
      averageHoldMsWinners: null,
      averageHoldMsLosers: null,
      averageR: null,
      rTrades: 0,
      rExcluded: 0,
      longPct: null,
      sizeDistribution: null,
      holdTimeDistribution: null,
      holdTimeBuckets: [],
      decisionQuality: { trades: 0, minTrades: 10, pearson: null, spearman: null },
    };
  }

  candles(symbol: string, interval: string, limit: number) {
    this.record("candles", symbol, interval, limit);
    if (symbol !== "BTC" && symbol !== "ETH") throw notFound(`unknown market ${symbol}`);
    return [];
  }

  marketTrades(symbol: string, limit: number) {
    this.record("marketTrades", symbol, limit);
    if (symbol !== "BTC" && symbol !== "ETH") throw notFound(`unknown market ${symbol}`);
    return [];
  }

  async failures(modelId: string | undefined, limit: number) {
    this.record("failures", modelId, limit);
    return { runs: [], toolCalls: [] };
  }

  async openPosition(modelId: string, input: OpenPositionInput) {
    this.record("openPosition", modelId, input);
    this.requireModel(modelId);
    const existing = this.openPositions.find((p) => p.modelId === modelId && p.symbol === input.symbol);
    if (existing && existing.side !== input.side) {
      throw rejected("opposite_position_open", `${input.symbol} is open ${existing.side}`);
    }
    if (Number(input.quantity) >= 1000) throw rejected("insufficient_margin", "not enough margin for this order");
    const position: PositionView = {
      id: `p${this.openPositions.length + 1}`,
      modelId,
      symbol: input.symbol,
      side: input.side,
      quantity: input.quantity,
      leverage: input.leverage ?? "1",
      entryPrice: "100000.5",
      markPrice: "100000.0",
      unrealizedPnl: "0.00",
      exitPlan: input.exitPlan ? plan(input.exitPlan) : null,
      openedAt: NOW,
    };
    this.openPositions.push(position);
    const { quantity } = input;
    const order = this.orderFor(modelId, input, quantity);
    return { status: "filled" as const, requestedQuantity: quantity, filledQuantity: quantity, averagePrice: "100000.5", fees: "0.05", position, order };
  }

  readonly placedOrders: OrderView[] = [];

  private orderFor(modelId: string, input: OpenPositionInput, filled: string): OrderView {
    const order: OrderView = {
      id: `o${this.placedOrders.length + 1}`,
      clientOrderId: `c${this.placedOrders.length + 1}`,
      modelId,
      venue: "sim",
      symbol: input.symbol,
      side: input.side === "LONG" ? "BUY" : "SELL",
      type: input.type ?? "MARKET",
      timeInForce: input.timeInForce ?? "IOC",
      price: input.price ?? null,
      quantity: input.quantity,
      filledQuantity: filled,
      status: "FILLED",
      reason: null,
      purpose: "OPEN",
      closeTrigger: null,
      createdAt: NOW,
    };
    this.placedOrders.unshift(order);
    return order;
  }

  async orders(modelId: string | undefined, limit: number, open: boolean) {
    this.record("orders", modelId, limit, open);
    return this.placedOrders.filter((o) => (modelId === undefined || o.modelId === modelId) && (!open || o.status === "OPEN")).slice(0, limit);
  }

  async cancelOrder(modelId: string, clientOrderId: string) {
    this.record("cancelOrder", modelId, clientOrderId);
    this.requireModel(modelId);
    const order = this.placedOrders.find((o) => o.modelId === modelId && o.clientOrderId === clientOrderId);
    if (!order) throw notFound(`order ${clientOrderId} does not exist`);
    order.status = "CANCELED";
    return order;
  }

  async closePositions(modelId: string, symbols: string[]) {
    this.record("closePositions", modelId, symbols);
    this.requireModel(modelId);
    const results: Awaited<ReturnType<AppServices["closePositions"]>>["results"] = {};
    for (const symbol of symbols) {
      const i = this.openPositions.findIndex((p) => p.modelId === modelId && p.symbol === symbol);
      if (i < 0) results[symbol] = { status: "rejected", reason: "no_position" };
      else {
        this.openPositions.splice(i, 1);
        results[symbol] = { status: "closed", exitPrice: "99999.5", realizedPnl: "-1.05" };
      }
    }
    return { results };
  }

  async updateExitPlan(modelId: string, symbol: string, patch: ExitPlanInput) {
    this.record("updateExitPlan", modelId, symbol, patch);
    const position = this.openPositions.find((p) => p.modelId === modelId && p.symbol === symbol);
    if (!position) throw notFound(`no open position on ${symbol}`);
    const current = position.exitPlan?.stop;
    if (patch.stop && current && position.side === "LONG" && Number(patch.stop) < Number(current)) {
      throw rejected("stop_would_widen", `stop ${patch.stop} is below the current stop ${current}`);
    }
    position.exitPlan = plan({ ...position.exitPlan, ...patch });
    return position;
  }

  async invocations(modelId: string | undefined, limit: number, offset?: number) {
    this.record("invocations", modelId, limit, ...(offset === undefined ? [] : [offset]));
    const toolCalls = [{ type: "HOLDING", metadata: {}, createdAt: NOW }];
    return [{ id: "i1", modelId: "m1", createdAt: NOW, durationMs: 12, status: "ok" as const, response: "hold", error: null, inputTokens: null, outputTokens: null, toolCalls }];
  }

  async decisionHistory(modelId: string | undefined, limit: number, offset?: number) {
    this.record("decisionHistory", modelId, limit, ...(offset === undefined ? [] : [offset]));
    const toolCalls = [{ type: "HOLDING", metadata: {}, createdAt: NOW }];
    return [
      { kind: "invocation" as const, id: "i1", modelId: "m1", createdAt: NOW, durationMs: 12, status: "ok" as const, response: "hold", error: null, inputTokens: null, outputTokens: null, toolCalls },
    ];
  }

  async invocation(id: string) {
    this.record("invocation", id);
    const [found] = await this.invocations(undefined, 1);
    if (id !== found!.id) throw notFound(`invocation ${id} does not exist`);
    return { ...found!, prompt: "the prompt", steps: [] };
  }

  schedulerStatus() {
    this.record("schedulerStatus");
    return { intervalMs: 300_000, enabled: true, cycleInProgress: false, lastCycle: null, lastFinishedCycle: null, cycleRunningMs: null, running: [] };
  }

  runSchedulerNow() {
    this.record("runSchedulerNow");
  }

  async moveMarket(symbol: string, price: string) {
    this.record("moveMarket", symbol, price);
    if (symbol !== "BTC" && symbol !== "ETH") throw notFound(`unknown market ${symbol}`);
    return market(symbol, price);
  }

  async resetAccount(modelId: string) {
    this.record("resetAccount", modelId);
    return this.requireModel(modelId).account;
  }

  async subscribe(afterId: number | undefined, listener: (event: AppEvent) => void) {
    this.record("subscribe", afterId);
    // Replay synchronously, as a real outbox reader may, before the stream has started writing.
    for (const event of this.events) {
      if (afterId === undefined || (event.id !== undefined && event.id > afterId)) listener(event);
    }
    this.listeners.add(listener);
    return () => {
      this.unsubscribed += 1;
      this.listeners.delete(listener);
    };
  }

  async recentEvents(limit: number) {
    this.record("recentEvents", limit);
    return this.events
      .filter((e) => e.id !== undefined)
      .slice(-limit)
      .reverse()
      .map((e) => ({ id: e.id!, type: e.type, data: e.data, at: new Date(0).toISOString() }));
  }

  async lastEventId() {
    this.record("lastEventId");
    return this.events.reduce((max, e) => Math.max(max, e.id ?? 0), 0);
  }

  /** Appends to the outbox (market ticks excepted) and delivers to live subscribers. */
  publish(event: AppEvent): void {
    if (event.id !== undefined) this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }
}

const NOW = "2025-01-01T00:00:00.000Z";

function market(symbol: string, mid: string): MarketView {
  return { symbol, bid: mid, ask: mid, mid, sizeDecimals: 5, priceDecimals: 1, minBaseAmount: "0.0001", updatedAt: NOW, open24h: null, change24hPct: null };
}

function plan(input: ExitPlanInput): ExitPlanView {
  return {
    stop: input.stop ?? null,
    target: input.target ?? null,
    invalidation: input.invalidation ?? null,
    invalidationPrice: input.invalidationPrice ?? null,
    confidence: input.confidence ?? null,
    timeExit: input.timeExit ?? null,
    cooldownUntil: input.cooldownUntil ?? null,
  };
}

function model(id: string, name: string): ModelView {
  return {
    id,
    name,
    kind: "rule",
    strategy: "momentum",
    status: "active",
    initialCapital: "10000",
    createdAt: NOW,
    risk: { maxLeverage: 10 },
    runs: { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 },
    venue: { kind: "sim" },
    haltReason: null,
    account: {
      cash: "10000.00",
      equity: "10000.00",
      unrealizedPnl: "0.00",
      realizedPnl: "0.00",
      fees: "0.00",
      funding: "0.00",
      marginUsed: "0.00",
      available: "10000.00",
      returnPct: 0,
    },
    metrics: {
      sharpe: null,
      sortino: null,
      winRate: null,
      maxDrawdown: null,
      profitFactor: null,
      expectancy: null,
      trades: 0,
    },
  };
}
