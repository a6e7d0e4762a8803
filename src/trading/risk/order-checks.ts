import { formatUsd, type Micro } from "../../core/money.js";
import type { Side } from "../../core/types.js";
import { firstRejection, type RiskCheck, type RiskRejection } from "./checks.js";

/**
 * Whether an entry can be carried out at all, whatever the model's limits: the account holds no
 * opposite position, the symbol is not cooling down, the market has a book, the order is above
 * the market's minimum and the account can pay its margin and fee. Pure: the trading service
 * gathers the numbers, these only compare.
 */
export interface OrderContext {
  modelId: string;
  symbol: string;
  side: Side;
  /** The side of the position held on the symbol, if any. */
  holding: Side | null;
  /** The end of the symbol's exit-plan cooldown (epoch ms), if any. */
  cooldownUntil: number | null;
  now: number;
  /** Null when the market has no book on the side the order needs. */
  notional: Micro | null;
  minNotional: Micro;
  /** Initial margin plus the taker fee. */
  marginNeeded: Micro;
  available: Micro;
}

export const oppositePositionOpen: RiskCheck<OrderContext> = (c) =>
  c.holding !== null && c.holding !== c.side ? { code: "opposite_position_open", message: `${c.modelId} holds a ${c.holding} ${c.symbol} position; close it before opening ${c.side}` } : null;

export const cooldownActive: RiskCheck<OrderContext> = (c) =>
  c.holding === null && c.cooldownUntil !== null && c.cooldownUntil > c.now
    ? { code: "cooldown_active", message: `${c.symbol} is cooling down until ${new Date(c.cooldownUntil).toISOString()} (the last position's exit-plan cooldown)` }
    : null;

export const marketClosed: RiskCheck<OrderContext> = (c) => (c.notional === null ? { code: "market_closed", message: `no book for ${c.symbol} yet` } : null);

export const belowMinNotional: RiskCheck<OrderContext> = (c) =>
  c.notional !== null && c.notional < c.minNotional ? { code: "below_min_notional", message: `notional ${formatUsd(c.notional)} is below the $${formatUsd(c.minNotional)} minimum` } : null;

export const insufficientMargin: RiskCheck<OrderContext> = (c) =>
  c.marginNeeded > c.available ? { code: "insufficient_margin", message: `needs ${formatUsd(c.marginNeeded)} of margin and fees, ${formatUsd(c.available < 0n ? 0n : c.available)} available` } : null;

/** In order: what the account holds, then the market, then the money. */
export const ORDER_CHECKS: ReadonlyArray<RiskCheck<OrderContext>> = [oppositePositionOpen, cooldownActive, marketClosed, belowMinNotional, insufficientMargin];

export function checkOrder(c: OrderContext): RiskRejection | null {
  return firstRejection(ORDER_CHECKS, c);
}
