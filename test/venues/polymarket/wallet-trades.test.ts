import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/core/clock.js";
import { PolymarketDataApi } from "../../../src/venues/polymarket/data-api.js";
import { startFollowing, type DeliveredTrade, type WalletCursor } from "../../../src/venues/polymarket/wallet-cursor.js";
import { pollWalletTrades, WalletReadError, type WalletTradesOptions } from "../../../src/venues/polymarket/wallet-trades.js";
import { startFakeDataApi, type FakeDataApi } from "../../fake-polymarket/data-api/index.js";
import { fill, NO_TOKEN, OTHER_WALLET, T0, WALLET } from "./support.js";

/** Reading a followed wallet's fills against the fake Data API: nothing lost, nothing twice. */

let fake: FakeDataApi;
let api: PolymarketDataApi;
const clock = new ManualClock((T0 + 3600) * 1000);
const options: WalletTradesOptions = { clock, overlapSeconds: 600 };

beforeEach(async () => {
  fake = await startFakeDataApi();
  api = new PolymarketDataApi({ baseUrl: fake.url, minBackoffMs: 1, maxBackoffMs: 5, retries: 2 });
});
afterEach(async () => {
  await fake.close();
});

/** What a restart does to a stored cursor: it goes through the database as JSON. */
const stored = (c: WalletCursor): WalletCursor => JSON.parse(JSON.stringify(c)) as WalletCursor;

const sizes = (trades: DeliveredTrade[]) => trades.map((t) => t.size);

describe("pollWalletTrades", () => {
  it("reads every fill across many pages, once, oldest first, from v2 with taker_only=false", async () => {
    for (let i = 0; i < 230; i++) fake.addFill(fill(i, T0 + i));
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), { ...options, pageSize: 20 });
    expect(poll.source).toBe("v2");
    expect(poll.complete).toBe(true);
    expect(poll.trades).toHaveLength(230);
    expect(poll.trades.map((t) => t.tradedAt)).toEqual(Array.from({ length: 230 }, (_, i) => (T0 + i) * 1000));
    expect(new Set(poll.trades.map((t) => t.key)).size).toBe(230);
    const v2 = fake.requests.filter((r) => r.path === "/v2/trades");
    expect(v2).toHaveLength(12);
    expect(v2.every((r) => r.query.taker_only === "false" && r.query.user === WALLET && r.query.start === String(T0))).toBe(true);
    expect(poll.trades[0]).toMatchObject({ wallet: WALLET, price: "0.57", size: "10.25", side: "BUY", source: "data-api-v2", late: false, seenAt: clock.now() });
  });

  it("delivers maker fills, which a reader that forgot taker_only=false never sees", async () => {
    fake.addFill(fill(1, T0 + 1, { role: "maker", side: "SELL" }));
    fake.addFill(fill(2, T0 + 2, { role: "taker" }));
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(poll.trades.map((t) => t.side)).toEqual(["SELL", "BUY"]);
    const forgetful = await api.tradesV2({ user: WALLET, takerOnly: true });
    expect(forgetful.items.map((t) => t.side)).toEqual(["BUY"]);
  });

  it("several fills of one transaction are several trades, each with its own key", async () => {
    fake.addTransaction({
      timestamp: T0 + 5,
      fills: [fill(1, 0), fill(2, 0, { role: "maker" }), fill(1, 0, { tokenId: NO_TOKEN, outcome: "No" }), fill(3, 0, { wallet: OTHER_WALLET })],
    });
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(poll.trades).toHaveLength(3);
    expect(new Set(poll.trades.map((t) => t.txHash)).size).toBe(1);
    expect(new Set(poll.trades.map((t) => t.key)).size).toBe(3);
  });

  it("resumes from a stored cursor after a restart: the rest, and new fills, with nothing twice", async () => {
    for (let i = 0; i < 100; i++) fake.addFill(fill(i, T0 + i));
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), { ...options, pageSize: 10, maxPages: 3 });
    expect(first.complete).toBe(false);
    expect(first.trades).toHaveLength(30);
    expect(first.cursor.walk?.cursor).toBeTruthy();
    for (let i = 100; i < 110; i++) fake.addFill(fill(i, T0 + i));

    // A new process and a new client: only the stored cursor carries over.
    const restartedApi = new PolymarketDataApi({ baseUrl: fake.url, minBackoffMs: 1 });
    let cursor = stored(first.cursor);
    const later: DeliveredTrade[] = [];
    for (let polls = 0; polls < 10; polls++) {
      const poll = await pollWalletTrades(restartedApi, cursor, { ...options, pageSize: 10, maxPages: 3 });
      later.push(...poll.trades);
      cursor = stored(poll.cursor);
      if (poll.complete && poll.trades.length === 0) break;
    }
    const all = [...first.trades, ...later];
    expect(all).toHaveLength(110);
    expect(new Set(all.map((t) => t.key)).size).toBe(110);
    // The first read was cut after the newest 30: the rest of that walk came from its server cursor.
    expect(fake.requests.some((r) => r.path === "/v2/trades" && r.query.cursor === first.cursor.walk?.cursor)).toBe(true);
  });

  it("delivers a late-indexed fill once, with its original time and late: true", async () => {
    fake.addFill(fill(1, T0 + 100));
    fake.addFill(fill(2, T0 + 200));
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(sizes(first.trades)).toEqual(["11.25", "12.25"]);

    fake.addLateFill(fill(3, T0 + 150)); // indexed now, at its old block time
    fake.addFill(fill(4, T0 + 300));
    const second = await pollWalletTrades(api, first.cursor, options);
    expect(second.trades.map((t) => [t.size, t.tradedAt, t.late])).toEqual([
      ["13.25", (T0 + 150) * 1000, true],
      ["14.25", (T0 + 300) * 1000, false],
    ]);
    const third = await pollWalletTrades(api, second.cursor, options);
    expect(third.trades).toEqual([]);
  });

  it("without the overlap (a reader resuming at the newest time seen) the late fill is lost: why the overlap exists", async () => {
    fake.addFill(fill(1, T0 + 100));
    fake.addFill(fill(2, T0 + 200));
    const naive = { ...options, overlapSeconds: 0 };
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), naive);
    fake.addLateFill(fill(3, T0 + 150));
    const second = await pollWalletTrades(api, first.cursor, naive);
    expect(second.trades).toEqual([]);
  });

  it("a fill served twice is delivered once, within one read and across reads", async () => {
    const a = fake.addFill(fill(1, T0 + 10));
    fake.duplicate(a);
    const b = fake.addFill(fill(2, T0 + 20));
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), { ...options, pageSize: 1 });
    expect(sizes(first.trades)).toEqual(["11.25", "12.25"]);
    fake.duplicate(b);
    fake.duplicate(a);
    const second = await pollWalletTrades(api, first.cursor, options);
    expect(second.trades).toEqual([]);
  });

  it("fills from before following began are never delivered", async () => {
    fake.addFill(fill(1, T0 - 50));
    fake.addFill(fill(2, T0 + 50));
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(sizes(poll.trades)).toEqual(["12.25"]);
    fake.addLateFill(fill(3, T0 - 10));
    expect((await pollWalletTrades(api, poll.cursor, options)).trades).toEqual([]);
  });

  it("falls back to v1 /activity when v2 is missing (404), maker fills included, and back without repeats", async () => {
    fake.addFill(fill(1, T0 + 1, { role: "maker" }));
    fake.addFill(fill(2, T0 + 2));
    fake.setV2Enabled(false);
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(first.source).toBe("v1");
    expect(first.fallbackReason).toMatch(/HTTP 404/);
    expect(sizes(first.trades)).toEqual(["11.25", "12.25"]);
    expect(first.trades.every((t) => t.source === "data-api-v1")).toBe(true);
    const v1 = fake.requests.filter((r) => r.path === "/activity");
    expect(v1[0]?.query).toMatchObject({ user: WALLET, type: "TRADE", start: String(T0), sortDirection: "DESC" });

    fake.addFill(fill(3, T0 + 3));
    fake.setV2Enabled(true);
    const second = await pollWalletTrades(api, first.cursor, options);
    expect(second.source).toBe("v2");
    expect(sizes(second.trades)).toEqual(["13.25"]);
  });

  it("pages v1 past one page through start/end windows when v2 is down", async () => {
    for (let i = 0; i < 1203; i++) fake.addFill(fill(i, T0 + Math.floor(i / 3)));
    fake.setV2Enabled(false);
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(poll.source).toBe("v1");
    expect(poll.complete).toBe(true);
    expect(poll.trades).toHaveLength(1203);
    expect(new Set(poll.trades.map((t) => t.key)).size).toBe(1203);
    expect(fake.requests.filter((r) => r.path === "/activity").every((r) => Number(r.query.offset ?? 0) <= 5000)).toBe(true);
  });

  it("retries a failing v2 and stays on it when it recovers", async () => {
    fake.addFill(fill(1, T0 + 1));
    fake.fail({ status: 500, times: 2, path: "/v2/trades" });
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(poll.source).toBe("v2");
    expect(poll.trades).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === "/v2/trades")).toHaveLength(3);
  });

  it("a v2 answer that is not JSON falls back to v1 and says why", async () => {
    fake.addFill(fill(1, T0 + 1));
    fake.corrupt({ path: "/v2/trades" });
    const poll = await pollWalletTrades(api, startFollowing(WALLET, T0), options);
    expect(poll.source).toBe("v1");
    expect(poll.fallbackReason).toMatch(/body is not JSON/);
    expect(poll.trades).toHaveLength(1);
  });

  it("when both routes fail it throws, and the old cursor then reads everything", async () => {
    fake.addFill(fill(1, T0 + 1));
    const cursor = startFollowing(WALLET, T0);
    fake.fail({ status: 503, times: 100 });
    const error = await pollWalletTrades(api, cursor, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletReadError);
    expect((error as Error).message).toMatch(/v2 failed .*503.* and the v1 fallback failed .*503/);
    expect(fake.requests.filter((r) => r.path === "/v2/trades")).toHaveLength(3);
    expect(fake.requests.filter((r) => r.path === "/activity")).toHaveLength(3);
    fake.clearFaults();
    expect((await pollWalletTrades(api, cursor, options)).trades).toHaveLength(1);
  });

  it("a stored server cursor the API refuses is dropped and its range re-read, losing nothing", async () => {
    for (let i = 0; i < 30; i++) fake.addFill(fill(i, T0 + i));
    const first = await pollWalletTrades(api, startFollowing(WALLET, T0), { ...options, pageSize: 10, maxPages: 1 });
    expect(first.trades).toHaveLength(10);
    const tampered: WalletCursor = { ...first.cursor, walk: { ...first.cursor.walk!, cursor: "not-a-cursor" } };
    const second = await pollWalletTrades(api, tampered, { ...options, pageSize: 10 });
    expect(second.source).toBe("v2");
    expect(second.trades).toHaveLength(20);
    expect(new Set([...first.trades, ...second.trades].map((t) => t.key)).size).toBe(30);
  });
});
