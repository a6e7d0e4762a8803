import type { Side } from "../../core/types.js";
import type { RuleStrategy } from "../strategy.js";
import { runRules, type RuleLogic, type SymbolSignal, type SymbolView, atrTrailStop } from "./kit.js";
import { DEFAULT_SIZING, type SizingOptions } from "./sizing.js";

/**
 * Trend following: trade in the direction of the 5-minute EMA20/EMA50 cross, only when the
 * hourly trend agrees.
 *
 * - Bias: LONG while EMA20 > EMA50 on 5m, SHORT while below. An open position against the bias
 *   is closed (the cross turned), without hourly confirmation: exits should be quicker than entries.
 * - Entry: the bias, with the 5m close beyond its EMA20 (momentum, not a stale cross) and the 1h
 *   trend agreeing: the 1h close on the same side of its EMA20, and EMA20 beyond EMA50 on 1h when
 *   the hourly history is long enough for EMA50 (24 h of backfill gives EMA20 but not EMA50).
 * - Exits: stop `stopAtr` x ATR14(5m) from the entry, target `targetAtr` x ATR, invalidation at
 *   the 5m EMA50 (the trend is over when price is back through the slow average). While the
 *   position runs, the stop trails `trailAtr` x ATR behind the price and only ever tightens.
 * - Confidence grows with the EMA separation measured in ATRs (50 to 90).
 */
export interface TrendFollowingOptions extends SizingOptions {
  stopAtr: number;
  targetAtr: number;
  trailAtr: number;
  cooldownMinutes: number | null;
}

export const TREND_FOLLOWING_DEFAULTS: TrendFollowingOptions = {
  ...DEFAULT_SIZING,
  stopAtr: 2,
  targetAtr: 3,
  trailAtr: 2.5,
  cooldownMinutes: 15,
};

function hourlyTrend(view: SymbolView): Side | null {
  const h = view.intel.timeframes["1h"];
  if (!h.ema20.defined || h.lastClose === null) return null;
  const up = h.lastClose > h.ema20.value && (!h.ema50.defined || h.ema20.value > h.ema50.value);
  const down = h.lastClose < h.ema20.value && (!h.ema50.defined || h.ema20.value < h.ema50.value);
  return up ? "LONG" : down ? "SHORT" : null;
}

function evaluate(view: SymbolView, o: TrendFollowingOptions): SymbolSignal {
  const f = view.intel.timeframes["5m"];
  if (!f.ema20.defined || !f.ema50.defined || !f.atr14.defined || f.lastClose === null) {
    return { bias: null, reason: "5m EMA20/EMA50/ATR not defined yet" };
  }
  const fast = f.ema20.value;
  const slow = f.ema50.value;
  const atr = f.atr14.value;
  if (fast === slow) return { bias: null, reason: "no trend: EMA20 = EMA50 on 5m" };
  const bias: Side = fast > slow ? "LONG" : "SHORT";
  const sign = bias === "LONG" ? 1 : -1;
  const hourly = hourlyTrend(view);
  if (hourly !== bias) return { bias, reason: `5m trend ${bias} not confirmed by the 1h trend (${hourly ?? "undefined"})` };
  if (sign * (f.lastClose - fast) <= 0) return { bias, reason: `5m close not beyond EMA20 in the ${bias} direction` };
  if (atr <= 0) return { bias, reason: "ATR is zero: no volatility to place a stop" };
  const price = view.price;
  return {
    bias,
    reason: `EMA20 ${bias === "LONG" ? "above" : "below"} EMA50 on 5m, confirmed on 1h`,
    entry: {
      side: bias,
      stop: price - sign * o.stopAtr * atr,
      target: price + sign * o.targetAtr * atr,
      invalidationPrice: slow,
      invalidationCondition: `5m close ${bias === "LONG" ? "below" : "above"} EMA50 (trend over)`,
      confidence: Math.min(90, 50 + 10 * (Math.abs(fast - slow) / atr)),
    },
  };
}

export function createTrendFollowing(options: Partial<TrendFollowingOptions> = {}): RuleStrategy {
  const o = { ...TREND_FOLLOWING_DEFAULTS, ...options };
  const logic: RuleLogic = {
    sizing: o,
    cooldownMinutes: o.cooldownMinutes,
    evaluate: (view) => evaluate(view, o),
    trailStop: atrTrailStop(o.trailAtr),
  };
  return {
    name: "trend-following",
    kind: "rule",
    description: "Trades the 5m EMA20/EMA50 cross when the 1h trend agrees; stop 2 ATR, target 3 ATR, trailing stop; risks 1% of equity per trade.",
    decide: (ctx, tools) => runRules(ctx, tools, logic),
  };
}

export const trendFollowing = createTrendFollowing();
