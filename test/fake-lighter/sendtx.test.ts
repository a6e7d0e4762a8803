import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeLighter } from "./server.js";
import { ACCOUNT, API_KEY, authToken, cancelInfo, createOrderInfo, get, sendTx, startFunded } from "./test-client.js";

let fake: FakeLighter;
let clock: { t: number };

beforeEach(async () => {
  ({ fake, clock } = await startFunded({ inactiveMarkets: [2] }));
  fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
});
afterEach(() => fake.close());

const limitBuy = (nonce: number, extra: Partial<Parameters<typeof createOrderInfo>[1]> = {}) => createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce, ...extra });

describe("sendTx body encodings", () => {
  it("accepts application/x-www-form-urlencoded and answers code 200 with an 80-hex tx hash", async () => {
    const a = await sendTx(fake, 14, limitBuy(1, { clientOrderIndex: 11 }));
    expect(a.status).toBe(200);
    expect(a.body.code).toBe(200);
    expect(a.body.message).toBe('{"ratelimit": "didn\'t use volume quota"}');
    expect(a.body.tx_hash).toMatch(/^[0-9a-f]{80}$/);
    expect(a.body.predicted_execution_time_ms).toBe(clock.t + 50);
    expect(typeof a.body.volume_quota_remaining).toBe("number");
  });

  it("accepts multipart/form-data (the Python SDK's way)", async () => {
    const form = new FormData();
    form.set("tx_type", "14");
    form.set("tx_info", limitBuy(1, { clientOrderIndex: 12 }));
    form.set("price_protection", "true");
    const res = await fetch(`${fake.baseUrl}/api/v1/sendTx`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { code: number }).code).toBe(200);
    expect(fake.orders(ACCOUNT).map((o) => o.client_order_index)).toEqual([12]);
  });

  it("refuses a JSON body as if tx_type were missing, and takes no nonce", async () => {
    const res = await fetch(`${fake.baseUrl}/api/v1/sendTx`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tx_type: 14, tx_info: limitBuy(1) }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 20001, message: 'invalid param: : field "tx_type" is not set' });
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
  });

  it("takes a batch of JSON-encoded arrays and answers one hash per tx", async () => {
    const body = new URLSearchParams({ tx_types: JSON.stringify([14, 14]), tx_infos: JSON.stringify([limitBuy(1, { clientOrderIndex: 21 }), limitBuy(2, { clientOrderIndex: 22 })]) });
    const res = await fetch(`${fake.baseUrl}/api/v1/sendTxBatch`, { method: "POST", body });
    const answer = (await res.json()) as { code: number; tx_hash: string[] };
    expect(answer.code).toBe(200);
    expect(answer.tx_hash).toHaveLength(2);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(3);
  });

  it("refuses a whole batch when one tx fails its checks", async () => {
    const body = new URLSearchParams({ tx_types: "[14,14]", tx_infos: JSON.stringify([limitBuy(1, { clientOrderIndex: 31 }), limitBuy(5, { clientOrderIndex: 32 })]) });
    const res = await fetch(`${fake.baseUrl}/api/v1/sendTxBatch`, { method: "POST", body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(21120);
    expect(fake.orders(ACCOUNT)).toHaveLength(0);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
  });
});

describe("nonces", () => {
  it("wants exactly the next nonce; a refusal does not consume it; success advances it", async () => {
    expect((await get(fake, `/api/v1/nextNonce?account_index=${ACCOUNT}&api_key_index=${API_KEY}`)).body).toEqual({ code: 200, nonce: 1 });
    const wrong = await sendTx(fake, 14, limitBuy(2));
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe(21120);
    expect(String(wrong.body.message)).toMatch(/invalid nonce/);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
    // Another API-level refusal (bad price) also leaves the nonce alone.
    expect((await sendTx(fake, 14, limitBuy(1, { price: 0 }))).body.code).toBe(21702);
    expect((await sendTx(fake, 14, limitBuy(1))).body.code).toBe(200);
    expect((await get(fake, `/api/v1/nextNonce?account_index=${ACCOUNT}&api_key_index=${API_KEY}`)).body.nonce).toBe(2);
    expect((await sendTx(fake, 14, limitBuy(1))).body.code).toBe(21120);
  });

  it("lets the skip-nonce attribute (4:1) use any unused nonce without moving the counter", async () => {
    const first = await sendTx(fake, 14, limitBuy(1_780_000_000_123, { attributes: { "4": 1 }, clientOrderIndex: 1 }));
    expect(first.body.code).toBe(200);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
    const again = await sendTx(fake, 14, limitBuy(1_780_000_000_123, { attributes: { "4": 1 }, clientOrderIndex: 2 }));
    expect(again.body.code).toBe(21120);
    expect((await sendTx(fake, 14, limitBuy(1, { attributes: null, clientOrderIndex: 3 }))).body.code).toBe(200);
  });

  it("refuses unknown accounts and API keys, and txs past ExpiredAt", async () => {
    expect((await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce: 1, account: 99 }))).body.code).toBe(21501);
    expect((await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce: 1, apiKey: 4 }))).body.code).toBe(21501);
    expect((await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce: 1, expiredAt: clock.t - 1 }))).body.code).toBe(21501);
    expect((await sendTx(fake, 8, "{}")).body.code).toBe(21505);
  });
});

describe("order field rules", () => {
  const day = 24 * 3_600_000;
  const cases: [string, () => string, number][] = [
    ["market order with GTT", () => limitBuy(1, { type: 1, timeInForce: 1 }), 21705],
    ["market order with an expiry", () => limitBuy(1, { type: 1, timeInForce: 0, orderExpiry: clock.t + day }), 21711],
    ["IOC limit with an expiry", () => limitBuy(1, { timeInForce: 0, orderExpiry: clock.t + day }), 21711],
    ["GTT expiring in 4 minutes", () => limitBuy(1, { orderExpiry: clock.t + 4 * 60_000 }), 21711],
    ["GTT expiring in 31 days", () => limitBuy(1, { orderExpiry: clock.t + 31 * day }), 21711],
    ["post-only without expiry", () => limitBuy(1, { timeInForce: 2, orderExpiry: 0 }), 21711],
    ["limit with a trigger price", () => limitBuy(1, { triggerPrice: 280_000 }), 21729],
    ["stop-loss without trigger", () => limitBuy(1, { type: 2, timeInForce: 0, orderExpiry: clock.t + day, reduceOnly: true }), 21729],
    ["stop-loss as GTT", () => limitBuy(1, { type: 2, timeInForce: 1, triggerPrice: 280_000, reduceOnly: true }), 21705],
    ["TWAP", () => limitBuy(1, { type: 6 }), 21710],
    ["type 9", () => limitBuy(1, { type: 9 }), 21704],
    ["TIF 3", () => limitBuy(1, { timeInForce: 3 }), 21705],
    ["below min_base_amount (0.0050 ETH = 50 lots)", () => limitBuy(1, { baseAmount: 49, price: 1_000_000 }), 21706],
    ["below $10 notional", () => limitBuy(1, { baseAmount: 50, price: 100_000 }), 21706],
    ["zero base amount", () => limitBuy(1, { baseAmount: 0 }), 21701],
    ["price 0", () => limitBuy(1, { price: 0 }), 21702],
    ["price above 2^32-1", () => limitBuy(1, { price: 2 ** 32 }), 21702],
    ["client order index 2^48", () => limitBuy(1, { clientOrderIndex: 2 ** 48 }), 21727],
    ["unknown market", () => limitBuy(1, { market: 9 }), 21602],
    ["inactive market", () => limitBuy(1, { market: 2, baseAmount: 1000, price: 150_000 }), 21605],
    ["more margin than the collateral (1000 ETH at $2900, 5%)", () => limitBuy(1, { baseAmount: 10_000_000 }), 21739],
  ];
  it.each(cases)("refuses %s", async (_name, info, code) => {
    const a = await sendTx(fake, 14, info());
    expect(a.status).toBe(400);
    expect(a.body.code).toBe(code);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
  });

  it("lets reduce-only orders below the minimums through", async () => {
    expect((await sendTx(fake, 14, limitBuy(1, { baseAmount: 1, price: 100, reduceOnly: true, timeInForce: 0 }))).body.code).toBe(200);
  });

  it("refuses a client order index already used by the account (21728)", async () => {
    expect((await sendTx(fake, 14, limitBuy(1, { clientOrderIndex: 77 }))).body.code).toBe(200);
    const dup = await sendTx(fake, 14, limitBuy(2, { clientOrderIndex: 77 }));
    expect(dup.body).toEqual({ code: 21728, message: "client order index already exists" });
    // Still refused once the first order is gone: the scope is all of the account's orders by default.
    expect((await sendTx(fake, 15, cancelInfo(clock.t, { index: 77, nonce: 2 }))).body.code).toBe(200);
    expect((await sendTx(fake, 14, limitBuy(3, { clientOrderIndex: 77 }))).body.code).toBe(21728);
  });
});

describe("tx and order lookups", () => {
  it("shows a tx as pending (1) until its predicted time, then executed (2); unknown hashes are 21500", async () => {
    const a = await sendTx(fake, 14, limitBuy(1, { clientOrderIndex: 5 }));
    const hash = String(a.body.tx_hash);
    const before = await get(fake, `/api/v1/tx?by=hash&value=${hash}`);
    expect(before.body).toMatchObject({ code: 200, hash, type: 14, status: 1, account_index: ACCOUNT, nonce: 1, api_key_index: API_KEY, info: limitBuy(1, { clientOrderIndex: 5 }) });
    fake.advance(50);
    expect((await get(fake, `/api/v1/tx?by=hash&value=${hash}`)).body.status).toBe(2);
    const missing = await get(fake, `/api/v1/tx?by=hash&value=${"0".repeat(80)}`);
    expect(missing).toEqual({ status: 400, body: { code: 21500, message: "transaction not found" } });
  });

  it("finds orders by client order index, active or not, behind auth", async () => {
    await sendTx(fake, 14, limitBuy(1, { clientOrderIndex: 101 }));
    await sendTx(fake, 14, limitBuy(2, { clientOrderIndex: 102, timeInForce: 0, orderExpiry: 0 }));
    const path = `/api/v1/accountOrders?account_index=${ACCOUNT}&client_order_indexes=101,102,103`;
    expect((await get(fake, path)).body).toEqual({ code: 20001, message: "invalid param : auth query param and Authorization header are empty" });
    const found = await get(fake, path, authToken(clock.t));
    const orders = found.body.orders as { client_order_index: number; status: string; order_index: number }[];
    expect(orders.map((o) => [o.client_order_index, o.status]).sort()).toEqual([
      [101, "open"],
      [102, "canceled"],
    ]);
    expect(orders.every((o) => o.order_index >= 2 ** 48)).toBe(true);
    // The same token in the auth query parameter.
    expect((await get(fake, `${path}&auth=${authToken(clock.t)}`)).status).toBe(200);
  });

  it("refuses auth tokens that expired, reach more than 8 h ahead, or name another account", async () => {
    const path = `/api/v1/accountActiveOrders?account_index=${ACCOUNT}&market_id=255`;
    expect((await get(fake, path, authToken(clock.t, ACCOUNT, API_KEY, -10))).body.code).toBe(20013);
    expect((await get(fake, path, authToken(clock.t, ACCOUNT, API_KEY, 8 * 3600 + 60))).body.code).toBe(20013);
    expect((await get(fake, path, authToken(clock.t, 8, API_KEY))).body.code).toBe(20013);
    expect((await get(fake, path, "garbage")).body.code).toBe(20013);
    expect((await get(fake, path, authToken(clock.t))).body).toEqual({ code: 200, orders: [] });
  });
});
