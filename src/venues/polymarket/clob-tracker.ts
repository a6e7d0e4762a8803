import type { Micro } from "../../core/money.js";
import type { VenueOrderStatus } from "../../core/types.js";
import type { OrderReport, VenueFill } from "../venue.js";
import { MICRO_PER_LOT, microOf, priceTicksOf } from "./clob-order.js";
import type { StoredClobOrder } from "./clob-order-store.js";
import { OUTCOME_PAYOUT_TICKS } from "../../core/instrument.js";

/** The CLOB's order row (GET /data/order, user channel `order` events): the fields we read. */
export interface ClobOrderRow {
  id: string;
  status: string;
  original_size: string;
  size_matched: string;
  associate_trades?: string[];
}

/** The CLOB's trade row (GET /data/trades, user channel `trade` events): the fields we read. */
export interface ClobTradeRow {
  id: string;
  taker_order_id: string;
  asset_id: string;
  side: string;
  size: string;
  price: string;
  status: string;
  fee_rate_bps?: string;
  match_time?: string;
  maker_orders: Array<{ order_id: string; matched_amount: string; price: string; asset_id?: string; fee_rate_bps?: string; side?: string }>;
}

/** What we know of one of our orders: its record, the CLOB's last word on it, its fills by id. */
export interface TrackedClobOrder {
  record: StoredClobOrder;
  row?: ClobOrderRow;
  fills: Map<string, VenueFill>;
  /** Trade ids (the CLOB's) that FAILED after their fills were counted: reversed on chain. */
  failed: Set<string>;
  /** Fill ids already handed to the trading service. */
  reported: Set<string>;
  reportedStatus?: VenueOrderStatus;
  /** A placement is under way in this process: it answers for the order, no update is sent. */
  placing: boolean;
}

/**
 * A trade's fills for one of our orders. The fill id is the CLOB trade id plus the maker order
 * it matched (a taker trade matches several makers at their own prices), so the socket and
 * REST name a fill alike and it is recorded once. A maker order on the complementary token
 * (neg-risk / YES-against-NO matching) priced p is 1 − p on ours.
 */
export function fillsOf(trade: ClobTradeRow, t: TrackedClobOrder, venue: string, ts: number): VenueFill[] {
  const { record } = t;
  const ourToken = record.order.tokenId;
  const out: VenueFill[] = [];
  const fill = (id: string, sharesText: string, priceText: string, assetId: string | undefined, bps: string | undefined, liquidity: "MAKER" | "TAKER") => {
    const micro = microOf(sharesText);
    let price = priceTicksOf(priceText);
    if (micro === undefined || price === undefined || micro % MICRO_PER_LOT !== 0n)
      throw new Error(`Polymarket trade ${trade.id}: size ${sharesText} or price ${priceText} is not exact in lots and ticks`);
    if (assetId !== undefined && assetId !== ourToken) price = OUTCOME_PAYOUT_TICKS - price;
    const lots = Number(micro / MICRO_PER_LOT);
    out.push({
      venue,
      accountId: record.accountId,
      clientOrderId: record.clientOrderId,
      tradeId: id,
      symbol: record.request.symbol,
      side: record.order.side,
      priceTicks: price,
      lots,
      fee: feeOf(lots, price, bps),
      liquidity,
      ts: trade.match_time ? Number(trade.match_time) * 1000 : ts,
    });
  };
  if (trade.taker_order_id === record.orderId) {
    for (const m of trade.maker_orders) fill(`${trade.id}:${m.order_id}`, m.matched_amount, m.price, m.asset_id, trade.fee_rate_bps, "TAKER");
  } else {
    for (const m of trade.maker_orders) if (m.order_id === record.orderId) fill(`${trade.id}:${m.order_id}`, m.matched_amount, m.price, ourToken, m.fee_rate_bps, "MAKER");
  }
  return out;
}

/**
 * The fee of a fill from the rate the CLOB reports on it (basis points), by Polymarket's
 * documented curve: rate × min(p, 1 − p) × shares, in micro-dollars rounded up (a fee is never
 * under-counted). No rate, or "0": no fee. Unverified against a live trade with fees.
 */
export function feeOf(lots: number, priceTicks: number, bps: string | undefined): Micro {
  if (!bps || !/^\d+$/.test(bps) || bps === "0") return 0n;
  const p = BigInt(Math.min(priceTicks, OUTCOME_PAYOUT_TICKS - priceTicks));
  const numerator = BigInt(lots) * p * BigInt(bps);
  return (numerator + 9_999n) / 10_000n;
}

/**
 * The order's status from the CLOB's row and the fills seen. Statuses are compared in upper
 * case (the docs' user channel spells them so; REST is not documented). MATCHED = nothing
 * rests any more: all of it for a FOK or a filled limit, the rest killed for a FAK.
 */
export function statusOf(t: TrackedClobOrder, nowMs: number): { status: VenueOrderStatus; reason?: string } {
  const row = t.row;
  if (!row) return { status: "UNKNOWN" };
  const filled = filledLots(t);
  const { lots } = t.record.request;
  switch (row.status.toUpperCase()) {
    case "LIVE":
    case "DELAYED":
    case "UNMATCHED":
      return { status: filled > 0 ? "PARTIALLY_FILLED" : "OPEN" };
    case "MATCHED":
      if (filled >= lots || t.record.orderType === "FOK" || boughtAll(t)) return { status: "FILLED" };
      return { status: "CANCELED", reason: "ioc_remainder_canceled" };
    case "CANCELED":
    case "CANCELLED":
    case "CANCELED_MARKET_RESOLVED": {
      const exp = Number(t.record.order.expiration);
      if (t.record.orderType === "GTD" && exp > 0 && nowMs >= exp * 1000 - 60_000) return { status: "EXPIRED", reason: "gtt_expired" };
      return { status: "CANCELED", reason: "canceled" };
    }
    default:
      return { status: filled > 0 ? "PARTIALLY_FILLED" : "OPEN" };
  }
}

/**
 * A market BUY spends dollars: at better prices than the worst it buys more shares than asked,
 * and it is done when what is left of its budget cannot buy one lot at the worst price.
 */
function boughtAll(t: TrackedClobOrder): boolean {
  const { order, orderType, request } = t.record;
  if (order.side !== "BUY" || (orderType !== "FAK" && orderType !== "FOK")) return false;
  let spent = 0n;
  for (const f of t.fills.values()) if (!t.failed.has(f.tradeId)) spent += BigInt(f.lots) * BigInt(f.priceTicks);
  return BigInt(order.makerAmount) - spent < BigInt(request.priceTicks ?? 0);
}

export function filledLots(t: TrackedClobOrder): number {
  let n = 0;
  for (const f of t.fills.values()) if (!t.failed.has(f.tradeId)) n += f.lots;
  return n;
}

/** Whether the fills seen account for what the CLOB says matched (a report never claims a fill it cannot price). */
export function complete(t: TrackedClobOrder): boolean {
  if (!t.row) return false;
  const matched = microOf(t.row.size_matched);
  if (matched === undefined) return false;
  return BigInt(filledLots(t)) * MICRO_PER_LOT >= matched;
}

export function reportOf(t: TrackedClobOrder, fills: VenueFill[], nowMs: number): OrderReport {
  const { record } = t;
  const { status, reason } = statusOf(t, nowMs);
  return {
    clientOrderId: record.clientOrderId,
    venueOrderId: record.orderId,
    accountId: record.accountId,
    symbol: record.request.symbol,
    side: record.request.side,
    type: record.request.type,
    timeInForce: record.request.timeInForce,
    priceTicks: record.request.priceTicks ?? null,
    lots: record.request.lots,
    filledLots: filledLots(t),
    status,
    fills,
    ...(reason ? { reason } : {}),
    ts: nowMs,
  };
}
