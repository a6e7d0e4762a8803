import { Side } from "@polymarket/clob-client-v2";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { createPolymarketPredictionFeed, type PolymarketPredictionFeed } from "../../src/feeds/prediction/polymarket-prediction-feed.js";
import { PolymarketGamma } from "../../src/venues/polymarket/gamma.js";
import { DEFAULT_MARKETS, type MarketConfig } from "../fake-polymarket/clob/markets.js";
import { startFakeClob, type FakeClob } from "../fake-polymarket/clob/server.js";
import { newTrader } from "../fake-polymarket/clob/test-client.js";
import { startFakeGamma, type FakeGamma } from "../fake-polymarket/data-api/index.js";
import { fakeLevels, gammaMarketOf, RecordingSink } from "./support/polymarket-fakes.js";

/** The live prediction feed against the fake CLOB (market channel) and the fake Gamma. */

const PLAIN = DEFAULT_MARKETS[0]!;
const NEG = DEFAULT_MARKETS[1]!;
const YES = PLAIN.tokens[0]!.tokenId;
const NO = PLAIN.tokens[1]!.tokenId;
const NEG_YES = NEG.tokens[0]!.tokenId;
/** On the CLOB and in Gamma, but not among the most active: the feed only learns of it on demand. */
const EXTRA: MarketConfig = {
  conditionId: "0x5eed000000000000000000000000000000000000000000000000000000000003",
  question: "Will the on-demand market stream too?",
  tokens: [
    { tokenId: "11111111111111111111111111111111111111111111111111111111111111111111111111111", outcome: "Yes" },
    { tokenId: "22222222222222222222222222222222222222222222222222222222222222222222222222222", outcome: "No" },
  ],
  tickSize: "0.01",
  minOrderSize: "2.5",
  negRisk: false,
};
const EXTRA_YES = EXTRA.tokens[0]!.tokenId;
const EXTRA_NO = EXTRA.tokens[1]!.tokenId;

let fake: FakeClob;
let gamma: FakeGamma;
let clock: ManualClock;
let sink: RecordingSink;
const feeds: PolymarketPredictionFeed[] = [];

beforeEach(async () => {
  fake = await startFakeClob({ tickMs: 0, markets: [...DEFAULT_MARKETS, EXTRA] });
  gamma = await startFakeGamma({
    markets: [gammaMarketOf(PLAIN, { volume24hr: 1_000 }), gammaMarketOf(NEG, { volume24hr: 500 }), gammaMarketOf(EXTRA, { volume24hr: 1 })],
  });
  fake.seedBook(
    YES,
    [
      ["0.40", "100"],
      ["0.39", "50.5"],
    ],
    [
      ["0.50", "10"],
      ["0.52", "7.25"],
    ],
  );
  fake.seedBook(NO, [["0.50", "10"]], [["0.60", "100"]]);
  fake.seedBook(NEG_YES, [["0.412", "20"]], [["0.415", "33.33"]]);
  fake.seedBook(EXTRA_YES, [["0.20", "5"]], [["0.30", "5"]]);
  clock = new ManualClock(Date.parse("2030-01-01T00:00:00Z"));
  sink = new RecordingSink();
});

afterEach(async () => {
  for (const f of feeds.splice(0)) f.stop();
  await fake.close();
  await gamma.close();
});

function startFeed(options: { markets?: string[]; marketLimit?: number; staleMs?: number; adopt?: string[] } = {}): PolymarketPredictionFeed {
  const feed = createPolymarketPredictionFeed({
    gamma: new PolymarketGamma({ baseUrl: gamma.url, retries: 0 }),
    wsUrl: `${fake.wsUrl}/market`,
    markets: options.markets ?? [],
    marketLimit: options.marketLimit ?? 2,
    ...(options.adopt ? { adopt: options.adopt } : {}),
    clock,
    logger: silentLogger,
    ...(options.staleMs ? { staleMs: options.staleMs } : {}),
    socket: { minBackoffMs: 10, maxBackoffMs: 50 },
  });
  feeds.push(feed);
  feed.start(sink);
  return feed;
}

const synced = (feed: PolymarketPredictionFeed, ...ids: string[]) => vi.waitFor(() => expect(ids.every((id) => feed.book(id)?.isSynced)).toBe(true), { timeout: 5_000 });

describe("Polymarket live prediction feed", () => {
  it("reports the most active open markets from Gamma with their tick, minimum size and neg-risk, then books equal to the CLOB's after snapshot and deltas", async () => {
    const feed = startFeed({ marketLimit: 2 });
    await vi.waitFor(() => expect(sink.markets).toHaveLength(2), { timeout: 5_000 });
    // Most traded first; the third market (1 dollar of volume) is left out.
    expect(sink.markets.map((m) => m.conditionId)).toEqual([PLAIN.conditionId, NEG.conditionId]);
    expect(sink.markets[0]).toMatchObject({
      question: PLAIN.question,
      status: "open",
      tickSize: "0.01",
      minOrderSize: "5",
      negRisk: false,
      source: "polymarket",
      endDate: Date.parse("2030-12-31T00:00:00Z"),
      outcomes: [
        { outcome: "Yes", tokenId: YES },
        { outcome: "No", tokenId: NO },
      ],
    });
    expect(sink.markets[1]).toMatchObject({ tickSize: "0.001", negRisk: true });
    const asked = gamma.requests.find((r) => r.path === "/markets");
    expect(asked?.query.get("order")).toBe("volume24hr");
    expect(asked?.query.get("ascending")).toBe("false");

    // The snapshots: exact levels, 50.5 and 7.25 shares kept to the lot, the 0.001 tick kept.
    await synced(feed, YES, NO, NEG_YES);
    expect(sink.levels(YES)).toEqual({
      bids: [
        [4000, 10_000],
        [3900, 5_050],
      ],
      asks: [
        [5000, 1_000],
        [5200, 725],
      ],
    });
    expect(sink.levels(NEG_YES)).toEqual(fakeLevels(fake, NEG_YES));
    expect(sink.levels(NEG_YES)).toEqual({ bids: [[4120, 2_000]], asks: [[4150, 3_333]] });

    // A resting order is a price_change only: the delta alone moves the book.
    const snapshotsBefore = sink.snapshots(YES);
    const trader = await newTrader(fake);
    await trader.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    await vi.waitFor(() => expect(sink.levels(YES)).toEqual(fakeLevels(fake, YES)), { timeout: 5_000 });
    expect(sink.levels(YES)!.bids[0]).toEqual([4500, 1_000]);
    expect(sink.snapshots(YES)).toBe(snapshotsBefore);
    expect(sink.updates.at(-1)).toEqual({ tokenId: YES, kind: "delta" });

    // Re-seeding: cancels and placements as deltas, then the CLOB's snapshot, which the deltas already matched.
    const agreedBefore = sink.snapshotAgreed.length;
    fake.seedBook(
      YES,
      [
        ["0.41", "12"],
        ["0.38", "1.01"],
      ],
      [["0.49", "3"]],
    );
    await vi.waitFor(() => expect(sink.snapshots(YES)).toBe(snapshotsBefore + 1), { timeout: 5_000 });
    expect(sink.snapshotAgreed.slice(agreedBefore)).toEqual([true]);
    expect(sink.levels(YES)).toEqual(fakeLevels(fake, YES));

    // Trades at the fake move the book (the CLOB sends the book after a trade).
    fake.outsideTrade({ tokenId: YES, side: "SELL", size: "15" });
    await vi.waitFor(() => expect(sink.levels(YES)).toEqual(fakeLevels(fake, YES)), { timeout: 5_000 });
    // 10 taken at 0.45 (the trader's order, which re-seeding left alone), 5 at 0.41.
    expect(sink.levels(YES)!.bids).toEqual([
      [4100, 700],
      [3800, 101],
    ]);
    expect(feed.describe()).toMatchObject({ kind: "polymarket", connected: true, markets: { open: 2 }, tokens: 4, synced: 4 });
  });

  it("passes tick-size changes on once per market and resolutions with the winning outcome; the resolved market's tokens leave", async () => {
    const feed = startFeed();
    await synced(feed, YES, NO);
    fake.setTickSize(PLAIN.conditionId, "0.001");
    await vi.waitFor(() => expect(sink.events).toContain(`tick ${PLAIN.conditionId} 0.001`), { timeout: 5_000 });
    // Gamma still says 0.01 (it follows later): the socket's newer tick is kept.
    await feed.refresh();
    expect(sink.events.filter((e) => e.startsWith("tick"))).toEqual([`tick ${PLAIN.conditionId} 0.001`]);
    fake.resolveMarket(PLAIN.conditionId, "No");
    await vi.waitFor(() => expect(sink.events).toContain(`resolved ${PLAIN.conditionId} No`), { timeout: 5_000 });
    const after = sink.events.slice(2);
    // Two tokens, two tick_size_change events: one change; closing before the resolution.
    expect(after.filter((e) => e.startsWith("tick"))).toEqual([`tick ${PLAIN.conditionId} 0.001`]);
    expect(after.filter((e) => e.includes(PLAIN.conditionId) && !e.startsWith("tick"))).toEqual([`closed ${PLAIN.conditionId}`, `resolved ${PLAIN.conditionId} No`]);
    expect(feed.book(YES)).toBeUndefined();
    expect(await feed.ensureToken(YES)).toBe(false);
    expect(feed.describe()).toMatchObject({ markets: { open: 1 }, tokens: 2 });
  });

  it("reads Gamma again on the clock: a closing and a resolution the socket did not announce", async () => {
    const feed = startFeed();
    await synced(feed, NEG_YES);
    gamma.updateMarket(NEG.conditionId, { closed: true });
    clock.advance(60_000);
    await vi.waitFor(() => expect(sink.events).toContain(`closed ${NEG.conditionId}`), { timeout: 5_000 });
    expect(sink.events.filter((e) => e.startsWith("resolved"))).toEqual([]);
    gamma.updateMarket(NEG.conditionId, { outcomePrices: ["0", "1"] });
    await feed.refresh();
    expect(sink.events.filter((e) => e.startsWith("resolved"))).toEqual([`resolved ${NEG.conditionId} No`]);
    // A closed market makes room in the most-active list: the next one joins.
    await feed.refresh();
    expect(sink.markets.map((m) => m.conditionId)).toEqual([PLAIN.conditionId, NEG.conditionId, EXTRA.conditionId]);
  });

  it("reconnects after the CLOB drops the connection, resubscribes and takes fresh snapshots: changes made meanwhile are in the book", async () => {
    const feed = startFeed();
    await synced(feed, YES, NO, NEG_YES);
    const before = sink.snapshots(YES);
    expect(fake.closeWebSockets("market")).toBe(1);
    // Moved while the feed is away: no price_change reaches it.
    fake.seedBook(YES, [["0.30", "1"]], [["0.70", "2"]]);
    await vi.waitFor(() => expect(feed.describe()).toMatchObject({ reconnects: 1, connected: true, synced: 4 }), { timeout: 5_000 });
    expect(sink.snapshots(YES)).toBeGreaterThan(before);
    expect(sink.levels(YES)).toEqual({ bids: [[3000, 100]], asks: [[7000, 200]] });
    expect(sink.levels(NO)).toEqual(fakeLevels(fake, NO));
    // And it goes on with deltas on the new connection.
    const trader = await newTrader(fake);
    await trader.client.createAndPostOrder({ tokenID: YES, price: 0.35, size: 5, side: Side.BUY });
    await vi.waitFor(() => expect(sink.levels(YES)).toEqual(fakeLevels(fake, YES)), { timeout: 5_000 });
    expect(sink.levels(YES)!.bids[0]).toEqual([3500, 500]);
  });

  it("ensureToken adds the market of a token it does not follow (reported, subscribed, true at its first book); an unknown token is false", async () => {
    const feed = startFeed();
    await synced(feed, YES);
    expect(feed.book(EXTRA_YES)).toBeUndefined();
    // Both tokens at once, as two trades of one wallet would: one lookup each, one market.
    const [yes, no] = await Promise.all([feed.ensureToken(EXTRA_YES), feed.ensureToken(EXTRA_NO)]);
    expect([yes, no]).toEqual([true, true]);
    expect(sink.markets.filter((m) => m.conditionId === EXTRA.conditionId)).toEqual([expect.objectContaining({ minOrderSize: "2.5", tickSize: "0.01", status: "open" })]);
    expect(sink.levels(EXTRA_YES)).toEqual({ bids: [[2000, 500]], asks: [[3000, 500]] });
    expect(gamma.requests.some((r) => r.path === "/markets" && r.query.getAll("clob_token_ids").includes(EXTRA_YES))).toBe(true);
    expect(feed.describe()).toMatchObject({ markets: { open: 3, onDemand: 1 } });
    // Already followed: true at once, without asking Gamma.
    const asked = gamma.requests.length;
    expect(await feed.ensureToken(YES)).toBe(true);
    expect(gamma.requests.length).toBe(asked);
    // A token Gamma does not know, open or closed.
    expect(await feed.ensureToken("123456789")).toBe(false);
    expect(gamma.requests.filter((r) => r.query.getAll("clob_token_ids").includes("123456789")).map((r) => r.query.get("closed"))).toEqual([null, "true"]);
    expect(sink.markets).toHaveLength(3);
  });

  it("AUTONOME_PM_MARKETS: follows the listed condition ids and slugs, names what Gamma does not know, and reads a closed market as closed", async () => {
    gamma.updateMarket(PLAIN.conditionId, { closed: true });
    const unknown = `0x${"ab".repeat(32)}`;
    const feed = startFeed({ markets: [NEG.conditionId, gammaMarketOf(EXTRA).slug!, unknown, PLAIN.conditionId] });
    await vi.waitFor(() => expect(sink.markets).toHaveLength(3), { timeout: 5_000 });
    expect(sink.markets.map((m) => [m.conditionId, m.status])).toEqual([
      [NEG.conditionId, "open"],
      [EXTRA.conditionId, "open"],
      [PLAIN.conditionId, "closed"],
    ]);
    await synced(feed, NEG_YES, EXTRA_YES);
    expect(feed.describe()).toMatchObject({ selection: { listed: 4, missing: [unknown] } });
  });

  it("leaves out a Gamma row it cannot read and keeps the others; reports books without an update for staleMs as stale", async () => {
    gamma.addMarket({ ...gammaMarketOf(EXTRA, { volume24hr: 5_000 }), conditionId: `0x${"cd".repeat(32)}`, clobTokenIds: [] });
    const feed = startFeed({ staleMs: 30_000 });
    await vi.waitFor(() => expect(sink.markets).toHaveLength(2), { timeout: 5_000 });
    expect(sink.markets.map((m) => m.conditionId)).toEqual([PLAIN.conditionId, NEG.conditionId]);
    expect(feed.describe().refused).toEqual({ [`0x${"cd".repeat(32)}`]: expect.stringMatching(/2 outcomes but 0 token ids/) });
    await synced(feed, YES, NO, NEG_YES);
    // NEG's No token has no orders: an empty book is a book all the same.
    await synced(feed, NEG.tokens[1]!.tokenId);
    expect(feed.describe()).toMatchObject({ stale: 0, staleTokens: [] });
    clock.advance(30_001);
    expect(feed.describe()).toMatchObject({ stale: 4 });
    const trader = await newTrader(fake);
    await trader.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    await vi.waitFor(() => expect(feed.describe()).toMatchObject({ stale: 3 }), { timeout: 5_000 });
    expect(feed.describe().staleTokens).not.toContain(YES);
  });

  it("follows again the markets a previous run left unresolved, even when they are no longer among the most active", async () => {
    const feed = startFeed({ marketLimit: 1, adopt: [EXTRA.conditionId] });
    await vi.waitFor(() => expect(sink.markets).toHaveLength(2), { timeout: 5_000 });
    expect(sink.markets.map((m) => m.conditionId)).toEqual([PLAIN.conditionId, EXTRA.conditionId]);
    await synced(feed, EXTRA_YES);
    expect(sink.levels(EXTRA_YES)).toEqual(fakeLevels(fake, EXTRA_YES));
  });
});
