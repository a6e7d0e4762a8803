import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeDataApi, type FakeDataApi } from "../../fake-polymarket/data-api/index.js";
import { PolymarketDataApi } from "../../../src/venues/polymarket/data-api.js";
import { PolymarketHttpError, PolymarketResponseError, PolymarketUnavailableError } from "../../../src/venues/polymarket/http-json.js";
import { CONDITION, fill, NO_TOKEN, T0, WALLET } from "./support.js";

/** The Data API client against the fake: shapes, exact decimals, paging, retries and errors. */

let fake: FakeDataApi;
let api: PolymarketDataApi;
beforeEach(async () => {
  fake = await startFakeDataApi();
  api = new PolymarketDataApi({ baseUrl: fake.url, minBackoffMs: 1, maxBackoffMs: 5, retries: 3 });
});
afterEach(async () => {
  await fake.close();
});

describe("Data API client", () => {
  it("parses a v2 trade into camelCase with exact decimal strings", async () => {
    fake.addFill(fill(1, T0, { price: "0.0575", size: "12.345678", side: "SELL", tokenId: NO_TOKEN, outcome: "No", outcomeIndex: 1 }));
    const page = await api.tradesV2({ user: WALLET, takerOnly: false });
    expect(page.hasMore).toBe(false);
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ wallet: WALLET, side: "SELL", tokenId: NO_TOKEN, conditionId: CONDITION, price: "0.0575", size: "12.345678", timestamp: T0, outcome: "No", outcomeIndex: 1 });
    expect(typeof page.items[0]!.price).toBe("string");
  });

  it("pages v2 by cursor through many pages, re-sending the filters, each fill once", async () => {
    for (let i = 0; i < 237; i++) fake.addFill(fill(i, T0 + i));
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.tradesV2({ user: WALLET, takerOnly: false, start: T0, limit: 50, cursor });
      seen.push(...page.items.map((t) => t.timestamp));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 237 }, (_, i) => T0 + 236 - i));
    const withCursor = fake.requests.filter((r) => r.query.cursor !== undefined);
    expect(withCursor.every((r) => r.query.user === WALLET && r.query.taker_only === "false" && r.query.limit === undefined)).toBe(true);
  });

  it("reads v1 trades and activity, with TRADE rows carrying the fill", async () => {
    fake.addFill(fill(1, T0, { role: "maker" }));
    fake.addActivity({ wallet: WALLET, type: "REDEEM", timestamp: T0 + 5, usdcSize: "3.5", conditionId: CONDITION });
    expect(await api.tradesV1({ user: WALLET, takerOnly: true })).toEqual([]);
    expect(await api.tradesV1({ user: WALLET, takerOnly: false })).toHaveLength(1);
    const activity = await api.activityV1({ user: WALLET });
    expect(activity.map((a) => a.type)).toEqual(["REDEEM", "TRADE"]);
    expect(activity[0]!.trade).toBeNull();
    expect(activity[1]!.trade).toMatchObject({ size: "11.25", price: "0.57" });
    expect(activity[1]!.usdcSize).toBe("6.4125");
  });

  it("reads positions from v1 and v2 alike", async () => {
    fake.setPositions(WALLET, [{ wallet: WALLET, conditionId: CONDITION, tokenId: NO_TOKEN, size: "86780.64", avgPrice: "0.5203", status: "REDEEMABLE", redeemable: true }]);
    const [v2] = (await api.positionsV2({ user: WALLET })).items;
    const [v1] = await api.positionsV1({ user: WALLET });
    expect(v2).toMatchObject({ tokenId: NO_TOKEN, size: "86780.64", avgPrice: "0.5203", status: "REDEEMABLE", redeemable: true });
    expect(v1).toMatchObject({ tokenId: NO_TOKEN, size: "86780.64", avgPrice: "0.5203", redeemable: true });
  });

  it("retries 5xx and 429 with backoff, then answers", async () => {
    fake.addFill(fill(1, T0));
    fake.fail({ status: 502, times: 2, path: "/v2/trades" });
    fake.fail({ status: 429, times: 1, path: "/v2/trades", retryAfter: 0 });
    const page = await api.tradesV2({ user: WALLET, takerOnly: false });
    expect(page.items).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === "/v2/trades")).toHaveLength(4);
  });

  it("gives up after its retries with an error that says the service is unavailable", async () => {
    fake.fail({ status: 503, times: 10 });
    const error = await api.tradesV2({ user: WALLET, takerOnly: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolymarketUnavailableError);
    expect((error as Error).message).toMatch(/Data API \/v2\/trades unavailable: HTTP 503 after 4 attempts/);
    expect(fake.requests).toHaveLength(4);
  });

  it("does not retry a refused request (4xx) and names the status", async () => {
    const error = await api.tradesV2({ user: "0x12", takerOnly: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolymarketHttpError);
    expect((error as PolymarketHttpError).status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it("a body that is not JSON is a clear error, not retried as a success", async () => {
    fake.corrupt({ path: "/v2/trades" });
    const error = await api.tradesV2({ user: WALLET, takerOnly: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolymarketResponseError);
    expect((error as Error).message).toMatch(/Data API \/v2\/trades: unexpected answer: body is not JSON \(<html>/);
  });

  it("an answer of the wrong shape names the field", async () => {
    const lying = new PolymarketDataApi({
      baseUrl: "http://fake.invalid",
      fetch: async () => new Response(JSON.stringify({ data: [{ proxy_wallet: WALLET, side: "BUY" }], pagination: { has_more: false, next_cursor: null } })),
    });
    await expect(lying.tradesV2({ takerOnly: false })).rejects.toThrow(/unexpected answer: data\.0\.token_id/);
    const disagreeing = new PolymarketDataApi({ baseUrl: "http://fake.invalid", fetch: async () => new Response(JSON.stringify({ data: [], pagination: { has_more: true, next_cursor: null } })) });
    await expect(disagreeing.tradesV2({ takerOnly: false })).rejects.toThrow(/has_more and next_cursor disagree/);
  });

  it("a request that outlives its timeout is retried, then reported unavailable", async () => {
    fake.setDelay(200);
    const slow = new PolymarketDataApi({ baseUrl: fake.url, timeoutMs: 50, retries: 1, minBackoffMs: 1 });
    await expect(slow.tradesV2({ takerOnly: false })).rejects.toThrow(/no answer within 50 ms after 2 attempts/);
  });

  it("refuses more than 20 condition ids and an oversized page before sending anything", async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `0x${i.toString(16).padStart(64, "0")}`);
    expect(() => api.tradesV2({ takerOnly: false, condition: ids })).toThrow(/at most 20 condition ids/);
    expect(() => api.tradesV2({ takerOnly: false, limit: 1001 })).toThrow(/1 to 1000 rows/);
    expect(fake.requests).toHaveLength(0);
  });
});
