import { afterEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { ManualClock } from "../../src/core/clock.js";
import type { PredictionBookView, PredictionMarketView } from "../../src/prediction/prediction-api.js";
import { createApp } from "../../src/server/app.js";
import { DEFAULT_MARKETS, type MarketConfig } from "../fake-polymarket/clob/markets.js";
import { startFakeClob } from "../fake-polymarket/clob/server.js";
import { startFakeGamma } from "../fake-polymarket/data-api/index.js";
import { gammaMarketOf } from "../feeds/support/polymarket-fakes.js";
import { kernelEnvironment } from "../support/kernel-env.js";

const PLAIN = DEFAULT_MARKETS[0]!;
const NEG = DEFAULT_MARKETS[1]!;
const YES = PLAIN.tokens[0]!.tokenId;
const EXTRA: MarketConfig = {
  conditionId: "0x5eed000000000000000000000000000000000000000000000000000000000003",
  question: "Will a followed wallet trade this one?",
  tokens: [
    { tokenId: "33333333333333333333333333333333333333333333333333333333333333333333333333333", outcome: "Yes" },
    { tokenId: "44444444444444444444444444444444444444444444444444444444444444444444444444444", outcome: "No" },
  ],
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
};

describe("AUTONOME_PM_FEED=polymarket through the kernel", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("serves the fake Gamma's most active markets with the fake CLOB's prices, follows trades, and adds a market on demand", { timeout: 60_000 }, async () => {
    const fake = await startFakeClob({ tickMs: 0, markets: [...DEFAULT_MARKETS, EXTRA] });
    cleanups.push(() => fake.close());
    const gamma = await startFakeGamma({ markets: [gammaMarketOf(PLAIN, { volume24hr: 900 }), gammaMarketOf(NEG, { volume24hr: 800 }), gammaMarketOf(EXTRA, { volume24hr: 1 })] });
    cleanups.push(() => gamma.close());
    fake.seedBook(YES, [["0.40", "100"]], [["0.50", "10"]]);
    fake.seedBook(NEG.tokens[0]!.tokenId, [["0.412", "20"]], [["0.415", "30"]]);
    fake.seedBook(EXTRA.tokens[0]!.tokenId, [["0.20", "5"]], [["0.30", "5"]]);

    const env = await kernelEnvironment("pglite", cleanups, {
      AUTONOME_PM_FEED: "polymarket",
      AUTONOME_PM_MARKET_LIMIT: "2",
      POLYMARKET_CLOB_URL: fake.url,
      POLYMARKET_CLOB_WS_URL: fake.wsUrl,
      POLYMARKET_GAMMA_URL: gamma.url,
      AUTONOME_TRADE_INTERVAL: "0",
      AUTONOME_FEED_INTERVAL: "1h",
    });
    const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }), new ManualClock(Date.parse("2030-01-01T00:00:00Z")));
    await autonome.start();
    cleanups.push(() => autonome.stop());
    // The perpetuals feed is still the synthetic one.
    expect(autonome.feed.kind).toBe("synthetic");
    expect(autonome.predictionFeed?.kind).toBe("polymarket");
    const app = createApp({ services: autonome.services });
    const get = async <T>(path: string) => (await app.request(path)).json() as Promise<T>;
    const outcome = async (conditionId: string, name: string) =>
      (await get<PredictionMarketView[]>("/api/prediction-markets")).find((m) => m.conditionId === conditionId)?.outcomes.find((o) => o.outcome === name);

    await vi.waitFor(async () => expect(await outcome(PLAIN.conditionId, "Yes")).toMatchObject({ bid: "0.4", ask: "0.5" }), { timeout: 10_000 });
    const listed = await get<PredictionMarketView[]>("/api/prediction-markets");
    expect(listed.map((m) => m.conditionId).sort()).toEqual([PLAIN.conditionId, NEG.conditionId].sort());
    expect(listed.find((m) => m.conditionId === NEG.conditionId)).toMatchObject({ question: NEG.question, tickSize: "0.001", minOrderSize: "5", negRisk: true, source: "polymarket", status: "open" });
    await vi.waitFor(async () => expect(await outcome(NEG.conditionId, "Yes")).toMatchObject({ bid: "0.412", ask: "0.415" }), { timeout: 10_000 });

    // A trade at the CLOB takes the best ask: the book the API serves follows.
    fake.outsideTrade({ tokenId: YES, side: "BUY", size: "10" });
    await vi.waitFor(async () => expect(await outcome(PLAIN.conditionId, "Yes")).toMatchObject({ bid: "0.4", ask: null }), { timeout: 10_000 });
    const book = await get<PredictionBookView>(`/api/prediction-markets/${PLAIN.conditionId}/book?tokenId=${YES}`);
    expect(book).toMatchObject({ bids: [["0.4", "100"]], asks: [] });

    // A token the feed did not carry (a followed wallet traded it): added, listed, priced.
    expect(await autonome.predictionFeed!.ensureToken!(EXTRA.tokens[0]!.tokenId)).toBe(true);
    await vi.waitFor(async () => expect(await outcome(EXTRA.conditionId, "Yes")).toMatchObject({ bid: "0.2", ask: "0.3" }), { timeout: 10_000 });
    expect(await autonome.predictionFeed!.ensureToken!("987654321")).toBe(false);
    expect(await get<PredictionMarketView[]>("/api/prediction-markets")).toHaveLength(3);
  });
});
