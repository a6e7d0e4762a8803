import { DecimalError, DecimalRangeError, formatScaled, parseScaled, type Rounding } from "./decimal.js";
import { MICRO_DECIMALS, type Micro } from "./money.js";
import type { OutcomeInstrument } from "./instrument.js";

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
  /** An outcome token of a prediction market; absent for a perpetual. */
  instrument?: OutcomeInstrument;
}

/** True for an outcome token (long only, no leverage, resolves at 1 or 0). */
export function isOutcome(m: MarketSpec): m is MarketSpec & { instrument: OutcomeInstrument } {
  return m.instrument?.kind === "outcome";
}

export const MIN_NOTIONAL_USD = 10_000_000n; // $10 in micro-dollars

export const DEFAULT_MARKETS: readonly MarketSpec[] = [
  { symbol: "BTC", marketId: 1, sizeDecimals: 5, priceDecimals: 1, minBaseLots: 10, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 120 },
  { symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 120 },
  { symbol: "SOL", marketId: 2, sizeDecimals: 3, priceDecimals: 3, minBaseLots: 100, minNotional: MIN_NOTIONAL_USD, maxLeverage: 20, maintenanceMarginBps: 150 },
];

/**
 * The largest price any market takes, in ticks: 2^50, about 1.1e15. Every integer up to 2^53 is
 * exact in a double (and ticks are plain numbers in the book and the matching engine); the
 * factor 8 of headroom keeps a book laid out around such a mid (spread, 25 levels, the synthetic
 * walk's next steps) exact too. For BTC (1 price decimal) that is $112,589,990,684,262.4, far
 * above any real asset, and it fits the price columns (NUMERIC(38,12): 26 integer digits).
 */
export const MAX_PRICE_TICKS = 2 ** 50;

/** The largest quantity in lots: the largest integer a double holds exactly (2^53 - 1). */
export const MAX_LOTS = Number.MAX_SAFE_INTEGER;

/**
 * Why MAX_PRICE_TICKS x MAX_LOTS fits the database: ticks x lots < 2^103 ≈ 1.02e31 units of
 * 10^-(priceDecimals+sizeDecimals) dollars, and assertMarketSpec keeps priceDecimals + sizeDecimals
 * ≤ 6, so any notional is below 1.02e31 x 10^6 micro-dollars = 1.02e31 dollars, inside the money
 * columns (NUMERIC(38,6): 32 integer digits). Cash itself is bounded far lower by the initial
 * capital the API accepts and the margin every order needs.
 */
export const MAX_NOTIONAL_MICRO: Micro = BigInt(MAX_PRICE_TICKS) * BigInt(MAX_LOTS) * 10n ** BigInt(MICRO_DECIMALS);

export function findMarket(markets: readonly MarketSpec[], symbol: string): MarketSpec | undefined {
  const wanted = symbol.toUpperCase();
  return markets.find((m) => m.symbol === wanted);
}

/** Price to ticks; request prices are rounded to the tick (half up) unless rounding says otherwise. */
export function priceToTicks(m: MarketSpec, price: string | number, rounding: Rounding = "half-up"): number {
  const ticks = parseScaled(price, m.priceDecimals, rounding);
  if (ticks <= 0n) throw new DecimalError(`price ${price} must be positive`);
  // Above the bound the number would not even be exact: refuse rather than round it.
  if (ticks > BigInt(MAX_PRICE_TICKS)) throw new DecimalRangeError(`${price} is above the largest ${m.symbol} price, ${ticksToPrice(m, MAX_PRICE_TICKS)}`);
  return Number(ticks);
}

/** Quantity to lots; a quantity finer than the market's size decimals, or beyond MAX_LOTS, is an error. */
export function quantityToLots(m: MarketSpec, quantity: string | number): number {
  const lots = parseScaled(quantity, m.sizeDecimals, "exact");
  if (lots > BigInt(MAX_LOTS) || lots < -BigInt(MAX_LOTS)) {
    throw new DecimalRangeError(`${quantity} is above the largest ${m.symbol} quantity, ${lotsToQuantity(m, MAX_LOTS)}`);
  }
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
