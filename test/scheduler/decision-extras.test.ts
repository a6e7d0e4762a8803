import { systemClock } from "../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import type { MarketIntelligence } from "../../src/agents/intelligence.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { models } from "../../src/db/schema.js";
import { eq } from "drizzle-orm";
import { DecisionExtras } from "../../src/scheduler/decision-extras.js";
import { Scheduler, type Decider } from "../../src/scheduler/scheduler.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { DRIVERS } from "../support/databases.js";
import { buildPrompt } from "../../src/agents/llm/prompt.js";
import { findVariant } from "../../src/agents/llm/variants.js";
import { invocations } from "../../src/db/schema.js";
import { randomUUID } from "node:crypto";

const EMPTY: MarketIntelligence = { generatedAt: 0, symbols: {} };

describe("decision extras (performance, standings, recent activity)", () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("rank every account by return, report the model's metrics, and count the actions it took per symbol", async () => {
    h = await createHarness("pglite");
    const [winner, loser, idle] = [await h.model(), await h.model(), await h.model()];
    const db = h.t.database.db;
    await db.update(models).set({ name: "Winner" }).where(eq(models.id, winner));
    await db.update(models).set({ name: "Loser" }).where(eq(models.id, loser));
    await db.update(models).set({ name: "Idle" }).where(eq(models.id, idle));
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    h.book("ETH", [["2999", "100"]], [["3000", "100"]]);
    await h.service.openPosition(winner, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "2", exitPlan: { stop: "49000" } });
    await h.service.openPosition(loser, { symbol: "BTC", side: "SHORT", quantity: "0.02", leverage: "2", exitPlan: { stop: "52000" } });

    const actions: Decider = async (_ctx, tools) => {
      await tools.updateExitPlan({ updates: [{ symbol: "BTC", stopLoss: "49500" }] });
      await tools.createPosition({ decisions: [{ symbol: "ETH", side: "LONG", quantity: "0.1", leverage: 2, stopLoss: "2900", confidence: 50 }] });
      await tools.closePosition({ symbols: ["SOL"] }); // rejected: no position, so not an action
      await tools.holding({ reason: "done" });
    };
    const scheduler = new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: systemClock,
      activeModels: async () => [{ id: winner, name: "Winner", strategy: "scripted" }],
      decider: () => actions,
      intelligence: () => EMPTY,
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
    });
    await scheduler.runCycle();
    h.book("BTC", [["50990", "10"]], [["51000", "10"]]);

    // With the app's bus: the trade closed below reaches the next prompt through its events.
    const extras = new DecisionExtras({ db, service: h.service, now: () => Date.now(), bus: h.eventBus });
    const view = await extras.load(winner, "cycle-1");
    expect(view.competition).toMatchObject({ rank: 1, of: 3 });
    expect(view.competition!.standings.map((s) => [s.rank, s.name])).toEqual([
      [1, "Winner"],
      [2, "Idle"],
      [3, "Loser"],
    ]);
    expect(view.competition!.standings[0]!.returnPct).toBeGreaterThan(0);
    expect(view.competition!.standings[2]!.returnPct).toBeLessThan(0);
    expect(view.metrics).toMatchObject({ trades: 0, winRate: null, sharpe: null });
    expect(view.metrics!.returnPct).toBe(view.competition!.standings[0]!.returnPct);
    expect(view.recentActions).toMatchObject({ windowMinutes: 360, runs: 1 });
    expect(view.recentActions!.symbols.map((s) => [s.symbol, s.actions])).toEqual([
      ["BTC", 1],
      ["ETH", 1],
    ]);
    expect(view.recentActions!.symbols[0]!.lastActionAt).toBeGreaterThan(Date.now() - 60_000);

    // Standings are computed once per cycle and shared; a new cycle sees the new state.
    const loserView = await extras.load(loser, "cycle-1");
    expect(loserView.competition!.standings).toBe(view.competition!.standings);
    expect(loserView.competition!.rank).toBe(3);
    expect(loserView.recentActions).toEqual({ windowMinutes: 360, runs: 0, symbols: [], automaticCloses: [] });

    await h.service.closePosition(winner, "BTC");
    const next = await extras.load(winner, "cycle-2");
    expect(next.metrics).toMatchObject({ trades: 1, winRate: 1 });
    expect(next.competition!.standings).not.toBe(view.competition!.standings);
  });
});

describe.each(DRIVERS)("decision extras on %s: account figures, leaders, variant standings, automatic closes", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());
  const HOUR = 3_600_000;

  /** A harness without fees, so every figure below is computed by hand. */
  async function setup() {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    return h;
  }

  it("exposure and risk to the stops as % of equity, time in the market since the model started, and its finished runs", async () => {
    await setup();
    const start = h.clock.now();
    const me = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    h.book("ETH", [["2990", "100"]], [["3000", "100"]]);
    // One hour in: 0.02 BTC bought at 50,000 ($1,000), stop 49,000 ($20 at risk); an hour later it closes.
    h.clock.set(start + HOUR);
    await h.service.openPosition(me, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "2", exitPlan: { stop: "49000" } });
    h.clock.set(start + 2 * HOUR);
    await h.service.closePosition(me, "BTC");
    // Three hours in: 0.02 BTC again, and 0.5 ETH sold at 2,990 without a stop; both still open an hour later.
    h.clock.set(start + 3 * HOUR);
    await h.service.openPosition(me, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "2", exitPlan: { stop: "49000" } });
    await h.service.openPosition(me, { symbol: "ETH", side: "SHORT", quantity: "0.5", leverage: "2" });
    // Finished runs count; one still running (this run's own row) does not.
    const db = h.t.database.db;
    await db.insert(invocations).values([
      { id: randomUUID(), modelId: me, status: "ok", createdAt: new Date(start + HOUR) },
      { id: randomUUID(), modelId: me, status: "error", createdAt: new Date(start + 2 * HOUR) },
      { id: randomUUID(), modelId: me, status: "running", createdAt: new Date(start + 4 * HOUR) },
    ]);
    h.clock.set(start + 4 * HOUR);

    const extras = new DecisionExtras({ db, service: h.service, now: () => h.clock.now() });
    const stats = (await extras.load(me, "c1")).accountStats!;
    // Equity: $10,000 - $0.20 (the first BTC round trip, sold at the 49,990 bid) - $0.10 (BTC bought at 50,000, marked at
    // the 49,995 mid) - $2.50 (0.5 ETH sold at the 2,990 bid, marked at the 2,995 mid).
    const equity = 10_000 - 0.2 - 0.1 - 2.5;
    // Exposure at the mid: 0.02 x 49,995 + 0.5 x 2,995 = 999.90 + 1,497.50; at risk: 0.02 x (50,000 - 49,000) = $20.
    expect(stats.exposurePct).toBe(Math.round(((999.9 + 1497.5) / equity) * 10_000) / 100);
    expect(stats.riskPct).toBe(Math.round((20 / equity) * 10_000) / 100);
    expect(stats.unstopped).toEqual(["ETH"]);
    // In the market 1h-2h and 3h-4h of the 4 hours since the first deposit.
    expect(stats.timeInMarketPct).toBe(50);
    expect(stats.timeInMarketMinutes).toBe(240);
    expect(stats.startedAt).toBe(start);
    expect(stats.invocations).toBe(2);

    const prompt = buildPrompt(
      {
        modelId: me,
        now: h.clock.now(),
        markets: [],
        intelligence: EMPTY,
        portfolio: { cash: "0", equity: "0", available: "0", positions: [] },
        signal: new AbortController().signal,
        accountStats: stats,
      },
      findVariant("capital-preservation")!,
    ).prompt;
    expect(prompt).toContain(`time in the market 50.0% of the last 4h (share of time with at least one position open)`);
    expect(prompt).toContain("this is run #3: you have been invoked 2 times before, since you started trading 4h ago");
  });

  it("the leaders' open positions, the gap to the leader in return points and dollars, and the standings among the model's prompt variant", async () => {
    await setup();
    const [leader, second, me] = [await h.model(), await h.model(), await h.model()];
    const db = h.t.database.db;
    const name = (id: string, n: string, strategy: string) => db.update(models).set({ name: n, strategy }).where(eq(models.id, id));
    await name(leader, "Leader", "trend-only");
    await name(second, "Second", "regime-adaptive");
    await name(me, "Me", "regime-adaptive");
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    h.book("SOL", [["99.9", "1000"]], [["100", "1000"]]);
    await h.service.openPosition(leader, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2", exitPlan: { stop: "45000" } });
    await h.service.openPosition(second, { symbol: "SOL", side: "LONG", quantity: "10", leverage: "2", exitPlan: { stop: "90" } });
    await h.service.openPosition(me, { symbol: "SOL", side: "SHORT", quantity: "10", leverage: "2", exitPlan: { stop: "110" } });
    // BTC to a 51,000 mid: the leader +$100 (0.1 bought at 50,000). SOL to a 101 mid: second +$10 (10 bought at 100),
    // me -$11 (10 sold at the 99.9 bid).
    h.book("BTC", [["50990", "10"]], [["51010", "10"]]);
    h.book("SOL", [["100.9", "1000"]], [["101.1", "1000"]]);

    const extras = new DecisionExtras({ db, service: h.service, now: () => h.clock.now() });
    const c = (await extras.load(me, "c1")).competition!;
    expect(c.standings.map((s) => [s.rank, s.name, s.pnl])).toEqual([
      [1, "Leader", "100"],
      [2, "Second", "10"],
      [3, "Me", "-11"],
    ]);
    expect(c.gapToLeader).toEqual({ returnPoints: 1 - -0.11, pnl: "111" });
    expect(c.leaders).toEqual([
      { modelId: leader, name: "Leader", rank: 1, positions: [{ symbol: "BTC", side: "LONG", quantity: "0.1", notional: "5100", unrealizedPnl: "100" }] },
      { modelId: second, name: "Second", rank: 2, positions: [{ symbol: "SOL", side: "LONG", quantity: "10", notional: "1010", unrealizedPnl: "10" }] },
    ]);
    expect(c.variant).toMatchObject({ name: "regime-adaptive", rank: 2, of: 2 });
    expect(c.variant!.standings.map((s) => [s.rank, s.name])).toEqual([
      [1, "Second"],
      [2, "Me"],
    ]);
    // The leader trails nobody, sees the two others' positions, and shares its variant with nobody.
    const top = (await extras.load(leader, "c1")).competition!;
    expect(top.gapToLeader).toBeUndefined();
    expect(top.leaders!.map((l) => l.name)).toEqual(["Second", "Me"]);
    expect(top.variant).toBeUndefined();
  });

  it("a position closed by its stop on the simulator's book is in the next prompt's recent activity, with why", async () => {
    await setup();
    const me = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    await h.service.openPosition(me, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "2", exitPlan: { stop: "49500", target: "52000" } });
    // The bid falls through the stop: the exit engine sells at the market, 49,400.
    h.book("BTC", [["49400", "10"]], [["49410", "10"]]);
    await h.exits.idle();
    expect(h.accounts.get(me)!.positions.size).toBe(0);
    const closedAt = h.clock.now();
    h.clock.advance(12 * 60_000);

    const extras = new DecisionExtras({ db: h.t.database.db, service: h.service, now: () => h.clock.now() });
    const view = await extras.load(me, "c1");
    // 0.02 x (49,400 - 50,000) = -$12, no fees.
    expect(view.recentActions!.automaticCloses).toEqual([
      { symbol: "BTC", side: "LONG", quantity: "0.02", trigger: "STOP", reason: "its stop at 49500 was reached", exitPrice: "49400", realizedPnl: "-12", closedAt },
    ]);
    expect(view.recentActions!.symbols).toEqual([]); // not one of the model's own actions
    const prompt = buildPrompt(
      {
        modelId: me,
        now: h.clock.now(),
        markets: DEFAULT_MARKETS,
        intelligence: EMPTY,
        portfolio: { cash: "0", equity: "0", available: "0", positions: [] },
        signal: new AbortController().signal,
        ...view,
      },
      findVariant("capital-preservation")!,
    ).prompt;
    expect(prompt).toContain(
      "automatic closes (the system closed these for you; not your tool calls):\n- BTC LONG 0.02 closed 12 min ago at 49400: its stop at 49500 was reached; realized P&L -$12 after fees",
    );
    // Out of the activity window (6 h), it is not listed any more.
    h.clock.advance(6 * HOUR);
    expect((await extras.load(me, "c2")).recentActions!.automaticCloses).toEqual([]);
  });
});
