import type { CloseTrigger } from "../core/types.js";
import type { models, orders } from "../db/schema.js";
import type { TradeView } from "./services.js";
import type { LlmSettings } from "../agents/llm/settings.js";

export { positionView } from "../trading/position-view.js";
import { instrumentOf } from "../trading/position-view.js";
import type { MarketSpec } from "../core/market.js";

/** Wire shapes of ../shared/API.md from domain state: decimal strings, ISO timestamps. */

import { trimZeros } from "../core/decimal.js";

/** A CLOSED row as a trade; `market` (its spec) adds what an outcome token is. */
export function tradeView(r: typeof orders.$inferSelect, market?: MarketSpec): TradeView {
  return {
    id: r.id,
    modelId: r.modelId,
    symbol: r.symbol,
    side: r.side,
    quantity: trimZeros(r.quantity),
    leverage: trimZeros(r.leverage),
    entryPrice: trimZeros(r.entryPrice),
    exitPrice: trimZeros(r.exitPrice ?? "0"),
    realizedPnl: trimZeros(r.realizedPnl ?? "0"),
    fees: trimZeros(r.fees),
    funding: trimZeros(r.funding),
    closeTrigger: (r.closeTrigger as CloseTrigger | null) ?? null,
    openedAt: r.openedAt.toISOString(),
    closedAt: (r.closedAt ?? r.updatedAt).toISOString(),
    ...instrumentOf(market),
  };
}

export type ModelRow = typeof models.$inferSelect;

/** LLM settings as stored in the model's config: never a key, only the variable that holds it. */
export function llmSettings(row: ModelRow): LlmSettings | undefined {
  const llm = (row.config as { llm?: LlmSettings }).llm;
  if (!llm) return undefined;
  const { baseUrl, model, apiKeyEnv, temperature, maxSteps } = llm;
  return { baseUrl, model, ...(apiKeyEnv ? { apiKeyEnv } : {}), ...(temperature !== undefined ? { temperature } : {}), ...(maxSteps !== undefined ? { maxSteps } : {}) };
}
