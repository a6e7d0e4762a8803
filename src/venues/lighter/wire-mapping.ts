import { divCeil, parseScaled } from "../../core/decimal.js";
import { notional, type MarketSpec } from "../../core/market.js";
import type { OrderSide, VenueOrderStatus } from "../../core/types.js";
import type { LeverageCenti } from "../../core/leverage.js";
import type { OrderReport, VenueFill, VenuePosition } from "../venue.js";
import type { AccountPosition, Order, Trade } from "./openapi.js";

/** Lighter's decimal strings ("64504.2", "0.17551") as our integer ticks and lots: exact, never floats. */
export const toTicks = (m: MarketSpec, price: string): number => Number(parseScaled(price, m.priceDecimals, "exact"));
export const toLots = (m: MarketSpec, size: string): number => Number(parseScaled(size, m.sizeDecimals, "exact"));

export interface OrderOutcome {
  status: VenueOrderStatus;
  reason?: string;
}

/**
 * An order's wire status as ours. Refusals the engine makes before anything trades (post-only
 * that would cross, reduce-only with nothing to reduce, no margin) are REJECTED, as the
 * simulator reports them; a GTT that ran out is EXPIRED; any other end with the remainder
 * canceled is CANCELED with the exchange's reason in our snake_case.
 */
export function orderOutcome(status: Order["status"], filledLots: number, expiredByUs = false, ioc = false): OrderOutcome {
  switch (status) {
    case "filled":
      return { status: "FILLED" };
    case "open":
    case "pending":
    case "in-progress":
      return { status: filledLots > 0 ? "PARTIALLY_FILLED" : "OPEN" };
    case "canceled-expired":
      return { status: "EXPIRED", reason: "gtt_expired" };
  }
  if (expiredByUs) return { status: "EXPIRED", reason: "gtt_expired" };
  if (filledLots === 0) {
    if (status === "canceled-post-only") return { status: "REJECTED", reason: "post_only_would_cross" };
    if (status === "canceled-reduce-only") return { status: "REJECTED", reason: "reduce_only_no_position" };
    if (status === "canceled-margin-not-allowed" || status === "canceled-invalid-balance") return { status: "REJECTED", reason: "insufficient_margin" };
    if (status === "canceled-position-not-allowed") return { status: "REJECTED", reason: "position_not_allowed" };
  }
  // The simulator's words where the meaning is the same (copy trading tells a missed bound by them).
  const reasons: Partial<Record<Order["status"], string>> = {
    canceled: ioc ? "ioc_remainder_canceled" : "canceled",
    "canceled-too-much-slippage": "no_liquidity_within_bound",
    "canceled-not-enough-liquidity": "no_liquidity_within_bound",
    "canceled-self-trade": "self_trade",
    "canceled-reduce-only": "reduce_only_position_closed",
  };
  return {
    status: "CANCELED",
    reason:
      reasons[status] ??
      status
        .replace(/^canceled-?/, "canceled_")
        .replaceAll("-", "_")
        .replace(/_$/, ""),
  };
}

/** Whether the order's fate is settled for a placement to answer: it rests, or it is over. */
export function isDecided(order: Order): boolean {
  if (order.status === "pending" || order.status === "in-progress") {
    // A trigger order waits for its price by design; anything else pending is still in flight.
    return order.trigger_status === "mark-price" || order.type.startsWith("stop") || order.type.startsWith("take");
  }
  return true;
}

/** Which side of a trade was this account's order, and whether it made or took liquidity. */
export function ourSide(trade: Trade, accountIndex: number, clientIndex: number): { side: OrderSide; maker: boolean } | undefined {
  if (trade.ask_account_id === accountIndex && trade.ask_client_id === clientIndex) return { side: "SELL", maker: trade.is_maker_ask };
  if (trade.bid_account_id === accountIndex && trade.bid_client_id === clientIndex) return { side: "BUY", maker: !trade.is_maker_ask };
  return undefined;
}

/** One of our fills from a trade. Fees come as integers of 1e-6 of the notional, absent when zero. */
export function fillOf(m: MarketSpec, trade: Trade, who: { side: OrderSide; maker: boolean }, accountId: string, clientOrderId: string): VenueFill {
  const priceTicks = toTicks(m, trade.price);
  const lots = toLots(m, trade.size);
  const rate = BigInt((who.maker ? trade.maker_fee : trade.taker_fee) ?? 0);
  return {
    venue: "lighter",
    accountId,
    clientOrderId,
    tradeId: `lighter-${trade.trade_id_str ?? String(trade.trade_id)}`,
    symbol: m.symbol,
    side: who.side,
    priceTicks,
    lots,
    fee: rate === 0n ? 0n : divCeil(notional(m, priceTicks, lots) * rate, 1_000_000n),
    liquidity: who.maker ? "MAKER" : "TAKER",
    ts: trade.timestamp,
  };
}

export function reportOf(m: MarketSpec, order: Order, accountId: string, clientOrderId: string, fills: VenueFill[], ts: number, expiredByUs = false): OrderReport {
  const filledLots = toLots(m, order.filled_base_amount);
  const outcome = orderOutcome(order.status, filledLots, expiredByUs, order.time_in_force === "immediate-or-cancel");
  return {
    clientOrderId,
    venueOrderId: order.order_id ?? String(order.order_index),
    accountId,
    symbol: m.symbol,
    side: order.is_ask ? "SELL" : "BUY",
    type: order.type === "market" ? "MARKET" : "LIMIT",
    timeInForce: order.time_in_force === "immediate-or-cancel" ? "IOC" : "GTT",
    priceTicks: order.type === "market" ? null : toTicks(m, order.price),
    lots: toLots(m, order.initial_base_amount),
    filledLots,
    status: outcome.status,
    fills,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ts,
  };
}

/** A position as the venue port reports it: unsigned size with a sign, cost at the average entry. */
export function positionOf(m: MarketSpec, p: AccountPosition): VenuePosition | undefined {
  const lots = BigInt(toLots(m, p.position));
  if (lots === 0n || p.sign === 0) return undefined;
  const entry = parseScaled(p.avg_entry_price, m.priceDecimals, "half-up");
  // initial_margin_fraction is a percent string: "5.00" is 5% of notional, 20x.
  const imfHundredths = parseScaled(p.initial_margin_fraction, 2, "half-up");
  // Rounded down: a leverage read a hair too low overstates margin, never understates it.
  const leverage: LeverageCenti = imfHundredths > 0n ? Number(1_000_000n / imfHundredths) : 100;
  return { symbol: m.symbol, side: p.sign > 0 ? "LONG" : "SHORT", lots, cost: notional(m, entry, lots), leverage };
}
