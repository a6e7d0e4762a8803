import type { MarketSpec } from "../core/market.js";
import type { Side } from "../core/types.js";
import type { MarketIntelligence } from "./intelligence.js";
import { breakout } from "./rules/breakout.js";
import { meanReversion } from "./rules/mean-reversion.js";
import { trendFollowing } from "./rules/trend-following.js";
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

export interface DecisionContext {
  modelId: string;
  now: number;
  markets: readonly MarketSpec[];
  intelligence: MarketIntelligence;
  portfolio: PortfolioView;
  /** Aborted when the run's time is up: stop before the next tool call. */
  signal: AbortSignal;
}

export interface RuleStrategy {
  name: string;
  kind: "rule";
  description: string;
  decide(ctx: DecisionContext, tools: TradingTools): Promise<void>;
}

/** The built-in rule strategies with their default options, keyed by name. */
export const RULE_STRATEGIES: Record<string, RuleStrategy> = {
  [trendFollowing.name]: trendFollowing,
  [meanReversion.name]: meanReversion,
  [breakout.name]: breakout,
};

export function findRuleStrategy(name: string): RuleStrategy | undefined {
  return Object.hasOwn(RULE_STRATEGIES, name) ? RULE_STRATEGIES[name] : undefined;
}
