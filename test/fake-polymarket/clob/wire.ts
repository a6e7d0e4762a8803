import { createHash } from "node:crypto";
import { formatMicro, formatPrice4 } from "./decimal.js";
import type { Exchange } from "./exchange.js";
import type { Market } from "./markets.js";
import type { OrderRecord, TradeRecord } from "./records.js";

/**
 * The CLOB's JSON shapes, field for field as clob-client-v2's types (types/clob.ts:
 * OrderBookSummary, OpenOrder, Trade, MakerOrder, MarketDetails) and the docs' WebSocket
 * examples (market and user channels). Amounts are decimal strings, ids as the real server
 * writes them (order id = EIP-712 hash, trade id = UUID).
 */

/** GET /book. Bids ascend and asks descend, so the best level of each is the last element (the SDK walks asks from the end). */
export function bookSummary(exchange: Exchange, tokenId: string): Record<string, unknown> {
  const found = exchange.token(tokenId)!;
  const level = (l: { price4: bigint; size: bigint }) => ({ price: formatPrice4(l.price4), size: formatMicro(l.size) });
  const last = exchange.lastTrade.get(tokenId);
  const summary = {
    market: found.market.conditionId,
    asset_id: tokenId,
    timestamp: String(exchange.now()),
    hash: "",
    bids: found.book.levels("BUY").reverse().map(level),
    asks: found.book.levels("SELL").reverse().map(level),
    min_order_size: found.market.minOrderSize,
    tick_size: found.market.tickSize,
    neg_risk: found.market.negRisk,
    last_trade_price: last ? formatPrice4(last.price4) : "",
  };
  // As clob-client-v2 utilities.ts generateOrderBookSummaryHash: SHA-1 of the JSON with hash "".
  // Unverified that the real server hashes this way; it lets a client check the fake's hash.
  summary.hash = createHash("sha1").update(JSON.stringify(summary)).digest("hex");
  return summary;
}

/** GET /data/order/:id and /data/orders rows. Statuses upper case, as the user channel writes them. */
export function openOrder(o: OrderRecord): Record<string, unknown> {
  return {
    id: o.id,
    status: o.status,
    owner: o.owner,
    maker_address: o.address,
    market: o.market.conditionId,
    asset_id: o.tokenId,
    side: o.side,
    original_size: formatMicro(o.originalSize),
    size_matched: formatMicro(o.sizeMatched),
    price: formatPrice4(o.price4),
    associate_trades: [...o.associateTrades],
    outcome: o.outcome,
    created_at: o.createdAt,
    expiration: o.expiration,
    order_type: o.orderType,
  };
}

function makerOrder(t: TradeRecord): Record<string, unknown> {
  const m = t.maker.order;
  return {
    order_id: m.id,
    owner: m.owner,
    maker_address: m.address,
    matched_amount: formatMicro(t.maker.shares),
    price: formatPrice4(t.maker.price4),
    fee_rate_bps: "0",
    asset_id: m.tokenId,
    outcome: m.outcome,
    side: m.side,
  };
}

/**
 * A trade as one user sees it. The top-level side/size/price/asset describe the taker's order;
 * `trader_side` says which side the viewer was on and `owner` is the viewer's API key.
 * The fake makes one trade per maker order matched, so maker_orders has one element.
 */
export function tradeFor(t: TradeRecord, viewer: { key: string; address: string }): Record<string, unknown> {
  return {
    id: t.id,
    taker_order_id: t.taker.id,
    market: t.taker.market.conditionId,
    asset_id: t.taker.tokenId,
    side: t.taker.side,
    size: formatMicro(t.shares),
    fee_rate_bps: "0",
    price: formatPrice4(t.maker.price4),
    status: t.status,
    match_time: String(t.matchTime),
    last_update: String(t.lastUpdate),
    outcome: t.taker.outcome,
    bucket_index: 0,
    owner: viewer.key,
    maker_address: t.taker.address,
    maker_orders: [makerOrder(t)],
    transaction_hash: t.transactionHash,
    err_msg: t.status === "FAILED" ? "trade failed on chain" : null,
    trader_side: t.taker.address === viewer.address && t.taker.owner === viewer.key ? "TAKER" : "MAKER",
  };
}

/** User channel `trade` event. */
export function tradeEvent(t: TradeRecord, viewer: { key: string; address: string }, nowMs: number): Record<string, unknown> {
  return { event_type: "trade", type: "TRADE", ...tradeFor(t, viewer), trade_owner: viewer.key, timestamp: String(nowMs) };
}

/** User channel `order` event. */
export function orderEvent(o: OrderRecord, type: "PLACEMENT" | "UPDATE" | "CANCELLATION", nowMs: number): Record<string, unknown> {
  return { event_type: "order", ...openOrder(o), created_at: String(o.createdAt), order_owner: o.owner, type, timestamp: String(nowMs) };
}

/** GET /clob-markets/:conditionId (the SDK's getClobMarketInfo), compact keys as types/clob.ts MarketDetails. */
export function marketDetails(m: Market): Record<string, unknown> {
  return {
    c: m.conditionId,
    t: m.tokens.map((t) => ({ t: t.tokenId, o: t.outcome })),
    mts: Number(m.tickSize),
    ...(m.negRisk ? { nr: true } : {}),
    mbf: 0,
    tbf: 0,
    r: null,
    ao: m.acceptingOrders,
    mos: Number(m.minOrderSize),
    sd: 0,
    itode: false,
    ibce: false,
    rfqe: false,
  };
}

/** GET /markets/:conditionId (the SDK's getMarket). Unverified beyond the commonly used fields. */
export function marketInfo(exchange: Exchange, m: Market): Record<string, unknown> {
  return {
    condition_id: m.conditionId,
    question: m.question,
    tokens: m.tokens.map((t) => {
      const last = exchange.lastTrade.get(t.tokenId);
      return { token_id: t.tokenId, outcome: t.outcome, price: last ? Number(formatPrice4(last.price4)) : 0.5, winner: m.winnerTokenId === t.tokenId };
    }),
    minimum_tick_size: Number(m.tickSize),
    minimum_order_size: Number(m.minOrderSize),
    neg_risk: m.negRisk,
    accepting_orders: m.acceptingOrders,
    active: !m.closed,
    closed: m.closed,
    archived: false,
    enable_order_book: true,
    end_date_iso: m.endDate,
  };
}
