import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { HealthMonitor } from "../../src/app/health-monitor.js";
import type { HealthView } from "../../src/app/services.js";
import type { MarketIntelligence } from "../../src/agents/intelligence.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { Scheduler, type ScheduledModel } from "../../src/scheduler/scheduler.js";
import { createApp } from "../../src/server/app.js";
import { sendJson } from "../server/helpers.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { harnessServices } from "../support/harness-services.js";

const EMPTY: MarketIntelligence = { generatedAt: 0, symbols: {} };
const MINUTE = 60_000;

/**
 * GET /api/health on the real application services: a scheduler, the exit engine and the market
 * room of a trading harness on its manual clock, the monitor following the unit of work's bus.
 * The monitor is pure and tested reason by reason on its own (test/app/health-monitor.test.ts);
 * this shows the events and readings reaching it. Health reads nothing from the database, so
 * one driver is enough.
 */
describe("GET /api/health degraded", () => {
  let h: Harness;
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    await h?.dispose();
  });

  async function setup(models: ScheduledModel[], wall: () => number) {
    h = await createHarness("pglite", {}, { limits: PERMISSIVE_LIMITS });
    scheduler = new Scheduler({
      intervalMs: 5 * MINUTE,
      uow: h.uow,
      service: h.service,
      clock: h.clock,
      wall,
      activeModels: async () => models,
      decider: (m) =>
        m.strategy === "boom"
          ? async () => {
              throw new Error("strategy exploded");
            }
          : async (_ctx, tools) => void (await tools.holding({ reason: "fine" })),
      intelligence: () => EMPTY,
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
    });
    const monitor = new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 30_000 }, h.clock.now());
    const app = createApp({ services: harnessServices(h, "pglite", { bus: h.eventBus, scheduler, health: monitor }) });
    const health = async () => (await (await app.request("/api/health")).json()) as HealthView;
    const books = () => {
      h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
      h.book("ETH", [["2999", "50"]], [["3000", "50"]]);
      h.book("SOL", [["99.9", "500"]], [["100", "500"]]);
    };
    return { app, health, books };
  }

  it("a model failing run after run, a stale feed and an overrunning cycle each make it degraded, and it is ok again once they are over", async () => {
    let wall = 0;
    const models: ScheduledModel[] = [];
    const { app, health, books } = await setup(models, () => wall);
    const good = await h.model();
    const bad = await h.model();
    models.push({ id: good, name: "good", strategy: "hold" }, { id: bad, name: "bad", strategy: "boom" });
    books();
    expect(await health()).toMatchObject({ status: "ok", reasons: [], mode: "simulation" });

    for (let i = 0; i < 3; i++) await scheduler!.runCycle();
    expect(await health()).toMatchObject({ status: "degraded", reasons: [{ code: "model_failing", modelId: bad, message: "its last 3 runs failed (latest: strategy exploded)" }] });
    // Pausing the model is how a person takes it out of the arena: it no longer counts.
    expect((await sendJson(app, "PATCH", `/api/models/${bad}`, { status: "paused" })).status).toBe(200);
    expect(await health()).toMatchObject({ status: "ok", reasons: [] });

    // No book for 31 s on ETH and SOL (BTC is fed).
    h.clock.advance(31_000);
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    expect((await health()).reasons.map((r) => [r.code, r.symbol])).toEqual([
      ["feed_stale", "ETH"],
      ["feed_stale", "SOL"],
    ]);
    books();
    expect((await health()).status).toBe("ok");

    // A cycle that takes six minutes of a five-minute interval.
    models.splice(1);
    const slow = scheduler!.runCycle();
    wall += 6 * MINUTE;
    await slow;
    expect((await health()).reasons).toEqual([{ code: "cycle_overrun", message: "the last cycle took 360000 ms against a 300000 ms interval" }]);
    await scheduler!.runCycle();
    expect((await health()).status).toBe("ok");
  });

  it("a triggered close that keeps failing makes it degraded until the close goes through", async () => {
    const { health, books } = await setup([], () => 0);
    const id = await h.model();
    books();
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2", exitPlan: { stop: "49000" } });
    // Every insert into fills fails until the trigger is dropped: the stop's close fails and is retried.
    const db = h.t.database.db;
    await db.execute(sql.raw(`create function fills_fault() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$`));
    await db.execute(sql.raw(`create trigger fills_fault before insert on fills for each row execute function fills_fault()`));
    h.book("BTC", [["48990", "5"]], [["49000", "5"]]); // through the stop
    let state = await health();
    for (let i = 0; i < 200 && state.status !== "degraded"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await health();
    }
    expect(state.reasons).toEqual([
      { code: "close_failing", modelId: id, symbol: "BTC", positionId: expect.any(String), message: expect.stringMatching(/^the STOP close failed \d+ times \(database_error\); still retrying$/) },
    ]);

    await db.execute(sql.raw(`drop trigger fills_fault on fills`));
    for (let i = 0; i < 200 && state.status !== "ok"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await health();
    }
    expect(state).toMatchObject({ status: "ok", reasons: [] });
    expect(h.service.account(id).positions.size).toBe(0);
  });
});
