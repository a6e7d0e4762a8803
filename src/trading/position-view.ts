import { formatLeverage } from "../core/leverage.js";
import { isOutcome, lotsToQuantity, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd, type Micro } from "../core/money.js";
import { averagePrice, unrealizedPnl } from "../core/position.js";
import type { InstrumentView, PositionView } from "./contracts.js";
import type { OpenPosition } from "./account.js";
import { planToJson } from "./exit-plan.js";

/**
 * An open position in the wire shape of API.md (and of `position` events), marked at `mark` when
 * known, with the funding booked on it so far when given (ModelAccount.positionFunding; events
 * leave it out rather than say 0).
 */
export function positionView(m: MarketSpec, p: OpenPosition, mark: number | undefined, funding?: Micro): PositionView {
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
    ...(funding !== undefined ? { funding: formatUsd(funding) } : {}),
    exitPlan: planToJson(m, p.plan),
    openedAt: new Date(p.openedAt).toISOString(),
    ...instrumentOf(m),
  };
}

/** `{ instrument }` for an outcome token, nothing for a perpetual: spread into a position or trade view. */
export function instrumentOf(m: MarketSpec | undefined): { instrument?: InstrumentView } {
  if (!m || !isOutcome(m)) return {};
  const { conditionId, tokenId, outcome } = m.instrument;
  return { instrument: { kind: "outcome", conditionId, tokenId, outcome } };
}
