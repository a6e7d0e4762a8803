import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AnalyticsView, CandleView, EquityCurveView, FailuresView, InvocationView, LeaderboardRow, MarketTradeView, MarketView, RecentEventView, TradeView } from "../../src/app/services.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import type { Db } from "../../src/db/client.js";
import { equitySnapshots, invocations, models, orders, outbox, toolCalls } from "../../src/db/schema.js";
import { EventBus } from "../../src/events/bus.js";
import { CandleStore } from "../../src/market/candle-store.js";
import { RecentTrades } from "../../src/market/recent-trades.js";
import { createApp } from "../../src/server/app.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { countStatements } from "../support/count-statements.js";
import { harnessServices } from "../support/harness-services.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The dashboard's endpoints over HTTP, on the real application services with a manual clock:
 * a trading harness (database, simulator, market room), the candle store and the trade tape
 * attached to its room, rows seeded straight into the database at times relative to the clock.
 */
describe.each(DRIVERS)("dashboard endpoints on %s", (driver) => {
  let h: Harness;
  let db: Db;
  let app: ReturnType<typeof createApp>;
  let candles: CandleStore;
  let now: number;
  let bus: EventBus;
  /** What the equity recorder does after writing a round of snapshots: an `account` event. */
  const snapshotRound = () => bus.publish({ type: "account", data: {} });

  beforeEach(async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    db = h.t.database.db;
    candles = new CandleStore(db, DEFAULT_MARKETS);
    candles.attach(h.room);
    bus = new EventBus();
    const tape = new RecentTrades();
    tape.attach(h.room);
    const services = harnessServices(h, driver, { bus, candles, recentTrades: tape });
    app = createApp({ services });
    now = h.clock.now();
  });
  afterEach(async () => {
    await h.dispose();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await app.request(path);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const failure = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, error: ((await res.json()) as { error: { code: string; message: string } }).error };
  };

  /** A model with a name, strategy and creation time of the test's choosing. */
  async function model(name: string, capital: string, strategy: string, createdAgo: number): Promise<string> {
    const id = await h.model(capital);
    await db
      .update(models)
      .set({ name, strategy, createdAt: new Date(now - createdAgo) })
      .where(eq(models.id, id));
    return id;
  }
  const trade = (modelId: string, pnl: string, fees: string, closedAgo: number, held = HOUR): typeof orders.$inferInsert => ({
    id: randomUUID(),
    modelId,
    venue: "sim",
    symbol: "BTC",
    side: "LONG",
    quantity: "0.01",
    leverage: "1",
    entryPrice: "100000",
    entryCost: "1000",
    status: "CLOSED",
    exitPrice: "100100",
    realizedPnl: pnl,
    fees,
    openedAt: new Date(now - closedAgo - held),
    closedAt: new Date(now - closedAgo),
  });
  const snapshot = (modelId: string, ago: number, equity: string): typeof equitySnapshots.$inferInsert => ({
    modelId,
    resolution: "1m",
    ts: new Date(now - ago),
    equity,
    cash: equity,
    unrealizedPnl: "0",
  });

  /**
   * alpha (trend, $10k, 10 days old): curve 9000 (30 h ago, before the 24h window), 8000, 10000,
   *   9500; trades +500 (30 h ago), −100, +40.
   * beta (trend, $20k, 2 hours old: younger than the window): one snapshot, an open BTC position.
   * gamma (breakout, $10k, 10 days old): curve 12500; one trade +10.
   */
  async function seedArena() {
    const alpha = await model("alpha", "10000", "trend", 10 * DAY);
    const beta = await model("beta", "20000", "trend", 2 * HOUR);
    const gamma = await model("gamma", "10000", "breakout", 10 * DAY);
    await db
      .insert(equitySnapshots)
      .values([
        snapshot(alpha, 30 * HOUR, "9000"),
        snapshot(alpha, 20 * HOUR, "8000"),
        snapshot(alpha, 10 * HOUR, "10000"),
        snapshot(alpha, HOUR - MINUTE, "9500"),
        snapshot(beta, HOUR, "19000"),
        snapshot(gamma, 20 * HOUR, "12500"),
      ]);
    await db.insert(orders).values([trade(alpha, "500", "5", 30 * HOUR), trade(alpha, "-100", "2", 2 * HOUR), trade(alpha, "40", "1", HOUR), trade(gamma, "10", "0.5", 3 * HOUR)]);
    // beta's position: bought at the ask 100001, marked at the mid 100000 (no fees): equity 19999.99.
    h.book("BTC", [["99999", "1"]], [["100001", "1"]]);
    await h.service.openPosition(beta, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "1" });
    return { alpha, beta, gamma };
  }

  describe("GET /api/leaderboard", () => {
    it("figures over the window: trades closed before it and snapshots before it do not count", async () => {
      const { alpha, beta, gamma } = await seedArena();
      const day = await get<LeaderboardRow[]>("/api/leaderboard?window=24h");
      expect(day.map((r) => [r.rank, r.name])).toEqual([
        [1, "alpha"],
        [2, "beta"],
        [3, "gamma"],
      ]);
      const [a, b, g] = day;
      // alpha: against its first snapshot inside the window (8000), not the 9000 before it.
      expect(a).toEqual({
        rank: 1,
        id: alpha,
        name: "alpha",
        kind: "rule",
        strategy: "trend",
        status: "active",
        equity: "10000",
        startEquity: "8000",
        pnl: "2000",
        returnPct: 25,
        realizedPnl: "-57", // before fees: (−100 + 2) + (40 + 1); the +500 closed 30 h ago is outside
        fees: "3",
        sharpe: null,
        maxDrawdown: 0.05, // 10000 → 9500 inside the window; 9000 → 8000 was before it
        winRate: 0.5,
        trades: 2,
        wins: 1,
        openPositions: 0,
      });
      // beta is younger than the window: against its initial capital, whatever its snapshots say.
      expect(b).toMatchObject({ id: beta, equity: "19999.99", startEquity: "20000", returnPct: 0, realizedPnl: "0", fees: "0", trades: 0, winRate: null, openPositions: 1 });
      expect(g).toMatchObject({ id: gamma, startEquity: "12500", returnPct: -20, realizedPnl: "10.5", fees: "0.5", trades: 1, winRate: 1 });

      const all = await get<LeaderboardRow[]>("/api/leaderboard");
      expect(all.find((r) => r.id === alpha)).toMatchObject({ startEquity: "10000", returnPct: 0, realizedPnl: "448", fees: "8", trades: 3 });
      expect(all.find((r) => r.id === alpha)!.maxDrawdown).toBeCloseTo(1000 / 9000, 12);
      expect(all.find((r) => r.id === gamma)).toMatchObject({ startEquity: "10000", returnPct: 0 });
    });

    it("sorts best first (maxDrawdown and fees smallest first, nulls last, ties by name) and filters by variant", async () => {
      await seedArena();
      const order = async (query: string) => (await get<LeaderboardRow[]>(`/api/leaderboard?window=24h&${query}`)).map((r) => `${r.rank}:${r.name}`);
      expect(await order("sort=equity")).toEqual(["1:beta", "2:alpha", "3:gamma"]); // alpha and gamma tie at 10000
      expect(await order("sort=trades")).toEqual(["1:alpha", "2:gamma", "3:beta"]);
      expect(await order("sort=winRate")).toEqual(["1:gamma", "2:alpha", "3:beta"]); // beta: null, last
      expect(await order("sort=maxDrawdown")).toEqual(["1:beta", "2:gamma", "3:alpha"]);
      expect(await order("sort=fees")).toEqual(["1:beta", "2:gamma", "3:alpha"]);
      expect(await order("sort=realizedPnl")).toEqual(["1:gamma", "2:beta", "3:alpha"]);
      expect(await order("sort=name")).toEqual(["1:alpha", "2:beta", "3:gamma"]);
      expect(await order("sort=returnPct&variant=breakout")).toEqual(["1:gamma"]);
      expect(await order("variant=nobody")).toEqual([]);
    });

    it("rejects a bad window, sort or variant naming the field", async () => {
      for (const [query, field] of [
        ["window=1h", "window"],
        ["sort=luck", "sort"],
        ["variant=no%20spaces", "variant"],
      ]) {
        const { status, error } = await failure(`/api/leaderboard?${query}`);
        expect(status).toBe(400);
        expect(error.code).toBe("invalid_request");
        expect(error.message).toContain(`${field}:`);
      }
    });

    it("reads the same few statements for 3 models and for 13", async () => {
      await seedArena();
      const queries = countStatements(db);
      try {
        queries.reset();
        expect(await get<LeaderboardRow[]>("/api/leaderboard?window=7d")).toHaveLength(3);
        const forThree = queries.count;
        for (let i = 0; i < 10; i++) {
          const id = await model(`extra-${i}`, "10000", "trend", 3 * DAY);
          await db.insert(equitySnapshots).values(snapshot(id, DAY, "9000"));
          await db.insert(orders).values(trade(id, "1", "0", HOUR));
        }
        snapshotRound();
        queries.reset();
        expect(await get<LeaderboardRow[]>("/api/leaderboard?window=7d")).toHaveLength(13);
        expect(queries.count).toBe(forThree);
        expect(forThree).toBeLessThanOrEqual(3);
      } finally {
        queries.restore();
      }
    });
  });

  describe("curves kept per snapshot round", () => {
    it("the leaderboard and the chart of a window share the curves kept in memory, each request reading only what was written since; the next round shows the new point", async () => {
      const { alpha } = await seedArena();
      const queries = countStatements(db);
      try {
        queries.reset();
        await get<LeaderboardRow[]>("/api/leaderboard?window=24h");
        await get<EquityCurveView[]>("/api/equity?window=24h&points=10");
        // models + trade totals + the window's curves, then models + what is new since (nothing)
        expect(queries.count).toBe(5);
        queries.reset();
        await get<LeaderboardRow[]>("/api/leaderboard?window=24h&sort=name");
        await get<EquityCurveView[]>("/api/equity?window=24h&points=10");
        expect(queries.count).toBe(5);

        await db.insert(equitySnapshots).values(snapshot(alpha, 0, "12345"));
        snapshotRound();
        queries.reset();
        const curves = await get<EquityCurveView[]>("/api/equity?window=24h&points=10");
        expect(queries.count).toBe(2);
        expect(curves.find((c) => c.modelId === alpha)!.points.at(-1)).toEqual({ ts: new Date(now).toISOString(), equity: "12345" });
      } finally {
        queries.restore();
      }
    });
  });

  describe("GET /api/equity", () => {
    it("every model's curve, downsampled on the server to at most `points`, ends kept, values exact", async () => {
      const { alpha } = await seedArena();
      const delta = await model("delta", "10000", "trend", 10 * DAY);
      const seeded = Array.from({ length: 60 }, (_, i) => snapshot(delta, (59 - i) * MINUTE, `${10_000 + ((i * 37) % 11)}.123456`));
      await db.insert(equitySnapshots).values(seeded);
      const asPoint = (s: (typeof seeded)[number]) => ({ ts: s.ts.toISOString(), equity: s.equity });

      const full = await get<EquityCurveView[]>("/api/equity?window=1h");
      expect(full.map((c) => c.name).sort()).toEqual(["alpha", "beta", "delta", "gamma"]); // every model, with or without points in the window
      expect(full.find((c) => c.modelId === delta)).toMatchObject({ strategy: "trend", initialCapital: "10000", points: seeded.map(asPoint) });

      const curves = await get<EquityCurveView[]>("/api/equity?window=1h&points=10");
      const points = curves.find((c) => c.modelId === delta)!.points;
      expect(points).toHaveLength(10);
      expect(points[0]).toEqual(asPoint(seeded[0]!));
      expect(points[9]).toEqual(asPoint(seeded[59]!));
      const all = seeded.map((s) => JSON.stringify(asPoint(s)));
      const at = points.map((p) => all.indexOf(JSON.stringify(p)));
      expect(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!))).toBe(true);
      // The window: alpha's snapshots older than an hour are not in it.
      expect(curves.find((c) => c.modelId === alpha)!.points).toEqual([{ ts: new Date(now - HOUR + MINUTE).toISOString(), equity: "9500" }]);

      for (const c of await get<EquityCurveView[]>("/api/equity?points=2")) expect(c.points.length).toBeLessThanOrEqual(2);
      expect((await failure("/api/equity?points=1")).error.message).toContain("points:");
      expect((await failure("/api/equity?points=many")).status).toBe(400);
      expect((await failure("/api/equity?window=2d")).error.message).toContain("window:");
    });
  });

  describe("GET /api/models/:id/analytics", () => {
    it("matches figures computed by hand from the model's trades and curve", async () => {
      const id = await model("echo", "10000", "trend", 10 * DAY);
      // In close order: +100 (held 1 h), −50 (3 h), +30 (2 h), +20 (1 h); another model's trade does not count.
      const other = await model("other", "10000", "trend", 10 * DAY);
      await db
        .insert(orders)
        .values([
          trade(id, "30", "1", 2 * HOUR, 2 * HOUR),
          trade(id, "100", "1", 10 * HOUR, HOUR),
          trade(id, "20", "1", HOUR, HOUR),
          trade(id, "-50", "1", 5 * HOUR, 3 * HOUR),
          trade(other, "-999", "1", HOUR),
        ]);
      await db.insert(equitySnapshots).values([snapshot(id, 3 * HOUR, "10000"), snapshot(id, 2 * HOUR, "8000"), snapshot(id, HOUR, "9000")]);
      expect(await get<AnalyticsView>(`/api/models/${id}/analytics`)).toEqual({
        modelId: id,
        sharpe: null, // 3 snapshots: too few for ratios
        sortino: null,
        calmar: null,
        maxDrawdown: 0.2, // 10000 → 8000
        profitFactor: 3, // 150 / 50
        expectancy: "25", // 100 / 4
        winRate: 0.75,
        trades: 4,
        wins: 3,
        losses: 1,
        averageWin: "50",
        averageLoss: "-50",
        largestWin: "100",
        largestLoss: "-50",
        longestWinStreak: 2, // +30, +20 after the loss
        longestLossStreak: 1,
        currentWinStreak: 2,
        currentLossStreak: 0,
        averageHoldMsWinners: (4 * HOUR) / 3, // (1 + 2 + 1) / 3 hours
        averageHoldMsLosers: 3 * HOUR,
        // Rows seeded without their events: no stop or confidence is known.
        averageR: null,
        rTrades: 0,
        rExcluded: 4,
        longPct: 100,
        sizeDistribution: { min: "1000", p25: "1000", median: "1000", p75: "1000", max: "1000" }, // 0.01 × 100000 each
        holdTimeDistribution: { min: HOUR, p25: HOUR, median: HOUR, p75: 2 * HOUR, max: 3 * HOUR }, // 1, 1, 2, 3 hours
        holdTimeBuckets: [
          { label: "<15m", trades: 0 },
          { label: "15m-1h", trades: 0 },
          { label: "1h-4h", trades: 4 },
          { label: "4h-1d", trades: 0 },
          { label: ">=1d", trades: 0 },
        ],
        decisionQuality: { trades: 0, minTrades: 10, pearson: null, spearman: null },
      });
      const missing = await failure("/api/models/nobody/analytics");
      expect(missing.status).toBe(404);
      expect(missing.error.code).toBe("not_found");
    });
  });

  describe("market candles, the trade tape and the 24h change", () => {
    it("candles from the room's mids, oldest first, limited; 404 for an unknown market, 400 for a bad interval", async () => {
      h.book("BTC", [["99999", "1"]], [["100001", "1"]]); // mid 100000
      h.clock.advance(MINUTE);
      h.book("BTC", [["100999", "1"]], [["101001", "1"]]); // mid 101000
      h.clock.advance(MINUTE);
      h.book("BTC", [["101999", "1"]], [["102001", "1"]]); // mid 102000, the candle in progress
      const minutes = await get<CandleView[]>("/api/markets/btc/candles?interval=1m");
      expect(minutes.map((c) => [c.openTime, c.open, c.close])).toEqual([
        [new Date(now).toISOString(), "100000", "100000"],
        [new Date(now + MINUTE).toISOString(), "101000", "101000"],
        [new Date(now + 2 * MINUTE).toISOString(), "102000", "102000"],
      ]);
      expect((await get<CandleView[]>("/api/markets/BTC/candles?limit=2")).map((c) => c.close)).toEqual(["101000", "102000"]);
      expect(await get<CandleView[]>("/api/markets/BTC/candles?interval=1h")).toEqual([
        { openTime: new Date(now).toISOString(), open: "100000", high: "102000", low: "100000", close: "102000", volume: "0" },
      ]);
      expect(await get<CandleView[]>("/api/markets/SOL/candles")).toEqual([]);

      expect((await failure("/api/markets/XYZ/candles")).status).toBe(404);
      const bad = await failure("/api/markets/BTC/candles?interval=2m");
      expect(bad.status).toBe(400);
      expect(bad.error.message).toContain("interval:");
      expect((await failure("/api/markets/BTC/candles?limit=0")).error.message).toContain("limit:");

      // The 24h change: history shorter than a day, so against the oldest candle's close.
      const markets = await get<MarketView[]>("/api/markets");
      expect(markets.find((m) => m.symbol === "BTC")).toMatchObject({ mid: "102000", open24h: "100000", change24hPct: 2 });
      expect(markets.find((m) => m.symbol === "ETH")).toMatchObject({ open24h: null, change24hPct: null });
    });

    it("the 24h change is against the 1-minute candle nearest to a day ago", async () => {
      const ticks = (price: number) => price * 100; // ETH has 2 price decimals
      candles.add("ETH", now - 30 * HOUR, ticks(3000));
      candles.add("ETH", now - DAY - 2 * MINUTE, ticks(3100)); // 2 minutes from a day ago: the nearest
      candles.add("ETH", now - DAY + 10 * MINUTE, ticks(3200));
      h.clock.advance(MINUTE);
      now = h.clock.now();
      h.book("ETH", [["3299.99", "1"]], [["3300.01", "1"]]); // mid 3300
      const eth = (await get<MarketView[]>("/api/markets")).find((m) => m.symbol === "ETH");
      // (3300 − 3100) / 3100 = 6.4516…%
      expect(eth).toMatchObject({ mid: "3300", open24h: "3100", change24hPct: 6.45 });
    });

    it("the feed's trade prints, newest first; 404 for an unknown market", async () => {
      for (let i = 0; i < 3; i++) h.room.trade({ symbol: "BTC", ts: now + i * 1000, priceTicks: 1_000_005 + i * 10, sizeLots: 150 + i });
      expect(await get<MarketTradeView[]>("/api/markets/btc/trades?limit=2")).toEqual([
        { ts: new Date(now + 2000).toISOString(), price: "100002.5", size: "0.00152" },
        { ts: new Date(now + 1000).toISOString(), price: "100001.5", size: "0.00151" },
      ]);
      expect(await get<MarketTradeView[]>("/api/markets/btc/trades")).toHaveLength(3);
      expect(await get<MarketTradeView[]>("/api/markets/ETH/trades")).toEqual([]);
      expect((await failure("/api/markets/XYZ/trades")).status).toBe(404);
      expect((await failure("/api/markets/BTC/trades?limit=-1")).error.message).toContain("limit:");
    });
  });

  describe("GET /api/failures", () => {
    it("failed runs and failed tool calls, newest first, with why they failed", async () => {
      const id = await model("foxtrot", "10000", "trend", DAY);
      const other = await model("golf", "10000", "trend", DAY);
      const run = (modelId: string, status: "ok" | "error" | "timeout", ago: number, error: string | null) => ({
        id: randomUUID(),
        modelId,
        status,
        createdAt: new Date(now - ago),
        error,
        durationMs: 10,
      });
      const runs = [run(id, "error", 3 * MINUTE, "strategy exploded"), run(id, "ok", 2 * MINUTE, null), run(id, "timeout", MINUTE, "timed out after 120000 ms"), run(other, "error", 30_000, "other")];
      await db.insert(invocations).values(runs);
      const call = (ago: number, result: unknown) => ({
        id: randomUUID(),
        invocationId: runs[1]!.id,
        modelId: id,
        type: "CREATE_POSITION" as const,
        metadata: { args: {}, result },
        createdAt: new Date(now - ago),
      });
      const rejectedCall = call(110_000, {
        ok: false,
        results: [
          { symbol: "BTC", status: "rejected", reason: "insufficient_margin", message: "not enough margin" },
          { symbol: "ETH", status: "filled" },
        ],
      });
      const invalidCall = call(100_000, { ok: false, results: [], error: { code: "invalid_arguments", message: "decisions[0].quantity: a LONG decision needs a quantity above 0" } });
      await db.insert(toolCalls).values([rejectedCall, invalidCall, call(90_000, { ok: true, results: [{ symbol: "SOL", status: "filled" }] })]);

      const mine = await get<FailuresView>(`/api/failures?modelId=${id}`);
      expect(mine.runs.map((r) => [r.id, r.status, r.error])).toEqual([
        [runs[2]!.id, "timeout", "timed out after 120000 ms"],
        [runs[0]!.id, "error", "strategy exploded"],
      ]);
      expect(mine.toolCalls.map((c) => [c.invocationId, c.type, c.error])).toEqual([
        [runs[1]!.id, "CREATE_POSITION", "decisions[0].quantity: a LONG decision needs a quantity above 0"],
        [runs[1]!.id, "CREATE_POSITION", "BTC: insufficient_margin (not enough margin)"],
      ]);
      expect(mine.toolCalls[1]).toMatchObject({ modelId: id, metadata: rejectedCall.metadata, createdAt: rejectedCall.createdAt.toISOString() });

      const everyone = await get<FailuresView>("/api/failures?limit=1");
      expect(everyone.runs.map((r) => r.modelId)).toEqual([other]);
      expect(everyone.toolCalls).toHaveLength(1);
      expect((await failure("/api/failures?modelId=nobody")).status).toBe(404);
    });
  });

  describe("offset paging", () => {
    it("trades and invocations page back without overlap, ties included", async () => {
      const id = await model("hotel", "10000", "trend", DAY);
      await db.insert(orders).values(Array.from({ length: 5 }, (_, i) => trade(id, `${i + 1}`, "0", (i + 1) * MINUTE)));
      // Five runs of one cycle share a timestamp: the order must still be total.
      await db.insert(invocations).values(Array.from({ length: 5 }, () => ({ id: randomUUID(), modelId: id, status: "ok" as const, createdAt: new Date(now - MINUTE) })));

      for (const path of ["/api/trades", "/api/invocations"]) {
        const everything = (await get<Array<TradeView | InvocationView>>(`${path}?modelId=${id}`)).map((r) => r.id);
        expect(everything).toHaveLength(5);
        const pages: string[] = [];
        for (const offset of [0, 2, 4]) pages.push(...(await get<Array<TradeView | InvocationView>>(`${path}?modelId=${id}&limit=2&offset=${offset}`)).map((r) => r.id));
        expect(pages).toEqual(everything);
        expect(await get<unknown[]>(`${path}?modelId=${id}&offset=5`)).toEqual([]);
        for (const bad of ["-1", "1000001", "two", "1.5"]) {
          const { status, error } = await failure(`${path}?offset=${bad}`);
          expect(status).toBe(400);
          expect(error.message).toContain("offset:");
        }
      }
      // Newest first: the trade closed a minute ago, then two, ...
      expect((await get<TradeView[]>(`/api/trades?modelId=${id}&limit=2&offset=1`)).map((t) => t.realizedPnl)).toEqual(["2", "3"]);
    });
  });

  describe("GET /api/events/recent", () => {
    it("lists the newest events newest first, with their time, without equity snapshots", async () => {
      const id = await model("india", "10000", "trend", DAY);
      h.book("BTC", [["99999", "1"]], [["100001", "1"]]);
      await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "1" });
      await db
        .insert(outbox)
        .values({ type: "EquitySnapshotted", modelId: id, payload: { type: "EquitySnapshotted", v: 1, modelId: id, ts: new Date(now).toISOString(), figures: { cash: "1", equity: "1" } } });
      await h.service.closePosition(id, "BTC", "MANUAL");

      const all = await get<RecentEventView[]>("/api/events/recent?limit=1000");
      const ids = all.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(all.some((e) => e.type === "account" && (e.data as { action?: string }).action === undefined)).toBe(false);
      expect(all[0]).toMatchObject({ type: "position", data: { action: "closed", position: { symbol: "BTC", closeTrigger: "MANUAL" } } });
      expect(all.map((e) => e.type)).toContain("order");
      for (const e of all) expect(Number.isNaN(Date.parse(e.at))).toBe(false);

      const two = await get<RecentEventView[]>("/api/events/recent?limit=2");
      expect(two.map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect((await failure("/api/events/recent?limit=0")).status).toBe(400);
    });
  });
});
