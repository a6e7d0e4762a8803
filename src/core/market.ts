import { DecimalError, formatScaled, parseScaled, type Rounding } from "./decimal.js";
import { MICRO_DECIMALS, type Micro } from "./money.js";

/**
 * A tradable market. Prices are integer ticks (10^-priceDecimals) and sizes integer lots
 * (10^-sizeDecimals), as Lighter publishes them; everything in the book and the matching
 * engine is an integer.
 */
export interface MarketSpec {
  symbol: string;
  /** The venue's market index (Lighter: 1 = BTC, 0 = ETH, 2 = SOL). */
  marketId: number;
  sizeDecimals: number;
  priceDecimals: number;
  /** Minimum order size in lots. */
  minBaseLots: number;
  /** Minimum order notional in micro-dollars. */
  minNotional: Micro;
  maxLeverage: number;
  /** Maintenance margin as basis points of the position's notional at mark. */
  maintenanceMarginBps: number;
}

export const MIN_NOTIONAL_USD = 10_000_000n; // $10 in micro-dollars

export const DEFAULT_MARKETS: readonly MarketSpec[] = [
  { symbol: "BTC", marketId: 1, sizeDecimals: 5, priceDecimals: 1, minBaseLots: 10, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 120 },
  { symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 120 },
  { symbol: "SOL", marketId: 2, sizeDecimals: 3, priceDecimals: 3, minBaseLots: 100, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 150 },
];

export function findMarket(markets: readonly MarketSpec[], symbol: string): MarketSpec | undefined {
  const wanted = symbol.toUpperCase();
  return markets.find((m) => m.symbol === wanted);
}

/** Price to ticks; request prices are rounded to the tick (half up) unless rounding says otherwise. */
export function priceToTicks(m: MarketSpec, price: string | number, rounding: Rounding = "half-up"): number {
  const ticks = parseScaled(price, m.priceDecimals, rounding);
  if (ticks <= 0n) throw new DecimalError(`price ${price} must be positive`);
  return Number(ticks);
}

/** Quantity to lots; a quantity finer than the market's size decimals is an error. */
export function quantityToLots(m: MarketSpec, quantity: string | number): number {
  const lots = parseScaled(quantity, m.sizeDecimals, "exact");
  return Number(lots);
}

export function ticksToPrice(m: MarketSpec, ticks: number | bigint): string {
  return formatScaled(BigInt(ticks), m.priceDecimals);
}

export function lotsToQuantity(m: MarketSpec, lots: number | bigint): string {
  return formatScaled(BigInt(lots), m.sizeDecimals);
}

/** ticks x lots is worth 10^-(priceDecimals+sizeDecimals) dollars; this is the factor to micro-dollars. */
function notionalShift(m: MarketSpec): number {
  return MICRO_DECIMALS - m.priceDecimals - m.sizeDecimals;
}

/**
 * Exact notional of `lots` at `ticks` in micro-dollars. Markets finer than a micro-dollar
 * (priceDecimals + sizeDecimals > 6) are rejected at configuration time, so this never rounds.
 */
export function notional(m: MarketSpec, ticks: number | bigint, lots: number | bigint): Micro {
  const raw = BigInt(ticks) * BigInt(lots);
  const shift = notionalShift(m);
  return raw * 10n ** BigInt(shift);
}

/** Throws when a market cannot be represented exactly in micro-dollars. */
export function assertMarketSpec(m: MarketSpec): void {
  if (notionalShift(m) < 0) {
    throw new Error(`market ${m.symbol}: priceDecimals + sizeDecimals must be at most ${MICRO_DECIMALS}`);
  }
  if (!Number.isInteger(m.minBaseLots) || m.minBaseLots <= 0) throw new Error(`market ${m.symbol}: minBaseLots must be a positive integer`);
}

/** Converts a micro-dollar value per lot back into ticks, for an average price (exact when it divides). */
export function microPerLotScale(m: MarketSpec): bigint {
  return 10n ** BigInt(notionalShift(m));
}
