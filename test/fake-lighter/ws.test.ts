import { afterEach, describe, expect, it } from "vitest";
import type { FakeLighter } from "./server.js";
import { ACCOUNT, authToken, createOrderInfo, sendTx, startFunded, WsReader } from "./test-client.js";

let fake: FakeLighter;
let clock: { t: number };
const readers: WsReader[] = [];

async function open(options: Parameters<typeof startFunded>[0] = {}): Promise<WsReader> {
  ({ fake, clock } = await startFunded(options));
  return connect();
}

async function connect(): Promise<WsReader> {
  const r = await WsReader.open(fake.wsUrl);
  readers.push(r);
  return r;
}

afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await fake.close();
});

type Book = { asks: { price: string; size: string }[]; bids: { price: string; size: string }[]; nonce: number; begin_nonce: number; offset: number; code: number };

describe("order_book channel", () => {
  it("sends a snapshot, then diffs whose begin_nonce is the previous nonce; zero size deletes a level", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 100]], [[301_000, 50]]);
    ws.send({ type: "subscribe", channel: "order_book/0" });
    const snap = await ws.next((f) => f.type === "subscribed/order_book");
    expect(snap.channel).toBe("order_book:0");
    expect(typeof snap.timestamp).toBe("number");
    expect(typeof snap.last_updated_at).toBe("number");
    const book = snap.order_book as Book;
    expect(book).toMatchObject({ code: 0, begin_nonce: 0, asks: [{ price: "3010.00", size: "0.0050" }], bids: [{ price: "2990.00", size: "0.0100" }] });
    expect(book.offset).toBe(snap.offset);

    fake.setBook(0, [[299_500, 200]], [[301_000, 70]]);
    const u1 = await ws.next((f) => f.type === "update/order_book");
    const d1 = u1.order_book as Book;
    expect(d1.begin_nonce).toBe(book.nonce);
    expect(d1.nonce).toBeGreaterThan(book.nonce);
    expect(d1.asks).toEqual([{ price: "3010.00", size: "0.0070" }]);
    expect(d1.bids).toEqual([
      { price: "2995.00", size: "0.0200" },
      { price: "2990.00", size: "0.0000" },
    ]);

    // A fill is a diff too, and the chain stays continuous.
    expect((await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 50, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 1, attributes: null }))).body.code).toBe(200);
    const u2 = await ws.next((f) => f.type === "update/order_book", 2000, ws.frames.indexOf(u1) + 1);
    expect((u2.order_book as Book).begin_nonce).toBe(d1.nonce);
    expect((u2.order_book as Book).asks).toEqual([{ price: "3010.00", size: "0.0020" }]);
  });

  it("shows a nonce gap when the fault drops a diff", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 100]], [[301_000, 100]]);
    ws.send({ type: "subscribe", channel: "order_book/0" });
    const snap = await ws.next((f) => f.type === "subscribed/order_book");
    fake.faults.orderBookGap(0);
    fake.setBook(0, [[299_000, 200]], [[301_000, 100]]);
    fake.setBook(0, [[299_000, 300]], [[301_000, 100]]);
    const u = await ws.next((f) => f.type === "update/order_book");
    expect(ws.all((f) => f.type === "update/order_book")).toHaveLength(1);
    expect((u.order_book as Book).begin_nonce).not.toBe((snap.order_book as Book).nonce);
    expect((u.order_book as Book).bids).toEqual([{ price: "2990.00", size: "0.0300" }]);
  });
});

describe("protocol frames", () => {
  it("greets with a session id and answers ping, bad JSON, bad types, bad channels, duplicates and unsubscribes", async () => {
    const ws = await open();
    expect(ws.frames[0]).toMatchObject({ type: "connected" });
    expect(ws.frames[0]!.session_id).toMatch(/^[0-9a-f-]{36}$/);
    ws.send({ type: "ping" });
    await ws.next((f) => f.type === "pong");
    ws.ws.send("not json at all");
    await ws.next((f) => (f.error as { code?: number })?.code === 30000);
    ws.send({ type: "nonsense" });
    expect(await ws.next((f) => (f.error as { code?: number })?.code === 30001)).toEqual({ error: { code: 30001, message: "Invalid Type" } });
    ws.send({ type: "subscribe", channel: "not_a_channel/0" });
    expect(await ws.next((f) => (f.error as { code?: number })?.code === 30005)).toEqual({ error: { code: 30005, message: "Invalid Channel" } });
    ws.send({ type: "subscribe", channel: "trade/1" });
    await ws.next((f) => f.type === "subscribed/trade");
    ws.send({ type: "subscribe", channel: "trade/1" });
    expect(await ws.next((f) => (f.error as { code?: number })?.code === 30003)).toEqual({ error: { code: 30003, message: "Already Subscribed to : trade:1" } });
    ws.send({ type: "unsubscribe", channel: "trade/1" });
    expect(await ws.next((f) => f.type === "unsubscribed")).toEqual({ type: "unsubscribed", channel: "trade:1" });
    ws.send({ type: "unsubscribe", channel: "trade/1" });
    expect(await ws.next((f) => (f.error as { code?: number })?.code === 30002)).toEqual({ error: { code: 30002, message: "Not Subscribed to : trade:1" } });
  });

  it("closes an idle socket with 1000 unless the client keeps talking", async () => {
    const quiet = await open({ idleTimeoutMs: 300 });
    const chatty = await connect();
    const keepAlive = setInterval(() => chatty.send({ type: "pong" }), 100);
    try {
      expect((await quiet.waitClosed(2000)).code).toBe(1000);
      expect(chatty.closed).toBeUndefined();
    } finally {
      clearInterval(keepAlive);
    }
  });

  it("drops every socket on dropWebSockets()", async () => {
    const a = await open();
    const b = await connect();
    fake.dropWebSockets();
    expect((await a.waitClosed()).code).toBe(1006);
    expect((await b.waitClosed()).code).toBe(1006);
    // New connections still work.
    await connect();
  });

  it("takes jsonapi/sendtx and echoes the id, also on refusal", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 100]], [[301_000, 100]]);
    const info = createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce: 1, clientOrderIndex: 9 });
    ws.send({ type: "jsonapi/sendtx", data: { id: "req-1", tx_type: 14, tx_info: JSON.parse(info) as object } });
    const ok = await ws.next((f) => f.id === "req-1");
    expect(ok).toMatchObject({ code: 200, type: "jsonapi/sendtx" });
    expect(ok.tx_hash).toMatch(/^[0-9a-f]{80}$/);
    ws.send({ type: "jsonapi/sendtx", data: { id: "req-2", tx_type: 14, tx_info: info } });
    expect(await ws.next((f) => f.id === "req-2")).toMatchObject({ error: { code: 21120 }, id: "req-2" });
  });
});

describe("market channels", () => {
  it("publishes trades and market stats", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 100]], [[301_000, 100]]);
    ws.send({ type: "subscribe", channel: "trade/0" });
    ws.send({ type: "subscribe", channel: "market_stats/all" });
    await ws.next((f) => f.type === "subscribed/trade");
    const stats = await ws.next((f) => f.type === "subscribed/market_stats");
    expect(stats.channel).toBe("market_stats:all");
    expect((stats.market_stats as Record<string, { mark_price: string }>)["0"]!.mark_price).toBe("3000.00");
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 1 }));
    const trade = await ws.next((f) => f.type === "update/trade");
    expect(trade).toMatchObject({ channel: "trade:0", liquidation_trades: [] });
    expect((trade.trades as { price: string; size: string; is_maker_ask: boolean; timestamp: number }[])[0]).toMatchObject({
      price: "3010.00",
      size: "0.0100",
      is_maker_ask: true,
      timestamp: clock.t,
    });
    fake.setMarkPrice(0, 305_000);
    const update = await ws.next((f) => f.type === "update/market_stats" && (f.market_stats as Record<string, { mark_price: string }>)["0"]?.mark_price === "3050.00");
    expect(update.channel).toBe("market_stats:all");
  });

  it("writes funding rates in percent per hour, the coming one apart from the last settled, with the frame's time", async () => {
    const ws = await open();
    ws.send({ type: "subscribe", channel: "market_stats/0" });
    const first = await ws.next((f) => f.type === "subscribed/market_stats");
    expect(first).toMatchObject({ channel: "market_stats:0", timestamp: clock.t, market_stats: { market_id: 0, current_funding_rate: "0.0000", funding_rate: "0.0000" } });
    fake.setFundingRate(0, "0.000012");
    const set = await ws.next((f) => f.type === "update/market_stats");
    expect(set.market_stats).toMatchObject({ current_funding_rate: "0.0012", funding_rate: "0.0000" });
    const seen = ws.frames.length;
    fake.payFunding(0, "-0.0001");
    const paid = await ws.next((f) => f.type === "update/market_stats", 2000, seen);
    expect(paid.market_stats).toMatchObject({ current_funding_rate: "0.0012", funding_rate: "-0.0100", funding_timestamp: clock.t });
    const bad = ws.frames.length;
    fake.faults.malformedMarketStats(0);
    fake.setFundingRate(0, "0.00002");
    const malformed = await ws.next((f) => f.type === "update/market_stats", 2000, bad);
    expect((malformed.market_stats as { current_funding_rate: unknown }).current_funding_rate).toBe(0.0012);
  });
});

describe("account channels", () => {
  it("refuses private channels without auth or with a bad token", async () => {
    const ws = await open();
    ws.send({ type: "subscribe", channel: `account_all_orders/${ACCOUNT}` });
    expect(await ws.next((f) => f.error !== undefined)).toEqual({ error: { code: 20001, message: `invalid param : auth field is required: account_all_orders:${ACCOUNT}` } });
    ws.send({ type: "subscribe", channel: `account_tx/${ACCOUNT}`, auth: authToken(clock.t, ACCOUNT, 3, -5) });
    expect(await ws.next((f) => (f.error as { code?: number })?.code === 20013)).toEqual({ error: { code: 20013, message: `invalid auth: invalid deadline: account_tx:${ACCOUNT}` } });
    ws.send({ type: "subscribe", channel: `account_all_orders/${ACCOUNT}`, auth: authToken(clock.t) });
    await ws.next((f) => f.type === "subscribed/account_all_orders");
  });

  it("pushes order, trade, position and tx updates after a fill", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    const auth = authToken(clock.t);
    for (const family of ["account_all_orders", "account_all_trades", "account_all_positions", "account_tx"]) ws.send({ type: "subscribe", channel: `${family}/${ACCOUNT}`, auth });
    ws.send({ type: "subscribe", channel: `account_all/${ACCOUNT}` });
    for (const family of ["account_all_orders", "account_all_trades", "account_all_positions", "account_tx", "account_all"]) await ws.next((f) => f.type === `subscribed/${family}`);

    const sent = await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 250, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 42 }));
    const orders = await ws.next((f) => f.type === "update/account_all_orders");
    expect(orders.channel).toBe(`account_all_orders:${ACCOUNT}`);
    expect((orders.orders as Record<string, { client_order_index: number; status: string; filled_base_amount: string }[]>)["0"]).toEqual([
      expect.objectContaining({ client_order_index: 42, status: "filled", filled_base_amount: "0.0250" }),
    ]);
    const trades = await ws.next((f) => f.type === "update/account_all_trades");
    expect((trades.trades as Record<string, { bid_client_id: number; tx_hash: string }[]>)["0"]![0]).toMatchObject({ bid_client_id: 42, tx_hash: sent.body.tx_hash });
    const positions = await ws.next((f) => f.type === "update/account_all_positions");
    expect((positions.positions as Record<string, object>)["0"]).toMatchObject({ market_id: 0, symbol: "ETH", sign: 1, position: "0.0250", avg_entry_price: "3010.00" });
    const txs = await ws.next((f) => f.type === "update/account_tx");
    expect((txs.txs as { hash: string; status: number }[])[0]).toMatchObject({ hash: sent.body.tx_hash, status: 2 });
    const all = ws.all((f) => f.type === "update/account_all");
    expect(all[0]).toMatchObject({ assets: null, positions: {}, account: ACCOUNT });
    expect(Object.keys(all[0]!.trades as object)).toEqual(["0"]);
    expect(all[1]).toMatchObject({ trades: {}, positions: { "0": { position: "0.0250" } } });
  });

  it("delays account updates by the injected delay, and carries funding on account_all", async () => {
    const ws = await open();
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 1 }));
    ws.send({ type: "subscribe", channel: `account_all/${ACCOUNT}` });
    await ws.next((f) => f.type === "subscribed/account_all");
    fake.faults.accountUpdateDelayMs = 300;
    const started = Date.now();
    fake.payFunding(0, "0.0001");
    const update = await ws.next((f) => f.type === "update/account_all");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((update.funding_histories as Record<string, { change: string; position_side: string }[]>)["0"]![0]).toMatchObject({ change: "-0.003000", position_side: "long" });
  });
});
