import { describe, expect, it } from "vitest";
import { DecimalError, parseScaled } from "../../src/core/decimal.js";
import { AppError } from "../../src/core/errors.js";
import { DEFAULT_MARKETS, MAX_LOTS, MAX_NOTIONAL_MICRO, MAX_PRICE_TICKS, notional, priceToTicks, quantityToLots, ticksToPrice, lotsToQuantity } from "../../src/core/market.js";
import { parseLots, parsePrice } from "../../src/trading/order-input.js";

const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const SOL = DEFAULT_MARKETS.find((m) => m.symbol === "SOL")!;

function appError(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("prices and quantities are bounded to what stays exact", () => {
  it("a price whose ticks a double cannot hold is refused, not rounded", () => {
    expect(() => priceToTicks(BTC, "123456789012345678901")).toThrow(DecimalError);
    expect(() => priceToTicks(BTC, "900719925474099.3")).toThrow(/above the largest BTC price/);
    expect(() => priceToTicks(BTC, 1e21)).toThrow(DecimalError);
    // The bound itself is a price, and an exact one.
    const top = ticksToPrice(BTC, MAX_PRICE_TICKS);
    expect(priceToTicks(BTC, top, "exact")).toBe(MAX_PRICE_TICKS);
    expect(() => priceToTicks(BTC, ticksToPrice(BTC, MAX_PRICE_TICKS + 1))).toThrow(DecimalError);
    expect(Number.isSafeInteger(MAX_PRICE_TICKS * 7)).toBe(true); // headroom for a book laid out around the top price
  });

  it("a quantity beyond MAX_LOTS is refused", () => {
    expect(quantityToLots(SOL, lotsToQuantity(SOL, MAX_LOTS))).toBe(MAX_LOTS);
    expect(() => quantityToLots(SOL, "123456789012345678.123")).toThrow(/above the largest SOL quantity/);
    expect(() => quantityToLots(SOL, "-123456789012345678")).toThrow(DecimalError);
  });

  it("the request parsers answer 400 naming the field", () => {
    const price = appError(() => parsePrice(BTC, "price", "123456789012345678901"));
    expect(price).toMatchObject({ status: 400, code: "invalid_request" });
    expect(price.message).toBe("price: 123456789012345678901 is above the largest BTC price, 112589990684262.4");
    const lots = appError(() => parseLots(SOL, "123456789012345678"));
    expect(lots).toMatchObject({ status: 400, code: "invalid_request" });
    expect(lots.message).toMatch(/^quantity: .*above the largest SOL quantity/);
    expect(appError(() => parsePrice(BTC, "price", "abc")).message).toBe('price: "abc" is not a positive price');
  });

  it("any notional within the bounds fits the money columns, NUMERIC(38,6)", () => {
    // The worst market shape assertMarketSpec allows (priceDecimals + sizeDecimals = 0) is the bound.
    expect(MAX_NOTIONAL_MICRO / 1_000_000n < 10n ** 32n).toBe(true);
    for (const m of DEFAULT_MARKETS) expect(notional(m, MAX_PRICE_TICKS, MAX_LOTS) <= MAX_NOTIONAL_MICRO).toBe(true);
  });

  it("a literal with an absurd exponent or digit count is an error, not a giant bigint", () => {
    expect(() => parseScaled("1e999999999", 6)).toThrow(/too many digits or too large an exponent/);
    expect(() => parseScaled("1e-999999999", 6, "half-up")).toThrow(DecimalError);
    expect(() => parseScaled("9".repeat(5000), 0)).toThrow(DecimalError);
    expect(parseScaled(`0.${"0".repeat(900)}1`, 6, "half-up")).toBe(0n);
  });
});
