import { AssetType, ClobClient, OrderType, Side, type OrderResponse } from "@polymarket/clob-client-v2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MARKETS } from "./markets.js";
import { startFakeClob, type FakeClob } from "./server.js";
import { newTrader, walletFor } from "./test-client.js";

/**
 * The fake CLOB driven by the real @polymarket/clob-client-v2: every request here is built,
 * signed and parsed by the SDK the Polymarket adapter uses.
 */

const PLAIN = DEFAULT_MARKETS[0]!;
const YES = PLAIN.tokens[0]!.tokenId;
const NEG_RISK = DEFAULT_MARKETS[1]!;
const NR_YES = NEG_RISK.tokens[0]!.tokenId;

let fake: FakeClob;
beforeEach(async () => {
  fake = await startFakeClob({ tickMs: 0, minedDelayMs: 1_000, confirmedDelayMs: 3_000, heartbeatTimeoutMs: 10_000, pageSize: 2 });
  fake.seedBook(
    YES,
    [
      ["0.40", "100"],
      ["0.39", "100"],
    ],
    [
      ["0.50", "10"],
      ["0.52", "20"],
    ],
  );
});
afterEach(() => fake.close());

const errorOf = (r: unknown): string | undefined => (r as { error?: string }).error;

describe("API keys (L1)", () => {
  it("creates a key once, derives the same key, and refuses a second create", async () => {
    const wallet = walletFor();
    const client = new ClobClient({ host: fake.url, chain: 137, signer: wallet });
    const created = await client.createApiKey();
    expect(created.key).toMatch(/^[0-9a-f-]{36}$/);
    const derived = await client.deriveApiKey();
    expect(derived).toEqual(created);
    expect(await client.createOrDeriveApiKey()).toEqual(created);
    const again = (await client.createApiKey()) as unknown as { key?: string };
    expect(again.key).toBeUndefined();
  });

  it("answers 401 to an L2 request signed with the wrong secret", async () => {
    const t = await newTrader(fake);
    const forged = new ClobClient({ host: fake.url, chain: 137, signer: t.wallet, creds: { ...t.creds, secret: Buffer.alloc(32, 7).toString("base64url") } });
    expect(await forged.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toEqual({ error: "Unauthorized/Invalid api key", status: 401 });
    expect(await t.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toMatchObject({ balance: "1000000000" });
  });
});

describe("limit orders", () => {
  it("rests a GTC bid, shows it, and cancels it", async () => {
    const t = await newTrader(fake);
    const r = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    expect(r).toMatchObject({ success: true, errorMsg: "", status: "live", takingAmount: "", makingAmount: "" });
    expect(r.orderID).toMatch(/^0x[0-9a-f]{64}$/);
    const order = await t.client.getOrder(r.orderID);
    expect(order).toMatchObject({ id: r.orderID, status: "LIVE", original_size: "10", size_matched: "0", price: "0.45", side: "BUY", order_type: "GTC" });
    expect((await t.client.getOpenOrders()).map((o) => o.id)).toEqual([r.orderID]);
    const book = await t.client.getOrderBook(YES);
    expect(book.bids[book.bids.length - 1]).toEqual({ price: "0.45", size: "10" });
    // $4.50 of the $1000 is reserved by the bid: a second bid for the rest is refused.
    const tooBig = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 2213, side: Side.BUY });
    expect(errorOf(tooBig)).toBe("not enough balance / allowance");

    expect(await t.client.cancelOrder({ orderID: r.orderID })).toEqual({ canceled: [r.orderID], not_canceled: {} });
    expect((await t.client.getOrder(r.orderID)).status).toBe("CANCELED");
    expect(await t.client.getOpenOrders()).toEqual([]);
  });

  it("fills a crossing GTC at the makers' prices, rests the rest, and reports the trades", async () => {
    const t = await newTrader(fake);
    const r = await t.client.createAndPostOrder({ tokenID: YES, price: 0.52, size: 40, side: Side.BUY });
    // 10 @ 0.50 + 20 @ 0.52 = $15.40 for 30 shares; 10 rest at 0.52.
    expect(r).toMatchObject({ success: true, status: "matched", makingAmount: "15.4", takingAmount: "30" });
    expect(r.tradeIDs).toHaveLength(2);
    expect(r.transactionsHashes).toHaveLength(2);
    const order = await t.client.getOrder(r.orderID);
    expect(order).toMatchObject({ status: "LIVE", original_size: "40", size_matched: "30" });
    const trades = await t.client.getTrades();
    expect(trades.map((x) => [x.price, x.size, x.trader_side, x.status]).sort()).toEqual([
      ["0.5", "10", "TAKER", "MATCHED"],
      ["0.52", "20", "TAKER", "MATCHED"],
    ]);
    // pUSD: 1000 − 15.40 spent; the 10 resting at 0.52 are reserved, not spent.
    expect(await t.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL })).toMatchObject({ balance: "984600000" });
  });

  it("rejects an off-tick price and an order under the minimum size with Polymarket's messages", async () => {
    const t = await newTrader(fake);
    // The client learns a 0.001 tick, the market goes back to 0.01 before the order arrives.
    fake.setTickSize(PLAIN.conditionId, "0.001");
    const order = await t.client.createOrder({ tokenID: YES, price: 0.453, size: 10, side: Side.BUY });
    fake.setTickSize(PLAIN.conditionId, "0.01");
    const offTick = await t.client.postOrder(order);
    expect(errorOf(offTick)).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Price \(0\.453\) breaks minimum tick size rule: 0\.01$/);

    const small = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 2, side: Side.BUY });
    expect(errorOf(small)).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Size \(2\) lower than the minimum: 5$/);
    expect((small as unknown as { status: number }).status).toBe(400);
  });

  it("rests a GTD order until a minute before its expiration and refuses one inside the threshold", async () => {
    const t = await newTrader(fake);
    const nowS = Math.floor(fake.exchange.now() / 1000);
    const r = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY, expiration: nowS + 60 + 30 }, undefined, OrderType.GTD);
    expect(r.status).toBe("live");
    fake.advance(29_000);
    expect((await t.client.getOrder(r.orderID)).status).toBe("LIVE");
    fake.advance(2_000);
    expect((await t.client.getOrder(r.orderID)).status).toBe("CANCELED");

    const late = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY, expiration: nowS + 30 }, undefined, OrderType.GTD);
    expect(errorOf(late)).toBe("invalid expiration");
  });

  it("refuses a post-only order that would cross and rests one that does not", async () => {
    const t = await newTrader(fake);
    const cross = await t.client.createAndPostOrder({ tokenID: YES, price: 0.5, size: 10, side: Side.BUY }, undefined, OrderType.GTC, true);
    expect(errorOf(cross)).toBe("invalid post-only order: order crosses book");
    const rest = await t.client.createAndPostOrder({ tokenID: YES, price: 0.49, size: 10, side: Side.BUY }, undefined, OrderType.GTC, true);
    expect(rest.status).toBe("live");
  });
});

describe("market orders (FOK / FAK)", () => {
  it("FOK BUY spends dollars up to the explicit worst price, all or nothing", async () => {
    const t = await newTrader(fake);
    // $10.20 at worst 0.52: 10 @ 0.50 ($5) then 10 @ 0.52 ($5.20).
    const r = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 10.2, side: Side.BUY, price: 0.52 }, undefined, OrderType.FOK);
    expect(r).toMatchObject({ success: true, status: "matched", makingAmount: "10.2", takingAmount: "20" });
    // Worst price 0.50 caps it at the 10 shares there: the FOK is killed.
    const capped = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 10, side: Side.BUY, price: 0.5 }, undefined, OrderType.FOK);
    expect(errorOf(capped)).toBe("order couldn't be fully filled. FOK orders are fully filled or killed.");
  });

  it("FAK fills what it can and kills the rest; with nothing to match it is refused", async () => {
    const t = await newTrader(fake);
    fake.mint(t.address, YES, "300");
    const r = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 250, side: Side.SELL, price: 0.39 }, undefined, OrderType.FAK);
    // Sells 100 @ 0.40 + 100 @ 0.39; 50 shares are killed.
    expect(r).toMatchObject({ success: true, status: "matched", makingAmount: "200", takingAmount: "79" });
    expect((await t.client.getOrder(r.orderID)).status).toBe("MATCHED");
    const none = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 10, side: Side.SELL, price: 0.39 }, undefined, OrderType.FAK);
    expect(errorOf(none)).toBe("no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.");
  });

  it("refuses a marketable BUY under $1", async () => {
    const t = await newTrader(fake);
    const r = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 0.5, side: Side.BUY, price: 0.52 }, undefined, OrderType.FAK);
    expect(errorOf(r)).toBe("invalid amount for a marketable BUY order ($0.5), min size: $1");
  });
});

describe("settlement lag", () => {
  it("a sell right after a buy fails until the trade is mined and the client refreshed its balance", async () => {
    const t = await newTrader(fake);
    const buy = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 5, side: Side.BUY, price: 0.5 }, undefined, OrderType.FOK);
    expect(buy.takingAmount).toBe("10");
    const sell = () => t.client.createAndPostMarketOrder({ tokenID: YES, amount: 10, side: Side.SELL, price: 0.4 }, undefined, OrderType.FOK);
    expect(errorOf(await sell())).toBe("not enough balance / allowance");
    fake.advance(1_000); // mined: the shares are on chain, the CLOB has not looked
    expect(errorOf(await sell())).toBe("not enough balance / allowance");
    const params = { asset_type: AssetType.CONDITIONAL, token_id: YES };
    expect(await t.client.getBalanceAllowance(params)).toMatchObject({ balance: "0" });
    await t.client.updateBalanceAllowance(params);
    expect(await t.client.getBalanceAllowance(params)).toMatchObject({ balance: "10000000" });
    expect(await sell()).toMatchObject({ success: true, makingAmount: "10", takingAmount: "4" });
  });
});

describe("batch orders", () => {
  it("posts a batch with one answer per order, a refused one carrying its message", async () => {
    const t = await newTrader(fake);
    const ok = await t.client.createOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    const small = await t.client.createOrder({ tokenID: YES, price: 0.44, size: 1, side: Side.BUY });
    const taking = await t.client.createOrder({ tokenID: YES, price: 0.5, size: 10, side: Side.BUY });
    const answers = await t.client.postOrders([
      { order: ok, orderType: OrderType.GTC },
      { order: small, orderType: OrderType.GTC },
      { order: taking, orderType: OrderType.GTC },
    ]);
    expect(answers.map((a) => [a.success, a.status])).toEqual([
      [true, "live"],
      [false, ""],
      [true, "matched"],
    ]);
    expect(answers[1]!.errorMsg).toMatch(/Size \(1\) lower than the minimum: 5$/);
    expect(answers[2]).toMatchObject({ makingAmount: "5", takingAmount: "10" });
  });
});

describe("reads and cancels", () => {
  it("pages trades with the SDK's cursor", async () => {
    const t = await newTrader(fake);
    fake.seedBook(
      YES,
      [],
      [
        ["0.50", "5"],
        ["0.51", "5"],
        ["0.52", "5"],
      ],
    );
    await t.client.createAndPostOrder({ tokenID: YES, price: 0.52, size: 15, side: Side.BUY });
    const first = await t.client.getTradesPaginated();
    expect(first.trades).toHaveLength(2);
    expect(first.next_cursor).not.toBe("LTE=");
    const second = await t.client.getTradesPaginated(undefined, first.next_cursor);
    expect(second.trades).toHaveLength(1);
    expect(second.next_cursor).toBe("LTE=");
    expect((await t.client.getTrades()).map((x) => x.price).sort()).toEqual(["0.5", "0.51", "0.52"]);
  });

  it("cancels a batch, a market's orders and all orders", async () => {
    const t = await newTrader(fake);
    const ids: string[] = [];
    for (const price of [0.41, 0.42, 0.43, 0.44]) ids.push((await t.client.createAndPostOrder({ tokenID: YES, price, size: 5, side: Side.BUY })).orderID);
    const nr = await t.client.createAndPostOrder({ tokenID: NR_YES, price: 0.3, size: 5, side: Side.BUY });
    expect(nr.status).toBe("live");
    expect(await t.client.cancelOrders([ids[0]!, "0xdead"])).toEqual({ canceled: [ids[0]], not_canceled: { "0xdead": "order not found" } });
    expect((await t.client.cancelMarketOrders({ asset_id: YES })).canceled).toEqual(ids.slice(1));
    expect((await t.client.cancelAll()).canceled).toEqual([nr.orderID]);
  });
});

describe("signatures and versions", () => {
  it("answers order_version_mismatch to a V1 order", async () => {
    const t = await newTrader(fake);
    const v1 = await t.client.createOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY }, { tickSize: "0.01", negRisk: false, version: 1 });
    expect(await t.client.postOrder(v1)).toEqual({ error: "order_version_mismatch", status: 400 });
  });

  it("refuses a tampered order, and one signed for the wrong exchange", async () => {
    const t = await newTrader(fake);
    const order = await t.client.createOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    const tampered = { ...order, makerAmount: (BigInt(order.makerAmount) / 2n).toString() };
    expect(errorOf(await t.client.postOrder(tampered))).toBe("invalid signature");
    const wrongExchange = await t.client.createOrder({ tokenID: NR_YES, price: 0.3, size: 10, side: Side.BUY }, { tickSize: "0.001", negRisk: false });
    expect(errorOf(await t.client.postOrder(wrongExchange))).toBe("invalid signature");
    const right = await t.client.createOrder({ tokenID: NR_YES, price: 0.3, size: 10, side: Side.BUY });
    expect((await t.client.postOrder(right)).status).toBe("live");
  });
});

describe("heartbeats", () => {
  it("cancels every open order of a user whose heartbeats stop", async () => {
    const t = await newTrader(fake);
    const r = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    const hb = await t.client.postHeartbeat();
    expect(hb.heartbeat_id).toMatch(/^[0-9a-f-]{36}$/);
    fake.advance(8_000);
    await t.client.postHeartbeat(hb.heartbeat_id);
    fake.advance(8_000);
    expect((await t.client.getOrder(r.orderID)).status).toBe("LIVE");
    fake.advance(3_000);
    expect((await t.client.getOrder(r.orderID)).status).toBe("CANCELED");
  });
});

describe("faults", () => {
  it("executes an order whose answer is lost; re-posting the same signed order says it is a duplicate", async () => {
    const t = await newTrader(fake);
    const order = await t.client.createOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    fake.dropNextOrderResponses();
    const lost = (await t.client.postOrder(order)) as unknown as { error?: string };
    expect(lost.error).toBeDefined();
    expect((await t.client.getOpenOrders()).map((o) => o.price)).toEqual(["0.45"]);
    const again: OrderResponse = await t.client.postOrder(order);
    expect(errorOf(again)).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Duplicated\.$/);
  });

  it("answers 429 and 5xx on the next requests, then recovers", async () => {
    const t = await newTrader(fake);
    fake.failNext({ status: 429, count: 1, path: "/book" });
    fake.failNext({ status: 503, count: 1 });
    expect(await t.client.getOrderBook(YES)).toEqual({ error: "Too Many Requests", status: 429 });
    expect(await t.client.getOrderBook(YES)).toEqual({ error: "Trading is currently disabled. Check polymarket.com for updates", status: 503 });
    expect((await t.client.getOrderBook(YES)).asks).toHaveLength(2);
  });

  it("holds an answer back when told to: a later request overtakes it", async () => {
    const t = await newTrader(fake);
    fake.delayNext({ ms: 200, count: 1, path: "/book" });
    const finished: string[] = [];
    const delayed = t.client.getOrderBook(YES).then((b) => finished.push(`book ${b.asks.length} asks`));
    await t.client.getMidpoint(YES).then((m: { mid: string }) => finished.push(`mid ${m.mid}`));
    await delayed;
    expect(finished).toEqual(["mid 0.45", "book 2 asks"]);
  });

  it("refuses orders on a market not accepting them and closes a resolved market", async () => {
    const t = await newTrader(fake);
    const resting = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    fake.setAcceptingOrders(PLAIN.conditionId, false);
    expect(errorOf(await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY }))).toBe("the market is not yet ready to process new orders");
    fake.resolveMarket(PLAIN.conditionId, "Yes");
    expect((await t.client.getOrder(resting.orderID)).status).toBe("CANCELED");
    const market = await t.client.getMarket(PLAIN.conditionId);
    expect(market).toMatchObject({ closed: true, accepting_orders: false });
    expect(market.tokens.map((x: { outcome: string; winner: boolean }) => [x.outcome, x.winner])).toEqual([
      ["Yes", true],
      ["No", false],
    ]);
  });
});
