import { ManualClock, systemClock } from "../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invocations, toolCalls } from "../../src/db/schema.js";
import { Scheduler, type Decider, type ScheduledModel } from "../../src/scheduler/scheduler.js";
import type { MarketIntelligence } from "../../src/agents/intelligence.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const EMPTY: MarketIntelligence = { generatedAt: 0, symbols: {} };

describe("scheduler", () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  function scheduler(models: ScheduledModel[], deciders: Record<string, Decider>, extra: { runTimeoutMs?: number; staleAfterMs?: number; now?: () => number } = {}) {
    let computed = 0;
    const s = new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: extra.now ? { ...systemClock, now: extra.now } : systemClock,
      ...(extra.now ? { wall: extra.now } : {}),
      activeModels: async () => models,
      decider: (m) => deciders[m.strategy],
      intelligence: () => {
        computed++;
        return EMPTY;
      },
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
      ...extra,
    });
    return { s, computed: () => computed };
  }

  it("runs models in parallel; a hung model times out without holding the others back", async () => {
    h = await createHarness("pglite");
    const ids = [await h.model(), await h.model(), await h.model()];
    const started: string[] = [];
    const { s, computed } = scheduler(
      ids.map((id, i) => ({ id, name: `m${i}`, strategy: i === 0 ? "hang" : "hold" })),
      {
        hang: async (ctx) => {
          started.push(ctx.modelId);
          await new Promise(() => undefined); // never resolves, ignores its signal
        },
        hold: async (ctx, tools) => {
          started.push(ctx.modelId);
          await tools.holding({ reason: "nothing to do" });
        },
      },
      { runTimeoutMs: 300 },
    );
    await s.runCycle();
    expect(started.sort()).toEqual([...ids].sort());
    expect(computed()).toBe(1); // intelligence shared by the whole cycle
    const rows = await h.t.database.db.select().from(invocations);
    const byModel = new Map(rows.map((r) => [r.modelId, r]));
    expect(byModel.get(ids[0]!)!.status).toBe("timeout");
    expect(byModel.get(ids[1]!)!).toMatchObject({ status: "ok", response: "nothing to do" });
    expect(byModel.get(ids[2]!)!.status).toBe("ok");
    const calls = await h.t.database.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.invocationId, byModel.get(ids[1]!)!.id));
    expect(calls.map((c) => c.type)).toEqual(["HOLDING"]);
    expect(h.bus.filter((e) => e.type === "invocation")).toHaveLength(3);
  });

  it("records a failing model as an error with its message, and a malformed tool call as a readable tool error", async () => {
    h = await createHarness("pglite");
    const [a, b] = [await h.model(), await h.model()];
    const { s } = scheduler(
      [
        { id: a, name: "a", strategy: "boom" },
        { id: b, name: "b", strategy: "sloppy" },
      ],
      {
        boom: async () => {
          throw new Error("strategy exploded");
        },
        sloppy: async (_ctx, tools) => {
          const r = await tools.createPosition({ decisions: [{ symbol: "BTC", side: "HOLD", quantity: 1, leverage: 1, confidence: 50 }] } as never);
          expect(r.ok).toBe(false);
          expect(r.error?.message).toContain("decisions[0].quantity");
        },
      },
    );
    await s.runCycle();
    const rows = await h.t.database.db.select().from(invocations);
    expect(rows.find((r) => r.modelId === a)).toMatchObject({ status: "error", error: "strategy exploded" });
    expect(rows.find((r) => r.modelId === b)!.status).toBe("ok");
  });

  it("clears a run stuck past the stale limit and marks it failed, so the model runs again", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    let clock = 1_000_000;
    let calls = 0;
    const { s } = scheduler(
      [{ id, name: "m", strategy: "slow" }],
      {
        slow: async () => {
          calls++;
          if (calls === 1) await new Promise(() => undefined);
        },
      },
      { runTimeoutMs: 60 * 60_000, staleAfterMs: 10 * 60_000, now: () => clock },
    );
    void s.runCycle();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.status().cycleInProgress).toBe(true);
    clock += 11 * 60_000;
    await s.tick(); // clears the stuck run; its cycle ends, and the model runs again
    for (let i = 0; i < 50 && calls < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await s.runCycle();
    const rows = await h.t.database.db.select().from(invocations).where(eq(invocations.modelId, id));
    const stale = rows.find((r) => r.status === "error");
    expect(stale?.error).toContain("stale");
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.status === "ok").length).toBeGreaterThanOrEqual(1);
    await s.stop();
  });
  it("on a replay, recorded time racing past the stale limit never clears a run still in flight", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    const clock = new ManualClock(Date.parse("2024-08-08T00:00:00Z"));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const s = new Scheduler({
      intervalMs: 0,
      staleAfterMs: 10 * 60_000,
      uow: h.uow,
      service: h.service,
      clock,
      activeModels: async () => [{ id, name: "m", strategy: "slow" }],
      decider: () => async (_ctx, tools) => {
        await held;
        await tools.holding({ reason: "waited" });
      },
      intelligence: () => EMPTY,
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
    });
    const cycle = s.runCycle();
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(6 * 3_600_000); // six recorded hours in a blink
    await s.tick();
    release();
    await cycle;
    const [row] = await h.t.database.db.select().from(invocations).where(eq(invocations.modelId, id));
    expect(row).toMatchObject({ status: "ok", response: "waited" });
    // Its duration is the run's real one, not six recorded hours.
    expect(row!.durationMs).toBeLessThan(3_600_000);
    expect(row!.createdAt.toISOString()).toBe("2024-08-08T00:00:00.000Z");
  });

  it("status lists the runs in flight with how long they have really run (wall time)", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    let wall = 5_000;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const s = new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: h.clock,
      wall: () => wall,
      activeModels: async () => [{ id, name: "m", strategy: "wait" }],
      decider: () => async () => {
        started();
        await released;
      },
      intelligence: () => EMPTY,
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
    });
    expect(s.status().running).toEqual([]);
    const cycle = s.runCycle();
    await running;
    wall += 1_234.4;
    h.clock.advance(6 * 3_600_000); // domain time (a replay's) does not count
    const [run] = s.status().running;
    const [row] = await h.t.database.db.select().from(invocations).where(eq(invocations.modelId, id));
    expect(run).toEqual({ modelId: id, invocationId: row!.id, startedAt: row!.createdAt.toISOString(), runningMs: 1_234 });
    release();
    await cycle;
    expect(s.status().running).toEqual([]);
  });
});
