import type { Side } from "../../core/types.js";
import type { PriceCandle } from "../intelligence.js";
import type { RuleStrategy } from "../strategy.js";
import { runRules, type RuleLogic, type SymbolSignal, type SymbolView, atrTrailStop } from "./kit.js";
import { DEFAULT_SIZING, type SizingOptions } from "./sizing.js";

/**
 * Breakout: trade a close outside the range of the last `lookback` 5-minute candles.
 *
 * - Range: highest high and lowest low of the `lookback` candles before the current one (the
 *   current, possibly still forming, candle is the one that breaks).
 * - Entry LONG: the current 5m close above the range high by at least `minBreakAtr` x ATR14(5m)
 *   (a tick through the high is noise), and its volume at least `volumeFactor` x the range's
 *   average volume (a break nobody trades tends to fail). The volume filter is skipped when the
 *   feed records no volume at all. SHORT mirrors it below the range low.
 * - Exits: stop at the opposite side of the range, target `targetRange` x the range height
 *   beyond the entry (the measured move), invalidation at the range midpoint (a break that falls
 *   back that far has failed). While the position runs the stop trails `trailAtr` x ATR.
 * - Bias: the direction of a break; an open position is closed on a break the other way.
 * - Confidence grows with the volume surge (55 to 90).
 * Needs `lookback` + 1 recent 5m candles in the intelligence (30 by default).
 */
export interface BreakoutOptions extends SizingOptions {
  lookback: number;
  volumeFactor: number;
  minBreakAtr: number;
  targetRange: number;
  trailAtr: number;
  cooldownMinutes: number | null;
}

export const BREAKOUT_DEFAULTS: BreakoutOptions = {
  ...DEFAULT_SIZING,
  lookback: 20,
  volumeFactor: 1.5,
  minBreakAtr: 0.25,
  targetRange: 1,
  trailAtr: 3,
  cooldownMinutes: 30,
};

function rangeOf(bars: readonly PriceCandle[]): { high: number; low: number; avgVolume: number } {
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  for (const b of bars) {
    high = Math.max(high, b.high);
    low = Math.min(low, b.low);
    volume += b.volume;
  }
  return { high, low, avgVolume: volume / bars.length };
}

function evaluate(view: SymbolView, o: BreakoutOptions): SymbolSignal {
  const f = view.intel.timeframes["5m"];
  if (!f.atr14.defined || f.recent.length < o.lookback + 1) {
    return { bias: null, reason: `needs ATR and ${o.lookback + 1} recent 5m candles` };
  }
  const current = f.recent[f.recent.length - 1]!;
  const range = rangeOf(f.recent.slice(f.recent.length - 1 - o.lookback, f.recent.length - 1));
  const atr = f.atr14.value;
  const margin = o.minBreakAtr * atr;
  const bias: Side | null = current.close > range.high + margin ? "LONG" : current.close < range.low - margin ? "SHORT" : null;
  if (bias === null || atr <= 0) return { bias: null, reason: `price inside the ${o.lookback}-candle 5m range ${range.low}-${range.high}` };
  const volumeRatio = range.avgVolume > 0 ? current.volume / range.avgVolume : null;
  if (volumeRatio !== null && volumeRatio < o.volumeFactor) {
    return { bias, reason: `${bias} break of the 5m range on weak volume (${volumeRatio.toFixed(2)}x average)` };
  }
  const long = bias === "LONG";
  const height = range.high - range.low;
  return {
    bias,
    reason: `5m close broke the ${o.lookback}-candle ${long ? "high" : "low"}`,
    entry: {
      side: bias,
      stop: long ? range.low : range.high,
      target: view.price + (long ? 1 : -1) * o.targetRange * height,
      invalidationPrice: (range.high + range.low) / 2,
      invalidationCondition: "price falls back to the middle of the broken range (failed breakout)",
      confidence: Math.min(90, 55 + 10 * ((volumeRatio ?? 1) - 1)),
    },
  };
}

export function createBreakout(options: Partial<BreakoutOptions> = {}): RuleStrategy {
  const o = { ...BREAKOUT_DEFAULTS, ...options };
  const logic: RuleLogic = {
    sizing: o,
    cooldownMinutes: o.cooldownMinutes,
    evaluate: (view) => evaluate(view, o),
    trailStop: atrTrailStop(o.trailAtr),
  };
  return {
    name: "breakout",
    kind: "rule",
    description: "Trades a 5m close beyond the 20-candle high/low on rising volume; stop at the other side of the range, measured-move target; risks 1% of equity per trade.",
    decide: (ctx, tools) => runRules(ctx, tools, logic),
  };
}

export const breakout = createBreakout();
