import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { ManualClock } from "../../src/core/clock.js";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { FollowWalletView, HealthView, ModelView, SignalSummaryView, SignalView } from "../../src/app/services.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import { followSignals } from "../../src/db/schema.js";
import { startFakeDataApi, type FakeDataApi } from "../fake-polymarket/data-api/index.js";
import { DRIVERS } from "../support/databases.js";
import { kernelEnvironment } from "../support/kernel-env.js";
import { errorOf, sendJson, SseReader, type SseFrame } from "../server/helpers.js";

/**
 * What a follow model shows beyond its signals' rows: its wallets' reads (a failing Data API is
 * seen, and makes /api/health degraded once every wallet failed more than 5 reads in a row),
 * its signals paged by id and filtered with their totals, the `signal` and `prediction` events
 * of the stream (resumable from the outbox), and a signal settled from its order row (a crash
 * after the order, a resting order that fills later) with its shares and average price.
 */

const T0 = Date.parse("2026-06-15T00:00:00Z");
const T0S = T0 / 1000;
const W1 = "0x1111111111111111111111111111111111111111";
const W2 = "0x2222222222222222222222222222222222222222";
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

let tx = 0;
const fill = (o: { wallet?: string; side: "BUY" | "SELL"; tokenId?: string; price: string; size: string; timestamp?: number }) => ({
  wallet: o.wallet ?? W1,
  role: "taker" as const,
  side: o.side,
  conditionId: CONDITION,
  tokenId: o.tokenId ?? YES,
  price: o.price,
  size: o.size,
  timestamp: o.timestamp ?? T0S,
  txHash: `0x${String(++tx).padStart(64, "0")}`,
});

describe.each(DRIVERS)("follow models' wallets, signal pages and events on %s", { timeout: 180_000 }, (driver) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function boot() {
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
    const get = async <T>(path: string) => {
      const r = await app.request(path);
      expect(r.status, `GET ${path}`).toBe(200);
      return (await r.json()) as T;
    };
    const create = async (body: Record<string, unknown>) => {
      const r = await sendJson(app, "POST", "/api/models", { kind: "follow", sizing: { mode: "fixed", usd: "10" }, initialCapital: "1000", ...body });
      expect(r.status).toBe(201);
      return (await r.json()) as ModelView;
    };
    const tick = () => autonome.follow!.tick();
    return { fake, clock, autonome, app, get, create, tick };
  }

  it("shows each wallet's reads: a failing Data API is seen per wallet and, past 5 failed reads of every wallet, makes the health degraded; a good read clears it", async () => {
    const { fake, clock, get, create, tick, app } = await boot();
    const model = await create({ name: "FT two wallets", wallets: [W1, W2] });
    const wallets = () => get<FollowWalletView[]>(`/api/models/${model.id}/wallets`);

    expect(await wallets()).toEqual([W1, W2].map((wallet) => ({ wallet, status: "unread", lastPolledAt: null, lastOkAt: null, lastError: null, consecutiveFailures: 0 })));
    await tick();
    const okAt = new Date(T0).toISOString();
    expect(await wallets()).toEqual([W1, W2].map((wallet) => ({ wallet, status: "ok", lastPolledAt: okAt, lastOkAt: okAt, lastError: null, consecutiveFailures: 0 })));

    // Both routes of the Data API answer a body that is not JSON, for every wallet.
    fake.corrupt({ times: 1000 });
    const health = () => get<HealthView>("/api/health");
    for (let i = 1; i <= 5; i++) {
      clock.set(T0 + i * 1000);
      await tick();
    }
    const failedAt = new Date(T0 + 5000).toISOString();
    let seen = await wallets();
    for (const w of seen) {
      expect(w).toMatchObject({ status: "failing", lastPolledAt: failedAt, lastOkAt: okAt, consecutiveFailures: 5 });
      expect(w.lastError?.at).toBe(failedAt);
      expect(w.lastError?.message).toContain(`reading wallet ${w.wallet}`);
    }
    // Five failed reads in a row are not more than five: not degraded yet.
    expect((await health()).reasons.filter((r) => r.code === "follow_wallets_failing")).toEqual([]);

    clock.set(T0 + 6000);
    await tick();
    const degraded = await health();
    expect(degraded.status).toBe("degraded");
    const reason = degraded.reasons.find((r) => r.code === "follow_wallets_failing")!;
    expect(reason).toMatchObject({ modelId: model.id });
    expect(reason.message).toContain("all 2 of its wallets failed the last 6 reads");
    expect(reason.message).toContain("reading wallet 0x");

    // A paused model reads nothing and no longer counts against the health.
    expect((await sendJson(app, "PATCH", `/api/models/${model.id}`, { status: "paused" })).status).toBe(200);
    clock.set(T0 + 7000);
    await tick();
    expect((await health()).reasons.filter((r) => r.code === "follow_wallets_failing")).toEqual([]);
    expect((await sendJson(app, "PATCH", `/api/models/${model.id}`, { status: "active" })).status).toBe(200);

    // The Data API is back: the next read works, the last error is kept with its time.
    fake.clearFaults();
    clock.set(T0 + 8000);
    await tick();
    const backAt = new Date(T0 + 8000).toISOString();
    seen = await wallets();
    for (const w of seen) {
      expect(w).toMatchObject({ status: "ok", lastPolledAt: backAt, lastOkAt: backAt, consecutiveFailures: 0 });
      // The paused model read nothing at T0 + 7 s: the last failure was at T0 + 6 s.
      expect(w.lastError).toMatchObject({ at: new Date(T0 + 6000).toISOString() });
    }
    expect((await health()).reasons.filter((r) => r.code === "follow_wallets_failing")).toEqual([]);

    // Asked of something that is not a follow model.
    const rule = (await get<ModelView[]>("/api/models")).find((m) => m.kind === "rule")!;
    expect((await app.request(`/api/models/${rule.id}/wallets`)).status).toBe(400);
    expect((await app.request("/api/models/nope/wallets")).status).toBe(404);
  });

  it("pages the signals back by id, narrows them by decision and reason, counts them all; a bad query value is a 400 naming the field", async () => {
    const { fake, clock, get, create, tick, app } = await boot();
    const model = await create({ name: "FT pages", wallets: [W1], filters: { priceMax: "0.8" }, maxSignalAgeMs: 60_000, risk: { maxRiskPerTradePct: 100, maxGrossExposure: 10 } });
    await tick();
    // 4 copied, 3 above priceMax, 2 on a market this system does not trade, then a late one (too old).
    for (let i = 0; i < 4; i++) fake.addFill(fill({ side: "BUY", price: "0.41", size: "10", timestamp: T0S + 2 }));
    for (let i = 0; i < 3; i++) fake.addFill(fill({ side: "BUY", price: "0.9", size: "10", tokenId: NO, timestamp: T0S + 2 }));
    for (let i = 0; i < 2; i++) fake.addFill(fill({ side: "BUY", price: "0.5", size: "10", tokenId: "999", timestamp: T0S + 2 }));
    clock.set(T0 + 2_000);
    await tick();
    clock.set(T0 + 125_000);
    fake.addLateFill(fill({ side: "BUY", price: "0.41", size: "7", timestamp: T0S + 1 }));
    await tick();

    const base = `/api/models/${model.id}/signals`;
    const all = await get<SignalView[]>(`${base}?limit=1000`);
    expect(all).toHaveLength(10);
    expect(all.every((s) => s.modelId === model.id)).toBe(true);
    const ids = all.map((s) => Number(s.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    // Pages of 4, each older than the last row of the one before: all of them once, in order.
    const paged: SignalView[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await get<SignalView[]>(`${base}?limit=4${before ? `&before=${before}` : ""}`);
      paged.push(...page);
      if (page.length < 4) break;
      before = page.at(-1)!.id;
    }
    expect(paged).toEqual(all);

    expect((await get<SignalView[]>(`${base}?decision=copied`)).map((s) => s.id)).toEqual(all.filter((s) => s.decision === "copied").map((s) => s.id));
    const unknown = await get<SignalView[]>(`${base}?decision=skipped&reason=unknown_market`);
    expect(unknown.map((s) => s.tokenId)).toEqual(["999", "999"]);
    expect(await get<SignalView[]>(`${base}?reason=price_out_of_range&limit=2&before=${all[0]!.id}`)).toHaveLength(2);
    expect(await get<SignalView[]>(`${base}?decision=pending`)).toEqual([]);

    expect(await get<SignalSummaryView>(`${base}/summary`)).toEqual({
      copied: 4,
      skipped: 6,
      pending: 0,
      byReason: { price_out_of_range: 3, unknown_market: 2, signal_too_old: 1 },
      late: 1,
    });

    for (const [query, field] of [
      ["limit=0", "limit"],
      ["before=abc", "before"],
      ["before=0", "before"],
      ["before=-3", "before"],
      ["decision=maybe", "decision"],
      ["reason=Not%20a%20reason", "reason"],
    ] as const) {
      const r = await app.request(`${base}?${query}`);
      expect(r.status, query).toBe(400);
      expect((await errorOf(r)).message, query).toContain(`${field}:`);
    }
    const rule = (await get<ModelView[]>("/api/models")).find((m) => m.kind === "rule")!;
    expect((await app.request(`/api/models/${rule.id}/signals/summary`)).status).toBe(400);
    expect((await app.request("/api/models/nope/signals/summary")).status).toBe(404);
  });

  it("streams a `signal` event as each signal is decided (the row the API lists) and a `prediction` event as a market closes and resolves; both resume from the outbox", async () => {
    const { fake, clock, get, create, tick, app, autonome } = await boot();
    const model = await create({ name: "FT live", wallets: [W1], filters: { priceMax: "0.8" } });
    await tick();
    const startId = await autonome.services.lastEventId();

    const live = new SseReader((await app.request("/api/events")).body);
    cleanups.push(() => live.cancel().catch(() => undefined));
    const wanted = async (reader: SseReader, n: number): Promise<SseFrame[]> => {
      const out: SseFrame[] = [];
      while (out.length < n) {
        const f = await reader.nextEvent(10_000);
        if (f.event === "signal" || f.event === "prediction") out.push(f);
      }
      return out;
    };
    // Subscribed: the stream's first frame is a comment, then live events.
    fake.addFill(fill({ side: "BUY", price: "0.41", size: "10" }));
    fake.addFill(fill({ side: "BUY", price: "0.9", size: "10" }));
    clock.set(T0 + 2_000);
    await tick();
    await autonome.prediction.upsert({ ...MARKET, status: "closed" });
    await autonome.prediction.resolve(CONDITION, "Yes");

    const frames = await wanted(live, 4);
    const rows = await get<SignalView[]>(`/api/models/${model.id}/signals`);
    const data = frames.map((f) => JSON.parse(f.data!) as Record<string, unknown>);
    expect(frames.map((f) => f.event)).toEqual(["signal", "signal", "prediction", "prediction"]);
    // Older first, each exactly as the signals list shows it.
    expect(data.slice(0, 2)).toEqual([rows[1], rows[0]]);
    expect(data[0]).toMatchObject({ decision: "copied", fillPrice: "0.42", filledQuantity: "23.25" });
    expect(data[1]).toMatchObject({ decision: "skipped", reason: "price_out_of_range" });
    expect(data.slice(2)).toEqual([
      { action: "closed", conditionId: CONDITION, slug: MARKET.slug, question: MARKET.question, status: "closed" },
      { action: "resolved", conditionId: CONDITION, slug: MARKET.slug, question: MARKET.question, status: "resolved", winner: "Yes" },
    ]);
    expect(frames.every((f) => Number(f.id) > startId)).toBe(true);

    // A client that was away resumes after the last id it saw and gets the same events.
    const resumed = new SseReader((await app.request(`/api/events?lastEventId=${startId}`)).body);
    cleanups.push(() => resumed.cancel().catch(() => undefined));
    // (jsonb keeps the keys in an order of its own: the data are compared, not their text.)
    const again = await wanted(resumed, 4);
    expect(again.map((f) => [f.id, f.event, JSON.parse(f.data!)])).toEqual(frames.map((f, i) => [f.id, f.event, data[i]]));
    // Resolving again with the same winner changes nothing: no second event.
    await autonome.prediction.resolve(CONDITION, "Yes");
    expect((await autonome.services.recentEvents(1000)).filter((e) => e.type === "prediction")).toHaveLength(2);
  });

  it("settles a signal from its order row with its shares and average price: after a crash between the order and the decision, and a resting order that fills later; a copied sale has both too", async () => {
    const { fake, clock, get, create, tick, autonome } = await boot();
    const model = await create({ name: "FT settle", wallets: [W1], risk: { maxRiskPerTradePct: 100, maxGrossExposure: 10 } });
    await tick();
    const symbol = autonome.prediction.symbolOf(YES)!;
    const db = autonome.database.db;
    // A signal read and stored, whose order went out before the process died (no decision recorded).
    const orphan = async (key: string) => {
      const [row] = await db
        .insert(followSignals)
        .values({
          modelId: model.id,
          wallet: W1,
          tradeKey: key,
          conditionId: CONDITION,
          tokenId: YES,
          outcome: "Yes",
          side: "BUY",
          price: "0.41",
          size: "100",
          tradedAt: new Date(clock.now()),
          seenAt: new Date(clock.now()),
        })
        .returning();
      return row!.id;
    };

    // 60 shares across two levels: 50 at 0.42 and 10 at 0.43, an average of 25.3 / 60.
    const crashed = await orphan("crash-1");
    const r = await autonome.service.openPosition(
      model.id,
      { symbol, side: "LONG", quantity: "60", type: "LIMIT", price: "0.43", timeInForce: "IOC" },
      { clientOrderId: `follow-${crashed}`, origin: { source: "mirror" } },
    );
    expect(r.filledLots).toBe(sh(60));
    await tick();
    const signal = async (id: number) => (await get<SignalView[]>(`/api/models/${model.id}/signals?limit=1000`)).find((s) => s.id === String(id))!;
    expect(await signal(crashed)).toMatchObject({ decision: "copied", clientOrderId: `follow-${crashed}`, filledQuantity: "60", fillPrice: "0.4216666667", positionId: r.position!.id });

    // An order resting on the book decides nothing while it rests; once it fills, the signal is copied at its fill.
    const resting = await orphan("rest-1");
    const placed = await autonome.service.openPosition(
      model.id,
      { symbol, side: "LONG", quantity: "20", type: "LIMIT", price: "0.40", timeInForce: "GTC" },
      { clientOrderId: `follow-${resting}`, origin: { source: "mirror" } },
    );
    expect(placed.status).toBe("resting");
    await tick();
    expect((await signal(resting)).decision).toBe("pending");
    clock.set(T0 + 1_000);
    autonome.prediction.applyBook(YES, { ts: clock.now(), kind: "snapshot", bids: [[px("0.38"), sh(1000)]], asks: [[px("0.39"), sh(1000)]] });
    await autonome.settle();
    await tick();
    // The resting bid fills at its own price when the ask comes down through it.
    expect(await signal(resting)).toMatchObject({ decision: "copied", clientOrderId: `follow-${resting}`, filledQuantity: "20", fillPrice: "0.4" });

    // The trader sells half of the 200 shares the model saw them buy: the model sells half of its
    // 80, and the copied sale records the shares sold and their average price.
    fake.addFill(fill({ side: "SELL", price: "0.38", size: "100", timestamp: T0S + 1 }));
    clock.set(T0 + 2_000);
    await tick();
    const [sale] = await get<SignalView[]>(`/api/models/${model.id}/signals?limit=1`);
    expect(sale).toMatchObject({ side: "SELL", decision: "copied", filledQuantity: "40", fillPrice: "0.38" });
  });
});
