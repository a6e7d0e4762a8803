import type { BacktestApi } from "../backtest/backtest-api.js";
import type { PredictionApi } from "../prediction/prediction-api.js";
import type { MirrorService } from "../copy/mirror-service.js";
import type { TradeAnalytics } from "../core/analytics.js";
import type { ModelKind, ModelStatus } from "../core/types.js";
import type { CycleSummary, WireName } from "../events/events.js";
import type { HealthReason } from "./health-monitor.js";
import type { VenueRef } from "../db/schema.js";
import type { DecisionHistoryEntry } from "./decision-history.js";
import type { LiveApi } from "../live/live-service.js";
import type { FollowSettings } from "../follow/follow-settings.js";
import type { SignalQuery, SignalSummaryView, SignalView } from "../follow/follow-signals.js";
import type { FollowWalletView } from "../follow/wallet-health.js";
import type { EquityPoint, EquityWindow, ExitPlanInput, ExitPlanView, OpenPositionInput, PositionView, TradeView } from "../trading/contracts.js";

export type { EquityPoint, EquityWindow, ExitPlanInput, ExitPlanView, OpenPositionInput, PositionView, TradeView };
export type { FollowWalletView, SignalQuery, SignalSummaryView, SignalView };

/**
 * What the HTTP layer needs from the application, in the wire shapes of ../shared/API.md
 * (decimal strings for money, ISO timestamps). The server validates request shapes with zod
 * and calls these; domain rules (ticks, size decimals, margin) are enforced behind them and
 * reported as AppError (src/core/errors.ts).
 */
export interface AppServices {
  /** Copy trading: mirrors, their executions, metrics and the audit (src/copy). */
  mirrors: MirrorService;
  /** Live trading: the kill switch, reconciliation, and which accounts trade live. */
  live: LiveApi;
  /** Backtests started from the API, each run in a child process (src/backtest/backtest-jobs.ts). */
  backtests: BacktestApi;
  /** Prediction markets (Polymarket's) and their outcome tokens' books; resolution in simulation (src/prediction). */
  predictions: PredictionApi;
  health(): HealthView;
  markets(): MarketView[];
  book(symbol: string, depth: number): BookView; // 404 unknown symbol

  listModels(): Promise<ModelView[]>;
  getModel(id: string): Promise<ModelView>; // 404
  createModel(input: CreateModelInput): Promise<ModelView>; // 400 unknown strategy, 409/422 duplicate name
  /** A follow model's signals, newest first, paged by id; 404 for an unknown model, 400 for a model that follows no wallets. */
  signals(modelId: string, query: SignalQuery): Promise<SignalView[]>;
  /** Every signal of a follow model counted: copied, skipped by reason, pending, late (404 / 400 as signals). */
  signalSummary(modelId: string): Promise<SignalSummaryView>;
  /** A follow model's wallets and how their reads go (404 / 400 as signals). */
  followWallets(modelId: string): Promise<FollowWalletView[]>;
  setModelStatus(id: string, status: ModelStatus): Promise<ModelView>;
  /** Replaces a model's risk overrides (`null` restores the defaults); 400 naming each bad limit. */
  setRiskLimits(id: string, risk: unknown): Promise<ModelView>;
  equity(id: string, window: EquityWindow): Promise<EquityPoint[]>;
  strategies(): StrategyView[];

  /** The arena's table for a window: figures over the window (return, P&L, fees, trades, curve ratios), sorted, optionally one strategy/variant. */
  leaderboard(query: LeaderboardQuery): Promise<LeaderboardRow[]>;
  /** The leaderboard over a window summed per strategy / prompt variant, best P&L % first. */
  leaderboardVariants(window: LeaderboardWindow): Promise<VariantAggregate[]>;
  /** Every model's equity curve over a window in one answer, each downsampled on the server to at most `points` points. */
  equityCurves(window: EquityWindow, points: number): Promise<EquityCurveView[]>;
  /** A model's full analytics: ratios, win/loss figures, streaks, hold times. */
  analytics(id: string): Promise<AnalyticsView>; // 404
  /** Closed candles then the one in progress, oldest first, at most `limit`. */
  candles(symbol: string, interval: "1m" | "5m" | "1h", limit: number): CandleView[]; // 404 unknown symbol
  /** The feed's recent trade prints of one market, newest first. */
  marketTrades(symbol: string, limit: number): MarketTradeView[]; // 404 unknown symbol
  /** Failed runs and failed tool calls, newest first, with their errors. */
  failures(modelId: string | undefined, limit: number): Promise<FailuresView>;

  positions(modelId?: string): Promise<PositionView[]>;
  /** Newest first; `offset` pages back through history. */
  trades(modelId: string | undefined, limit: number, offset?: number): Promise<TradeView[]>;
  openPosition(modelId: string, input: OpenPositionInput): Promise<OpenPositionView>;
  /** Orders as sent to the venue, newest first; `open` keeps the resting ones. */
  orders(modelId: string | undefined, limit: number, open: boolean): Promise<OrderView[]>;
  cancelOrder(modelId: string, clientOrderId: string): Promise<OrderView>; // 404 unknown order
  closePositions(modelId: string, symbols: string[]): Promise<ClosePositionsView>;
  updateExitPlan(modelId: string, symbol: string, patch: ExitPlanInput): Promise<PositionView>;

  /** Newest first; `offset` pages back through history. */
  invocations(modelId: string | undefined, limit: number, offset?: number): Promise<InvocationView[]>;
  /** The decision history: runs and the positions the system closed automatically (stop, target, ...), newest first, paged together. */
  decisionHistory(modelId: string | undefined, limit: number, offset?: number): Promise<DecisionHistoryEntry[]>;
  /** One run in full: with its prompt and every step (tokens, latency, tool calls). */
  invocation(id: string): Promise<InvocationDetailView>; // 404
  schedulerStatus(): SchedulerView;
  runSchedulerNow(): void;

  moveMarket(symbol: string, price: string): Promise<MarketView>; // 409 not_simulation / feed_not_movable
  resetAccount(modelId: string): Promise<AccountView>; // 409 not_simulation

  /** Events after `afterId` (exclusive) from the outbox, then live ones; returns an unsubscribe function. */
  subscribe(afterId: number | undefined, listener: (event: AppEvent) => void): Promise<() => void>;
  /** The newest events but equity snapshots, newest first: what the live feed shows when it opens. */
  recentEvents(limit: number): Promise<RecentEventView[]>;
  /** The newest event id (the outbox's highest), 0 before the first event: where a resume may start at most. */
  lastEventId(): Promise<number>;
}

export interface AppEvent {
  /** Outbox id; absent on throttled `market` ticks. */
  id?: number;
  type: WireName;
  data: unknown;
}

/** An event of the stream as `GET /api/events/recent` lists it, with when it was written. */
export interface RecentEventView {
  id: number;
  type: AppEvent["type"];
  data: unknown;
  at: string;
}

export type { HealthReason };

export interface HealthView {
  /** `degraded` while something in `reasons` is wrong (cycles overrunning, a model failing run after run, a stale market, a close failing). */
  status: "ok" | "degraded";
  /** Empty when ok. */
  reasons: HealthReason[];
  mode: "simulation" | "live";
  feed: { kind: string; [k: string]: unknown };
  db: { kind: "pglite" | "postgres" };
  version: string;
}

export interface MarketView {
  symbol: string;
  bid: string | null;
  ask: string | null;
  mid: string | null;
  sizeDecimals: number;
  priceDecimals: number;
  minBaseAmount: string;
  updatedAt: string | null;
  /** The mid 24 hours ago (the close of the 1-minute candle then; the oldest candle when history is shorter), null without history. */
  open24h: string | null;
  /** Change of the mid against `open24h`, percent; null without history. */
  change24hPct: number | null;
}

export interface BookView {
  symbol: string;
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
  ts: string | null;
}

export interface AccountView {
  cash: string;
  equity: string;
  unrealizedPnl: string;
  realizedPnl: string;
  fees: string;
  /** Funding received (positive) or paid since the last reset: cash = initial + realizedPnl - fees + funding. */
  funding: string;
  marginUsed: string;
  available: string;
  returnPct: number;
}

export interface MetricsView {
  /**
   * Annualised from the equity curve of the last 7 days (core/metrics.ts); null over less than six
   * days of it (MIN_SPAN_FOR_RATIOS_MS: a younger model's figure would be noise), below 30
   * snapshots, or without variance.
   */
  sharpe: number | null;
  /** Null like `sharpe`, or when no period lost money. */
  sortino: number | null;
  winRate: number | null;
  maxDrawdown: number | null;
  profitFactor: number | null;
  /** Mean realized P&L per trade, dollars (money, so a decimal string). */
  expectancy: string | null;
  trades: number;
}

export interface ModelView {
  id: string;
  name: string;
  kind: ModelKind;
  strategy: string;
  status: ModelStatus;
  initialCapital: string;
  account: AccountView;
  metrics: MetricsView;
  llm?: { baseUrl: string; model: string; apiKeyEnv?: string; temperature?: number; maxSteps?: number };
  /** The limits in force: the model's overrides over the defaults. */
  risk: Record<string, number | boolean>;
  /** Scheduler runs and tool calls, with how many failed. */
  runs: { runs: number; failedRuns: number; toolCalls: number; failedToolCalls: number };
  createdAt: string;
  /** Where it trades; a live venue shows its account and key variable's name, never a key. */
  venue: VenueRef;
  /** Why a live model is halted (status "halted"), null otherwise. */
  haltReason: string | null;
  /** A follow model's wallets and rules as stored (kind "follow" only). */
  follow?: FollowSettings;
}

export interface CreateModelInput {
  name: string;
  kind: ModelKind;
  venue?: VenueRef;
  /** A rule strategy or prompt variant; a follower (kind `mirror`) has none ("mirror"). */
  strategy?: string;
  initialCapital?: string;
  /** Risk-limit overrides, validated by the trading layer (any subset of the limits). */
  risk?: unknown;
  llm?: { baseUrl: string; model: string; apiKeyEnv?: string; temperature?: number; maxSteps?: number };
  /** A follow model's wallets and rules (kind `follow`): checked in full by followSettingsSchema. */
  wallets?: unknown;
  filters?: unknown;
  sizing?: unknown;
  maxSignalAgeMs?: unknown;
  maxSlippage?: unknown;
}

export interface StrategyView {
  name: string;
  kind: ModelKind;
  description: string;
  /** Other names it answers to (an LLM variant's name in the original system, e.g. "Apex"); the stored name is `name`. */
  aliases?: string[];
}

export interface OpenPositionView {
  /** "resting": a limit order on the book, nothing filled yet (HTTP 202). */
  status: "filled" | "partial" | "resting";
  requestedQuantity: string;
  filledQuantity: string;
  averagePrice: string;
  fees: string;
  position: PositionView | null;
  order: OrderView;
}

export interface OrderView {
  id: string;
  clientOrderId: string;
  modelId: string;
  venue: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  timeInForce: string;
  price: string | null;
  quantity: string;
  filledQuantity: string;
  status: string;
  reason: string | null;
  purpose: "OPEN" | "CLOSE";
  closeTrigger: string | null;
  createdAt: string;
}

export interface ClosePositionsView {
  results: Record<string, { status: "closed" | "partial" | "rejected"; exitPrice?: string; realizedPnl?: string; reason?: string }>;
}

export type { AutomaticCloseView, DecisionHistoryEntry } from "./decision-history.js";

export interface InvocationView {
  id: string;
  modelId: string;
  createdAt: string;
  durationMs: number | null;
  status: "ok" | "error" | "timeout" | "running";
  response: string | null;
  /** Why the run failed, when it did. */
  error: string | null;
  /** Provider tokens of an LLM run (null for rule runs). */
  inputTokens: number | null;
  outputTokens: number | null;
  toolCalls: Array<{ type: string; metadata: unknown; createdAt: string }>;
}

export interface InvocationDetailView extends InvocationView {
  prompt: string | null;
  steps: unknown;
}

export interface SchedulerView {
  intervalMs: number;
  enabled: boolean;
  cycleInProgress: boolean;
  lastCycle: { startedAt: string; finishedAt: string | null; models: number } | null;
  /** The last finished cycle in full, as its `cycle` event said it; null before the first. */
  lastFinishedCycle: CycleSummary | null;
  /** How long the cycle in progress has really run (wall ms), null when none is. */
  cycleRunningMs: number | null;
  /** Runs in flight now: how long each has really run (wall time, even on a replay). */
  running: Array<{ modelId: string; invocationId: string; startedAt: string; runningMs: number }>;
}

export type LeaderboardWindow = "24h" | "7d" | "30d" | "all";
export type LeaderboardSort = "equity" | "returnPct" | "pnl" | "realizedPnl" | "fees" | "sharpe" | "maxDrawdown" | "winRate" | "trades" | "name";

export interface LeaderboardQuery {
  window: LeaderboardWindow;
  /** Default returnPct, best first (maxDrawdown and fees: smallest first; name: A to Z); rows without the figure (null) last, ties by name then id. */
  sort?: LeaderboardSort;
  /** Only models running this strategy or prompt variant. */
  variant?: string;
}

/**
 * One model's row over a window. `equity` is now; `returnPct` is against the equity at the
 * window's start (initial capital for "all", or when the model is younger than the window);
 * realized P&L, fees, trades and win rate count trades closed inside the window; Sharpe and max
 * drawdown come from the curve inside it. `realizedPnl` is before fees, as an account shows it
 * (the trades' net P&L with their fees added back), and `fees` is what those trades paid.
 */
export interface LeaderboardRow {
  rank: number;
  id: string;
  name: string;
  kind: ModelKind;
  strategy: string;
  status: ModelStatus;
  /** The end value: equity now. */
  equity: string;
  startEquity: string;
  /** P&L over the window in dollars: `equity` − `startEquity`. */
  pnl: string;
  /** P&L over the window in % of `startEquity`. */
  returnPct: number;
  realizedPnl: string;
  fees: string;
  /** Of the curve inside the window; null when it spans less than six days (always for `24h`: see MetricsView.sharpe). */
  sharpe: number | null;
  maxDrawdown: number | null;
  winRate: number | null;
  trades: number;
  /** Trades closed inside the window with a positive P&L. */
  wins: number;
  openPositions: number;
}

/**
 * The models sharing one strategy or prompt variant, summed over a window: capital-weighted
 * (`pnlPct` is the summed P&L over the summed start values), the mean of their returns beside it.
 */
export interface VariantAggregate {
  variant: string;
  kind: ModelKind;
  models: number;
  startEquity: string;
  equity: string;
  pnl: string;
  pnlPct: number;
  /** Mean of the models' own returnPct. */
  meanReturnPct: number;
  realizedPnl: string;
  fees: string;
  trades: number;
  /** Wins over trades of every model together; null without trades. */
  winRate: number | null;
  /** The deepest of the models' drawdowns inside the window. */
  worstDrawdown: number | null;
  bestModel: { id: string; name: string; returnPct: number };
  worstModel: { id: string; name: string; returnPct: number };
}

export interface EquityCurveView {
  modelId: string;
  name: string;
  strategy: string;
  initialCapital: string;
  /** Oldest first; at most the requested number of points, the first and last always kept. */
  points: EquityPoint[];
}

/** A model's analytics (src/core/analytics.ts): over its closed trades (net P&L; a zero-P&L trade is neither a win nor a loss and ends both streaks) and its whole equity curve. */
export type AnalyticsView = { modelId: string } & TradeAnalytics;

export interface CandleView {
  /** Open time, ISO. */
  openTime: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface MarketTradeView {
  ts: string;
  price: string;
  size: string;
}

export interface FailuresView {
  runs: InvocationView[];
  toolCalls: Array<{ invocationId: string; modelId: string; type: string; metadata: unknown; error: string; createdAt: string }>;
}
