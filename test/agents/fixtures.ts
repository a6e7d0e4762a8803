import { computeIntelligence } from "../../src/agents/intelligence.js";
import type { DecisionContext, PortfolioView, PositionView } from "../../src/agents/strategy.js";
import {
  TOOL_DEFINITIONS,
  type ClosePositionArgs,
  type CreatePositionArgs,
  type Decision,
  type ExitPlanUpdate,
  type HoldingArgs,
  type ToolName,
  type ToolResult,
  type TradingTools,
  type UpdateExitPlanArgs,
} from "../../src/agents/tools.js";
import { DEFAULT_MARKETS, findMarket, type MarketSpec } from "../../src/core/market.js";
import { INTERVAL_MS, type Candle, type CandleInterval } from "../../src/feeds/feed.js";

/** Hand-built candle series and a recording fake of the trading tools, for strategy tests. */

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
export const BTC = findMarket(DEFAULT_MARKETS, "BTC")!;
export const SOL = findMarket(DEFAULT_MARKETS, "SOL")!;

export interface BarSpec {
  close: number;
  open?: number;
  high?: number;
  low?: number;
  volume?: number;
}

/**
 * Candles ending just before NOW, one per bar, prices in price units converted to ticks.
 * Without explicit levels a bar opens at the previous close and its wicks reach `wiggle` beyond the body.
 */
export function candles(m: MarketSpec, interval: CandleInterval, bars: readonly (number | BarSpec)[], wiggle = 0): Candle[] {
  const ticks = (p: number) => Math.round(p * 10 ** m.priceDecimals);
  const step = INTERVAL_MS[interval];
  let prevClose: number | null = null;
  return bars.map((raw, i) => {
    const bar = typeof raw === "number" ? { close: raw } : raw;
    const open = bar.open ?? prevClose ?? bar.close;
    const high = bar.high ?? Math.max(open, bar.close) + wiggle;
    const low = bar.low ?? Math.min(open, bar.close) - wiggle;
    prevClose = bar.close;
    return {
      symbol: m.symbol,
      interval,
      openTime: NOW - (bars.length - i) * step,
      open: ticks(open),
      high: ticks(high),
      low: ticks(low),
      close: ticks(bar.close),
      volume: Math.round((bar.volume ?? 1) * 10 ** m.sizeDecimals),
    };
  });
}

/** n closes from `from` moving by `step` per bar. */
export function ramp(from: number, step: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + step * i);
}

/** n closes ending exactly at `to`, moving by `step` per bar. */
export function rampTo(to: number, step: number, n: number): number[] {
  return ramp(to - step * (n - 1), step, n);
}

export type SeriesBySymbol = Record<string, Partial<Record<CandleInterval, Candle[]>>>;

export function portfolio(positions: PositionView[] = [], equity = "10000"): PortfolioView {
  return { cash: equity, equity, available: equity, positions };
}

export function position(symbol: string, side: "LONG" | "SHORT", exitPlan: unknown = null, quantity = "0.1"): PositionView {
  return { symbol, side, quantity, entryPrice: "50000", markPrice: "50000", unrealizedPnl: "0", exitPlan };
}

export function context(series: SeriesBySymbol, options: { markets?: MarketSpec[]; portfolio?: PortfolioView; signal?: AbortSignal } = {}): DecisionContext {
  const markets = options.markets ?? [BTC];
  const intelligence = computeIntelligence({ markets, candles: (s, i) => series[s]?.[i] ?? [], now: NOW });
  return {
    modelId: "m1",
    now: NOW,
    markets,
    intelligence,
    portfolio: options.portfolio ?? portfolio(),
    signal: options.signal ?? new AbortController().signal,
  };
}

export type RecordedCall =
  | { tool: "createPosition"; args: CreatePositionArgs }
  | { tool: "closePosition"; args: ClosePositionArgs }
  | { tool: "updateExitPlan"; args: UpdateExitPlanArgs }
  | { tool: "holding"; args: HoldingArgs };

/** Records every call after checking its arguments against the tool's schema, as the executor will. */
export class RecordingTools implements TradingTools {
  readonly calls: RecordedCall[] = [];

  private record(call: RecordedCall): Promise<ToolResult> {
    const parsed = TOOL_DEFINITIONS[call.tool].schema.safeParse(call.args);
    if (!parsed.success) throw new Error(`${call.tool} called with invalid arguments: ${parsed.error.message}`);
    this.calls.push(call);
    return Promise.resolve({ ok: true, results: [] });
  }

  createPosition = (args: CreatePositionArgs) => this.record({ tool: "createPosition", args });
  closePosition = (args: ClosePositionArgs) => this.record({ tool: "closePosition", args });
  updateExitPlan = (args: UpdateExitPlanArgs) => this.record({ tool: "updateExitPlan", args });
  holding = (args: HoldingArgs) => this.record({ tool: "holding", args });

  /** The tools called, in order. */
  get sequence(): ToolName[] {
    return this.calls.map((c) => c.tool);
  }

  get decisions(): Decision[] {
    return this.calls.flatMap((c) => (c.tool === "createPosition" ? c.args.decisions : []));
  }

  get updates(): ExitPlanUpdate[] {
    return this.calls.flatMap((c) => (c.tool === "updateExitPlan" ? c.args.updates : []));
  }

  get holdReason(): string | undefined {
    const call = this.calls.find((c) => c.tool === "holding");
    return call?.tool === "holding" ? call.args.reason : undefined;
  }
}
