import type { AccountSnapshot, PositionSnapshot } from "../agents/account-snapshot.js";
import { notional, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import type { OpenPosition } from "../trading/account.js";
import { liquidationPrice } from "../trading/exit-engine.js";
import { planToJson } from "../trading/exit-plan.js";
import { positionView } from "../trading/position-view.js";
import type { TradingService } from "../trading/trading-service.js";

/**
 * A model's account as the trading service holds it right now, in the shape the tools and the
 * agent's state updates show it: exact strings, each position with its exit levels and its
 * liquidation price (the price the exit engine liquidates it at).
 */

export function positionSnapshot(m: MarketSpec, p: OpenPosition, mark: number | undefined): PositionSnapshot {
  const v = positionView(m, p, mark);
  const plan = planToJson(m, p.plan);
  return {
    symbol: v.symbol,
    side: v.side,
    quantity: v.quantity,
    leverage: v.leverage,
    entryPrice: v.entryPrice,
    markPrice: v.markPrice,
    unrealizedPnl: v.unrealizedPnl,
    stop: plan.stop,
    target: plan.target,
    timeExit: plan.timeExit,
    liquidationPrice: ticksToPrice(m, liquidationPrice(m, p.state)),
  };
}

export function accountSnapshot(service: TradingService, modelId: string): AccountSnapshot {
  const account = service.account(modelId);
  const f = service.figures(account);
  let exposure = 0n;
  const positions: PositionSnapshot[] = [];
  for (const p of account.positions.values()) {
    const m = service.market(p.state.symbol);
    const mark = service.quote(m.symbol)?.mid;
    exposure += mark === undefined ? p.state.cost : notional(m, mark, p.state.lots);
    positions.push(positionSnapshot(m, p, mark));
  }
  positions.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { cash: formatUsd(f.cash), equity: formatUsd(f.equity), available: formatUsd(f.available), exposure: formatUsd(exposure), positions };
}
