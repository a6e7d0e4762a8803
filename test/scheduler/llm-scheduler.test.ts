import { systemClock } from "../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { computeIntelligence, type MarketIntelligence } from "../../src/agents/intelligence.js";
import type { PortfolioView } from "../../src/agents/strategy.js";
import { DEFAULT_MARKETS, findMarket } from "../../src/core/market.js";
import type { Logger } from "../../src/core/logger.js";
import { formatUsd } from "../../src/core/money.js";
import { unrealizedPnl } from "../../src/core/position.js";
import { invocations, orders, toolCalls } from "../../src/db/schema.js";
import { DecisionExtras } from "../../src/scheduler/decision-extras.js";
import { createDeciders, type DeciderOptions } from "../../src/scheduler/llm-decider.js";
import { modelRunStats, runStatsByModel } from "../../src/scheduler/run-stats.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { positionView } from "../../src/trading/position-view.js";
import { BTC, NOW, candles, ramp } from "../agents/fixtures.js";
import { holding, lastToolResults, providerError, scriptedModel, text, toolCalls as calls, userPrompt, type CallOptions, type ScriptedModel } from "../agents/llm/mock-model.js";
import { startFakeOpenAi } from "../support/fake-openai.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

/**
 * LLM models run by the scheduler against the real trading service (simulator, PGlite): the
 * mock model scripts tool calls, the service fills, rejects and records them, and every run is
 * one invocation row with its prompt, text, tokens, steps and counted failures.
 */

const INTEL: MarketIntelligence = computeIntelligence({
  markets: [BTC],
  candles: (s, i) => (s === "BTC" ? candles(BTC, i, ramp(49_000, 15, 60), 10) : []),
  now: NOW,
});

const OPEN_BTC = (quantity = "0.01") => ({ decisions: [{ symbol: "BTC", side: "LONG", quantity, leverage: 2, stopLoss: "49000", profitTarget: "52000", confidence: 65 }] });

interface LlmModelSpec {
  id: string;
  model: ScriptedModel;
  strategy?: string;
  llm?: Record<string, unknown>;
}

describe("LLM models in the scheduler", () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  function portfolioOf(modelId: string): PortfolioView {
    const a = h.service.account(modelId);
    const f = h.service.figures(a);
    return {
      cash: formatUsd(f.cash),
      equity: formatUsd(f.equity),
      available: formatUsd(f.available),
      positions: [...a.positions.values()].map((p) => {
        const m = findMarket(DEFAULT_MARKETS, p.state.symbol)!;
        const mark = h.venue.mid(m.symbol);
        const v = positionView(m, p, mark);
        return {
          symbol: v.symbol,
          side: v.side,
          quantity: v.quantity,
          entryPrice: v.entryPrice,
          markPrice: v.markPrice ?? v.entryPrice,
          unrealizedPnl: mark === undefined ? "0" : formatUsd(unrealizedPnl(m, p.state, mark)),
          exitPlan: v.exitPlan,
        };
      }),
    };
  }

  function scheduler(specs: LlmModelSpec[], options: DeciderOptions & { runTimeoutMs?: number; logger?: Logger; extras?: boolean } = {}) {
    const byId = new Map(specs.map((s) => [s.id, s.model]));
    const extras = options.extras ? new DecisionExtras({ db: h.t.database.db, service: h.service, now: () => Date.now() }) : undefined;
    return new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: systemClock,
      ...(options.runTimeoutMs ? { runTimeoutMs: options.runTimeoutMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      activeModels: async () =>
        specs.map((s, i) => ({ id: s.id, name: `llm-${i}`, kind: "llm" as const, strategy: s.strategy ?? "trend-only", llm: s.llm ?? { baseUrl: "http://provider.test/v1", model: "mock" } })),
      decider: createDeciders({ model: (_settings, m) => byId.get(m.id)!, ...options }),
      intelligence: () => INTEL,
      context: async (modelId, { cycleId }) => ({ portfolio: portfolioOf(modelId), markets: [BTC], ...(extras ? await extras.load(modelId, cycleId) : {}) }),
    });
  }

  const db = () => h.t.database.db;
  const invocationOf = async (modelId: string) => (await db().select().from(invocations).where(eq(invocations.modelId, modelId)).orderBy(invocations.createdAt)).at(-1)!;
  const openRows = async (modelId: string) => db().select().from(orders).where(eq(orders.modelId, modelId));

  it("opens, scales and closes over successive cycles, each run recorded with its prompt, text, tokens and steps", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const prompts: string[] = [];
    const seeing = (reply: ReturnType<typeof calls>) => (call: CallOptions) => {
      prompts.push(userPrompt(call));
      return reply;
    };
    const model = scriptedModel([
      seeing(calls([["createPosition", OPEN_BTC()]], { text: "1h and 5m trends agree: long BTC.", tokens: [1200, 80] })),
      holding("opened BTC"),
      seeing(calls([["createPosition", OPEN_BTC()]], { text: "Adding to the winner." })),
      holding("scaled in"),
      seeing(calls([["closePosition", { symbols: ["BTC"] }]], { text: "Taking profit." })),
      holding("closed"),
      text("not used: the run ended at holding"),
    ]);
    const s = scheduler([{ id, model }], { extras: true });

    await s.runCycle();
    let rows = await openRows(id);
    expect(rows).toMatchObject([{ status: "OPEN", side: "LONG", quantity: "0.0100000000" }]);
    const first = await invocationOf(id);
    expect(first).toMatchObject({ status: "ok", response: "1h and 5m trends agree: long BTC.", inputTokens: 1300, outputTokens: 100, toolCallCount: 2, failedToolCalls: 0, error: null });
    expect(first.prompt).toMatch(/^SYSTEM:\nYou are an autonomous trading agent following the "trend-only" strategy/);
    expect(first.prompt).toContain("USER:\nCurrent time:");
    expect(first.steps).toMatchObject([
      { step: 1, attempts: 1, inputTokens: 1200, outputTokens: 80, toolCalls: [{ tool: "createPosition", ok: true }] },
      { step: 2, toolCalls: [{ tool: "holding", ok: true }] },
    ]);
    expect(await db().select().from(toolCalls).where(eq(toolCalls.invocationId, first.id))).toHaveLength(2);

    h.book("BTC", [["50490", "10"]], [["50500", "10"]]);
    await s.runCycle();
    rows = await openRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.quantity).toBe("0.0200000000");
    expect(rows[0]!.entryPrice.startsWith("50250")).toBe(true);
    // The second run's prompt shows what the first did: the position, its exit plan, the standings and the activity.
    expect(prompts[1]).toContain("- BTC LONG 0.01 @ entry 50000, mark 50495");
    expect(prompts[1]).toContain("exit plan: stop 49000");
    expect(prompts[1]).toContain("you are #1 of 1");
    expect(prompts[1]).toMatch(/BTC: 1 action .*the last 0 min ago/);
    expect(prompts[1]).toContain("1 run before this one");

    h.book("BTC", [["50990", "10"]], [["51000", "10"]]);
    await s.runCycle();
    rows = await openRows(id);
    expect(rows).toMatchObject([{ status: "CLOSED", closeTrigger: "MANUAL", quantity: "0.0200000000" }]);
    expect(prompts[2]).toContain("- BTC LONG 0.02 @ entry 50250");
    expect(prompts[2]).toContain("return +");
    expect(model.remaining).toBe(1); // holding ended every run

    const events = h.bus.filter((e) => e.type === "invocation").map((e) => e.data as Record<string, unknown>);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ modelId: id, status: "ok", inputTokens: 1300, outputTokens: 100, steps: 2, failedToolCalls: 0, toolCalls: ["createPosition", "holding"] });
    expect(await modelRunStats(db(), id)).toEqual({ runs: 3, failedRuns: 0, toolCalls: 6, failedToolCalls: 0 });
  });

  it("feeds malformed arguments and unknown tools back; the model corrects itself and the failures are counted", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    let feedback: ReturnType<typeof lastToolResults> = [];
    const model = scriptedModel([
      calls([
        ["createPosition", { decisions: [{ symbol: "BTC", side: "LONG", quantity: "-1", leverage: "high", confidence: 60 }] }],
        ["openLong", { symbol: "BTC" }],
      ]),
      (call) => {
        feedback = lastToolResults(call);
        return calls([["createPosition", OPEN_BTC()]]);
      },
      holding(),
    ]);
    await scheduler([{ id, model }]).runCycle();
    const message = (feedback[0]!.output.value as { error: { code: string; message: string } }).error;
    expect(message.code).toBe("invalid_arguments");
    expect(message.message).toContain("decisions[0].quantity: quantity must be a non-negative decimal");
    expect(message.message).toContain("decisions[0].leverage: leverage must be a number between 1 and 20");
    expect(String(feedback[1]!.output.value)).toContain("unavailable tool 'openLong'");
    expect(await openRows(id)).toMatchObject([{ status: "OPEN", quantity: "0.0100000000" }]);
    const run = await invocationOf(id);
    expect(run).toMatchObject({ status: "ok", toolCallCount: 4, failedToolCalls: 2 });
    const recorded = await db().select().from(toolCalls).where(eq(toolCalls.invocationId, run.id)).orderBy(toolCalls.createdAt);
    expect(recorded.map((c) => [c.type, (c.metadata as { result: { ok: boolean } }).result.ok])).toEqual([
      ["CREATE_POSITION", false],
      ["CREATE_POSITION", true],
      ["HOLDING", true],
    ]);
    expect(await modelRunStats(db(), id)).toEqual({ runs: 1, failedRuns: 0, toolCalls: 4, failedToolCalls: 2 });
  });

  it("returns a rejected order's reason to the model, which then adjusts", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.01", leverage: "2", exitPlan: { stop: "51000" } });
    let rejection: unknown;
    const model = scriptedModel([
      calls([["createPosition", OPEN_BTC()]], { text: "Flip to long." }),
      (call) => {
        rejection = (lastToolResults(call)[0]!.output.value as { results: unknown[] }).results[0];
        return calls([["closePosition", { symbols: ["BTC"] }]], { text: "A short is open: closing it first." });
      },
      holding("closed the short; will go long next run"),
    ]);
    await scheduler([{ id, model }]).runCycle();
    expect(rejection).toMatchObject({ symbol: "BTC", status: "rejected", reason: "opposite_position_open" });
    const rows = await openRows(id);
    expect(rows).toMatchObject([{ side: "SHORT", status: "CLOSED" }]);
    const run = await invocationOf(id);
    expect(run).toMatchObject({ status: "ok", toolCallCount: 3, failedToolCalls: 1, response: "Flip to long.\n\nA short is open: closing it first." });
    const recorded = await db().select().from(toolCalls).where(eq(toolCalls.invocationId, run.id)).orderBy(toolCalls.createdAt);
    expect(JSON.stringify(recorded[0]!.metadata)).toContain("opposite_position_open");
  });

  it("times out hung providers (one honouring the abort, one ignoring it) without holding back the other models, and nothing reaches the orders table", async () => {
    h = await createHarness("pglite");
    const [hung, deaf, fine] = [await h.model(), await h.model(), await h.model()];
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const started = Date.now();
    await scheduler(
      [
        { id: hung, model: scriptedModel(["hang"]) },
        { id: deaf, model: scriptedModel(["hang-ignoring-abort"]) },
        { id: fine, model: scriptedModel([calls([["createPosition", OPEN_BTC()]]), holding()]) },
      ],
      { runTimeoutMs: 400 },
    ).runCycle();
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const id of [hung, deaf]) {
      const run = await invocationOf(id);
      expect(run).toMatchObject({ status: "timeout", error: "timed out after 400 ms", toolCallCount: 0 });
      expect(run.prompt).toContain("USER:");
      expect(await openRows(id)).toEqual([]);
    }
    expect(await invocationOf(fine)).toMatchObject({ status: "ok" });
    expect(await openRows(fine)).toHaveLength(1);
    const stats = await runStatsByModel(db());
    expect(stats.get(hung)).toEqual({ runs: 1, failedRuns: 1, toolCalls: 0, failedToolCalls: 0 });
    expect(stats.get(fine)).toEqual({ runs: 1, failedRuns: 0, toolCalls: 2, failedToolCalls: 0 });
    const events = h.bus.filter((e) => e.type === "invocation").map((e) => e.data as { modelId: string; status: string });
    expect(events.map((e) => e.status).sort()).toEqual(["ok", "timeout", "timeout"]);
  });

  it("stores the prompt while the model is still thinking", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    let release!: () => void;
    const model = scriptedModel([() => new Promise((resolve) => (release = () => resolve(holding("done"))))]);
    const cycle = scheduler([{ id, model }]).runCycle();
    let row = await invocationOf(id);
    for (let i = 0; i < 100 && !(row?.prompt && release); i++) {
      await new Promise((r) => setTimeout(r, 10));
      row = await invocationOf(id);
    }
    expect(row).toMatchObject({ status: "running" });
    expect(row.prompt).toContain("USER:\nCurrent time:");
    release();
    await cycle;
    const done = await invocationOf(id);
    expect(done).toMatchObject({ status: "ok", response: "done" });
    expect(done.prompt).toBe(row.prompt);
  });

  it("records the agent's own deadline as a timeout, keeping the steps it finished", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const model = scriptedModel([calls([["updateExitPlan", { updates: [{ symbol: "BTC", stopLoss: "49500" }] }]], { tokens: [500, 25] }), "hang"]);
    await scheduler([{ id, model }], { timeoutMs: 300 }).runCycle();
    const run = await invocationOf(id);
    expect(run).toMatchObject({ status: "timeout", error: "the model did not finish within 300 ms", inputTokens: 500, outputTokens: 25, toolCallCount: 1, failedToolCalls: 1 });
    expect(run.steps).toHaveLength(1);
  });

  it("retries provider errors (counting the calls) and records a provider that keeps failing as a readable error", async () => {
    h = await createHarness("pglite");
    const [flaky, down] = [await h.model(), await h.model()];
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const flakyModel = scriptedModel([providerError(500), providerError(429), calls([["createPosition", OPEN_BTC()]]), holding()]);
    const downModel = scriptedModel([providerError(500), providerError(502), providerError(503), holding()]);
    await scheduler([
      { id: flaky, model: flakyModel },
      { id: down, model: downModel },
    ]).runCycle();
    expect(flakyModel.doGenerateCalls).toHaveLength(4);
    const ok = await invocationOf(flaky);
    expect(ok.status).toBe("ok");
    expect((ok.steps as Array<{ attempts: number }>).map((s) => s.attempts)).toEqual([3, 1]);
    expect(await openRows(flaky)).toHaveLength(1);

    expect(downModel.doGenerateCalls).toHaveLength(3); // 1 + 2 retries
    const failed = await invocationOf(down);
    expect(failed).toMatchObject({ status: "error", error: "the provider failed 3 times (HTTP 500, HTTP 502, HTTP 503); last: HTTP 503: provider error 503", steps: [] });
    expect(await openRows(down)).toEqual([]);
    expect(await modelRunStats(db(), down)).toEqual({ runs: 1, failedRuns: 1, toolCalls: 0, failedToolCalls: 0 });
  });

  it("ends a model that never holds at its step limit, and says so", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const model = scriptedModel(Array.from({ length: 10 }, () => calls([["updateExitPlan", { updates: [{ symbol: "BTC", stopLoss: "49500" }] }]], { text: "tighten" })));
    await scheduler([{ id, model, llm: { baseUrl: "http://provider.test/v1", model: "mock", maxSteps: 3 } }]).runCycle();
    expect(model.doGenerateCalls).toHaveLength(3);
    const run = await invocationOf(id);
    expect(run).toMatchObject({ status: "ok", toolCallCount: 3, failedToolCalls: 3 });
    expect(run.response).toContain("[stopped at the step limit of 3 steps without calling holding]");
  });

  it("records empty answers, garbage arguments, bad settings and unknown variants as readable outcomes", async () => {
    h = await createHarness("pglite");
    const [empty, garbled, badSettings, unknown] = [await h.model(), await h.model(), await h.model(), await h.model()];
    await scheduler([
      { id: empty, model: scriptedModel([text("")]) },
      { id: garbled, model: scriptedModel([calls([["createPosition", "{{not json"]]), holding("gave up")]) },
      { id: badSettings, model: scriptedModel([holding()]), llm: { baseUrl: "not a url", model: "" } },
      { id: unknown, model: scriptedModel([holding()]), strategy: "yolo" },
    ]).runCycle();
    expect(await invocationOf(empty)).toMatchObject({ status: "error", error: "the model returned an empty answer: no text and no tool call" });
    expect(await invocationOf(garbled)).toMatchObject({ status: "ok", response: "gave up", toolCallCount: 2, failedToolCalls: 1 });
    const bad = await invocationOf(badSettings);
    expect(bad.status).toBe("error");
    expect(bad.error).toContain("invalid LLM settings: baseUrl: must be an http(s) URL");
    expect(bad.error).toContain("model: must not be empty");
    expect(await invocationOf(unknown)).toMatchObject({ status: "error", error: 'unknown strategy "yolo"' });
  });

  it("runs the real provider through the scheduler: the key from the environment reaches the server as a Bearer header and nowhere else", async () => {
    h = await createHarness("pglite");
    const KEY = "sk-live-9d8c7b6a5f4e3d2c1b";
    const [id, streamed, missing] = [await h.model(), await h.model(), await h.model()];
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    const server = await startFakeOpenAi();
    const logs: string[] = [];
    const logger: Logger = {
      debug: (...a) => void logs.push(JSON.stringify(a)),
      info: (...a) => void logs.push(JSON.stringify(a)),
      warn: (...a) => void logs.push(JSON.stringify(a)),
      error: (...a) => void logs.push(JSON.stringify(a)),
    };
    try {
      server.reply(
        { kind: "tool-calls", text: "Opening BTC.", calls: [{ name: "createPosition", arguments: OPEN_BTC() }], usage: { prompt: 2000, completion: 90 } },
        { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "done" } }], usage: { prompt: 2100, completion: 10 } },
        { kind: "status", status: 401, message: `Incorrect API key provided: ${KEY}` },
      );
      const llm = { baseUrl: server.baseUrl, model: "fake-model", apiKeyEnv: "AUTONOME_FAKE_KEY" };
      const specs = [
        { id, model: scriptedModel([]), llm },
        { id: missing, model: scriptedModel([]), llm: { ...llm, apiKeyEnv: "AUTONOME_MISSING_KEY" } },
      ];
      // No `model` override: the decider builds the real provider from the settings.
      const real = new Scheduler({
        intervalMs: 0,
        uow: h.uow,
        service: h.service,
        clock: systemClock,
        logger,
        activeModels: async () => specs.map((s, i) => ({ id: s.id, name: `real-${i}`, kind: "llm" as const, strategy: "trend-only", llm: s.llm })),
        decider: createDeciders({ env: { AUTONOME_FAKE_KEY: KEY } }),
        intelligence: () => INTEL,
        context: (modelId) => ({ portfolio: portfolioOf(modelId), markets: [BTC] }),
      });
      await real.runCycle();
      expect(server.requests).toHaveLength(2); // the model without its key never sent a request
      for (const r of server.requests) expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(await invocationOf(id)).toMatchObject({ status: "ok", response: "Opening BTC.", inputTokens: 4100, outputTokens: 100 });
      expect(await openRows(id)).toHaveLength(1);
      const noKey = await invocationOf(missing);
      expect(noKey.status).toBe("error");
      expect(noKey.error).toContain("the API key variable AUTONOME_MISSING_KEY is not set in the environment");

      // A streamed run whose server echoes the key in its error: the row and the logs get it redacted.
      const streamedScheduler = new Scheduler({
        intervalMs: 0,
        uow: h.uow,
        service: h.service,
        clock: systemClock,
        logger,
        activeModels: async () => [{ id: streamed, name: "streamed", kind: "llm" as const, strategy: "regime-adaptive", llm }],
        decider: createDeciders({ env: { AUTONOME_FAKE_KEY: KEY }, stream: true }),
        intelligence: () => INTEL,
        context: (modelId) => ({ portfolio: portfolioOf(modelId), markets: [BTC] }),
      });
      await streamedScheduler.runCycle();
      expect(server.requests[2]!.body.stream).toBe(true);
      const echoed = await invocationOf(streamed);
      expect(echoed).toMatchObject({ status: "error" });
      expect(echoed.error).toContain("HTTP 401: Incorrect API key provided: [redacted]");

      const everything = JSON.stringify([await db().select().from(invocations), await db().select().from(toolCalls), h.bus, logs]);
      expect(everything).toContain("Opening BTC."); // the dump does hold the runs
      expect(everything).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });
});
