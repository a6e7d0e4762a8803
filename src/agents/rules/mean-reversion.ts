import type { Side } from "../../core/types.js";
import type { RuleStrategy } from "../strategy.js";
import { runRules, type RuleLogic, type SymbolSignal, type SymbolView } from "./kit.js";
import { DEFAULT_SIZING, type SizingOptions } from "./sizing.js";

/**
 * Mean reversion: fade RSI extremes back towards the 5-minute EMA20.
 *
 * - Entry LONG: RSI14 on 5m at or below `oversold`, the 1m RSI14 still at or below
 *   `fastConfirm` (the dip has not already bounced), and the price below the 5m EMA20 by at
 *   least `minStretchAtr` x ATR14 (enough room to the mean to pay for the trade). SHORT mirrors
 *   it with `overbought` and 100 - `fastConfirm`.
 * - Exits: target at the 5m EMA20 (the mean), a tight stop `stopAtr` x ATR beyond the entry, and
 *   a time exit (`timeExitMinutes`): a reversion that has not happened soon is not happening.
 * - Bias: LONG when oversold, SHORT when overbought, none in between; an open position meets
 *   the opposite extreme only when the move overshot the mean, and is then closed.
 * - Confidence grows with how far RSI is past the threshold (50 to 90).
 * - Leverage defaults to 2: counter-trend trades get less of it than the trend follower.
 */
export interface MeanReversionOptions extends SizingOptions {
  oversold: number;
  overbought: number;
  fastConfirm: number;
  minStretchAtr: number;
  stopAtr: number;
  timeExitMinutes: number | null;
  cooldownMinutes: number | null;
}

export const MEAN_REVERSION_DEFAULTS: MeanReversionOptions = {
  ...DEFAULT_SIZING,
  leverage: 2,
  oversold: 30,
  overbought: 70,
  fastConfirm: 40,
  minStretchAtr: 0.5,
  stopAtr: 1,
  timeExitMinutes: 120,
  cooldownMinutes: 15,
};

function evaluate(view: SymbolView, o: MeanReversionOptions): SymbolSignal {
  const f = view.intel.timeframes["5m"];
  const m1 = view.intel.timeframes["1m"];
  if (!f.rsi14.defined || !f.ema20.defined || !f.atr14.defined) return { bias: null, reason: "5m RSI/EMA20/ATR not defined yet" };
  const rsi = f.rsi14.value;
  const bias: Side | null = rsi <= o.oversold ? "LONG" : rsi >= o.overbought ? "SHORT" : null;
  if (bias === null) return { bias, reason: `5m RSI ${rsi.toFixed(1)} is not extreme` };
  const long = bias === "LONG";
  const label = long ? "oversold" : "overbought";
  const fast = m1.rsi14.defined ? m1.rsi14.value : null;
  if (fast === null || (long ? fast > o.fastConfirm : fast < 100 - o.fastConfirm)) {
    return { bias, reason: `5m RSI ${label} but 1m RSI ${fast?.toFixed(1) ?? "undefined"} has already turned` };
  }
  const atr = f.atr14.value;
  const mean = f.ema20.value;
  const stretch = long ? mean - view.price : view.price - mean;
  if (atr <= 0 || stretch < o.minStretchAtr * atr) return { bias, reason: `5m RSI ${label} but price too close to EMA20` };
  const sign = long ? 1 : -1;
  return {
    bias,
    reason: `5m RSI ${rsi.toFixed(1)} ${label}, price ${(stretch / atr).toFixed(1)} ATR from EMA20`,
    entry: {
      side: bias,
      stop: view.price - sign * o.stopAtr * atr,
      target: mean,
      invalidationPrice: null,
      invalidationCondition: `price keeps making new ${long ? "lows" : "highs"} away from EMA20 (a trend, not a stretch)`,
      confidence: Math.min(90, 50 + 2 * (long ? o.oversold - rsi : rsi - o.overbought)),
      timeExitMinutes: o.timeExitMinutes,
    },
  };
}

export function createMeanReversion(options: Partial<MeanReversionOptions> = {}): RuleStrategy {
  const o = { ...MEAN_REVERSION_DEFAULTS, ...options };
  const logic: RuleLogic = { sizing: o, cooldownMinutes: o.cooldownMinutes, evaluate: (view) => evaluate(view, o) };
  return {
    name: "mean-reversion",
    kind: "rule",
    description: "Fades 5m RSI14 extremes (30/70, confirmed on 1m) back to the 5m EMA20; tight 1 ATR stop, 2 h time exit; risks 1% of equity per trade.",
    decide: (ctx, tools) => runRules(ctx, tools, logic),
  };
}

export const meanReversion = createMeanReversion();
