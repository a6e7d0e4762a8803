import { systemClock } from "../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { computeIntelligence, type MarketIntelligence } from "../../src/agents/intelligence.js";
import { invocations, toolCalls } from "../../src/db/schema.js";
import { createDeciders, type DeciderOptions } from "../../src/scheduler/llm-decider.js";
import { modelRunStats } from "../../src/scheduler/run-stats.js";
import { Scheduler, type ScheduledModel } from "../../src/scheduler/scheduler.js";
import { BTC, NOW, candles, ramp } from "../agents/fixtures.js";
import { holding, providerError, scriptedModel, text, toolCalls as calls, type ScriptedModel } from "../agents/llm/mock-model.js";
import { DRIVERS } from "../support/databases.js";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

/**
 * A run always ends with a status, whatever the model wrote: a NUL character or a lone UTF-16
 * surrogate cannot be written to PostgreSQL (text or jsonb), so everything a model returns is
 * cleaned before it is stored (U+FFFD), and a run whose finished row still cannot be written is
 * marked failed (or, if even that fails, ended by the sweep of abandoned runs). On both drivers.
 */

const INTEL: MarketIntelligence = computeIntelligence({
  markets: [BTC],
  candles: (s, i) => (s === "BTC" ? candles(BTC, i, ramp(49_000, 15, 60), 10) : []),
  now: NOW,
});

const NUL = "\u0000";
const LONE_HIGH = "\uD800";
const LONE_LOW = "\uDC00";
const FFFD = "\uFFFD";
const GRIN = "\uD83D\uDE00"; // a valid surrogate pair: kept

/** No NUL, no lone surrogate anywhere in the value's JSON (JSON.stringify escapes a lone surrogate as \udxxx). */
function expectStorable(value: unknown): void {
  const json = JSON.stringify(value);
  expect(json).not.toMatch(/\\u0000/);
  expect(json).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
}

const REFUSE_TRIGGER = [
  `create table test_refuse_finish (all_updates boolean not null)`,
  `create function test_refuse_finish() returns trigger language plpgsql as $$
   begin
     if new.status <> 'running' and (new.response like '%poison%' or exists (select 1 from test_refuse_finish where all_updates)) then
       raise exception 'refused by the test';
     end if;
     return new;
   end $$`,
  `create trigger test_refuse_finish before update on invocations for each row execute function test_refuse_finish()`,
];

describe.each(DRIVERS)("run records on %s", (driver) => {
  let h: Harness;
  let fake: FakeOpenAi | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await h?.dispose();
  });

  function scheduler(specs: Array<{ id: string; model?: ScriptedModel; llm?: Record<string, unknown> }>, options: DeciderOptions & { now?: () => number; staleAfterMs?: number } = {}) {
    const byId = new Map(specs.map((s) => [s.id, s.model]));
    const models: ScheduledModel[] = specs.map((s, i) => ({ id: s.id, name: `llm-${i}`, kind: "llm", strategy: "trend-only", llm: s.llm ?? { baseUrl: "http://provider.test/v1", model: "mock" } }));
    return new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: options.now ? { ...systemClock, now: options.now } : systemClock,
      ...(options.now ? { wall: options.now } : {}),
      ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}),
      activeModels: async () => models,
      decider: createDeciders({ ...(specs.some((s) => s.model) ? { model: (_s, m) => byId.get(m.id)! } : {}), ...options }),
      intelligence: () => INTEL,
      context: () => ({ portfolio: { cash: "10000", equity: "10000", available: "10000", positions: [] }, markets: [BTC] }),
    });
  }

  const db = () => h.t.database.db;
  const runsOf = (modelId: string) => db().select().from(invocations).where(eq(invocations.modelId, modelId)).orderBy(invocations.createdAt);
  const lastRun = async (modelId: string) => (await runsOf(modelId)).at(-1)!;
  const events = () => h.bus.filter((e) => e.type === "invocation").map((e) => e.data as { id: string; modelId: string; status: string; response: string | null; error: string | null });

  it("stores a mock model's answer with NUL and lone surrogates: text, tool arguments, tool errors and a provider's error message", async () => {
    h = await createHarness(driver);
    const [answered, failed] = [await h.model(), await h.model()];
    const answer = scriptedModel([
      calls(
        [
          ["holding", { reason: `waiting${NUL} for ${LONE_HIGH}confirmation` }],
          [`open${NUL}Long`, { symbol: `BTC${LONE_LOW}` }],
          ["createPosition", `{"decisions": ${NUL}`],
        ],
        { text: `Thinking${NUL} about BTC ${GRIN} ${LONE_LOW}now${LONE_HIGH}` },
      ),
    ]);
    const broken = scriptedModel([providerError(400, `bad request${NUL}: ${LONE_HIGH}`)]);
    await scheduler([
      { id: answered, model: answer },
      { id: failed, model: broken },
    ]).runCycle();

    const run = await lastRun(answered);
    expect(run).toMatchObject({ status: "ok", response: `Thinking${FFFD} about BTC ${GRIN} ${FFFD}now${FFFD}`, toolCallCount: 3, failedToolCalls: 2, error: null });
    expect(run.finishedAt).not.toBeNull();
    const steps = run.steps as Array<{ text: string; toolCalls: Array<{ tool: string; args: unknown; ok: boolean; error?: string }> }>;
    expect(steps[0]!.text).toBe(run.response);
    expect(steps[0]!.toolCalls.map((c) => [c.tool, c.ok])).toEqual([
      ["holding", true],
      [`open${FFFD}Long`, false],
      ["createPosition", false],
    ]);
    expect(steps[0]!.toolCalls[1]!.args).toEqual({ symbol: `BTC${FFFD}` });
    expect(steps[0]!.toolCalls[2]!.error).toContain(FFFD);
    expectStorable([run.response, run.steps, run.decisions, run.prompt]);
    const [held] = await db().select().from(toolCalls).where(eq(toolCalls.invocationId, run.id));
    expect((held!.metadata as { args: { reason: string } }).args.reason).toBe(`waiting${FFFD} for ${FFFD}confirmation`);

    const error = await lastRun(failed);
    expect(error).toMatchObject({ status: "error", error: `the provider failed: HTTP 400: bad request${FFFD}: ${FFFD}` });

    expect(await modelRunStats(db(), answered)).toEqual({ runs: 1, failedRuns: 0, toolCalls: 3, failedToolCalls: 2 });
    expect(await modelRunStats(db(), failed)).toEqual({ runs: 1, failedRuns: 1, toolCalls: 0, failedToolCalls: 0 });
    expect(events().find((e) => e.modelId === answered)).toMatchObject({ status: "ok", response: run.response });
    expect(events().find((e) => e.modelId === failed)).toMatchObject({ status: "error", error: error.error });
  });

  it.each([false, true])("stores the real provider's answer with NUL and lone surrogates (streamed: %s), a surrogate pair split across chunks intact", async (stream) => {
    h = await createHarness(driver);
    const id = await h.model();
    fake = await startFakeOpenAi();
    // The fake streams text 8 UTF-16 units at a time: the pair at units 7-8 is split between two chunks.
    const said = `0123456${GRIN} then${NUL} a ${LONE_LOW}lone one${LONE_HIGH}`;
    fake.reply({ kind: "tool-calls", text: said, calls: [{ name: "holding", arguments: { reason: `nothing${NUL}${LONE_HIGH} to do` } }] });
    await scheduler([{ id, llm: { baseUrl: fake.baseUrl, model: "fake-model" } }], { stream }).runCycle();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body.stream ?? false).toBe(stream);

    const run = await lastRun(id);
    expect(run).toMatchObject({ status: "ok", response: `0123456${GRIN} then${FFFD} a ${FFFD}lone one${FFFD}`, toolCallCount: 1, failedToolCalls: 0 });
    const [held] = await db().select().from(toolCalls).where(eq(toolCalls.invocationId, run.id));
    expect((held!.metadata as { args: { reason: string } }).args.reason).toBe(`nothing${FFFD}${FFFD} to do`);
    expect(await modelRunStats(db(), id)).toEqual({ runs: 1, failedRuns: 0, toolCalls: 1, failedToolCalls: 0 });
    expect(events()).toMatchObject([{ id: run.id, status: "ok", response: run.response }]);
  });

  it("a run whose finished row cannot be written still ends: marked error with a short reason, counted as failed, with its event", async () => {
    h = await createHarness(driver);
    for (const statement of REFUSE_TRIGGER) await db().execute(sql.raw(statement));
    const [refused, fine] = [await h.model(), await h.model()];
    await scheduler([
      { id: refused, model: scriptedModel([text("a poison pill the database refuses")]) },
      { id: fine, model: scriptedModel([holding("all good")]) },
    ]).runCycle();

    const run = await lastRun(refused);
    expect(run.status).toBe("error");
    expect(run.error).toBe("the run ended (ok) but its record could not be written (database error P0001; details in the log)");
    expect(run.finishedAt).not.toBeNull();
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.response).toBeNull();
    expect(await modelRunStats(db(), refused)).toEqual({ runs: 1, failedRuns: 1, toolCalls: 0, failedToolCalls: 0 });
    // The other model's run, in the same cycle, is unaffected.
    expect(await lastRun(fine)).toMatchObject({ status: "ok", response: "all good" });
    expect(await modelRunStats(db(), fine)).toEqual({ runs: 1, failedRuns: 0, toolCalls: 1, failedToolCalls: 0 });
    expect(events().find((e) => e.modelId === refused)).toMatchObject({ id: run.id, status: "error", response: null, error: run.error });
  });

  it("a run whose record and fallback both fail is ended by the sweep of abandoned runs after the stale limit", async () => {
    h = await createHarness(driver);
    for (const statement of REFUSE_TRIGGER) await db().execute(sql.raw(statement));
    await db().execute(sql.raw(`insert into test_refuse_finish values (true)`));
    const id = await h.model();
    let now = Date.now();
    const staleAfterMs = 10 * 60_000;
    const s = scheduler([{ id, model: scriptedModel([holding("first"), holding("second")]) }], { now: () => now, staleAfterMs });
    await s.runCycle();
    const [lost] = await runsOf(id);
    expect(lost!.status).toBe("running"); // the database took no update at all
    expect(await modelRunStats(db(), id)).toMatchObject({ runs: 0, failedRuns: 0 });

    await db().execute(sql.raw(`delete from test_refuse_finish`));
    now += staleAfterMs - 1;
    await s.tick(); // not stale yet: left alone (the run of this cycle finishes)
    expect((await runsOf(id)).map((r) => r.status)).toEqual(["running", "ok"]);
    now += 2;
    await s.tick();
    const runs = await runsOf(id);
    expect(runs[0]).toMatchObject({ id: lost!.id, status: "error" });
    expect(runs[0]!.error).toMatch(/^abandoned: still running after the stale limit/);
    expect(runs[0]!.finishedAt).not.toBeNull();
    expect(runs.slice(1).map((r) => r.status)).toEqual(["ok", "ok"]);
    expect(await modelRunStats(db(), id)).toMatchObject({ runs: 3, failedRuns: 1 });
    expect(events().filter((e) => e.id === lost!.id)).toMatchObject([{ status: "error", error: runs[0]!.error }]);
  });
});
