import type { MarketSpec } from "../core/market.js";
import type { ModelMetrics } from "../core/metrics.js";
import type { Side } from "../core/types.js";
import type { MarketIntelligence } from "./intelligence.js";
import type { TradingTools } from "./tools.js";

/**
 * What a model sees when it decides, and the interface of the built-in rule strategies.
 * A rule strategy and an LLM agent get the same context and act through the same tools, so
 * the scheduler, the risk engine and the invocation records treat them alike.
 */

/** The account as the model sees it: money as decimal strings (exact), as on the API. */
export interface PortfolioView {
  cash: string;
  equity: string;
  available: string;
  positions: PositionView[];
}

export interface PositionView {
  symbol: string;
  side: Side;
  quantity: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  /** The position's exit plan as the API shows it (`{ stop, target, invalidationPrice, ... }`), or null. */
  exitPlan: unknown;
}

/** The model's own performance: the metrics the API shows, plus its return since the start (or the last reset). */
export interface PerformanceView extends ModelMetrics {
  /** Percent: 2.5 means +2.5%. */
  returnPct: number;
}

/** One competitor on the leaderboard; rank 1 has the highest return. */
export interface Standing {
  modelId: string;
  name: string;
  /** Its rule strategy or prompt variant. */
  strategy?: string;
  returnPct: number;
  /** Decimal string, dollars. */
  equity: string;
  /** Equity minus the capital it started with (or was last reset to), dollars (decimal string). */
  pnl?: string;
  rank: number;
}

/** An open position of a leader, as competitors see it (money as exact decimal strings). */
export interface LeaderPosition {
  symbol: string;
  side: Side;
  quantity: string;
  /** Notional at the mark (at the entry where no mark is known), dollars. */
  notional: string;
  unrealizedPnl: string;
}

/** One of the top of the standings with what it holds now. */
export interface LeaderView {
  modelId: string;
  name: string;
  rank: number;
  positions: LeaderPosition[];
}

/** Where the model stands among all models (itself included), best first. */
export interface CompetitionView {
  rank: number;
  of: number;
  standings: Standing[];
  /** The top of the standings (other than the model) and their open positions. */
  leaders?: LeaderView[];
  /** How far behind the leader the model is; absent when it leads. */
  gapToLeader?: { returnPoints: number; pnl: string | null };
  /** The standings among the models sharing the model's prompt variant, when it shares it with at least one other. */
  variant?: { name: string; rank: number; of: number; standings: Standing[] };
}

/**
 * The account's figures beyond cash and equity, for the prompt: percentages are for reading
 * (the money behind them is exact); null when equity is not positive.
 */
export interface AccountStats {
  /** Gross notional of the open positions at the mark over equity, percent. */
  exposurePct: number | null;
  /** What the open positions lose if every stop fills at its price (entry to stop, times size, summed; 0 for a stop at or beyond break-even) over equity, percent. */
  riskPct: number | null;
  /** Open positions without a stop: their risk is not bounded, so not in `riskPct`. */
  unstopped: string[];
  /** Percent of the window with at least one open position; null when the window is empty. */
  timeInMarketPct: number | null;
  /** The window `timeInMarketPct` covers, ending now: the last 7 days, or since the model started when later. */
  timeInMarketMinutes: number;
  /** Runs of the model before this one, since it was created. */
  invocations: number;
  /** Epoch ms the model started trading (its first deposit, in domain time). */
  startedAt: number;
}

/** A position the system closed for the model (its stop, target, invalidation, time exit, or a liquidation). */
export interface AutomaticClose {
  symbol: string;
  side: Side;
  quantity: string;
  trigger: "STOP" | "TARGET" | "INVALIDATION" | "TIME" | "LIQUIDATION" | "RESOLUTION";
  /** Why it closed, in words (the level or time that triggered it). */
  reason: string;
  exitPrice: string;
  realizedPnl: string;
  /** Epoch ms. */
  closedAt: number;
}

/** How often the model acted on a symbol recently (fills, closes, exit-plan changes; rejected calls not counted). */
export interface SymbolActivity {
  symbol: string;
  actions: number;
  /** Epoch ms of the latest action, or null. */
  lastActionAt: number | null;
}

export interface RecentActivity {
  /** The window the counts cover, ending now. */
  windowMinutes: number;
  /** The model's runs in the window (this one not included). */
  runs: number;
  /** Symbols acted on, most active first. */
  symbols: SymbolActivity[];
  /** Positions closed automatically in the window, newest first (at most a few). */
  automaticCloses?: AutomaticClose[];
}

export interface DecisionContext {
  modelId: string;
  now: number;
  markets: readonly MarketSpec[];
  intelligence: MarketIntelligence;
  portfolio: PortfolioView;
  /** Aborted when the run's time is up: stop before the next tool call. */
  signal: AbortSignal;
  /** Optional extras the LLM prompts show (rule strategies ignore them). */
  metrics?: PerformanceView;
  competition?: CompetitionView;
  recentActions?: RecentActivity;
  accountStats?: AccountStats;
}

export interface RuleStrategy {
  name: string;
  kind: "rule";
  description: string;
  decide(ctx: DecisionContext, tools: TradingTools): Promise<void>;
}
