import type { OrderBook as OrderBookSummary, PerpsOrderBookDetail } from "../../src/venues/lighter/openapi.js";
import { formatFixed, parseFixed, pow10 } from "./decimal.js";

/** One perpetual market of the fake: what `orderBookDetails` describes, in the exchange's own units. */
export interface PerpMarketSpec {
  marketId: number;
  symbol: string;
  sizeDecimals: number;
  priceDecimals: number;
  /** Decimal string in base units, e.g. "0.0050". */
  minBaseAmount: string;
  /** Decimal string in USDC, e.g. "10.000000". */
  minQuoteAmount: string;
  /** Margin fractions in 1e-4 units: 500 = 5% = 20x. */
  defaultImf: number;
  minImf: number;
  maintenanceMf: number;
  closeoutMf: number;
  status: "active" | "inactive";
  forceReduceOnly: boolean;
  createdAt: number;
}

const base = { minQuoteAmount: "10.000000", defaultImf: 500, minImf: 200, maintenanceMf: 120, closeoutMf: 80, status: "active" as const, forceReduceOnly: false, createdAt: 1_717_200_000_000 };

/** ETH, BTC and SOL with the ids, decimals and minimums of mainnet (shared/venues/lighter.md §6). */
export const DEFAULT_MARKETS: readonly PerpMarketSpec[] = [
  { ...base, marketId: 0, symbol: "ETH", sizeDecimals: 4, priceDecimals: 2, minBaseAmount: "0.0050" },
  { ...base, marketId: 1, symbol: "BTC", sizeDecimals: 5, priceDecimals: 1, minBaseAmount: "0.00010" },
  { ...base, marketId: 2, symbol: "SOL", sizeDecimals: 3, priceDecimals: 3, minBaseAmount: "0.100" },
];

export interface MarketOptions {
  /** Replaces the default fixture. */
  markets?: readonly PerpMarketSpec[];
  /** Market ids to serve with status "inactive" (orders refused with 21605). */
  inactiveMarkets?: readonly number[];
  /** Market ids with market_config.force_reduce_only (only reduce-only orders accepted). */
  forceReduceOnlyMarkets?: readonly number[];
}

export function buildMarkets(options: MarketOptions = {}): PerpMarketSpec[] {
  return (options.markets ?? DEFAULT_MARKETS).map((m) => ({
    ...m,
    status: options.inactiveMarkets?.includes(m.marketId) ? "inactive" : m.status,
    forceReduceOnly: options.forceReduceOnlyMarkets?.includes(m.marketId) ? true : m.forceReduceOnly,
  }));
}

export const minBaseLots = (m: PerpMarketSpec): bigint => parseFixed(m.minBaseAmount, m.sizeDecimals);
export const minQuoteMicro = (m: PerpMarketSpec): bigint => parseFixed(m.minQuoteAmount, 6);

/**
 * Price ticks × base lots as micro-USDC. Exact for every real market (price + size decimals ≤ 6);
 * floored otherwise.
 */
export function rawToMicro(m: PerpMarketSpec, raw: bigint): bigint {
  const shift = 6 - (m.sizeDecimals + m.priceDecimals);
  return shift >= 0 ? raw * pow10(shift) : raw / pow10(-shift);
}

export const price = (m: PerpMarketSpec, ticks: number | bigint): string => formatFixed(ticks, m.priceDecimals);
export const size = (m: PerpMarketSpec, lots: number | bigint): string => formatFixed(lots, m.sizeDecimals);
export const usdc = (micro: bigint): string => formatFixed(micro, 6);

/** What changes while the fake runs: prices and daily figures. */
export interface MarketLive {
  markTicks: number;
  indexTicks: number;
  lastTradeTicks: number;
  dailyTrades: number;
  dailyBaseLots: bigint;
  dailyQuoteMicro: bigint;
  dailyLowTicks: number;
  dailyHighTicks: number;
  openInterestLots: bigint;
  fundingRate: string;
  fundingTimestamp: number;
}

const toNumber = (decimalText: string): number => Number(decimalText);

export function perpsDetail(m: PerpMarketSpec, live: MarketLive): PerpsOrderBookDetail {
  return {
    ...orderBookSummary(m),
    size_decimals: m.sizeDecimals,
    price_decimals: m.priceDecimals,
    quote_multiplier: 1,
    default_initial_margin_fraction: m.defaultImf,
    min_initial_margin_fraction: m.minImf,
    maintenance_margin_fraction: m.maintenanceMf,
    closeout_margin_fraction: m.closeoutMf,
    mark_price: price(m, live.markTicks),
    index_price: price(m, live.indexTicks),
    last_trade_price: toNumber(price(m, live.lastTradeTicks)),
    daily_trades_count: live.dailyTrades,
    daily_base_token_volume: toNumber(size(m, live.dailyBaseLots)),
    daily_quote_token_volume: toNumber(usdc(live.dailyQuoteMicro)),
    daily_price_low: toNumber(price(m, live.dailyLowTicks)),
    daily_price_high: toNumber(price(m, live.dailyHighTicks)),
    daily_price_change: 0,
    open_interest: toNumber(size(m, live.openInterestLots)),
    daily_chart: {},
    market_config: {
      market_margin_mode: 0,
      insurance_fund_account_index: 281474976710655,
      liquidation_mode: 0,
      force_reduce_only: m.forceReduceOnly,
      trading_hours: "",
      funding_fee_discounts_enabled: false,
      hidden: false,
      rfq_enabled: false,
    },
    strategy_index: 0,
    market_flags: 0,
    funding_premium_multiplier: 0,
    funding_clamp_small: "0.0500",
    funding_clamp_big: "4.0000",
    base_interest_rate: "0.0100",
  };
}

/** The lighter `orderBooks` entry (fees are percent strings; 0% for standard accounts). */
export function orderBookSummary(m: PerpMarketSpec): OrderBookSummary {
  return {
    symbol: m.symbol,
    market_id: m.marketId,
    market_type: "perp",
    base_asset_id: 0,
    quote_asset_id: 0,
    status: m.status,
    taker_fee: "0.0000",
    is_taker_fee_enabled: true,
    maker_fee: "0.0000",
    is_maker_fee_enabled: true,
    liquidation_fee: "1.0000",
    min_base_amount: m.minBaseAmount,
    min_quote_amount: m.minQuoteAmount,
    order_quote_limit: "5000000.000000",
    supported_size_decimals: m.sizeDecimals,
    supported_price_decimals: m.priceDecimals,
    supported_quote_decimals: 6,
    created_at: String(m.createdAt),
    multiplier: "1.000000000000000000",
  };
}
