import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Order } from "../../src/venues/lighter/openapi.js";
import type { FakeLighter } from "./server.js";
import { ACCOUNT, authToken, cancelAllInfo, cancelInfo, createOrderInfo, get, modifyInfo, sendTx, startFunded, type OrderFields } from "./test-client.js";

let fake: FakeLighter;
let clock: { t: number };
let nonce: number;

async function start(options: Parameters<typeof startFunded>[0] = {}) {
  ({ fake, clock } = await startFunded(options));
  nonce = 1;
}

async function send(txType: number, info: (n: number) => string): Promise<Record<string, unknown>> {
  const a = await sendTx(fake, txType, info(nonce));
  if (a.body.code === 200) nonce += 1;
  return a.body;
}

const place = (f: Omit<OrderFields, "nonce">) => send(14, (n) => createOrderInfo(clock.t, { ...f, nonce: n }));
const order = (clientOrderIndex: number): Order => fake.orders(ACCOUNT).find((o) => o.client_order_index === clientOrderIndex)!;
const position = (marketId = 0) => fake.account(ACCOUNT)!.positions.find((p) => p.market_id === marketId);

afterEach(() => fake.close());

describe("market orders: Price is a limit on the average execution price", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(
      0,
      [[299_000, 1_000]],
      [
        [300_000, 100],
        [302_000, 100],
        [310_000, 1_000],
      ],
    );
  });

  it("fills past the limit price while the average stays within it, then cancels the rest as too much slippage", async () => {
    expect((await place({ clientOrderIndex: 1, baseAmount: 1_000, price: 302_000, type: 1, timeInForce: 0 })).code).toBe(200);
    const o = order(1);
    // 100 @ 3000.00 + 100 @ 3020.00 + 25 @ 3100.00 = 67.95 USDC for 0.0225 ETH: an average of exactly 3020.00.
    expect(o).toMatchObject({
      type: "market",
      time_in_force: "immediate-or-cancel",
      status: "canceled-too-much-slippage",
      filled_base_amount: "0.0225",
      filled_quote_amount: "67.950000",
      price: "3020.00",
    });
    expect(position()).toMatchObject({ sign: 1, position: "0.0225", avg_entry_price: "3020.00" });
    const trades = fake.trades(ACCOUNT);
    expect(trades.map((t) => [t.price, t.size])).toEqual([
      ["3000.00", "0.0100"],
      ["3020.00", "0.0100"],
      ["3100.00", "0.0025"],
    ]);
    // The taker bought: the maker was the ask.
    expect(trades.every((t) => t.is_maker_ask && t.bid_account_id === ACCOUNT && t.bid_client_id === 1)).toBe(true);
  });

  it("cancels the rest as not enough liquidity when the book runs out first", async () => {
    await place({ clientOrderIndex: 2, baseAmount: 5_000, price: 400_000, type: 1, timeInForce: 0 });
    expect(order(2)).toMatchObject({ status: "canceled-not-enough-liquidity", filled_base_amount: "0.1200", remaining_base_amount: "0.0000" });
  });

  it("does not trade at all when the best price is already worse than the limit", async () => {
    await place({ clientOrderIndex: 3, baseAmount: 100, price: 299_999, type: 1, timeInForce: 0 });
    expect(order(3)).toMatchObject({ status: "canceled-too-much-slippage", filled_base_amount: "0.0000" });
  });

  it("sells down to the bids with the mirrored rule", async () => {
    await place({ clientOrderIndex: 4, baseAmount: 2_000, price: 290_000, isAsk: true, type: 1, timeInForce: 0 });
    expect(order(4)).toMatchObject({ status: "canceled-not-enough-liquidity", filled_base_amount: "0.1000" });
    expect(position()).toMatchObject({ sign: -1, position: "0.1000", avg_entry_price: "2990.00" });
  });
});

describe("limit order time in force", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(0, [[299_000, 100]], [[301_000, 100]]);
  });

  it("cancels a crossing post-only order and rests a passive one", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 301_000, timeInForce: 2 });
    expect(order(1).status).toBe("canceled-post-only");
    await place({ clientOrderIndex: 2, baseAmount: 100, price: 300_000, timeInForce: 2 });
    expect(order(2)).toMatchObject({ status: "open", time_in_force: "post-only" });
    expect(fake.trades(ACCOUNT)).toHaveLength(0);
  });

  it("fills an IOC limit as far as its price reaches and cancels the rest", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 300, price: 305_000, timeInForce: 0 });
    expect(order(1)).toMatchObject({ status: "canceled", filled_base_amount: "0.0100", remaining_base_amount: "0.0000" });
  });

  it("rests the unfilled part of a GTT order and expires it when the clock passes its expiry", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 300, price: 301_000, orderExpiry: clock.t + 10 * 60_000 });
    expect(order(1)).toMatchObject({ status: "open", filled_base_amount: "0.0100", remaining_base_amount: "0.0200" });
    const book = await get(fake, "/api/v1/orderBookOrders?market_id=0&limit=10");
    expect((book.body.bids as { price: string; remaining_base_amount: string }[])[0]).toMatchObject({ price: "3010.00", remaining_base_amount: "0.0200", owner_account_index: ACCOUNT });
    fake.advance(10 * 60_000 - 1);
    expect(order(1).status).toBe("open");
    fake.advance(1);
    expect(order(1).status).toBe("canceled-expired");
    const inactive = await get(fake, `/api/v1/accountInactiveOrders?account_index=${ACCOUNT}&limit=10`, authToken(clock.t));
    expect((inactive.body.orders as Order[]).map((o) => o.status)).toEqual(["canceled-expired"]);
  });
});

describe("reduce-only", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
  });

  it("is canceled when there is no position to reduce", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 290_000, isAsk: true, reduceOnly: true, timeInForce: 0 });
    expect(order(1)).toMatchObject({ status: "canceled-reduce-only", filled_base_amount: "0.0000" });
  });

  it("is trimmed to the position", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 301_000, timeInForce: 0 });
    await place({ clientOrderIndex: 2, baseAmount: 300, price: 290_000, isAsk: true, reduceOnly: true, timeInForce: 0 });
    expect(order(2)).toMatchObject({ status: "filled", filled_base_amount: "0.0100" });
    expect(position()).toMatchObject({ position: "0.0000", realized_pnl: "-0.200000" });
  });
});

describe("positions", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
  });

  it("averages entries, realizes PnL on reduction into collateral, and flips through zero", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 301_000, timeInForce: 0 });
    fake.setBook(0, [[303_000, 10_000]], [[305_000, 10_000]]);
    await place({ clientOrderIndex: 2, baseAmount: 100, price: 305_000, timeInForce: 0 });
    expect(position()).toMatchObject({ sign: 1, position: "0.0200", avg_entry_price: "3030.00" });
    // Sell 0.03 into a bid of 3060.00.
    fake.setBook(0, [[306_000, 10_000]], [[308_000, 10_000]]);
    await place({ clientOrderIndex: 3, baseAmount: 300, price: 306_000, isAsk: true, timeInForce: 0 });
    // Closed 0.02 bought at 3030.00 average at 3060.00: +0.60 USDC; then short 0.01 at 3060.00.
    expect(position()).toMatchObject({ sign: -1, position: "0.0100", avg_entry_price: "3060.00", realized_pnl: "0.600000" });
    expect(fake.account(ACCOUNT)!.collateral).toBe("10000.600000");
    const flip = fake.trades(ACCOUNT).at(-1)!;
    expect(flip).toMatchObject({ taker_position_size_before: "0.0200", taker_entry_quote_before: "60.600000", taker_position_sign_changed: true, taker_initial_margin_fraction_before: 500 });
    expect(flip.taker_fee).toBeUndefined();
  });

  it("computes unrealized PnL and available balance at the mark", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 1_000, price: 301_000, timeInForce: 0 });
    fake.setMarkPrice(0, 311_000);
    const acct = fake.account(ACCOUNT)!;
    // 0.1 ETH bought at 3010.00, marked at 3110.00.
    expect(acct.positions[0]).toMatchObject({ unrealized_pnl: "10.000000", position_value: "311.000000", initial_margin_fraction: "5.00" });
    // 10000 + 10.00 unrealized − 5% of 311.00.
    expect(acct.available_balance).toBe("9994.450000");
    expect(acct.assets[0]).toMatchObject({ symbol: "USDC", asset_id: 3, balance: "10000.000000" });
  });

  it("charges configured fees per fill and shows them on the trade rows", async () => {
    await fake.close();
    await start({ takerFee: 280, makerFee: 40 });
    fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
    await place({ clientOrderIndex: 1, baseAmount: 1_000, price: 301_000, timeInForce: 0 });
    const t = fake.trades(ACCOUNT)[0]!;
    expect(t).toMatchObject({ taker_fee: 280, maker_fee: 40, usd_amount: "301.000000" });
    // 301.00 × 0.028% = 0.08428.
    expect(fake.account(ACCOUNT)!.collateral).toBe("9999.915720");
  });

  it("pays funding from longs to shorts at the mark and reports it", async () => {
    await place({ clientOrderIndex: 1, baseAmount: 1_000, price: 301_000, timeInForce: 0 });
    fake.setMarkPrice(0, 300_000);
    fake.payFunding(0, "0.0001");
    // 0.1 ETH × 3000.00 × 0.0001 = 0.03 USDC paid.
    expect(fake.account(ACCOUNT)!.collateral).toBe("9999.970000");
    const r = await get(fake, `/api/v1/positionFunding?account_index=${ACCOUNT}&market_id=0&limit=10`, authToken(clock.t));
    expect(r.body.position_fundings).toEqual([
      { timestamp: clock.t, market_id: 0, funding_id: 1, change: "-0.030000", rate: "0.0001", position_size: "0.1000", position_side: "long", discount: "0.000000" },
    ]);
    expect(position()!.total_funding_paid_out).toBe("0.030000");
  });
});

describe("self-trade", () => {
  it("expires the resting maker of the same account and trades on", async () => {
    await start();
    fake.setBook(0, [[299_000, 1_000]], [[305_000, 1_000]]);
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 300_000 });
    await place({ clientOrderIndex: 2, baseAmount: 100, price: 299_000, isAsk: true, timeInForce: 0 });
    expect(order(1).status).toBe("canceled-self-trade");
    expect(order(2)).toMatchObject({ status: "filled" });
    expect(fake.trades(ACCOUNT)[0]).toMatchObject({ price: "2990.00", ask_account_id: ACCOUNT });
  });
});

describe("trigger orders", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 301_000, timeInForce: 0 });
  });

  it("rests a stop-loss untriggered until the mark falls through its trigger, then executes it at market", async () => {
    const body = await place({ clientOrderIndex: 2, baseAmount: 100, price: 280_000, isAsk: true, type: 2, timeInForce: 0, triggerPrice: 295_000, reduceOnly: true, orderExpiry: clock.t + 3_600_000 });
    expect(body.code).toBe(200);
    expect(order(2)).toMatchObject({ type: "stop-loss", status: "pending", trigger_status: "mark-price", trigger_price: "2950.00" });
    fake.setMarkPrice(0, 296_000);
    expect(order(2).status).toBe("pending");
    fake.setMarkPrice(0, 294_000);
    expect(order(2)).toMatchObject({ status: "filled", filled_base_amount: "0.0100", trigger_time: clock.t });
    expect(position()!.position).toBe("0.0000");
  });

  it("fires a take-profit limit as a resting limit order when the mark rises to it", async () => {
    await place({ clientOrderIndex: 3, baseAmount: 100, price: 320_000, isAsk: true, type: 5, timeInForce: 1, triggerPrice: 310_000, reduceOnly: true, orderExpiry: clock.t + 3_600_000 });
    fake.setMarkPrice(0, 309_999);
    expect(order(3).status).toBe("pending");
    fake.setMarkPrice(0, 310_000);
    expect(order(3)).toMatchObject({ type: "take-profit-limit", status: "open", trigger_status: "ready" });
    fake.setBook(0, [[321_000, 1_000]], [[322_000, 1_000]]);
    expect(order(3).status).toBe("filled");
  });
});

describe("cancel, cancel-all, modify", () => {
  beforeEach(async () => {
    await start();
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    await place({ clientOrderIndex: 1, baseAmount: 100, price: 290_000 });
    await place({ clientOrderIndex: 2, baseAmount: 100, price: 291_000 });
  });

  it("cancels by client order index (< 2^48) and by order index (≥ 2^48)", async () => {
    expect((await send(15, (n) => cancelInfo(clock.t, { index: 1, nonce: n }))).code).toBe(200);
    expect(order(1).status).toBe("canceled");
    expect((await send(15, (n) => cancelInfo(clock.t, { index: order(2).order_index, nonce: n }))).code).toBe(200);
    expect(order(2).status).toBe("canceled");
    expect((await send(15, (n) => cancelInfo(clock.t, { index: 1, nonce: n }))).code).toBe(21715);
    expect((await send(15, (n) => cancelInfo(clock.t, { index: 2 ** 48 + 999_999, nonce: n }))).code).toBe(21715);
  });

  it("cancels every order at once (TIF 0, Time 0)", async () => {
    expect((await send(16, (n) => cancelAllInfo(clock.t, { timeInForce: 0, time: 0, nonce: n }))).code).toBe(200);
    expect(fake.orders(ACCOUNT).map((o) => o.status)).toEqual(["canceled", "canceled"]);
    expect((await send(16, (n) => cancelAllInfo(clock.t, { timeInForce: 0, time: 5, nonce: n }))).code).toBe(21714);
  });

  it("schedules a cancel-all (TIF 1) that runs when the clock reaches it", async () => {
    expect((await send(16, (n) => cancelAllInfo(clock.t, { timeInForce: 1, time: clock.t + 6 * 60_000, nonce: n }))).code).toBe(200);
    expect(fake.account(ACCOUNT)!.cancel_all_time).toBe(clock.t + 6 * 60_000);
    fake.advance(6 * 60_000);
    expect(fake.orders(ACCOUNT).map((o) => o.status)).toEqual(["canceled", "canceled"]);
  });

  it("modifies size and price; a crossing new price trades", async () => {
    expect((await send(17, (n) => modifyInfo(clock.t, { index: 1, baseAmount: 60, price: 290_000, nonce: n }))).code).toBe(200);
    expect(order(1)).toMatchObject({ remaining_base_amount: "0.0060", price: "2900.00", status: "open" });
    expect((await send(17, (n) => modifyInfo(clock.t, { index: 2, baseAmount: 100, price: 301_000, nonce: n }))).code).toBe(200);
    expect(order(2)).toMatchObject({ status: "filled", price: "3010.00" });
  });
});

describe("update leverage", () => {
  it("sets the market's initial margin fraction, within the market's minimum", async () => {
    await start();
    fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
    const leverage = (n: number, imf: number, mode = 0) =>
      JSON.stringify({ AccountIndex: ACCOUNT, ApiKeyIndex: 3, MarketIndex: 0, InitialMarginFraction: imf, MarginMode: mode, ExpiredAt: clock.t + 60_000, Nonce: n, Sig: "c2ln" });
    expect((await send(20, (n) => leverage(n, 199))).code).toBe(21501);
    expect((await send(20, (n) => leverage(n, 1000, 2))).code).toBe(21613);
    expect((await send(20, (n) => leverage(n, 1000))).code).toBe(200);
    await place({ clientOrderIndex: 1, baseAmount: 1_000, price: 301_000, timeInForce: 0 });
    expect(position()).toMatchObject({ initial_margin_fraction: "10.00", position: "0.1000" });
    // 10000 − 1.00 unrealized (bought at 3010.00, mid 3000.00) − 10% of 0.1 ETH at 3000.00.
    expect(fake.account(ACCOUNT)!.available_balance).toBe("9969.000000");
  });
});
