import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DetailedAccount, OrderBookDetails, PerpsOrderBookDetail, SimpleOrder, Trade } from "../../src/venues/lighter/openapi.js";
import type { FakeLighter } from "./server.js";
import { ACCOUNT, API_KEY, authToken, createOrderInfo, get, PUBLIC_KEY, sendTx, startFunded } from "./test-client.js";

let fake: FakeLighter;
let clock: { t: number };

beforeEach(async () => {
  ({ fake, clock } = await startFunded({ forceReduceOnlyMarkets: [1] }));
});
afterEach(() => fake.close());

describe("market metadata", () => {
  it("serves the perps fixture with mainnet decimals and minimums", async () => {
    const r = await get(fake, "/api/v1/orderBookDetails?filter=perp");
    const body = r.body as unknown as OrderBookDetails;
    expect(body.code).toBe(200);
    expect(body.spot_order_book_details).toEqual([]);
    const byId = new Map(body.order_book_details.map((d) => [d.market_id, d]));
    expect(byId.get(0)).toMatchObject<Partial<PerpsOrderBookDetail>>({
      symbol: "ETH",
      market_type: "perp",
      status: "active",
      size_decimals: 4,
      price_decimals: 2,
      min_base_amount: "0.0050",
      min_quote_amount: "10.000000",
      taker_fee: "0.0000",
      maker_fee: "0.0000",
      default_initial_margin_fraction: 500,
      min_initial_margin_fraction: 200,
      maintenance_margin_fraction: 120,
      supported_quote_decimals: 6,
    });
    expect(byId.get(1)).toMatchObject({ symbol: "BTC", size_decimals: 5, price_decimals: 1, min_base_amount: "0.00010" });
    expect(byId.get(1)!.market_config.force_reduce_only).toBe(true);
    expect(byId.get(2)).toMatchObject({ symbol: "SOL", size_decimals: 3, price_decimals: 3, min_base_amount: "0.100" });
    const one = await get(fake, "/api/v1/orderBookDetails?market_id=2");
    expect((one.body as unknown as OrderBookDetails).order_book_details.map((d) => d.symbol)).toEqual(["SOL"]);
    expect(await get(fake, "/api/v1/orderBookDetails?market_id=99")).toEqual({ status: 400, body: { code: 20001, message: "invalid param " } });
    const books = await get(fake, "/api/v1/orderBooks");
    expect((books.body.order_books as { symbol: string; multiplier: string }[])[0]).toMatchObject({ symbol: "ETH", multiplier: "1.000000000000000000" });
  });

  it("refuses orders that do not reduce on a force-reduce-only market", async () => {
    const info = createOrderInfo(clock.t, { market: 1, baseAmount: 100, price: 600_000, nonce: 1 });
    expect((await sendTx(fake, 14, info)).body.code).toBe(21605);
  });

  it("answers GET / and /info, and Cloudflare's 403 HTML for unknown paths", async () => {
    expect((await get(fake, "/")).body).toEqual({ status: 1, network_id: 304, timestamp: Math.floor(clock.t / 1000) });
    expect((await get(fake, "/info")).body).toHaveProperty("contract_address");
    const res = await fetch(`${fake.baseUrl}/api/v1/candlesticks`);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
  });
});

describe("order book and trades", () => {
  beforeEach(() => {
    fake.setBook(
      0,
      [[299_000, 100]],
      [
        [301_000, 100],
        [302_000, 200],
      ],
    );
  });

  it("lists individual orders (L3) with padded decimals, asks ascending and bids descending", async () => {
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 60, price: 299_000, nonce: 1, clientOrderIndex: 1 }));
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 70, price: 298_000, nonce: 2, clientOrderIndex: 2 }));
    const r = await get(fake, "/api/v1/orderBookOrders?market_id=0&limit=10");
    const bids = r.body.bids as SimpleOrder[];
    const asks = r.body.asks as SimpleOrder[];
    expect(bids.map((b) => [b.price, b.remaining_base_amount, b.owner_account_index === ACCOUNT])).toEqual([
      ["2990.00", "0.0100", false],
      ["2990.00", "0.0060", true],
      ["2980.00", "0.0070", true],
    ]);
    expect(asks.map((a) => a.price)).toEqual(["3010.00", "3020.00"]);
    expect(r.body).toMatchObject({ code: 200, total_bids: 3, total_asks: 2 });
    expect(bids[0]!.order_id).toBe(String(bids[0]!.order_index));
    expect((await get(fake, "/api/v1/orderBookOrders?market_id=0&limit=1")).body.total_bids).toBe(1);
    expect((await get(fake, "/api/v1/orderBookOrders?market_id=0&limit=251")).body.code).toBe(20001);
    expect((await get(fake, "/api/v1/orderBookOrders?market_id=0")).body).toEqual({ code: 20001, message: 'invalid param: : field "limit" is not set' });
  });

  it("serves recent trades newest first, and account trades behind auth", async () => {
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 150, price: 302_000, timeInForce: 0, nonce: 1, clientOrderIndex: 5 }));
    const recent = (await get(fake, "/api/v1/recentTrades?market_id=0&limit=10")).body.trades as Trade[];
    expect(recent.map((t) => [t.price, t.size])).toEqual([
      ["3020.00", "0.0050"],
      ["3010.00", "0.0100"],
    ]);
    expect(recent[0]).toMatchObject({ type: "trade", usd_amount: "15.100000", bid_account_id: ACCOUNT, bid_client_id: 5, is_maker_ask: true });
    expect(recent[0]!.trade_id_str).toBe(String(recent[0]!.trade_id));
    expect(recent[0]!.tx_hash).toMatch(/^[0-9a-f]{80}$/);
    const path = `/api/v1/trades?sort_by=trade_id&limit=1&account_index=${ACCOUNT}`;
    expect((await get(fake, path)).body.code).toBe(20001);
    const mine = await get(fake, path, authToken(clock.t));
    expect(mine.body).toMatchObject({ code: 200, next_cursor: "1" });
    expect((mine.body.trades as Trade[]).map((t) => t.price)).toEqual(["3020.00"]);
    const next = await get(fake, `${path}&cursor=1`, authToken(clock.t));
    expect((next.body.trades as Trade[]).map((t) => t.price)).toEqual(["3010.00"]);
    expect(next.body.next_cursor).toBeUndefined();
  });
});

describe("accounts", () => {
  it("serves the account with collateral, positions (sign + unsigned size) and the USDC asset", async () => {
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 299_000, isAsk: true, timeInForce: 0, nonce: 1, clientOrderIndex: 1 }));
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 280_000, nonce: 2, clientOrderIndex: 2 }));
    const r = await get(fake, `/api/v1/account?by=index&value=${ACCOUNT}`);
    expect(r.body).toMatchObject({ code: 200, total: 1 });
    const a = (r.body.accounts as DetailedAccount[])[0]!;
    expect(a).toMatchObject({ index: ACCOUNT, account_index: ACCOUNT, status: 1, collateral: "10000.000000", total_order_count: 2 });
    expect(a.positions).toEqual([
      expect.objectContaining({ market_id: 0, symbol: "ETH", sign: -1, position: "0.0100", avg_entry_price: "2990.00", open_order_count: 1, realized_pnl: "0.000000", liquidation_price: "0" }),
    ]);
    expect(a.assets).toEqual([expect.objectContaining({ symbol: "USDC", asset_id: 3, balance: "10000.000000" })]);
    expect(await get(fake, "/api/v1/account?by=index&value=12345")).toEqual({ status: 400, body: { code: 29404, message: "not found" } });
    const byL1 = await get(fake, `/api/v1/account?by=l1_address&value=${a.l1_address}`);
    expect((byL1.body.accounts as DetailedAccount[])[0]!.index).toBe(ACCOUNT);
  });

  it("lists API keys with their next nonce", async () => {
    const r = await get(fake, `/api/v1/apikeys?account_index=${ACCOUNT}&api_key_index=255`);
    expect(r.body).toEqual({ code: 200, api_keys: [{ account_index: ACCOUNT, api_key_index: API_KEY, nonce: 1, public_key: PUBLIC_KEY, transaction_time: clock.t * 1000 }] });
    expect((await get(fake, `/api/v1/nextNonce?account_index=${ACCOUNT}&api_key_index=9`)).body.code).toBe(29404);
  });

  it("pages inactive orders newest first with a cursor", async () => {
    for (let i = 1; i <= 3; i++) await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, timeInForce: 0, nonce: i, clientOrderIndex: i }));
    const auth = authToken(clock.t);
    const first = await get(fake, `/api/v1/accountInactiveOrders?account_index=${ACCOUNT}&limit=2`, auth);
    expect((first.body.orders as { client_order_index: number }[]).map((o) => o.client_order_index)).toEqual([3, 2]);
    const second = await get(fake, `/api/v1/accountInactiveOrders?account_index=${ACCOUNT}&limit=2&cursor=${String(first.body.next_cursor)}`, auth);
    expect((second.body.orders as { client_order_index: number }[]).map((o) => o.client_order_index)).toEqual([1]);
    expect((await get(fake, `/api/v1/accountInactiveOrders?account_index=${ACCOUNT}&limit=101`, auth)).body.code).toBe(20001);
  });
});

describe("candles and funding", () => {
  it("builds short-key candles from trades and lists funding rounds", async () => {
    fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
    await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 301_000, timeInForce: 0, nonce: 1 }));
    fake.advance(60_000);
    await sendTx(fake, 14, createOrderInfo(clock.t + 60_000, { baseAmount: 100, price: 299_000, isAsk: true, timeInForce: 0, nonce: 2 }));
    const start = Math.floor(clock.t / 1000) - 3600;
    const r = await get(fake, `/api/v1/candles?market_id=0&resolution=1m&start_timestamp=${start}&end_timestamp=${start + 7200}&count_back=10`);
    expect(r.body.r).toBe("1m");
    expect((r.body.c as { o: number; c: number; v: number }[]).map((c) => [c.o, c.c, c.v])).toEqual([
      [3010, 3010, 0.01],
      [2990, 2990, 0.01],
    ]);
    fake.payFunding(0, "-0.0002");
    const f = await get(fake, "/api/v1/fundings?market_id=0&resolution=1h&start_timestamp=0&end_timestamp=9999999999&count_back=10");
    expect(f.body.fundings).toEqual([{ timestamp: clock.t + 60_000, value: "0.0002", rate: "0.0002", direction: "short" }]);
    const rates = await get(fake, "/api/v1/funding-rates");
    expect((rates.body.funding_rates as { market_id: number; rate: number; exchange: string }[])[0]).toEqual({ market_id: 0, exchange: "lighter", symbol: "ETH", rate: -0.0002 });
  });
});
