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
  returnPct: number;
  /** Decimal string, dollars. */
  equity: string;
  rank: number;
}

/** Where the model stands among all models (itself included), best first. */
export interface CompetitionView {
  rank: number;
  of: number;
  standings: Standing[];
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
}

export interface RuleStrategy {
  name: string;
  kind: "rule";
  description: string;
  decide(ctx: DecisionContext, tools: TradingTools): Promise<void>;
}
