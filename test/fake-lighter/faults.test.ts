import { afterEach, describe, expect, it } from "vitest";
import { defaultTxHash } from "./exchange.js";
import type { FakeLighter } from "./server.js";
import { ACCOUNT, API_KEY, authToken, createOrderInfo, get, PUBLIC_KEY, sendTx, startFunded } from "./test-client.js";

let fake: FakeLighter;
let clock: { t: number };

async function start(options: Parameters<typeof startFunded>[0] = {}) {
  ({ fake, clock } = await startFunded(options));
  fake.setBook(0, [[299_000, 1_000]], [[301_000, 1_000]]);
}

afterEach(() => fake.close());

const restingBuy = (nonce: number, clientOrderIndex: number) => createOrderInfo(clock.t, { baseAmount: 100, price: 290_000, nonce, clientOrderIndex });

async function post(txType: number, txInfo: string): Promise<Response> {
  return fetch(`${fake.baseUrl}/api/v1/sendTx`, { method: "POST", body: new URLSearchParams({ tx_type: String(txType), tx_info: txInfo }) });
}

describe("sendTx faults", () => {
  it("drop-after-accept: the client gets no answer, yet the order is live and findable by hash and client index", async () => {
    await start();
    fake.faults.sendTx({ kind: "drop-after-accept" });
    const info = restingBuy(1, 500);
    await expect(post(14, info)).rejects.toThrow();
    expect(fake.orders(ACCOUNT)).toEqual([expect.objectContaining({ client_order_index: 500, status: "open" })]);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(2);
    expect((await get(fake, `/api/v1/tx?by=hash&value=${defaultTxHash(14, info)}`)).body).toMatchObject({ code: 200, type: 14, nonce: 1 });
    const byClient = await get(fake, `/api/v1/accountOrders?account_index=${ACCOUNT}&client_order_indexes=500`, authToken(clock.t));
    expect((byClient.body.orders as { status: string }[])[0]!.status).toBe("open");
    // Resending the same signed tx is refused: its nonce is used.
    expect((await sendTx(fake, 14, info)).body.code).toBe(21120);
    // Only the next request was faulted.
    expect((await sendTx(fake, 14, restingBuy(2, 501))).body.code).toBe(200);
  });

  it("drop-after-accept of a crossing order leaves it filled", async () => {
    await start();
    fake.faults.sendTx({ kind: "drop-after-accept" });
    await expect(post(14, createOrderInfo(clock.t, { baseAmount: 100, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 7 }))).rejects.toThrow();
    expect(fake.orders(ACCOUNT)[0]).toMatchObject({ status: "filled", filled_base_amount: "0.0100" });
    expect(fake.account(ACCOUNT)!.positions[0]).toMatchObject({ position: "0.0100" });
  });

  it("timeout: holds the answer, then closes the socket; the tx was not taken", async () => {
    await start();
    fake.faults.sendTx({ kind: "timeout", holdMs: 200 });
    const started = Date.now();
    await expect(post(14, restingBuy(1, 1))).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(fake.orders(ACCOUNT)).toHaveLength(0);
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
  });

  it("timeout after acceptance: no answer, the order exists", async () => {
    await start();
    fake.faults.sendTx({ kind: "timeout", holdMs: 100, accept: true });
    await expect(post(14, restingBuy(1, 1))).rejects.toThrow();
    expect(fake.orders(ACCOUNT)).toHaveLength(1);
  });

  it("answers 5xx, 429 and Cloudflare 403 without taking the tx", async () => {
    await start();
    fake.faults.sendTx({ kind: "http-5xx", status: 503 });
    fake.faults.sendTx({ kind: "rate-limit" }, 2);
    fake.faults.sendTx({ kind: "cloudflare-403" });
    fake.faults.sendTx({ kind: "too-many-pending" });
    const r1 = await post(14, restingBuy(1, 1));
    expect(r1.status).toBe(503);
    expect(r1.headers.get("content-type")).toMatch(/text\/html/);
    for (let i = 0; i < 2; i++) {
      const r = await post(14, restingBuy(1, 1));
      expect(r.status).toBe(429);
      expect(await r.json()).toEqual({ code: 23000, message: "Too Many Requests!" });
    }
    const r4 = await post(14, restingBuy(1, 1));
    expect(r4.status).toBe(403);
    expect(await r4.text()).toMatch(/Cloudflare/);
    const r5 = await post(14, restingBuy(1, 1));
    expect(await r5.json()).toEqual({ code: 21506, message: "too many pending txs. Please try again later" });
    expect(fake.orders(ACCOUNT)).toHaveLength(0);
    expect((await sendTx(fake, 14, restingBuy(1, 1))).body.code).toBe(200);
  });
});

describe("server options", () => {
  it("limits requests per IP per rolling minute when asked", async () => {
    await start({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await get(fake, "/api/v1/orderBooks")).status).toBe(200);
    expect(await get(fake, "/api/v1/orderBooks")).toEqual({ status: 429, body: { code: 23000, message: "Too Many Requests!" } });
    fake.advance(60_000);
    expect((await get(fake, "/api/v1/orderBooks")).status).toBe(200);
  });

  it("checks Sig with the verifier against the registered key: 21504 when it fails", async () => {
    const seen: [number, string, string][] = [];
    await start({
      verifySignature: (txType, txInfo, key) => {
        seen.push([txType, txInfo, key]);
        return (JSON.parse(txInfo) as { ClientOrderIndex: number }).ClientOrderIndex !== 13;
      },
    });
    const bad = await sendTx(fake, 14, restingBuy(1, 13));
    expect(bad.body).toEqual({ code: 21504, message: "invalid signature" });
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(1);
    expect((await sendTx(fake, 14, restingBuy(1, 14))).body.code).toBe(200);
    expect(seen.map(([t, , k]) => [t, k])).toEqual([
      [14, PUBLIC_KEY],
      [14, PUBLIC_KEY],
    ]);
  });

  it("uses the txHash option for tx hashes", async () => {
    await start({ txHash: (_t, info) => "ab".repeat(35) + String(info.length).padStart(10, "0") });
    const info = restingBuy(1, 1);
    const a = await sendTx(fake, 14, info);
    expect(a.body.tx_hash).toBe("ab".repeat(35) + String(info.length).padStart(10, "0"));
    expect((await get(fake, `/api/v1/tx?by=hash&value=${String(a.body.tx_hash)}`)).body.hash).toBe(a.body.tx_hash);
  });

  it("runs the sequencer after executionDelayMs: answered first, executed later", async () => {
    await start({ executionDelayMs: 150 });
    const a = await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: 100, price: 301_000, timeInForce: 0, nonce: 1, clientOrderIndex: 1 }));
    expect(a.body.code).toBe(200);
    expect(a.body.predicted_execution_time_ms).toBe(clock.t + 150);
    expect(fake.orders(ACCOUNT)).toHaveLength(0);
    // The nonce is taken at acceptance.
    expect(fake.nextNonce(ACCOUNT, API_KEY)).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.orders(ACCOUNT)[0]).toMatchObject({ status: "filled" });
    expect(fake.txs()[0]).toMatchObject({ status: 1 });
    fake.advance(150);
    expect(fake.txs()[0]).toMatchObject({ status: 2 });
  });

  it("fails a tx in the sequencer (status 0) when its target is gone by execution time", async () => {
    await start({ executionDelayMs: 100 });
    await sendTx(fake, 14, restingBuy(1, 1));
    await new Promise((r) => setTimeout(r, 200));
    const cancel = JSON.stringify({ AccountIndex: ACCOUNT, ApiKeyIndex: API_KEY, MarketIndex: 0, Index: 1, ExpiredAt: clock.t + 60_000, Nonce: 2, Sig: "c2ln" });
    expect((await sendTx(fake, 15, cancel)).body.code).toBe(200);
    fake.cancelOrder(fake.orders(ACCOUNT)[0]!.order_index);
    await new Promise((r) => setTimeout(r, 200));
    const tx = fake.txs()[1]!;
    expect(tx.status).toBe(0);
    expect(JSON.parse(tx.event_info)).toMatchObject({ ae: "given order is not an active order" });
  });
});
