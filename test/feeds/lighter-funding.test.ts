import { afterEach, describe, expect, it, vi } from "vitest";
import type { MarketSpec } from "../../src/core/market.js";
import { LighterFeed } from "../../src/feeds/lighter/lighter-feed.js";
import { DerivativesStore } from "../../src/market/derivatives-store.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { LighterSocket } from "../../src/venues/lighter/socket.js";
import type { FakeLighter } from "../fake-lighter/server.js";
import { ACCOUNT, API_KEY, createOrderInfo, sendTx, startFunded } from "../fake-lighter/test-client.js";

/**
 * Funding and open interest from the live Lighter feed, end to end: the fake Lighter publishes
 * `market_stats` as Lighter does (rates in percent per hour), LighterFeed reads it over a real
 * WebSocket and fills the DerivativesStore the prompt and the simulator's funding read.
 */

const ETH: MarketSpec = { symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: 10_000_000n, maxLeverage: 20, maintenanceMarginBps: 120 };
const HOUR = 3_600_000;

let fake: FakeLighter;
let socket: LighterSocket;
let feed: LighterFeed;

afterEach(async () => {
  feed?.stop();
  socket?.close();
  await fake?.close();
});

async function setUp() {
  const started = await startFunded();
  fake = started.fake;
  const clock = started.clock;
  const warnings: Array<{ obj: unknown; msg?: string }> = [];
  const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (obj: object | string, msg?: string) => void warnings.push({ obj, msg }) };
  socket = new LighterSocket({ url: fake.wsUrl, minBackoffMs: 20, maxBackoffMs: 200 });
  socket.start();
  await socket.whenReady();
  const room = new MarketRoom({ markets: [ETH] });
  const store = new DerivativesStore([ETH]);
  feed = new LighterFeed({ markets: [ETH], socket, logger });
  feed.start(
    (u) => room.apply(u),
    undefined,
    (d) => store.update(d),
  );
  return { clock, room, store, warnings };
}

/** An IOC buy of `lots` ETH lots by the funded account: a long position, so open interest. */
async function buy(clock: { t: number }, lots: number): Promise<void> {
  const nonce = fake.nextNonce(ACCOUNT, API_KEY)!;
  const answer = await sendTx(fake, 14, createOrderInfo(clock.t, { baseAmount: lots, price: 301_000, timeInForce: 0, nonce }));
  expect(answer.status).toBe(200);
}

describe("Lighter feed: funding and open interest", () => {
  it("fills the store with the coming payment's rate as a fraction per hour, the next whole hour and the open interest in lots", async () => {
    const { clock, store } = await setUp();
    fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
    await buy(clock, 1_500);
    // 0.0012 % per hour, Lighter's base interest: the fake writes "0.0012" on the wire.
    fake.setFundingRate(0, "0.000012");

    await vi.waitFor(() => expect(store.derivatives("ETH")?.fundingRate).toBe("0.000012"));
    const s = store.derivatives("ETH")!;
    expect(s.fundingIntervalMs).toBe(HOUR);
    expect(s.ts).toBe(clock.t);
    expect(s.nextFundingAt % HOUR).toBe(0);
    expect(s.nextFundingAt).toBeGreaterThan(s.ts);
    expect(s.nextFundingAt - s.ts).toBeLessThanOrEqual(HOUR);
    // The one long the fake holds: 0.15 ETH.
    expect(s.openInterestLots).toBe(1_500);

    // A negative rate (shorts pay) an hour later.
    clock.t += HOUR;
    fake.setFundingRate(0, "-0.0000125");
    await vi.waitFor(() => expect(store.derivatives("ETH")?.fundingRate).toBe("-0.0000125"));
    expect(store.derivatives("ETH")!.ts).toBe(clock.t);
    expect(feed.describe().markets).toMatchObject({ ETH: { statsRejected: 0 } });
  });

  it("reports a malformed stats frame and ignores it: the last rate stays and the book stream goes on", async () => {
    const { clock, room, store, warnings } = await setUp();
    fake.setBook(0, [[299_000, 10_000]], [[301_000, 10_000]]);
    fake.setFundingRate(0, "0.0001");
    await vi.waitFor(() => expect(store.derivatives("ETH")?.fundingRate).toBe("0.0001"));
    await vi.waitFor(() => expect(room.snapshot("ETH", 1)?.bids[0]?.[0]).toBe(299_000));

    fake.faults.malformedMarketStats(0);
    clock.t += 60_000;
    fake.setFundingRate(0, "0.0002");
    await vi.waitFor(() => expect(feed.describe().markets).toMatchObject({ ETH: { statsRejected: 1 } }));
    expect(warnings.map((w) => w.msg)).toContain("unreadable Lighter market_stats frame; ignored");
    expect(JSON.stringify(warnings.find((w) => w.msg === "unreadable Lighter market_stats frame; ignored")!.obj)).toMatch(/current_funding_rate 0\.0012 is not a decimal string/);
    expect(store.derivatives("ETH")!.fundingRate).toBe("0.0001");

    // The books still move...
    fake.setBook(0, [[299_500, 10_000]], [[300_500, 10_000]]);
    await vi.waitFor(() => expect(room.snapshot("ETH", 1)?.bids[0]?.[0]).toBe(299_500));
    expect(feed.isStale("ETH")).toBe(false);
    // ...and the next good frame is read (the book change published the held 0.0002).
    await vi.waitFor(() => expect(store.derivatives("ETH")?.fundingRate).toBe("0.0002"));
    expect(feed.describe().markets).toMatchObject({ ETH: { statsRejected: 1, gaps: 0 } });
  });
});
