import type { AccountAsset, AccountPosition, DetailedAccount, EnrichedTx, Order, PositionFunding, SimpleOrder, Trade } from "../../src/venues/lighter/openapi.js";
import { absLots, avgEntryTicks, unrealizedMicro, type Account, type MarginSummary, type Position } from "./accounts.js";
import { formatFixed } from "./decimal.js";
import { price, rawToMicro, size, usdc, type PerpMarketSpec } from "./markets.js";
import type { FundingRecord, OrderRecord, TradeRecord, TradeSide, TxRecord } from "./records.js";

/** The exchange's JSON shapes from the fake's records: decimal strings padded to the market's decimals. */

const ORDER_TYPES: Order["type"][] = ["limit", "market", "stop-loss", "stop-loss-limit", "take-profit", "take-profit-limit", "twap", "twap-sub", "liquidation"];
const TIFS: Order["time_in_force"][] = ["immediate-or-cancel", "good-till-time", "post-only"];

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function orderWire(m: PerpMarketSpec, o: OrderRecord): Order {
  return {
    order_index: o.orderIndex,
    client_order_index: o.clientOrderIndex,
    order_id: String(o.orderIndex),
    client_order_id: String(o.clientOrderIndex),
    market_index: o.marketId,
    owner_account_index: o.accountIndex,
    initial_base_amount: size(m, o.initial),
    price: price(m, o.price),
    nonce: o.nonce,
    remaining_base_amount: size(m, o.remaining),
    is_ask: o.isAsk,
    base_size: Number(o.remaining),
    base_price: o.price,
    filled_base_amount: size(m, o.filled),
    filled_quote_amount: usdc(rawToMicro(m, o.filledQuoteRaw)),
    side: "",
    type: ORDER_TYPES[o.type] ?? "limit",
    time_in_force: TIFS[o.timeInForce] ?? "Unknown",
    reduce_only: o.reduceOnly,
    trigger_price: price(m, o.triggerPrice),
    order_expiry: o.orderExpiry,
    status: o.status,
    trigger_status: o.triggerStatus,
    trigger_time: o.triggerTime,
    parent_order_index: 0,
    parent_order_id: "0",
    to_trigger_order_id_0: "0",
    to_trigger_order_id_1: "0",
    to_cancel_order_id_0: "0",
    integrator_fee_collector_index: "0",
    integrator_taker_fee: "0",
    integrator_maker_fee: "0",
    order_flags: 0,
    block_height: o.blockHeight,
    timestamp: seconds(o.updatedAt),
    created_at: seconds(o.createdAt),
    updated_at: seconds(o.updatedAt),
    transaction_time: o.transactionTimeUs,
  };
}

export function simpleOrderWire(m: PerpMarketSpec, o: OrderRecord): SimpleOrder {
  return {
    order_index: o.orderIndex,
    order_id: String(o.orderIndex),
    owner_account_index: o.accountIndex,
    initial_base_amount: size(m, o.initial),
    remaining_base_amount: size(m, o.remaining),
    price: price(m, o.price),
    order_expiry: o.orderExpiry,
    transaction_time: o.transactionTimeUs,
  };
}

/**
 * A trade row as the exchange sends it: fees, sign changes and zero margin fractions are left out
 * when empty (live captures omit them; the OpenAPI type marks some of them required).
 */
export type TradeWire = Omit<
  Trade,
  | "integrator_taker_fee"
  | "integrator_taker_fee_collector_index"
  | "integrator_maker_fee"
  | "integrator_maker_fee_collector_index"
  | "taker_allocated_margin_usdc_before"
  | "taker_allocated_margin_usdc_after"
  | "maker_allocated_margin_usdc_before"
  | "maker_allocated_margin_usdc_after"
  | "ask_account_pnl"
  | "bid_account_pnl"
  | "taker_position_sign_changed"
  | "maker_position_sign_changed"
  | "taker_initial_margin_fraction_before"
  | "maker_initial_margin_fraction_before"
> & {
  taker_position_sign_changed?: boolean;
  maker_position_sign_changed?: boolean;
  taker_initial_margin_fraction_before?: number;
  maker_initial_margin_fraction_before?: number;
};

export function tradeWire(m: PerpMarketSpec, t: TradeRecord): TradeWire {
  const ask: TradeSide = t.takerIsAsk ? t.taker : t.maker;
  const bid: TradeSide = t.takerIsAsk ? t.maker : t.taker;
  const side = (s: TradeSide, who: "taker" | "maker") => ({
    ...(s.fee !== 0 ? { [`${who}_fee`]: s.fee } : {}),
    [`${who}_position_size_before`]: size(m, s.lotsBefore),
    [`${who}_entry_quote_before`]: usdc(rawToMicro(m, s.entryQuoteBefore)),
    ...(s.imfBefore !== 0 ? { [`${who}_initial_margin_fraction_before`]: s.imfBefore } : {}),
    ...(s.signChanged ? { [`${who}_position_sign_changed`]: true } : {}),
  });
  return {
    trade_id: t.tradeId,
    trade_id_str: String(t.tradeId),
    tx_hash: t.txHash,
    type: "trade",
    market_id: t.marketId,
    size: size(m, t.size),
    price: price(m, t.price),
    usd_amount: usdc(rawToMicro(m, BigInt(t.price) * t.size)),
    ask_id: ask.orderIndex,
    ask_id_str: String(ask.orderIndex),
    bid_id: bid.orderIndex,
    bid_id_str: String(bid.orderIndex),
    ask_client_id: ask.clientOrderIndex,
    ask_client_id_str: String(ask.clientOrderIndex),
    bid_client_id: bid.clientOrderIndex,
    bid_client_id_str: String(bid.clientOrderIndex),
    ask_account_id: ask.accountIndex,
    bid_account_id: bid.accountIndex,
    is_maker_ask: !t.takerIsAsk,
    block_height: t.blockHeight,
    timestamp: t.timestamp,
    ...side(t.taker, "taker"),
    ...side(t.maker, "maker"),
    transaction_time: t.transactionTimeUs,
  } as TradeWire;
}

export interface PositionCounts {
  open: number;
  pending: number;
}

export function positionWire(m: PerpMarketSpec, p: Position, markTicks: number, counts: PositionCounts): AccountPosition {
  const open = absLots(p.lots);
  const value = BigInt(markTicks) * open;
  return {
    market_id: m.marketId,
    symbol: m.symbol,
    initial_margin_fraction: formatFixed(p.imf, 2),
    open_order_count: counts.open,
    pending_order_count: counts.pending,
    position_tied_order_count: 0,
    sign: p.lots < 0n ? -1 : 1,
    position: size(m, open),
    avg_entry_price: price(m, avgEntryTicks(p)),
    position_value: usdc(rawToMicro(m, value)),
    unrealized_pnl: usdc(unrealizedMicro(m, p, markTicks)),
    realized_pnl: usdc(p.realizedPnlMicro),
    liquidation_price: "0",
    total_funding_paid_out: usdc(p.fundingPaidMicro),
    margin_mode: p.marginMode,
    margin_set_flag: 0,
    allocated_margin: "0.000000",
    total_discount: "0.000000",
  };
}

export function usdcAsset(account: Account, summary: MarginSummary): AccountAsset {
  return {
    symbol: "USDC",
    asset_id: 3,
    balance: usdc(account.collateralMicro),
    locked_balance: "0.000000",
    margin_mode: "enabled",
    margin_balance: usdc(summary.totalAssetValue),
    multiplier: "1.000000000000000000",
  };
}

export function detailedAccountWire(account: Account, summary: MarginSummary, positions: AccountPosition[], pendingOrders: number, transactionTimeUs: number): DetailedAccount {
  return {
    code: 0,
    account_type: 0,
    index: account.index,
    l1_address: account.l1Address,
    cancel_all_time: account.cancelAllTime,
    total_order_count: account.totalOrderCount,
    total_isolated_order_count: 0,
    pending_order_count: pendingOrders,
    available_balance: usdc(summary.available),
    status: 1,
    collateral: usdc(account.collateralMicro),
    transaction_time: transactionTimeUs,
    account_trading_mode: 0,
    account_index: account.index,
    name: "",
    description: "",
    can_invite: true,
    referral_points_percentage: "",
    can_rfq: false,
    can_rfq_market_ids: [],
    created_at: account.createdAt,
    metadata: { color: "" },
    positions,
    assets: [usdcAsset(account, summary)],
    total_asset_value: usdc(summary.totalAssetValue),
    cross_asset_value: usdc(summary.totalAssetValue),
    cross_initial_margin_requirement: usdc(summary.positionInitial),
    cross_maintenance_margin_requirement: usdc(summary.positionMaintenance),
    pool_info: {
      status: 0,
      operator_fee: "0",
      min_operator_share_rate: "0",
      total_shares: 0,
      operator_shares: 0,
      annual_percentage_yield: 0,
      sharpe_ratio: 0,
      daily_returns: [],
      share_prices: [],
      strategies: [],
    },
    shares: [],
    pending_unlocks: [],
    approved_integrators: [],
  };
}

export function fundingWire(m: PerpMarketSpec, f: FundingRecord): PositionFunding {
  return {
    timestamp: f.timestamp,
    market_id: f.marketId,
    funding_id: f.fundingId,
    change: usdc(f.changeMicro),
    rate: f.rate,
    position_size: size(m, f.lots),
    position_side: f.side,
    discount: "0.000000",
  };
}

export function txWire(t: TxRecord, now: number): EnrichedTx {
  return {
    code: 200,
    hash: t.hash,
    type: t.type,
    info: t.info,
    event_info: t.eventInfo,
    status: t.failed ? 0 : t.executed && now >= t.predictedAt ? 2 : 1,
    transaction_index: t.sequenceIndex,
    l1_address: "",
    account_index: t.accountIndex,
    nonce: t.nonce,
    expire_at: t.expireAt,
    block_height: t.executed ? t.blockHeight : 0,
    queued_at: t.queuedAt,
    executed_at: t.executed ? t.predictedAt : 0,
    sequence_index: t.sequenceIndex,
    parent_hash: "",
    api_key_index: t.apiKeyIndex,
    transaction_time: t.transactionTimeUs,
    committed_at: 0,
    verified_at: 0,
  };
}

/** The user_stats figures (collateral, portfolio value, leverage, …) as the exchange's strings. */
export function userStatsWire(summary: MarginSummary): Record<string, string> {
  const leverage = summary.totalAssetValue > 0n ? (summary.positionValue * 100n) / summary.totalAssetValue : 0n;
  const usage = summary.totalAssetValue > 0n ? ((summary.positionInitial + summary.orderInitial) * 10_000n) / summary.totalAssetValue : 0n;
  return {
    collateral: usdc(summary.collateral),
    portfolio_value: usdc(summary.totalAssetValue),
    leverage: formatFixed(leverage, 2),
    available_balance: usdc(summary.available),
    margin_usage: formatFixed(usage, 2),
    buying_power: usdc(summary.available > 0n ? summary.available : 0n),
  };
}
