import { systemClock } from "../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import type { MarketIntelligence } from "../../src/agents/intelligence.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { models } from "../../src/db/schema.js";
import { eq } from "drizzle-orm";
import { DecisionExtras } from "../../src/scheduler/decision-extras.js";
import { Scheduler, type Decider } from "../../src/scheduler/scheduler.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

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

    const extras = new DecisionExtras({ db, service: h.service, now: () => Date.now() });
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
    expect(loserView.recentActions).toEqual({ windowMinutes: 360, runs: 0, symbols: [] });

    await h.service.closePosition(winner, "BTC");
    const next = await extras.load(winner, "cycle-2");
    expect(next.metrics).toMatchObject({ trades: 1, winRate: 1 });
    expect(next.competition!.standings).not.toBe(view.competition!.standings);
  });
});
