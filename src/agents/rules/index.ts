import type { RuleStrategy } from "../strategy.js";
import { breakout } from "./breakout.js";
import { meanReversion } from "./mean-reversion.js";
import { trendFollowing } from "./trend-following.js";

/** The built-in rule strategies with their default options, keyed by name. */
export const RULE_STRATEGIES: Record<string, RuleStrategy> = {
  [trendFollowing.name]: trendFollowing,
  [meanReversion.name]: meanReversion,
  [breakout.name]: breakout,
};

export function findRuleStrategy(name: string): RuleStrategy | undefined {
  return Object.hasOwn(RULE_STRATEGIES, name) ? RULE_STRATEGIES[name] : undefined;
}
