import { checkEntry } from "../agents/llm/entry-policy.js";
import { variantLabel, type LlmVariant } from "../agents/llm/variants.js";
import type { Decision } from "../agents/tools.js";
import { formatScaled } from "../core/decimal.js";
import { rejected } from "../core/errors.js";
import { lotsToQuantity, notional, priceToTicks, type MarketSpec } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import { parseLots } from "../trading/order-input.js";
import type { TradingService } from "../trading/trading-service.js";

/**
 * A variant's entry policy at the tools: reads what the pure policy needs (the decision's
 * quantity, stop and target in lots and ticks, the touch it would fill at, the equity, the open
 * position's exit levels for a scale-in) and returns the quantity to send, or throws the
 * refusal as the trading service's rejections are thrown, so the model reads it the same way.
 */

/** What the Kelly sizing did, as the tool result shows it. */
export interface SizingView {
  method: "kelly";
  /** The quantity the model asked for, and the most the policy allows. */
  requestedQuantity: string;
  maxQuantity: string;
  /** The Kelly fraction of equity at the stated probability and reward/risk, in %. */
  kellyPct: string;
  /** What the entry may lose at its stop, dollars. */
  riskBudget: string;
  /** True when the quantity was reduced to the maximum. */
  reduced: boolean;
}

export interface PolicedDecision {
  quantity: string;
  /** The policy's time exit for an entry that sets none. */
  timeExitMinutes?: number;
  sizing?: SizingView;
}

export interface PoliceOptions {
  service: TradingService;
  modelId: string;
  variant: LlmVariant | undefined;
  decision: Decision;
}

function ticksOf(m: MarketSpec, v: string | number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  try {
    return priceToTicks(m, v, "half-up");
  } catch {
    return null; // the trading service names a bad price when it parses the exit plan
  }
}

export function policeEntry({ service, modelId, variant, decision: d }: PoliceOptions): PolicedDecision {
  const quantity = String(d.quantity);
  const policy = variant?.entryPolicy;
  if (!variant || !policy || d.side === "HOLD") return { quantity };
  const m = service.market(d.symbol.toUpperCase());
  const lots = parseLots(m, quantity);
  const account = service.account(modelId);
  const existing = account.positions.get(m.symbol);
  const q = service.quote(m.symbol);
  const verdict = checkEntry(
    policy,
    {
      symbol: m.symbol,
      side: d.side,
      confidence: d.confidence,
      leverage: d.leverage,
      lots,
      entryTicks: d.side === "LONG" ? q?.ask : q?.bid,
      stopTicks: ticksOf(m, d.stopLoss) ?? existing?.plan.stop ?? null,
      targetTicks: ticksOf(m, d.profitTarget) ?? existing?.plan.target ?? null,
      equity: service.figures(account).equity,
      microPerTickLot: notional(m, 1, 1),
      minLots: m.minBaseLots,
    },
    variantLabel(variant),
  );
  if (!verdict.ok) throw rejected(verdict.refusal.code, verdict.refusal.message);
  // A scale-in keeps the position's time exit; only a position without one gets the policy's.
  const timeExitMinutes = policy.timeExitMinutes !== undefined && !(existing && existing.plan.timeExit !== null) ? policy.timeExitMinutes : undefined;
  const k = verdict.kelly;
  return {
    quantity: lotsToQuantity(m, verdict.lots),
    ...(timeExitMinutes !== undefined ? { timeExitMinutes } : {}),
    ...(k
      ? {
          sizing: {
            method: "kelly" as const,
            requestedQuantity: lotsToQuantity(m, lots),
            maxQuantity: lotsToQuantity(m, k.maxLots),
            kellyPct: formatScaled(k.kellyBps, 2),
            riskBudget: formatUsd(k.riskBudget),
            reduced: k.lots < lots,
          },
        }
      : {}),
  };
}
