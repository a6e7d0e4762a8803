import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONDITION, fill, OTHER_WALLET, T0, WALLET } from "../../venues/polymarket/support.js";
import { startFakeDataApi, type FakeDataApi } from "./index.js";

/** The fake Data API itself: the behaviours the clients rely on it to reproduce. */

let fake: FakeDataApi;
beforeEach(async () => {
  fake = await startFakeDataApi();
});
afterEach(async () => {
  await fake.close();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${fake.url}${path}`);
  return { status: res.status, body: await res.json() };
}

describe("fake Data API", () => {
  it("hides a wallet's maker fills unless takerOnly / taker_only is false (the API's default trap)", async () => {
    fake.addFill(fill(1, T0, { role: "taker" }));
    fake.addFill(fill(2, T0 + 1, { role: "maker", side: "SELL" }));
    const v1Default = await get(`/trades?user=${WALLET}`);
    const v1All = await get(`/trades?user=${WALLET}&takerOnly=false`);
    const v2Default = await get(`/v2/trades?user=${WALLET}`);
    const v2All = await get(`/v2/trades?user=${WALLET}&taker_only=false`);
    expect(v1Default.body.map((r: any) => r.side)).toEqual(["BUY"]);
    expect(v1All.body.map((r: any) => r.side)).toEqual(["SELL", "BUY"]);
    expect(v2Default.body.data.map((r: any) => r.side)).toEqual(["BUY"]);
    expect(v2All.body.data.map((r: any) => r.side)).toEqual(["SELL", "BUY"]);
    // v1 /activity shows both (why polycopy found 3,160 fills there and none on /trades).
    const activity = await get(`/activity?user=${WALLET}&type=TRADE`);
    expect(activity.body).toHaveLength(2);
  });

  it("v2 answers the {data, pagination} envelope in snake_case and pages by cursor only", async () => {
    for (let i = 0; i < 5; i++) fake.addFill(fill(i, T0 + i));
    const first = await get(`/v2/trades?user=${WALLET}&limit=2`);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.data[0])).toContain("proxy_wallet");
    expect(first.body.data.map((r: any) => r.timestamp)).toEqual([T0 + 4, T0 + 3]);
    expect(first.body.pagination).toMatchObject({ has_more: true, offset: 0, limit: 2 });
    const cursor = encodeURIComponent(first.body.pagination.next_cursor);
    const second = await get(`/v2/trades?user=${WALLET}&cursor=${cursor}`);
    expect(second.body.data.map((r: any) => r.timestamp)).toEqual([T0 + 2, T0 + 1]);
    const third = await get(`/v2/trades?user=${WALLET}&cursor=${encodeURIComponent(second.body.pagination.next_cursor)}`);
    expect(third.body.data.map((r: any) => r.timestamp)).toEqual([T0]);
    expect(third.body.pagination).toMatchObject({ has_more: false, next_cursor: null, offset: 4 });
    expect((await get(`/v2/trades?user=${WALLET}&offset=2`)).status).toBe(400);
    expect((await get(`/v2/trades?user=${WALLET}&limit=1001`)).status).toBe(400);
    // A cursor re-sent without the filters it was minted under is refused (stricter than the real feed).
    expect((await get(`/v2/trades?cursor=${cursor}`)).status).toBe(400);
  });

  it("v2 caps condition at 20 distinct ids and refuses a malformed one", async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `0x${i.toString(16).padStart(64, "0")}`);
    expect((await get(`/v2/trades?condition=${ids.join(",")}`)).status).toBe(400);
    expect((await get(`/v2/trades?condition=${ids.slice(0, 20).join(",")}`)).status).toBe(200);
    expect((await get(`/v2/trades?condition=0x12`)).status).toBe(400);
  });

  it("v1 /activity clamps limit to 500 and refuses an offset past 5000", async () => {
    for (let i = 0; i < 501; i++) fake.addFill(fill(i, T0 + i));
    expect((await get(`/activity?user=${WALLET}&limit=900`)).body).toHaveLength(500);
    expect((await get(`/activity?user=${WALLET}&offset=5001`)).status).toBe(400);
    expect((await get(`/activity`)).status).toBe(400);
  });

  it("a late fill sorts at its old block time, behind fills already served", async () => {
    fake.addFill(fill(1, T0 + 10));
    fake.addFill(fill(2, T0 + 20));
    expect(() => fake.addLateFill(fill(3, T0 + 30))).toThrow(/older than the newest/);
    fake.addLateFill(fill(3, T0 + 15));
    const all = await get(`/v2/trades?user=${WALLET}`);
    expect(all.body.data.map((r: any) => r.timestamp)).toEqual([T0 + 20, T0 + 15, T0 + 10]);
    // A reader resuming at the newest time it had seen (start = T0+20) never gets it.
    const resumed = await get(`/v2/trades?user=${WALLET}&start=${T0 + 20}`);
    expect(resumed.body.data.map((r: any) => r.timestamp)).toEqual([T0 + 20]);
  });

  it("serves a duplicated fill as two identical rows", async () => {
    const f = fake.addFill(fill(1, T0));
    fake.duplicate(f);
    const rows = (await get(`/v2/trades?user=${WALLET}`)).body.data;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(rows[1]);
  });

  it("several fills of one transaction share its hash and block time", async () => {
    const fills = fake.addTransaction({ timestamp: T0, fills: [fill(1, 0), fill(2, 0, { wallet: OTHER_WALLET, role: "maker", side: "SELL" })] });
    expect(new Set(fills.map((f) => f.txHash)).size).toBe(1);
    const rows = (await get(`/v2/trades?taker_only=false&condition=${CONDITION}`)).body.data;
    expect(rows.map((r: any) => r.proxy_wallet).sort()).toEqual([WALLET, OTHER_WALLET].sort());
  });

  it("injects faults, bad bodies and a missing v2", async () => {
    fake.fail({ status: 503, times: 1, path: "/v2/trades" });
    fake.fail({ status: 429, times: 1, retryAfter: 2 });
    expect((await get(`/v2/trades`)).status).toBe(503);
    const limited = await fetch(`${fake.url}/activity?user=${WALLET}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    fake.corrupt({ path: "/trades" });
    const corrupt = await fetch(`${fake.url}/trades`);
    expect(corrupt.status).toBe(200);
    await expect(corrupt.json()).rejects.toThrow();
    fake.setV2Enabled(false);
    expect((await get(`/v2/trades`)).status).toBe(404);
    expect((await get(`/trades`)).status).toBe(200);
  });

  it("exact decimals go out as the JSON numbers the API sends, and usdcSize is size × price", async () => {
    fake.addFill(fill(1, T0, { price: "0.0575", size: "12.345678" }));
    const [row] = (await get(`/activity?user=${WALLET}`)).body;
    expect(row.price).toBe(0.0575);
    expect(row.size).toBe(12.345678);
    expect(row.usdcSize).toBe(0.709876485);
  });
});
