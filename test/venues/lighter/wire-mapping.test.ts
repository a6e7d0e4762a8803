import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BookSnapshot } from "../../../src/core/book.js";
import type { MarketSpec } from "../../../src/core/market.js";
import type { VenueFill } from "../../../src/venues/venue.js";
import { MarketCatalog, toSpec } from "../../../src/venues/lighter/catalog.js";
import { clientOrderIndexOf } from "../../../src/venues/lighter/client-index.js";
import type { AccountPosition, Order, PerpsOrderBookDetail, Trade } from "../../../src/venues/lighter/openapi.js";
import { boundPrice, fokFillable } from "../../../src/venues/lighter/order-price.js";
import { fillOf, isDecided, orderOutcome, ourSide, positionOf, reportOf, toLots, toTicks } from "../../../src/venues/lighter/wire-mapping.js";

/** Lighter's BTC perp: prices to 0.1, sizes to 0.00001; ticks x lots is already micro-dollars (1 + 5 = 6 decimals). */
const BTC: MarketSpec = { symbol: "BTC", marketId: 1, sizeDecimals: 5, priceDecimals: 1, minBaseLots: 10, minNotional: 10_000_000n, maxLeverage: 50, maintenanceMarginBps: 120 };
/** ETH: prices to 0.01, sizes to 0.0001. */
const ETH: MarketSpec = { symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: 10_000_000n, maxLeverage: 50, maintenanceMarginBps: 120 };

const ACCOUNT = 12_345;
const CLIENT_INDEX = 777;

function order(over: Partial<Order> = {}): Order {
  return {
    order_index: 281_474_976_710_700,
    client_order_index: CLIENT_INDEX,
    order_id: "281474976710700",
    client_order_id: String(CLIENT_INDEX),
    market_index: 1,
    owner_account_index: ACCOUNT,
    initial_base_amount: "0.01000",
    price: "64000.0",
    nonce: 5,
    remaining_base_amount: "0.01000",
    is_ask: false,
    base_size: 1_000,
    base_price: 640_000,
    filled_base_amount: "0.00000",
    filled_quote_amount: "0.000000",
    side: "buy",
    type: "limit",
    time_in_force: "good-till-time",
    reduce_only: false,
    trigger_price: "0.0",
    order_expiry: 1_800_000_000_000,
    status: "open",
    trigger_status: "na",
    trigger_time: 0,
    parent_order_index: 0,
    parent_order_id: "0",
    to_trigger_order_id_0: "0",
    to_trigger_order_id_1: "0",
    to_cancel_order_id_0: "0",
    integrator_fee_collector_index: "0",
    integrator_taker_fee: "0",
    integrator_maker_fee: "0",
    order_flags: 0,
    block_height: 1,
    timestamp: 1_766_000_000_000,
    created_at: 1_766_000_000_000,
    updated_at: 1_766_000_000_000,
    transaction_time: 1_766_000_000_000_000,
    ...over,
  };
}

function trade(over: Partial<Trade> = {}): Trade {
  return {
    trade_id: 4_242,
    trade_id_str: "4242",
    tx_hash: "ab".repeat(40),
    type: "trade",
    market_id: 1,
    size: "0.01234",
    price: "64000.5",
    usd_amount: "789.766170",
    ask_id: 1,
    bid_id: 2,
    ask_client_id: 0,
    ask_client_id_str: "0",
    bid_client_id: 0,
    bid_client_id_str: "0",
    ask_account_id: 99,
    bid_account_id: 98,
    is_maker_ask: true,
    block_height: 1,
    timestamp: 1_766_000_000_123,
    taker_position_size_before: "0",
    taker_entry_quote_before: "0",
    taker_initial_margin_fraction_before: 0,
    taker_position_sign_changed: false,
    maker_position_size_before: "0",
    maker_entry_quote_before: "0",
    maker_initial_margin_fraction_before: 0,
    maker_position_sign_changed: false,
    transaction_time: 0,
    ask_account_pnl: "0",
    bid_account_pnl: "0",
    integrator_taker_fee: 0,
    integrator_taker_fee_collector_index: 0,
    integrator_maker_fee: 0,
    integrator_maker_fee_collector_index: 0,
    taker_allocated_margin_usdc_before: 0,
    taker_allocated_margin_usdc_after: 0,
    maker_allocated_margin_usdc_before: 0,
    maker_allocated_margin_usdc_after: 0,
    ...over,
  };
}

function position(over: Partial<AccountPosition> = {}): AccountPosition {
  return {
    market_id: 1,
    symbol: "BTC",
    initial_margin_fraction: "5.00",
    open_order_count: 0,
    pending_order_count: 0,
    position_tied_order_count: 0,
    sign: 1,
    position: "0.01500",
    avg_entry_price: "64000.0",
    position_value: "960.000000",
    unrealized_pnl: "0.000000",
    realized_pnl: "0.000000",
    liquidation_price: "0",
    margin_mode: 0,
    margin_set_flag: 0,
    allocated_margin: "0.000000",
    total_discount: "0.000000",
    ...over,
  };
}

describe("toTicks / toLots", () => {
  it("read decimal strings exactly at the market's scale, padded or not", () => {
    expect(toTicks(BTC, "64504.2")).toBe(645_042);
    expect(toTicks(BTC, "64504.20")).toBe(645_042);
    expect(toLots(BTC, "0.17551")).toBe(17_551);
    expect(toLots(ETH, "0.0050")).toBe(50);
    expect(() => toTicks(BTC, "64504.25")).toThrow(); // finer than a tick: refused, never rounded
  });
});

describe("orderOutcome", () => {
  // Every status of Order["status"], with nothing filled and with a part filled. Derived from the doc
  // comment: refusals before anything traded are REJECTED, an expired GTT is EXPIRED, any other end
  // is CANCELED with the exchange's reason in snake_case.
  type Outcome = { status: string; reason?: string };
  // A Record over the status union: the compiler refuses this table if a status is missing.
  const table: Record<Order["status"], [unfilled: Outcome, partlyFilled: Outcome]> = {
    "in-progress": [{ status: "OPEN" }, { status: "PARTIALLY_FILLED" }],
    pending: [{ status: "OPEN" }, { status: "PARTIALLY_FILLED" }],
    open: [{ status: "OPEN" }, { status: "PARTIALLY_FILLED" }],
    filled: [{ status: "FILLED" }, { status: "FILLED" }],
    canceled: [
      { status: "CANCELED", reason: "canceled" },
      { status: "CANCELED", reason: "canceled" },
    ],
    "canceled-post-only": [
      { status: "REJECTED", reason: "post_only_would_cross" },
      { status: "CANCELED", reason: "canceled_post_only" },
    ],
    "canceled-reduce-only": [
      { status: "REJECTED", reason: "reduce_only_no_position" },
      { status: "CANCELED", reason: "reduce_only_position_closed" },
    ],
    "canceled-position-not-allowed": [
      { status: "REJECTED", reason: "position_not_allowed" },
      { status: "CANCELED", reason: "canceled_position_not_allowed" },
    ],
    "canceled-margin-not-allowed": [
      { status: "REJECTED", reason: "insufficient_margin" },
      { status: "CANCELED", reason: "canceled_margin_not_allowed" },
    ],
    // The simulator's word for an order stopped by its price bound (copy trading reads it as a missed bound).
    "canceled-too-much-slippage": [
      { status: "CANCELED", reason: "no_liquidity_within_bound" },
      { status: "CANCELED", reason: "no_liquidity_within_bound" },
    ],
    "canceled-not-enough-liquidity": [
      { status: "CANCELED", reason: "no_liquidity_within_bound" },
      { status: "CANCELED", reason: "no_liquidity_within_bound" },
    ],
    "canceled-self-trade": [
      { status: "CANCELED", reason: "self_trade" },
      { status: "CANCELED", reason: "self_trade" },
    ],
    "canceled-expired": [
      { status: "EXPIRED", reason: "gtt_expired" },
      { status: "EXPIRED", reason: "gtt_expired" },
    ],
    "canceled-oco": [
      { status: "CANCELED", reason: "canceled_oco" },
      { status: "CANCELED", reason: "canceled_oco" },
    ],
    "canceled-child": [
      { status: "CANCELED", reason: "canceled_child" },
      { status: "CANCELED", reason: "canceled_child" },
    ],
    "canceled-liquidation": [
      { status: "CANCELED", reason: "canceled_liquidation" },
      { status: "CANCELED", reason: "canceled_liquidation" },
    ],
    "canceled-invalid-balance": [
      { status: "REJECTED", reason: "insufficient_margin" },
      { status: "CANCELED", reason: "canceled_invalid_balance" },
    ],
  };

  it.each(Object.entries(table) as [Order["status"], [Outcome, Outcome]][])("%s: nothing filled, then 400 lots filled", (status, [unfilled, partly]) => {
    expect(orderOutcome(status, 0)).toEqual(unfilled);
    expect(orderOutcome(status, 400)).toEqual(partly);
  });

  it("the canceled rest of an IOC is the simulator's ioc_remainder_canceled (copy trading reads it as a missed bound)", () => {
    expect(orderOutcome("canceled", 400, false, true)).toEqual({ status: "CANCELED", reason: "ioc_remainder_canceled" });
    expect(orderOutcome("canceled", 400, false, false)).toEqual({ status: "CANCELED", reason: "canceled" });
  });

  it("an order we expired ourselves is EXPIRED whatever cancel status the exchange gives it", () => {
    expect(orderOutcome("canceled", 0, true)).toEqual({ status: "EXPIRED", reason: "gtt_expired" });
    expect(orderOutcome("canceled", 400, true)).toEqual({ status: "EXPIRED", reason: "gtt_expired" });
    // ...but a fill or a resting order is still what it is.
    expect(orderOutcome("filled", 1_000, true)).toEqual({ status: "FILLED" });
    expect(orderOutcome("open", 0, true)).toEqual({ status: "OPEN" });
  });
});

describe("isDecided", () => {
  it("a resting or finished order is decided", () => {
    for (const status of ["open", "filled", "canceled", "canceled-post-only", "canceled-expired", "canceled-not-enough-liquidity"] as const) {
      expect(isDecided(order({ status }))).toBe(true);
    }
  });

  it("a plain order still pending or in progress is not decided yet", () => {
    expect(isDecided(order({ status: "pending" }))).toBe(false);
    expect(isDecided(order({ status: "in-progress" }))).toBe(false);
    expect(isDecided(order({ status: "pending", type: "market", time_in_force: "immediate-or-cancel" }))).toBe(false);
  });

  it("a trigger order waiting for its price is decided: it waits by design", () => {
    expect(isDecided(order({ status: "pending", trigger_status: "mark-price" }))).toBe(true);
    for (const type of ["stop-loss", "stop-loss-limit", "take-profit", "take-profit-limit"] as const) {
      expect(isDecided(order({ status: "pending", type, trigger_status: "na" }))).toBe(true);
    }
  });
});

describe("ourSide", () => {
  // is_maker_ask=true: the maker sold, so the taker bought.
  it("our order on the ask side is a SELL; maker when the maker was the ask", () => {
    const t = { ask_account_id: ACCOUNT, ask_client_id: CLIENT_INDEX };
    expect(ourSide(trade({ ...t, is_maker_ask: true }), ACCOUNT, CLIENT_INDEX)).toEqual({ side: "SELL", maker: true });
    expect(ourSide(trade({ ...t, is_maker_ask: false }), ACCOUNT, CLIENT_INDEX)).toEqual({ side: "SELL", maker: false });
  });

  it("our order on the bid side is a BUY; taker when the maker was the ask", () => {
    const t = { bid_account_id: ACCOUNT, bid_client_id: CLIENT_INDEX };
    expect(ourSide(trade({ ...t, is_maker_ask: true }), ACCOUNT, CLIENT_INDEX)).toEqual({ side: "BUY", maker: false });
    expect(ourSide(trade({ ...t, is_maker_ask: false }), ACCOUNT, CLIENT_INDEX)).toEqual({ side: "BUY", maker: true });
  });

  it("needs both the account and the client index to match", () => {
    expect(ourSide(trade({ ask_account_id: ACCOUNT, ask_client_id: CLIENT_INDEX + 1 }), ACCOUNT, CLIENT_INDEX)).toBeUndefined();
    expect(ourSide(trade({ ask_account_id: ACCOUNT + 1, ask_client_id: CLIENT_INDEX }), ACCOUNT, CLIENT_INDEX)).toBeUndefined();
    expect(ourSide(trade({ bid_account_id: ACCOUNT + 1, bid_client_id: CLIENT_INDEX }), ACCOUNT, CLIENT_INDEX)).toBeUndefined();
    expect(ourSide(trade(), ACCOUNT, CLIENT_INDEX)).toBeUndefined();
  });

  it("a self-trade between two of our orders is told apart by the client index", () => {
    const t = trade({ ask_account_id: ACCOUNT, ask_client_id: 1, bid_account_id: ACCOUNT, bid_client_id: 2, is_maker_ask: true });
    expect(ourSide(t, ACCOUNT, 1)).toEqual({ side: "SELL", maker: true });
    expect(ourSide(t, ACCOUNT, 2)).toEqual({ side: "BUY", maker: false });
  });
});

describe("fillOf", () => {
  // price "64000.5" → 640005 ticks; size "0.01234" → 1234 lots;
  // notional = 640005 × 1234 micro-dollars (BTC: 1 + 5 decimals = 6) = 789,766,170 µ$ = $789.766170.
  const NOTIONAL = 789_766_170n;

  it("a taker fill pays the taker fee: 28 millionths of the notional, rounded up to the micro-dollar", () => {
    const fill = fillOf(BTC, trade({ taker_fee: 28, maker_fee: 4 }), { side: "BUY", maker: false }, "acct-1", "coid-1");
    // 789,766,170 × 28 / 10^6 = 22,113.45276 → 22,114 µ$.
    expect(NOTIONAL * 28n).toBe(22_113_452_760n);
    expect(fill).toEqual<VenueFill>({
      venue: "lighter",
      accountId: "acct-1",
      clientOrderId: "coid-1",
      tradeId: "lighter-4242",
      symbol: "BTC",
      side: "BUY",
      priceTicks: 640_005,
      lots: 1_234,
      fee: 22_114n,
      liquidity: "TAKER",
      ts: 1_766_000_000_123,
    });
  });

  it("a maker fill pays the maker fee", () => {
    const fill = fillOf(BTC, trade({ taker_fee: 28, maker_fee: 4 }), { side: "SELL", maker: true }, "acct-1", "coid-1");
    // 789,766,170 × 4 / 10^6 = 3,159.06468 → 3,160 µ$.
    expect(fill.fee).toBe(3_160n);
    expect(fill.liquidity).toBe("MAKER");
    expect(fill.side).toBe("SELL");
  });

  it("an omitted fee is zero", () => {
    expect(fillOf(BTC, trade({ maker_fee: 4 }), { side: "BUY", maker: false }, "a", "c").fee).toBe(0n);
    expect(fillOf(BTC, trade({ taker_fee: 28 }), { side: "BUY", maker: true }, "a", "c").fee).toBe(0n);
    expect(fillOf(BTC, trade(), { side: "SELL", maker: true }, "a", "c").fee).toBe(0n);
  });

  it("a fee that divides exactly is not rounded up", () => {
    // "50000.0" × "0.02000" = 500000 × 2000 = 1,000,000,000 µ$ ($1000); × 28 / 10^6 = 28,000 µ$ exactly.
    expect(fillOf(BTC, trade({ price: "50000.0", size: "0.02000", taker_fee: 28 }), { side: "BUY", maker: false }, "a", "c").fee).toBe(28_000n);
  });

  it("a fee under a micro-dollar is still charged one", () => {
    // "10.0" × "0.00001" = 100 × 1 = 100 µ$; × 1 / 10^6 = 0.0001 → 1 µ$.
    expect(fillOf(BTC, trade({ price: "10.0", size: "0.00001", taker_fee: 1 }), { side: "BUY", maker: false }, "a", "c").fee).toBe(1n);
  });

  it("the trade id comes from trade_id_str, exact beyond 2^53", () => {
    const fill = fillOf(BTC, trade({ trade_id: 9_007_199_254_740_992, trade_id_str: "9007199254740993" }), { side: "BUY", maker: false }, "a", "c");
    expect(fill.tradeId).toBe("lighter-9007199254740993");
  });

  it("ETH scale: ticks × lots × 10^(6 − 2 − 4) is the notional", () => {
    // "3024.66" → 302466 ticks; "0.0150" → 150 lots; notional 302466 × 150 = 45,369,900 µ$ ($45.3699);
    // taker fee 196: 45,369,900 × 196 / 10^6 = 8,892.5004 → 8,893 µ$.
    const fill = fillOf(ETH, trade({ market_id: 0, price: "3024.66", size: "0.0150", taker_fee: 196 }), { side: "SELL", maker: false }, "a", "c");
    expect([fill.priceTicks, fill.lots, fill.fee, fill.symbol]).toEqual([302_466, 150, 8_893n, "ETH"]);
  });
});

describe("reportOf", () => {
  it("a partly filled resting limit buy", () => {
    const fills: VenueFill[] = [fillOf(BTC, trade({ size: "0.00400", price: "64000.0", bid_account_id: ACCOUNT, bid_client_id: CLIENT_INDEX }), { side: "BUY", maker: true }, "acct", "coid")];
    const report = reportOf(BTC, order({ filled_base_amount: "0.00400", remaining_base_amount: "0.00600" }), "acct", "coid", fills, 99);
    expect(report).toEqual({
      clientOrderId: "coid",
      venueOrderId: "281474976710700",
      accountId: "acct",
      symbol: "BTC",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTT",
      priceTicks: 640_000,
      lots: 1_000,
      filledLots: 400,
      status: "PARTIALLY_FILLED",
      fills,
      ts: 99,
    });
    expect("reason" in report).toBe(false);
  });

  it("a market sell that ran out of liquidity within its bound", () => {
    const report = reportOf(
      BTC,
      order({ is_ask: true, type: "market", time_in_force: "immediate-or-cancel", price: "63000.0", filled_base_amount: "0.00400", status: "canceled-not-enough-liquidity", order_expiry: 0 }),
      "acct",
      "coid",
      [],
      7,
    );
    expect(report).toMatchObject({ side: "SELL", type: "MARKET", timeInForce: "IOC", priceTicks: null, lots: 1_000, filledLots: 400, status: "CANCELED", reason: "no_liquidity_within_bound", ts: 7 });
  });

  it("a post-only order refused for crossing", () => {
    const report = reportOf(BTC, order({ time_in_force: "post-only", status: "canceled-post-only" }), "acct", "coid", [], 1);
    expect(report).toMatchObject({ status: "REJECTED", reason: "post_only_would_cross", filledLots: 0, type: "LIMIT" });
  });

  it("a canceled GTT we expired ourselves reports EXPIRED", () => {
    expect(reportOf(BTC, order({ status: "canceled" }), "acct", "coid", [], 1, true)).toMatchObject({ status: "EXPIRED", reason: "gtt_expired" });
  });
});

describe("positionOf", () => {
  it("a short: sign −1 with an unsigned size, cost at the average entry, IMF 5.00% = 20x", () => {
    // 0.015 BTC at 64000.0: 1500 lots × 640000 ticks = 960,000,000 µ$ ($960). 100% / 5% = 20x = 2000 hundredths.
    expect(positionOf(BTC, position({ sign: -1, position: "0.01500", avg_entry_price: "64000.0", initial_margin_fraction: "5.00" }))).toEqual({
      symbol: "BTC",
      side: "SHORT",
      lots: 1_500n,
      cost: 960_000_000n,
      leverage: 2_000,
    });
  });

  it("a long; IMF 2.00% = 50x, 10.00% = 10x", () => {
    expect(positionOf(BTC, position({ sign: 1, initial_margin_fraction: "2.00" }))).toMatchObject({ side: "LONG", lots: 1_500n, leverage: 5_000 });
    expect(positionOf(BTC, position({ sign: 1, initial_margin_fraction: "10.00" }))?.leverage).toBe(1_000);
  });

  it("ETH: 0.5000 ETH at 3024.66 costs $1512.33", () => {
    // 5000 lots × 302466 ticks × 10^(6−2−4) = 1,512,330,000 µ$.
    expect(positionOf(ETH, position({ market_id: 0, symbol: "ETH", position: "0.5000", avg_entry_price: "3024.66" }))?.cost).toBe(1_512_330_000n);
  });

  it("no position: a zero size or a zero sign", () => {
    expect(positionOf(BTC, position({ position: "0.00000", sign: 1 }))).toBeUndefined();
    expect(positionOf(BTC, position({ position: "0.01500", sign: 0 }))).toBeUndefined();
  });
});

describe("boundPrice", () => {
  const book = (asks: [number, number][], bids: [number, number][]): BookSnapshot => ({ symbol: "BTC", ts: 0, asks, bids });

  it("a buy bound is floor(best ask × (1 + bps/10^4)), a sell bound ceil(best bid × (1 − bps/10^4))", () => {
    const b = book(
      [
        [640_003, 5],
        [640_100, 5],
      ],
      [
        [639_993, 5],
        [639_900, 5],
      ],
    );
    // 640003 × 1.005 = 643203.015 → 643203; 639993 × 0.995 = 636793.035 → 636794.
    expect(boundPrice(b, "BUY", 50)).toBe(643_203);
    expect(boundPrice(b, "SELL", 50)).toBe(636_794);
    // 12.5 bps: 640003 × 1.00125 = 640803.00375 → 640803; 639993 × 0.99875 = 639193.00875 → 639194.
    expect(boundPrice(b, "BUY", 12.5)).toBe(640_803);
    expect(boundPrice(b, "SELL", 12.5)).toBe(639_194);
    // 0 bps: the touch itself.
    expect(boundPrice(b, "BUY", 0)).toBe(640_003);
    expect(boundPrice(b, "SELL", 0)).toBe(639_993);
    // Exact products are not moved: 640000 × 1.005 = 643200; 640000 × 0.995 = 636800.
    expect(boundPrice(book([[640_000, 1]], [[640_000, 1]]), "BUY", 50)).toBe(643_200);
    expect(boundPrice(book([[640_000, 1]], [[640_000, 1]]), "SELL", 50)).toBe(636_800);
  });

  it("undefined without a touch on the side that is taken", () => {
    expect(boundPrice(undefined, "BUY", 50)).toBeUndefined();
    expect(boundPrice(book([], [[100, 1]]), "BUY", 50)).toBeUndefined();
    expect(boundPrice(book([[100, 1]], []), "SELL", 50)).toBeUndefined();
    expect(boundPrice(book([], [[100, 1]]), "SELL", 50)).toBe(100);
  });

  it("property: the bound is the floor / ceiling of the exact product (hundredths of a bp)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 45 }), fc.integer({ min: 0, max: 100_000 }), (touch, centiBps) => {
        const bps = centiBps / 100;
        const b = book([[touch, 1]], [[touch, 1]]);
        const buy = BigInt(boundPrice(b, "BUY", bps)!);
        const sell = BigInt(boundPrice(b, "SELL", bps)!);
        // bps/10^4 = centiBps/10^6: exact = touch × (10^6 ± centiBps) / 10^6.
        const up = BigInt(touch) * (1_000_000n + BigInt(centiBps));
        const down = BigInt(touch) * (1_000_000n - BigInt(centiBps));
        expect(buy * 1_000_000n <= up && up < (buy + 1n) * 1_000_000n).toBe(true);
        expect((sell - 1n) * 1_000_000n < down && down <= sell * 1_000_000n).toBe(true);
      }),
    );
  });
});

describe("fokFillable", () => {
  const b: BookSnapshot = {
    symbol: "BTC",
    ts: 0,
    asks: [
      [100, 3],
      [101, 4],
      [103, 5],
    ],
    bids: [
      [99, 2],
      [98, 3],
      [96, 10],
    ],
  };

  it("a buy fits when the asks at or under the limit hold the whole quantity", () => {
    expect(fokFillable(b, "BUY", 101, 7)).toBe(true); // 3 + 4
    expect(fokFillable(b, "BUY", 101, 8)).toBe(false); // 103 is beyond the limit
    expect(fokFillable(b, "BUY", 102, 8)).toBe(false);
    expect(fokFillable(b, "BUY", 103, 12)).toBe(true); // 3 + 4 + 5
    expect(fokFillable(b, "BUY", 1_000, 13)).toBe(false); // the whole side holds 12
    expect(fokFillable(b, "BUY", 99, 1)).toBe(false);
  });

  it("a sell fits when the bids at or over the limit hold the whole quantity", () => {
    expect(fokFillable(b, "SELL", 98, 5)).toBe(true);
    expect(fokFillable(b, "SELL", 99, 3)).toBe(false);
    expect(fokFillable(b, "SELL", 97, 6)).toBe(false);
    expect(fokFillable(b, "SELL", 96, 15)).toBe(true);
    expect(fokFillable(b, "SELL", 100, 1)).toBe(false);
  });

  it("no book, no fill", () => {
    expect(fokFillable(undefined, "BUY", 100, 1)).toBe(false);
    expect(fokFillable({ symbol: "BTC", ts: 0, asks: [], bids: [] }, "SELL", 1, 1)).toBe(false);
  });
});

describe("clientOrderIndexOf", () => {
  it("is 48 bits of SHA-256 of the id, in 1 … 2^48 − 1", () => {
    for (const id of ["ord-1", "ord-2", "a", "copy:model-7:signal-99:entry"]) {
      // The first 6 bytes of the digest as a big-endian number, mod (2^48 − 1), plus 1.
      const head = BigInt(`0x${createHash("sha256").update(id).digest("hex").slice(0, 12)}`);
      expect(clientOrderIndexOf(id)).toBe(Number((head % (2n ** 48n - 1n)) + 1n));
    }
  });

  it("property: deterministic, in range, different for different ids", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 2, maxLength: 50 }), (ids) => {
        const indices = ids.map(clientOrderIndexOf);
        expect(ids.map(clientOrderIndexOf)).toEqual(indices);
        for (const i of indices) {
          expect(Number.isSafeInteger(i)).toBe(true);
          expect(i).toBeGreaterThanOrEqual(1);
          expect(i).toBeLessThanOrEqual(2 ** 48 - 1);
        }
        expect(new Set(indices).size).toBe(ids.length);
      }),
    );
  });
});

describe("MarketCatalog", () => {
  function detail(over: Partial<PerpsOrderBookDetail> = {}): PerpsOrderBookDetail {
    return {
      symbol: "ETH",
      market_id: 0,
      market_type: "perp",
      base_asset_id: 1,
      quote_asset_id: 3,
      status: "active",
      taker_fee: "0.0000",
      is_taker_fee_enabled: false,
      maker_fee: "0.0000",
      is_maker_fee_enabled: false,
      liquidation_fee: "1.0000",
      min_base_amount: "0.0050",
      min_quote_amount: "10.000000",
      order_quote_limit: "281474976.710655",
      supported_size_decimals: 4,
      supported_price_decimals: 2,
      supported_quote_decimals: 6,
      created_at: "1717000000000",
      multiplier: "1.000000000000000000",
      size_decimals: 4,
      price_decimals: 2,
      quote_multiplier: 1,
      default_initial_margin_fraction: 500,
      min_initial_margin_fraction: 200,
      maintenance_margin_fraction: 120,
      closeout_margin_fraction: 80,
      mark_price: "3024.66",
      index_price: "3024.70",
      last_trade_price: 3024.66,
      daily_trades_count: 0,
      daily_base_token_volume: 0,
      daily_quote_token_volume: 0,
      daily_price_low: 0,
      daily_price_high: 0,
      daily_price_change: 0,
      open_interest: 0,
      daily_chart: {},
      market_config: {
        market_margin_mode: 0,
        insurance_fund_account_index: 281_474_976_710_655,
        liquidation_mode: 0,
        force_reduce_only: false,
        trading_hours: "",
        rfq_enabled: false,
      },
      strategy_index: 0,
      market_flags: 0,
      funding_premium_multiplier: 1,
      funding_clamp_small: "0.0500",
      funding_clamp_big: "4.0000",
      base_interest_rate: "0.0100",
      ...over,
    };
  }

  const ETH_D = detail();
  const BTC_D = detail({ symbol: "BTC", market_id: 1, size_decimals: 5, price_decimals: 1, min_base_amount: "0.00010" });
  const SOL_D = detail({
    symbol: "SOL",
    market_id: 2,
    size_decimals: 3,
    price_decimals: 3,
    min_base_amount: "0.100",
    default_initial_margin_fraction: 666,
    min_initial_margin_fraction: 400,
    maintenance_margin_fraction: 240,
  });
  const SPOT_D = detail({ symbol: "ETH", market_id: 2048, market_type: "spot" });

  it("turns a perp's details into a MarketSpec", () => {
    // min_base_amount "0.0050" at 4 size decimals = 50 lots; "10.000000" = 10,000,000 µ$;
    // min IMF 200 (1e-4 units) = 2% = 50x.
    expect(toSpec(ETH_D)).toEqual<MarketSpec>({ symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: 10_000_000n, maxLeverage: 50, maintenanceMarginBps: 120 });
    // "0.00010" at 5 decimals = 10 lots.
    expect(toSpec(BTC_D)).toMatchObject({ symbol: "BTC", marketId: 1, minBaseLots: 10, maxLeverage: 50 });
    // "0.100" at 3 decimals = 100 lots; min IMF 400 = 4% = 25x.
    expect(toSpec(SOL_D)).toMatchObject({ minBaseLots: 100, maxLeverage: 25, maintenanceMarginBps: 240 });
  });

  it("falls back to the default IMF when the minimum is 0; rounds the leverage down", () => {
    // 10000 / 666 = 15.01… → 15x.
    expect(toSpec(detail({ min_initial_margin_fraction: 0, default_initial_margin_fraction: 666 })).maxLeverage).toBe(15);
    expect(() => toSpec(detail({ min_initial_margin_fraction: 0, default_initial_margin_fraction: 0 }))).toThrow(/initial margin fraction/);
  });

  it("rounds a minimum finer than the lot up, so an order at the minimum is never below it", () => {
    // "0.00505" at 4 decimals = 50.5 lots → 51.
    expect(toSpec(detail({ min_base_amount: "0.00505" })).minBaseLots).toBe(51);
    expect(toSpec(detail({ min_quote_amount: "10.0000005" })).minNotional).toBe(10_000_001n);
  });

  it("indexes perps by id and symbol (any case) and skips spot markets", () => {
    const catalog = new MarketCatalog([ETH_D, BTC_D, SPOT_D, SOL_D]);
    expect(catalog.specs().map((s) => s.symbol)).toEqual(["ETH", "BTC", "SOL"]);
    expect(catalog.byMarketId(2048)).toBeUndefined();
    expect(catalog.byMarketId(1)?.spec.symbol).toBe("BTC");
    expect(catalog.bySymbolName("eth")?.spec.marketId).toBe(0);
    expect(catalog.bySymbolName("eth")?.status).toBe("active");
  });

  it("entryRefusal: open, inactive, reduce-only, unknown", () => {
    const catalog = new MarketCatalog([
      ETH_D,
      detail({ symbol: "BTC", market_id: 1, size_decimals: 5, price_decimals: 1, min_base_amount: "0.00010", status: "inactive" }),
      detail({ ...SOL_D, market_config: { ...ETH_D.market_config, force_reduce_only: true } }),
    ]);
    expect(catalog.entryRefusal("ETH")).toBeNull();
    expect(catalog.entryRefusal("btc")).toBe("the Lighter market BTC is inactive");
    expect(catalog.bySymbolName("SOL")?.status).toBe("reduce_only");
    expect(catalog.entryRefusal("SOL")).toBe("the Lighter market SOL is reduce-only: positions can be closed, not opened");
    expect(catalog.entryRefusal("DOGE")).toBe("unknown Lighter market DOGE");
  });

  it("an inactive market is inactive even when also flagged reduce-only", () => {
    const catalog = new MarketCatalog([detail({ status: "inactive", market_config: { ...ETH_D.market_config, force_reduce_only: true } })]);
    expect(catalog.bySymbolName("ETH")?.status).toBe("inactive");
  });
});
