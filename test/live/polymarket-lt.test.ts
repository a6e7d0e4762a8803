import { count, eq } from "drizzle-orm";
import { pino } from "pino";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { ModelView, PositionView, TradeView } from "../../src/app/services.js";
import { usd } from "../../src/core/money.js";
import { polymarketSignedOrders, venueOrders } from "../../src/db/schema.js";
import { createApp } from "../../src/server/app.js";
import { DEFAULT_MARKETS } from "../fake-polymarket/clob/markets.js";
import { startFakeClob, type FakeClob } from "../fake-polymarket/clob/server.js";
import { startFakeDataApi, startFakeGamma, startFakeGeoblock } from "../fake-polymarket/data-api/index.js";
import { gammaMarketOf } from "../feeds/support/polymarket-fakes.js";
import { DRIVERS } from "../support/databases.js";
import { kernelEnvironment } from "../support/kernel-env.js";
import { errorOf, sendJson } from "../server/helpers.js";

/**
 * LT end to end over the fakes: a follow model copies a wallet on paper against the CLOB's live
 * books, and a mirror copies the follow model onto a live Polymarket account (TRADING_MODE=live,
 * AUTONOME_PM_FEED=polymarket, the geoblock check passed). One order per signal reaches the CLOB,
 * its fill is the follower's position, and the market's resolution settles paper and live to the cent.
 */

const PLAIN = DEFAULT_MARKETS[0]!;
const YES = PLAIN.tokens[0]!.tokenId;
const WALLET = `0x${"7a".repeat(20)}`;

describe.each(DRIVERS)("LT: a follow model mirrored onto a live Polymarket account (%s)", { timeout: 120_000 }, (driver) => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function fakes(geo: { blocked: boolean } = { blocked: false }) {
    const clob = await startFakeClob({ tickMs: 20, minedDelayMs: 100, confirmedDelayMs: 200 });
    cleanups.push(() => clob.close());
    const gamma = await startFakeGamma({ markets: [gammaMarketOf(PLAIN, { volume24hr: 900 })] });
    cleanups.push(() => gamma.close());
    const dataApi = await startFakeDataApi();
    cleanups.push(() => dataApi.close());
    const geoblock = await startFakeGeoblock({ answer: { blocked: geo.blocked, country: geo.blocked ? "US" : "PT" } });
    cleanups.push(() => geoblock.close());
    clob.seedBook(
      YES,
      [["0.40", "100"]],
      [
        ["0.50", "40"],
        ["0.52", "200"],
      ],
    );
    return { clob, gamma, dataApi, geoblock };
  }

  async function boot(f: Awaited<ReturnType<typeof fakes>>): Promise<{ autonome: Autonome; app: ReturnType<typeof createApp> }> {
    const env = await kernelEnvironment(driver, cleanups, {
      TRADING_MODE: "live",
      AUTONOME_PM_FEED: "polymarket",
      POLYMARKET_CLOB_URL: f.clob.url,
      POLYMARKET_CLOB_WS_URL: f.clob.wsUrl,
      POLYMARKET_GAMMA_URL: f.gamma.url,
      POLYMARKET_DATA_API_URL: f.dataApi.url,
      POLYMARKET_GEOBLOCK_URL: f.geoblock.checkUrl,
      POLYMARKET_CHAIN_ID: String(f.clob.chainId),
      AUTONOME_FOLLOW_POLL: "1h",
      AUTONOME_TRADE_INTERVAL: "0",
      AUTONOME_FEED_INTERVAL: "1h",
      LOG_LEVEL: "silent",
    });
    const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }));
    await autonome.start();
    cleanups.push(() => autonome.stop().catch(() => undefined));
    const app = createApp({ services: autonome.services });
    // The live feed has the CLOB's book before anything trades.
    await vi.waitFor(
      async () => {
        const markets = (await (await app.request("/api/prediction-markets")).json()) as Array<{ outcomes: Array<{ tokenId: string; ask: string | null }> }>;
        expect(markets.flatMap((m) => m.outcomes).find((o) => o.tokenId === YES)?.ask).toBe("0.5");
      },
      { timeout: 10_000 },
    );
    return { autonome, app };
  }

  function wallet(clob: FakeClob, env: string, pusd: string): string {
    const key = generatePrivateKey();
    process.env[env] = key;
    cleanups.push(() => delete process.env[env]);
    const address = privateKeyToAccount(key).address;
    clob.fund(address, pusd);
    return address;
  }

  it("copies a wallet's buy on paper, sends one order per signal to the CLOB, and settles the resolution on both to the cent", async () => {
    const f = await fakes();
    const env = `PM_LT_KEY_${driver.toUpperCase()}`;
    const address = wallet(f.clob, env, "1000");
    const { autonome, app } = await boot(f);

    const ft = await sendJson(app, "POST", "/api/models", { kind: "follow", name: "FT", wallets: [WALLET], sizing: { mode: "fixed", usd: "15" }, initialCapital: "1000", maxSignalAgeMs: 3_600_000 });
    expect(ft.status).toBe(201);
    const ftId = ((await ft.json()) as ModelView).id;
    const lt = await sendJson(app, "POST", "/api/models", { kind: "mirror", name: "LT", venue: { kind: "polymarket", privateKeyEnv: env, signatureType: 0 } });
    expect(lt.status).toBe(201);
    const ltModel = (await lt.json()) as ModelView;
    // The capital is the wallet's pUSD, read from the CLOB.
    expect(usd(ltModel.initialCapital)).toBe(1_000_000_000n);
    const live = (await (await app.request("/api/live")).json()) as { accounts: Array<{ modelId: string; venue: string; account: string; linked: boolean }> };
    expect(live.accounts).toContainEqual(expect.objectContaining({ modelId: ltModel.id, venue: "polymarket", account: `Polymarket wallet ${address.toLowerCase()}`, linked: true }));
    // A perpetuals model's trades cannot land on a Polymarket wallet: refused before anything is written.
    const rule = ((await (await sendJson(app, "POST", "/api/models", { kind: "rule", name: "Perps", strategy: "trend-following" })).json()) as ModelView).id;
    const wrong = await sendJson(app, "POST", "/api/mirrors", { sourceModelId: rule, followerModelId: ltModel.id });
    expect(wrong.status).toBe(422);
    expect(await errorOf(wrong)).toMatchObject({ code: "source_not_tradable" });
    const mirror = await sendJson(app, "POST", "/api/mirrors", {
      sourceModelId: ftId,
      followerModelId: ltModel.id,
      sizing: { mode: "ratio", ratio: "0.5" },
      maxSlippageBps: 500,
      maxSignalAgeMs: 600_000,
    });
    expect(mirror.status).toBe(201);

    // The wallet buys 100 shares at 0.50; the follow model copies $15 at the CLOB's ask (0.50: 30 shares).
    // The wallet trades before the engine's first read of it: it is followed from the model's creation.
    f.dataApi.addFill({ wallet: WALLET, role: "taker", side: "BUY", conditionId: PLAIN.conditionId, tokenId: YES, price: "0.5", size: "100", timestamp: Math.floor(Date.now() / 1000) });
    await autonome.follow!.tick();
    const symbol = autonome.prediction.symbolOf(YES)!;
    const positions = async (id: string) => ((await (await app.request(`/api/positions?modelId=${id}`)).json()) as PositionView[]).filter((p) => p.symbol === symbol);
    await vi.waitFor(async () => expect(await positions(ftId)).toHaveLength(1), { timeout: 10_000 });
    const ftPos = (await positions(ftId))[0]!;
    // The follower mirrors half of it on the CLOB: one signed order, posted once, filled.
    await vi.waitFor(async () => expect(await positions(ltModel.id)).toHaveLength(1), { timeout: 15_000 });
    const ltPos = (await positions(ltModel.id))[0]!;
    // Half the source's shares, bought with a FAK whose worst price is the source's 0.50 + 5%
    // (0.52 on the tick): the CLOB spends that budget at 0.50, so at least the shares asked for
    // and never more dollars than asked × worst price.
    const lots = (q: string) => usd(q) / 10_000n;
    const asked = lots(ftPos.quantity) / 2n;
    expect(lots(ltPos.quantity)).toBeGreaterThanOrEqual(asked);
    expect(lots(ltPos.quantity) * 5_000n).toBeLessThanOrEqual(asked * 5_200n);
    expect(ltPos.entryPrice).toBe("0.5");
    const posts = f.clob.requests.filter((r) => r.method === "POST" && r.path === "/order");
    expect(posts).toHaveLength(1);
    const db = autonome.database.db;
    const [signed] = await db.select({ n: count() }).from(polymarketSignedOrders).where(eq(polymarketSignedOrders.modelId, ltModel.id));
    expect(signed!.n).toBe(1);
    const rows = await db.select().from(venueOrders).where(eq(venueOrders.modelId, ltModel.id));
    expect(rows.map((r) => [r.venue, r.status])).toEqual([["polymarket", "FILLED"]]);

    // The market resolves Yes at the CLOB: the feed tells the catalog, both positions close at $1.
    f.clob.resolveMarket(PLAIN.conditionId, "Yes");
    const trades = async (id: string) => ((await (await app.request(`/api/trades?modelId=${id}`)).json()) as TradeView[]).filter((t) => t.symbol === symbol);
    await vi.waitFor(async () => expect(await trades(ltModel.id)).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(async () => expect(await trades(ftId)).toHaveLength(1), { timeout: 15_000 });
    for (const [id, pos] of [
      [ltModel.id, ltPos],
      [ftId, ftPos],
    ] as const) {
      const [t] = await trades(id);
      expect(t).toMatchObject({ closeTrigger: "RESOLUTION", exitPrice: "1" });
      // Shares × ($1 − average entry), exact to the micro-dollar (no fees on outcome tokens).
      const shares = usd(pos.quantity);
      const entry = usd(pos.entryPrice);
      expect(usd(t!.realizedPnl)).toBe((shares * (1_000_000n - entry)) / 1_000_000n);
    }
    expect(f.clob.requests.filter((r) => r.method === "POST" && r.path === "/order")).toHaveLength(1);
  });

  it("a GTT copy that only partly fills rests on the CLOB until the reaper cancels the rest, and says so", async () => {
    const f = await fakes();
    // Only 5 shares at 0.50, then nothing under 0.70.
    f.clob.seedBook(
      YES,
      [["0.40", "100"]],
      [
        ["0.50", "5"],
        ["0.70", "1000"],
      ],
    );
    const env = `PM_LT_GTT_${driver.toUpperCase()}`;
    wallet(f.clob, env, "1000");
    const { autonome, app } = await boot(f);
    const ftId = (
      (await (
        await sendJson(app, "POST", "/api/models", { kind: "follow", name: "FT", wallets: [WALLET], sizing: { mode: "fixed", usd: "15" }, initialCapital: "1000", maxSignalAgeMs: 3_600_000 })
      ).json()) as ModelView
    ).id;
    const ltId = ((await (await sendJson(app, "POST", "/api/models", { kind: "mirror", name: "LT", venue: { kind: "polymarket", privateKeyEnv: env, signatureType: 0 } })).json()) as ModelView).id;
    const mirror = (await (
      await sendJson(app, "POST", "/api/mirrors", {
        sourceModelId: ftId,
        followerModelId: ltId,
        sizing: { mode: "ratio", ratio: "2" },
        orderType: "GTT",
        ttlMs: 1_000,
        maxSlippageBps: 0,
        maxSignalAgeMs: 600_000,
      })
    ).json()) as { id: string };

    // The wallet trades before the engine's first read of it: it is followed from the model's creation.
    f.dataApi.addFill({ wallet: WALLET, role: "taker", side: "BUY", conditionId: PLAIN.conditionId, tokenId: YES, price: "0.5", size: "100", timestamp: Math.floor(Date.now() / 1000) });
    await autonome.follow!.tick();
    // FT bought the 5 shares at 0.50 on paper; the follower asks for 10 at 0.50: 5 fill, 5 rest, then are reaped.
    const executions = async () =>
      (await (await app.request(`/api/mirrors/${mirror.id}/executions`)).json()) as Array<{ outcome: string | null; reason: string | null; intendedQuantity: string; filledQuantity: string }>;
    await vi.waitFor(async () => expect((await executions())[0]?.outcome).toBe("partial"), { timeout: 15_000 });
    expect((await executions())[0]).toMatchObject({ reason: "expired", intendedQuantity: "10", filledQuantity: "5" });
    const open = await autonome.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, ltId));
    expect(open.map((o) => [o.timeInForce, usd(o.filledQuantity)])).toEqual([["GTT", 5_000_000n]]);
    // Taken down by the reaper, or by the CLOB at the GTD expiry it was signed with: whichever came first.
    expect(["CANCELED", "EXPIRED"]).toContain(open[0]!.status);
    // Nothing of ours is left resting at the CLOB.
    const resting = [...f.clob.exchange.books.get(YES)!.levels("BUY")].filter((l) => l.price4 === 5000n);
    expect(resting).toEqual([]);
  });

  it("refuses Polymarket accounts from a location the geoblock check blocks, with its message", async () => {
    const f = await fakes({ blocked: true });
    const env = `PM_LT_BLOCKED_${driver.toUpperCase()}`;
    wallet(f.clob, env, "50");
    const { app } = await boot(f);
    const r = await sendJson(app, "POST", "/api/models", { kind: "mirror", name: "LT", venue: { kind: "polymarket", privateKeyEnv: env, signatureType: 0 } });
    expect(r.status).toBe(422);
    const e = await errorOf(r);
    expect(e.code).toBe("live_trading_unavailable");
    expect(e.message).toMatch(/does not accept orders from .*US/);
    expect(f.clob.requests.filter((x) => x.path.startsWith("/auth"))).toEqual([]);
  });
});
