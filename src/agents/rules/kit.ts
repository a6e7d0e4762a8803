import { tryParseScaled, type Rounding } from "../../core/decimal.js";
import { priceToTicks, ticksToPrice, type MarketSpec } from "../../core/market.js";
import type { Side } from "../../core/types.js";
import type { SymbolIntelligence } from "../intelligence.js";
import type { DecisionContext, PositionView } from "../strategy.js";
import type { Decision, ExitPlanUpdate, TradingTools } from "../tools.js";
import { sizePosition, type SizingOptions } from "./sizing.js";

/**
 * The part every rule strategy shares: walk the markets, ask the rule for its view of each
 * symbol, and turn views into tool calls. The rules themselves only read indicators and
 * return float price levels; this module puts those levels on the tick grid, sizes the trade
 * exactly, and enforces the house rules: one action per symbol per run, never open against an
 * open position (close it; re-entry waits for the next run), stops only ever tighten, and a
 * run that does nothing says why through `holding`.
 */

export interface EntryPlan {
  side: Side;
  /** Price levels in price units (floats from indicators); rounded onto the tick grid here. */
  stop: number;
  target: number;
  /** Dropped when it does not lie between the stop and the entry (it would never trigger first). */
  invalidationPrice?: number | null;
  invalidationCondition: string;
  /** 0-100. */
  confidence: number;
  timeExitMinutes?: number | null;
}

export interface SymbolSignal {
  /** The direction the rule favours now; an open position on the other side gets closed. */
  bias: Side | null;
  /** Present when the rule would open a position now, on the `bias` side. */
  entry?: EntryPlan;
  /** Why: goes into the holding reason when nothing is done. */
  reason: string;
}

export interface SymbolView {
  market: MarketSpec;
  intel: SymbolIntelligence;
  /** Last traded price in price units. */
  price: number;
}

export interface RuleLogic {
  sizing: SizingOptions;
  cooldownMinutes: number | null;
  evaluate(view: SymbolView): SymbolSignal;
  /** A stop that follows the price for an open position; applied only when it is tighter. */
  trailStop?(view: SymbolView, position: PositionView): number | null;
}

/** A trailing stop `multiple` 5m ATRs behind the price; null while the ATR is undefined. */
export function atrTrailStop(multiple: number): NonNullable<RuleLogic["trailStop"]> {
  return (view, position) => {
    const atr = view.intel.timeframes["5m"].atr14;
    if (!atr.defined || atr.value <= 0) return null;
    return position.side === "LONG" ? view.price - multiple * atr.value : view.price + multiple * atr.value;
  };
}

const HOLD_REASON_MAX = 1000;

/** A float price on the tick grid, or null when it is not a usable price. */
export function toTicks(m: MarketSpec, price: number | null | undefined, rounding: Rounding = "half-up"): number | null {
  if (price === null || price === undefined || !Number.isFinite(price) || price <= 0) return null;
  try {
    return priceToTicks(m, price, rounding);
  } catch {
    return null;
  }
}

/** The stop of an exit plan as the API shows it (`stop`), or as the tools name it (`stopLoss`). */
export function currentStopTicks(m: MarketSpec, exitPlan: unknown): number | null {
  if (typeof exitPlan !== "object" || exitPlan === null) return null;
  const plan = exitPlan as Record<string, unknown>;
  const raw = plan["stop"] ?? plan["stopLoss"];
  const ticks = tryParseScaled(raw, m.priceDecimals, "half-up");
  return ticks !== null && ticks > 0n ? Number(ticks) : null;
}

export function clampConfidence(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value))) : 0;
}

/** A stop is tighter when it is closer to the price and still on the losing side of it. */
function isTighter(side: Side, candidate: number, current: number | null, priceTicks: number): boolean {
  if (side === "LONG") return candidate < priceTicks && (current === null || candidate > current);
  return candidate > priceTicks && (current === null || candidate < current);
}

function planEntry(ctx: DecisionContext, view: SymbolView, plan: EntryPlan, logic: RuleLogic): Decision | string {
  const m = view.market;
  const long = plan.side === "LONG";
  const entry = toTicks(m, view.price);
  // Stops round away from the entry, so rounding never moves a stop closer than the rule meant.
  const stop = toTicks(m, plan.stop, long ? "floor" : "ceil");
  const target = toTicks(m, plan.target);
  if (entry === null || stop === null || target === null) return "price levels out of range";
  const ordered = long ? stop < entry && entry < target : target < entry && entry < stop;
  if (!ordered) return "stop or target not on the right side of the entry (range too small for the tick size)";
  const sized = sizePosition({ market: m, equity: ctx.portfolio.equity, available: ctx.portfolio.available, entryTicks: entry, stopTicks: stop, options: logic.sizing });
  if (!sized.ok) return sized.reason;
  const inv = toTicks(m, plan.invalidationPrice);
  const invUseful = inv !== null && (long ? stop < inv && inv < entry : entry < inv && inv < stop);
  return {
    symbol: m.symbol,
    side: plan.side,
    quantity: sized.quantity,
    leverage: sized.leverage,
    stopLoss: ticksToPrice(m, stop),
    profitTarget: ticksToPrice(m, target),
    invalidationCondition: plan.invalidationCondition,
    invalidationPrice: invUseful ? ticksToPrice(m, inv) : null,
    timeExitMinutes: plan.timeExitMinutes ?? null,
    cooldownMinutes: logic.cooldownMinutes,
    confidence: clampConfidence(plan.confidence),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Runs one decision cycle of a rule strategy through the tools. */
export async function runRules(ctx: DecisionContext, tools: TradingTools, logic: RuleLogic): Promise<void> {
  const closes: string[] = [];
  const updates: ExitPlanUpdate[] = [];
  const decisions: Decision[] = [];
  const notes: string[] = [];

  for (const market of ctx.markets) {
    const intel = ctx.intelligence.symbols[market.symbol];
    const position = ctx.portfolio.positions.find((p) => p.symbol === market.symbol);
    if (!intel || intel.lastPrice === null) {
      notes.push(`${market.symbol}: no market data yet`);
      continue;
    }
    const view: SymbolView = { market, intel, price: intel.lastPrice };
    const signal = logic.evaluate(view);
    if (position) {
      if (signal.bias !== null && signal.bias !== position.side) {
        closes.push(market.symbol);
        continue;
      }
      const trail = logic.trailStop?.(view, position) ?? null;
      const trailTicks = toTicks(market, trail, position.side === "LONG" ? "floor" : "ceil");
      const priceTicks = toTicks(market, view.price);
      if (trailTicks !== null && priceTicks !== null && isTighter(position.side, trailTicks, currentStopTicks(market, position.exitPlan), priceTicks)) {
        updates.push({ symbol: market.symbol, stopLoss: ticksToPrice(market, trailTicks) });
      } else {
        notes.push(`${market.symbol}: keeping the ${position.side} position (${signal.reason})`);
      }
      continue;
    }
    if (!signal.entry) {
      notes.push(`${market.symbol}: ${signal.reason}`);
      continue;
    }
    const decision = planEntry(ctx, view, signal.entry, logic);
    if (typeof decision === "string") notes.push(`${market.symbol}: ${signal.reason}, but ${decision}`);
    else decisions.push(decision);
  }

  // Closes first: they free margin and never depend on the other calls.
  if (closes.length > 0 && !ctx.signal.aborted) await tools.closePosition({ symbols: closes });
  if (updates.length > 0 && !ctx.signal.aborted) await tools.updateExitPlan({ updates });
  if (decisions.length > 0 && !ctx.signal.aborted) await tools.createPosition({ decisions });
  if (closes.length + updates.length + decisions.length === 0 && !ctx.signal.aborted) {
    await tools.holding({ reason: truncate(notes.join("; ") || "no markets to trade", HOLD_REASON_MAX) });
  }
}
