import { formatLeverage } from "../core/leverage.js";
import { lotsToQuantity, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import { averagePrice, unrealizedPnl } from "../core/position.js";
import type { CloseTrigger } from "../core/types.js";
import type { models, orders } from "../db/schema.js";
import type { OpenPosition } from "../trading/account.js";
import { planToJson } from "../trading/exit-plan.js";
import type { PositionView, TradeView } from "../server/services.js";

/** Wire shapes of ../shared/API.md from domain state: decimal strings, ISO timestamps. */

export function positionView(m: MarketSpec, p: OpenPosition, mark: number | undefined): PositionView {
  return {
    id: p.id,
    modelId: p.modelId,
    symbol: m.symbol,
    side: p.state.side,
    quantity: lotsToQuantity(m, p.state.lots),
    leverage: formatLeverage(p.state.leverage),
    entryPrice: averagePrice(m, p.state.cost, p.state.lots),
    markPrice: mark === undefined ? null : ticksToPrice(m, mark),
    unrealizedPnl: formatUsd(mark === undefined ? 0n : unrealizedPnl(m, p.state, mark)),
    exitPlan: planToJson(m, p.plan),
    openedAt: new Date(p.openedAt).toISOString(),
  };
}

/** Trims a NUMERIC string's trailing zeros: "1.5000000000" -> "1.5". */
export function trimDecimal(v: string): string {
  return v.includes(".") ? v.replace(/0+$/, "").replace(/\.$/, "") : v;
}

export function tradeView(r: typeof orders.$inferSelect): TradeView {
  return {
    id: r.id,
    modelId: r.modelId,
    symbol: r.symbol,
    side: r.side,
    quantity: trimDecimal(r.quantity),
    leverage: trimDecimal(r.leverage),
    entryPrice: trimDecimal(r.entryPrice),
    exitPrice: trimDecimal(r.exitPrice ?? "0"),
    realizedPnl: trimDecimal(r.realizedPnl ?? "0"),
    fees: trimDecimal(r.fees),
    closeTrigger: (r.closeTrigger as CloseTrigger | null) ?? null,
    openedAt: r.openedAt.toISOString(),
    closedAt: (r.closedAt ?? r.updatedAt).toISOString(),
  };
}

export type ModelRow = typeof models.$inferSelect;

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKeyEnv?: string;
  temperature?: number;
  maxSteps?: number;
}

/** LLM settings as stored in the model's config: never a key, only the variable that holds it. */
export function llmSettings(row: ModelRow): LlmSettings | undefined {
  const llm = (row.config as { llm?: LlmSettings }).llm;
  if (!llm) return undefined;
  const { baseUrl, model, apiKeyEnv, temperature, maxSteps } = llm;
  return { baseUrl, model, ...(apiKeyEnv ? { apiKeyEnv } : {}), ...(temperature !== undefined ? { temperature } : {}), ...(maxSteps !== undefined ? { maxSteps } : {}) };
}
