import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { ManualClock } from "../../src/core/clock.js";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { ModelView, PositionView, SignalView, TradeView } from "../../src/app/services.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import { startFakeDataApi, type FakeDataApi } from "../fake-polymarket/data-api/index.js";
import { sql } from "drizzle-orm";
import { FollowEngine } from "../../src/follow/follow-engine.js";
import { dataApiWalletSource } from "../../src/follow/wallet-source.js";
import { PolymarketDataApi } from "../../src/venues/polymarket/data-api.js";
import { DRIVERS } from "../support/databases.js";
import { kernelEnvironment } from "../support/kernel-env.js";
import { errorOf, sendJson } from "../server/helpers.js";

const T0 = Date.parse("2026-06-15T00:00:00Z");
const T0S = T0 / 1000;
const WALLET = "0x1111111111111111111111111111111111111111";
const CONDITION = `0x${"cd".repeat(32)}`;
const YES = "3333333333333333333333333333";
const NO = "4444444444444444444444444444";
const MARKET: PredictionMarketInput = {
  conditionId: CONDITION,
  question: "Will the follower follow?",
  slug: "will-the-follower-follow",
  status: "open",
  endDate: T0 + 86_400_000,
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  category: "testing",
  outcomes: [
    { outcome: "Yes", tokenId: YES },
    { outcome: "No", tokenId: NO },
  ],
  source: "synthetic",
};
const px = (dollars: string) => Math.round(Number(dollars) * 10_000);
const sh = (shares: number) => shares * 100;

const fill = (o: { side: "BUY" | "SELL"; tokenId?: string; price: string; size: string; timestamp?: number; role?: "maker" | "taker"; txHash?: string }) => ({
  wallet: WALLET,
  role: o.role ?? "taker",
  side: o.side,
  conditionId: CONDITION,
  tokenId: o.tokenId ?? YES,
  price: o.price,
  size: o.size,
  timestamp: o.timestamp ?? T0S,
  ...(o.txHash ? { txHash: o.txHash } : {}),
});

describe.each(DRIVERS)("follow models (FT) over the fake Data API on %s", { timeout: 180_000 }, (driver) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const fake: FakeDataApi = await startFakeDataApi();
    cleanups.push(() => fake.close());
    const env = await kernelEnvironment(driver, cleanups, {
      AUTONOME_PM_FEED: "off",
      POLYMARKET_DATA_API_URL: fake.url,
      AUTONOME_FOLLOW_POLL: "1h",
      AUTONOME_TRADE_INTERVAL: "0",
      AUTONOME_FEED_INTERVAL: "1h",
    });
    const clock = new ManualClock(T0);
    return { fake, env, clock };
  }

  async function boot(env: Record<string, string>, clock: ManualClock) {
    const autonome: Autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }), clock);
    await autonome.start();
    cleanups.push(() => autonome.stop().catch(() => undefined));
    await autonome.prediction.upsert(MARKET);
    autonome.prediction.applyBook(YES, {
      ts: clock.now(),
      kind: "snapshot",
      bids: [[px("0.40"), sh(1000)]],
      asks: [
        [px("0.42"), sh(50)],
        [px("0.43"), sh(1000)],
      ],
    });
    autonome.prediction.applyBook(NO, { ts: clock.now(), kind: "snapshot", bids: [[px("0.57"), sh(1000)]], asks: [[px("0.59"), sh(1000)]] });
    const app = createApp({ services: autonome.services });
    const get = async <T>(path: string) => (await app.request(path)).json() as Promise<T>;
    return { autonome, app, get };
  }

  it("copies a wallet's trades on paper and explains every skip: maker fills, duplicates, filters, unknown markets, proportional sells, late rows, a restart", async () => {
    const { fake, env, clock } = await setup();
    let node = await boot(env, clock);

    // Bad bodies are refused with what was wrong, and nothing is created.
    const bad = async (body: Record<string, unknown>, field: string) => {
      const r = await sendJson(node.app, "POST", "/api/models", body);
      expect(r.status).toBe(400);
      expect((await errorOf(r)).message).toContain(field);
    };
    await bad({ kind: "follow", name: "x", wallets: [WALLET] }, "sizing");
    await bad({ kind: "follow", name: "x", wallets: ["0x12"], sizing: { mode: "fixed", usd: "10" } }, "wallets.0");
    await bad({ kind: "follow", name: "x", wallets: [WALLET], sizing: { mode: "kelly" } }, "sizing");
    await bad({ kind: "rule", name: "x", strategy: "trend", wallets: [WALLET] }, "wallets");
    const before = (await node.get<ModelView[]>("/api/models")).length;

    const created = await sendJson(node.app, "POST", "/api/models", {
      kind: "follow",
      name: "FT whale",
      wallets: [WALLET.toUpperCase().replace("0X", "0x")],
      sizing: { mode: "fixed", usd: "10" },
      filters: { priceMax: "0.8" },
      maxSignalAgeMs: 60_000,
      initialCapital: "1000",
    });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;
    expect(model.kind).toBe("follow");
    expect((await node.get<ModelView[]>("/api/models")).length).toBe(before + 1);
    const signals = () => node.get<SignalView[]>(`/api/models/${model.id}/signals`);

    // Following starts at the model's creation: the first read stores the cursor and copies nothing older.
    fake.addFill(fill({ side: "BUY", price: "0.41", size: "100", timestamp: T0S - 60 }));
    await node.autonome.follow!.tick();
    expect(await signals()).toEqual([]);

    // A maker fill (hidden by the Data API's default), a trade above priceMax, one on a market
    // this system does not trade, and the first fill served twice.
    const first = fake.addFill(fill({ side: "BUY", price: "0.41", size: "100", role: "maker" }));
    fake.addFill(fill({ side: "BUY", tokenId: NO, price: "0.9", size: "10" }));
    fake.addFill(fill({ side: "BUY", tokenId: "999", price: "0.5", size: "10" }));
    fake.duplicate(first);
    clock.set(T0 + 2_000);
    await node.autonome.follow!.tick();
    let seen = await signals();
    expect(seen).toHaveLength(3);
    const bought = seen.find((s) => s.tokenId === YES)!;
    // $10 at a worst price of 0.41 + 0.02 = 0.43 buys 23.25 shares, filled at the 0.42 ask.
    expect(bought).toMatchObject({ decision: "copied", side: "BUY", price: "0.41", size: "100", filledQuantity: "23.25", fillPrice: "0.42", late: false });
    expect(seen.find((s) => s.tokenId === NO)).toMatchObject({ decision: "skipped", reason: "price_out_of_range" });
    expect(seen.find((s) => s.tokenId === "999")).toMatchObject({ decision: "skipped", reason: "unknown_market" });
    const position = (await node.get<PositionView[]>(`/api/positions?modelId=${model.id}`))[0]!;
    expect(position).toMatchObject({ side: "LONG", quantity: "23.25", entryPrice: "0.42", instrument: { tokenId: YES } });
    expect(bought.positionId).toBe(position.id);

    // The trader sells half of what they bought: the follower sells half of its own position.
    fake.addFill(fill({ side: "SELL", price: "0.40", size: "50", timestamp: T0S + 3 }));
    clock.set(T0 + 5_000);
    await node.autonome.follow!.tick();
    expect((await node.get<PositionView[]>(`/api/positions?modelId=${model.id}`))[0]!.quantity).toBe("11.63");

    // A fill indexed late, two minutes after it happened: delivered once, skipped as too old.
    clock.set(T0 + 125_000);
    fake.addLateFill(fill({ side: "BUY", price: "0.41", size: "7", timestamp: T0S + 2 }));
    await node.autonome.follow!.tick();
    seen = await signals();
    expect(seen[0]).toMatchObject({ size: "7", late: true, decision: "skipped", reason: "signal_too_old" });

    // A restart resumes from the stored cursor: nothing twice, nothing lost.
    await node.autonome.stop();
    node = await boot(env, clock);
    // The trader holds 57 shares now (100 - 50 + the late 7, which happened whether we copied it or not) and sells them all.
    fake.addFill(fill({ side: "SELL", price: "0.40", size: "57", timestamp: T0S + 126 }));
    clock.set(T0 + 127_000);
    await node.autonome.follow!.tick();
    seen = await signals();
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((s) => s.id)).size).toBe(6);
    // The trader sold the rest: so did the follower, as a MIRROR close.
    expect(seen[0]).toMatchObject({ side: "SELL", decision: "copied" });
    expect(await node.get<PositionView[]>(`/api/positions?modelId=${model.id}`)).toEqual([]);
    const trades = await node.get<TradeView[]>(`/api/trades?modelId=${model.id}`);
    expect(trades.map((t) => [t.quantity, t.closeTrigger])).toEqual([
      ["11.63", "MIRROR"],
      ["11.62", "MIRROR"],
    ]);
    // The Data API was asked for maker fills too.
    expect(fake.requests.some((r) => r.path === "/v2/trades" && r.query.taker_only === "false")).toBe(true);

    expect((await node.app.request("/api/models/nope/signals")).status).toBe(404);
    const rule = (await node.get<ModelView[]>("/api/models")).find((m) => m.kind === "rule")!;
    expect((await node.app.request(`/api/models/${rule.id}/signals`)).status).toBe(400);
  });

  it("follows a wallet from the model's creation: a trade made before the engine's first read of it is copied, one made before the model is not", async () => {
    const { fake, env, clock } = await setup();
    const node = await boot(env, clock);
    fake.addFill(fill({ side: "BUY", price: "0.41", size: "100", timestamp: T0S - 1, txHash: `0x${"01".repeat(32)}` }));
    const created = await sendJson(node.app, "POST", "/api/models", { kind: "follow", name: "FT early", wallets: [WALLET], sizing: { mode: "fixed", usd: "10" }, initialCapital: "1000" });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;
    // The wallet trades a second after the model was created; the engine reads it only later.
    fake.addFill(fill({ side: "BUY", price: "0.41", size: "100", timestamp: T0S + 1, txHash: `0x${"02".repeat(32)}` }));
    clock.set(T0 + 3_000);
    await node.autonome.follow!.tick();
    const seen = await node.get<SignalView[]>(`/api/models/${model.id}/signals`);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ side: "BUY", size: "100", decision: "copied", fillPrice: "0.42" });
    expect((await node.get<PositionView[]>(`/api/positions?modelId=${model.id}`))[0]).toMatchObject({ side: "LONG", quantity: "23.25" });
  });

  it("polycopy's failures, designed out: a burst of 40 trades in one second is copied whole, and two engines deciding at once place each order once", async () => {
    const { fake, env, clock } = await setup();
    const node = await boot(env, clock);
    const created = await sendJson(node.app, "POST", "/api/models", {
      kind: "follow",
      name: "FT burst",
      wallets: [WALLET],
      sizing: { mode: "fixed", usd: "6" },
      risk: { maxRiskPerTradePct: 100, maxGrossExposure: 10 },
    });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;
    await node.autonome.follow!.tick();
    // 40 fills in one second (polycopy's wall-clock window and 2-minute cron lost most of such bursts).
    for (let i = 0; i < 40; i++) fake.addFill(fill({ side: "BUY", price: "0.42", size: String(20 + i), txHash: `0x${String(i).padStart(64, "a")}` }));
    clock.set(T0 + 1_000);
    // A second engine on the same database and service, deciding at the same time as the first.
    const twin = new FollowEngine({
      db: node.autonome.database.db,
      service: node.autonome.service,
      catalog: node.autonome.prediction,
      source: dataApiWalletSource(new PolymarketDataApi({ baseUrl: fake.url }), clock),
      clock,
      pollMs: 3_600_000,
    });
    await Promise.all([node.autonome.follow!.tick(), twin.tick()]);
    const seen = await node.get<SignalView[]>(`/api/models/${model.id}/signals?limit=100`);
    expect(seen).toHaveLength(40);
    expect(seen.filter((s) => s.decision === "copied")).toHaveLength(40);
    const orders = await node.autonome.database.db.execute(sql`select count(*)::int as n, count(distinct client_order_id)::int as d from venue_orders where model_id = ${model.id}`);
    expect((orders as unknown as { rows: Array<{ n: number; d: number }> }).rows[0]).toEqual({ n: 40, d: 40 });
    // $6 at 0.44 buys 13.63 shares each time: 40 x 13.63 = 545.2 shares in one position.
    const [position] = await node.get<PositionView[]>(`/api/positions?modelId=${model.id}`);
    expect(position!.quantity).toBe("545.2");
  });
});
