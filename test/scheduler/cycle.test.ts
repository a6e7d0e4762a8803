import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { outbox } from "../../src/db/schema.js";
import { Scheduler, type Decider, type SchedulerOptions, type ScheduledModel } from "../../src/scheduler/scheduler.js";
import type { MarketIntelligence } from "../../src/agents/intelligence.js";
import type { CycleSummary } from "../../src/events/events.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const EMPTY: MarketIntelligence = { generatedAt: 0, symbols: {} };
const MINUTE = 60_000;
const tick = () => new Promise((r) => setTimeout(r, 20));

/**
 * The scheduler's cycles on the harness's manual clock: a first cycle at start
 * (AUTONOME_RUN_ON_START) and the `cycle` event each finished cycle emits.
 */
describe("scheduler cycles", () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  /** Models by strategy; `ran` lists the model names each run saw, in order. */
  function scheduler(models: ScheduledModel[], deciders: Record<string, Decider>, extra: Partial<SchedulerOptions> = {}) {
    const s = new Scheduler({
      intervalMs: MINUTE,
      uow: h.uow,
      service: h.service,
      clock: h.clock,
      activeModels: async () => models,
      decider: (m) => deciders[m.strategy],
      intelligence: () => EMPTY,
      context: () => ({ markets: DEFAULT_MARKETS, portfolio: { cash: "0", equity: "0", available: "0", positions: [] } }),
      ...extra,
    });
    return s;
  }
  const cycles = () => h.bus.filter((e) => e.type === "cycle").map((e) => e.data as CycleSummary);

  async function ruleAndLlm() {
    const ran: string[] = [];
    const hold: Decider = async (ctx, tools) => {
      ran.push(ctx.modelId);
      await tools.holding({ reason: "waiting" });
    };
    const rule = await h.model();
    const llm = await h.model();
    const models: ScheduledModel[] = [
      { id: rule, name: "rule", strategy: "hold", kind: "rule" },
      { id: llm, name: "llm", strategy: "hold", kind: "llm" },
    ];
    return { ran, rule, llm, models, deciders: { hold } };
  }

  it("rules: once the markets are ready, a first cycle runs the rule models only; the interval then runs every model", async () => {
    h = await createHarness("pglite");
    const { ran, rule, llm, models, deciders } = await ruleAndLlm();
    let ready!: () => void;
    const s = scheduler(models, deciders, { runOnStart: "rules", ready: () => new Promise<void>((r) => (ready = r)) });
    s.start();
    await tick();
    expect(ran).toEqual([]); // no book yet: nothing runs
    expect(s.busy).toBe(true); // a backtest or a shutdown would wait for it
    ready();
    await s.idle();
    expect(ran).toEqual([rule]);
    expect(cycles()).toEqual([expect.objectContaining({ trigger: "start", models: 1, ok: 1 })]);

    h.clock.advance(MINUTE);
    await s.idle();
    expect(ran.slice(1).sort()).toEqual([rule, llm].sort());
    expect(cycles().map((c) => [c.trigger, c.models])).toEqual([
      ["start", 1],
      ["interval", 2],
    ]);
    await s.stop();
  });

  it("all runs every model at start; none (the scheduler's default) waits for the interval; a disabled timer runs nothing at start", async () => {
    h = await createHarness("pglite");
    const { ran, models, deciders } = await ruleAndLlm();
    const all = scheduler(models, deciders, { runOnStart: "all" });
    all.start();
    await all.idle();
    expect(ran).toHaveLength(2);
    await all.stop();

    ran.length = 0;
    const none = scheduler(models, deciders);
    none.start();
    await none.idle();
    expect(ran).toHaveLength(0);
    h.clock.advance(MINUTE - 1);
    await none.idle();
    expect(ran).toHaveLength(0);
    h.clock.advance(1);
    await none.idle();
    expect(ran).toHaveLength(2);
    await none.stop();

    ran.length = 0;
    const off = scheduler(models, deciders, { intervalMs: 0, runOnStart: "all" });
    off.start();
    await off.idle();
    expect(ran).toHaveLength(0);
    expect(off.status().enabled).toBe(false);
  });

  it("markets ready only after the first interval's cycle: no cycle at start is run late", async () => {
    h = await createHarness("pglite");
    const { ran, models, deciders } = await ruleAndLlm();
    let ready!: () => void;
    const s = scheduler(models, deciders, { runOnStart: "all", ready: () => new Promise<void>((r) => (ready = r)) });
    s.start();
    h.clock.advance(MINUTE);
    await tick();
    while (s.status().cycleInProgress) await tick();
    expect(ran).toHaveLength(2);
    ready();
    await s.idle();
    expect(ran).toHaveLength(2);
    expect(cycles().map((c) => c.trigger)).toEqual(["interval"]);
    await s.stop();
  });

  it("a scheduler stopped before the markets are ready never runs its first cycle, and is not left busy", async () => {
    h = await createHarness("pglite");
    const { ran, models, deciders } = await ruleAndLlm();
    const s = scheduler(models, deciders, { runOnStart: "all", ready: () => new Promise<void>(() => undefined) });
    s.start();
    await tick();
    await s.stop();
    await s.idle();
    expect(s.busy).toBe(false);
    expect(ran).toEqual([]);
    expect(cycles()).toEqual([]);
  });

  it("a finished cycle emits `cycle` with its runs by outcome and its wall duration, stored in the outbox and kept as the last cycle", async () => {
    h = await createHarness("pglite");
    const [ok, boom, hang] = [await h.model(), await h.model(), await h.model()];
    let wall = 1_000;
    const s = scheduler(
      [
        { id: ok, name: "ok", strategy: "slow" },
        { id: boom, name: "boom", strategy: "boom" },
        { id: hang, name: "hang", strategy: "hang" },
      ],
      {
        // Takes 90 s of wall time: longer than the 60 s interval.
        slow: async (_ctx, tools) => {
          wall += 90_000;
          await tools.holding({ reason: "slow but fine" });
        },
        boom: async () => {
          throw new Error("strategy exploded");
        },
        hang: () => new Promise<void>(() => undefined),
      },
      { wall: () => wall, runTimeoutMs: 200, toolGraceMs: 10 },
    );
    const startedAt = new Date(h.clock.now()).toISOString();
    await s.runCycle();
    const [event] = cycles();
    expect(event).toEqual({
      cycleId: expect.any(String),
      trigger: "manual",
      startedAt,
      finishedAt: startedAt, // the manual clock did not move
      durationMs: 90_000,
      intervalMs: MINUTE,
      models: 3,
      ok: 1,
      failed: 1,
      timedOut: 1,
      skipped: 0,
      stale: 0,
      missedTicks: 0,
      overran: true,
    });
    expect(s.status().lastFinishedCycle).toEqual(event);
    expect(s.status().cycleRunningMs).toBeNull();
    const rows = await h.t.database.db.select().from(outbox).where(eq(outbox.type, "CycleFinished"));
    expect(rows).toHaveLength(1);
    expect((rows[0]!.payload as { cycle: CycleSummary }).cycle).toEqual(event);
    // The `cycle` event follows the runs' `invocation` events.
    const kinds = h.bus.map((e) => e.type).filter((t) => t === "invocation" || t === "cycle");
    expect(kinds).toEqual(["invocation", "invocation", "invocation", "cycle"]);
  });

  it("an interval that falls while a cycle runs is missed and counted; the next cycle within the interval did not overrun", async () => {
    h = await createHarness("pglite");
    const [held, quick] = [await h.model(), await h.model()];
    let wall = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const s = scheduler(
      [
        { id: held, name: "held", strategy: "held" },
        { id: quick, name: "quick", strategy: "quick" },
      ],
      {
        held: async (_ctx, tools) => {
          if (++calls === 1) await gate;
          await tools.holding({ reason: "done" });
        },
        quick: async (_ctx, tools) => void (await tools.holding({ reason: "fine" })),
      },
      { wall: () => wall, toolGraceMs: 10 },
    );
    s.start();
    h.clock.advance(MINUTE); // the first interval: the cycle starts, "held" waits
    await tick();
    expect(s.status().cycleInProgress).toBe(true);
    wall += 150_000;
    expect(s.status().cycleRunningMs).toBe(150_000);
    h.clock.advance(MINUTE); // two more intervals while it runs: both missed
    await tick();
    h.clock.advance(MINUTE);
    await tick();
    release();
    await s.idle();
    expect(cycles()).toHaveLength(1);
    expect(cycles()[0]).toMatchObject({ trigger: "interval", models: 2, ok: 2, failed: 0, stale: 0, missedTicks: 2, overran: true, durationMs: 150_000 });

    h.clock.advance(MINUTE);
    await s.idle();
    expect(cycles()[1]).toMatchObject({ models: 2, ok: 2, missedTicks: 0, overran: false, durationMs: 0 });
    await s.stop();
  });

  it("a run cleared as stale counts in its cycle as failed and as stale", async () => {
    h = await createHarness("pglite");
    const [stuck, quick] = [await h.model(), await h.model()];
    let wall = 0;
    let calls = 0;
    const s = scheduler(
      [
        { id: stuck, name: "stuck", strategy: "stuck" },
        { id: quick, name: "quick", strategy: "quick" },
      ],
      {
        // Stuck the first time only (the tick that clears it may start the next cycle at once).
        stuck: () => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve()),
        quick: async (_ctx, tools) => void (await tools.holding({ reason: "fine" })),
      },
      { wall: () => wall, runTimeoutMs: 3_600_000, staleAfterMs: 10 * MINUTE, toolGraceMs: 10 },
    );
    const cycle = s.runCycle();
    await tick();
    wall += 11 * MINUTE; // past the stale limit
    await s.tick(); // clears the stuck run, which ends its cycle
    await cycle;
    await s.idle();
    expect(cycles()[0]).toMatchObject({ trigger: "manual", models: 2, ok: 1, failed: 1, timedOut: 0, stale: 1, overran: true, durationMs: 11 * MINUTE });
  });
});
