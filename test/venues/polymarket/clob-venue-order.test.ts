import { describe, expect, it } from "vitest";
import { planOrder, saltOf, type TokenRules } from "../../../src/venues/polymarket/clob-order.js";
import type { PlaceOrder } from "../../../src/venues/venue.js";

/** The pure mapping of our orders to CLOB V2 orders: exact amounts, order types, refusals, deterministic salt. */

const RULES: TokenRules = { tokenId: "123", conditionId: "0x01", tickTicks: 10, minLots: 500, negRisk: true, accepting: true };
const base: PlaceOrder = { clientOrderId: "c-1", accountId: "a", symbol: "S", side: "BUY", type: "LIMIT", lots: 1001, priceTicks: 4530, timeInForce: "GTC", leverage: 100 };

describe("planOrder", () => {
  it("amounts are lots × ticks micro-dollars and lots × 10^4 micro-shares, exactly", () => {
    // 10.01 shares at 0.453 = $4.53453
    expect(planOrder(base, RULES, 0)).toMatchObject({ orderType: "GTC", makerAmount: 4_534_530n, takerAmount: 10_010_000n, negRisk: true, expiration: 0 });
    expect(planOrder({ ...base, side: "SELL" }, RULES, 0)).toMatchObject({ makerAmount: 10_010_000n, takerAmount: 4_534_530n });
  });

  it("maps time in force: MARKET and IOC → FAK, FOK → FOK, GTT → GTD with the one-minute threshold", () => {
    expect(planOrder({ ...base, type: "MARKET", timeInForce: "GTC" }, RULES, 0)).toMatchObject({ orderType: "FAK" });
    expect(planOrder({ ...base, timeInForce: "IOC" }, RULES, 0)).toMatchObject({ orderType: "FAK" });
    expect(planOrder({ ...base, type: "MARKET", timeInForce: "FOK" }, RULES, 0)).toMatchObject({ orderType: "FOK" });
    expect(planOrder({ ...base, timeInForce: "GTT", expiresAt: 1_700_000_000_500 }, RULES, 1_699_999_000_000)).toMatchObject({ orderType: "GTD", expiration: 1_700_000_061 });
    expect(planOrder({ ...base, timeInForce: "GTT", expiresAt: 5 }, RULES, 10)).toBe("invalid_expiry");
  });

  it("refuses what the CLOB would refuse, with the simulator's reasons", () => {
    expect(planOrder({ ...base, priceTicks: 4535 }, RULES, 0)).toBe("invalid_order_min_tick_size");
    expect(planOrder({ ...base, priceTicks: 10_000 }, RULES, 0)).toBe("invalid_order_min_tick_size");
    expect(planOrder({ ...base, lots: 499 }, RULES, 0)).toBe("invalid_order_min_size");
    expect(planOrder({ ...base, type: "MARKET", timeInForce: "IOC", lots: 200, priceTicks: 4000 }, RULES, 0)).toBe("invalid_order_min_size"); // $0.80 < $1
    expect(planOrder({ ...base, priceTicks: undefined }, RULES, 0)).toBe("invalid_price");
    expect(planOrder(base, { ...RULES, accepting: false }, 0)).toBe("market_not_accepting_orders");
    expect(planOrder({ ...base, timeInForce: "FOK", postOnly: true }, RULES, 0)).toBe("post_only_not_resting");
  });
});

describe("saltOf", () => {
  it("is the same for the same maker and client id, different otherwise, and a safe integer", () => {
    const a = saltOf("0xAbC", "order-1");
    expect(saltOf("0xabc", "order-1")).toBe(a);
    expect(saltOf("0xabc", "order-2")).not.toBe(a);
    expect(Number.isSafeInteger(Number(a))).toBe(true);
  });
});
