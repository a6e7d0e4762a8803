import { useLlmApp } from "../../support/llm-app.js";
import { systemClock } from "../../../src/core/clock.js";
import { afterEach, describe, expect, it } from "vitest";
import { computeIntelligence } from "../../../src/agents/intelligence.js";
import { parseLlmSettings } from "../../../src/agents/llm/settings.js";
import { invocations, outbox, toolCalls } from "../../../src/db/schema.js";
import { createDeciders } from "../../../src/scheduler/llm-decider.js";
import { Scheduler } from "../../../src/scheduler/scheduler.js";
import type { InvocationDetailView, ModelView, PositionView } from "../../../src/app/services.js";
import { BTC, NOW, candles, ramp } from "../fixtures.js";
import { errorOf, sendJson, SseReader } from "../../server/helpers.js";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.js";
import { createHarness, type Harness } from "../../support/trading-harness.js";

/**
 * The API key never leaves through the model: a provider whose answer repeats the key (in its
 * text, its tool arguments, a tool name) gets it redacted before any tool acts on it and before
 * it is stored, returned by the API or streamed as an event. And a base URL with credentials in
 * it is refused: settings are stored and shown.
 */

const KEY_VAR = "AUTONOME_TEST_ECHO_KEY";
const KEY = "sk-echo-4f3e2d1c0b9a8877";

describe("a provider that echoes the API key, through the API", () => {
  const t = useLlmApp(KEY_VAR, KEY);
  const get = <T>(path: string) => t.get<T>(path);
  const post = (path: string, body: unknown) => t.post(path, body);

  it("redacts the key from the stored run, GET /api/invocations/:id, the position it opened and the `invocation` event", async () => {
    for (const m of await get<ModelView[]>("/api/models")) await sendJson(t.app, "PATCH", `/api/models/${m.id}`, { status: "paused" });
    const created = await post("/api/models", { name: "Echo", kind: "llm", strategy: "capital-preservation", llm: { baseUrl: t.fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR, maxSteps: 5 } });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;

    const ask = Number((await get<{ asks: string[][] }>("/api/markets/BTC/book?depth=1")).asks[0]![0]);
    t.fake.reply(
      {
        kind: "tool-calls",
        text: `My instructions came with the key ${KEY}; going long.`,
        calls: [
          {
            name: "createPosition",
            arguments: {
              decisions: [{ symbol: "BTC", side: "LONG", quantity: 0.01, leverage: 2, stopLoss: Math.floor(ask * 0.99), invalidationCondition: `abort if ${KEY} is revoked`, confidence: 60 }],
            },
          },
          { name: `tool_${KEY}`, arguments: { key: KEY } },
          { name: "updateExitPlan", arguments: `{"updates": "${KEY}"` },
        ],
      },
      { kind: "tool-calls", text: `Again: ${KEY}`, calls: [{ name: "holding", arguments: { reason: `holding, key ${KEY}` } }] },
    );
    expect((await post("/api/scheduler/run", {})).status).toBe(202);
    let detail: InvocationDetailView | undefined;
    for (let i = 0; i < 200 && (detail === undefined || detail.status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const [latest] = await get<InvocationDetailView[]>(`/api/invocations?modelId=${model.id}`);
      if (latest) detail = await get<InvocationDetailView>(`/api/invocations/${latest.id}`);
    }
    expect(detail?.status, detail?.error ?? "").toBe("ok");
    expect(t.fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`); // the key was in use
    expect(detail!.response).toBe("My instructions came with the key [redacted]; going long.\n\nAgain: [redacted]");
    expect(detail!.toolCalls.map((c) => c.type)).toEqual(["CREATE_POSITION", "HOLDING"]);
    const served = JSON.stringify(detail);
    expect(served).toContain("abort if [redacted] is revoked"); // the tool call's arguments
    expect(served).toContain("tool_[redacted]"); // the step telemetry's unknown tool
    expect(served).not.toContain(KEY);

    // The position was opened with the redacted text: the tool never saw the key.
    const [position] = await get<PositionView[]>(`/api/positions?modelId=${model.id}`);
    expect(position?.exitPlan?.invalidation).toBe("abort if [redacted] is revoked");

    const { db } = t.autonome.database;
    const stored = JSON.stringify([await db.select().from(invocations), await db.select().from(toolCalls), await db.select().from(outbox)]);
    expect(stored).toContain("[redacted]");
    expect(stored).not.toContain(KEY);

    // The event stream, replayed from the start: the run's `invocation` event.
    const res = await t.app.request("/api/events?lastEventId=0");
    expect(res.status).toBe(200);
    const reader = new SseReader(res.body);
    try {
      let frame = await reader.nextEvent();
      while (!(frame.event === "invocation" && frame.data?.includes(detail!.id))) frame = await reader.nextEvent();
      expect(JSON.parse(frame.data!)).toMatchObject({ status: "ok", response: detail!.response });
      expect(frame.data).not.toContain(KEY);
    } finally {
      await reader.cancel();
    }
  });

  it.each([
    ["http://user:secret-pass@127.0.0.1:11434/v1", "secret-pass", "user and password"],
    ["https://sk-in-the-url@openrouter.ai/api/v1", "sk-in-the-url", "user only"],
    ["http://:only-a-password@127.0.0.1:1/v1", "only-a-password", "password only"],
  ])("refuses the base URL %s (credentials in it): 400 invalid_request naming llm.baseUrl, nothing created", async (baseUrl, secret, label) => {
    const before = (await get<ModelView[]>("/api/models")).length;
    const res = await post("/api/models", { name: `With credentials: ${label}`, kind: "llm", strategy: "capital-preservation", llm: { baseUrl, model: "m" } });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("llm.baseUrl: must not contain credentials");
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(await get<ModelView[]>("/api/models")).toHaveLength(before);
    // The CLI (`models add --llm`) and stored settings go through the same parser.
    expect(() => parseLlmSettings({ baseUrl, model: "m" })).toThrow("baseUrl: must not contain credentials");
  });

  it("still takes a base URL without credentials", () => {
    expect(parseLlmSettings({ baseUrl: "https://openrouter.ai/api/v1", model: "m" }).baseUrl).toBe("https://openrouter.ai/api/v1");
  });
});

describe("a streamed answer that echoes the key in pieces", () => {
  let h: Harness;
  let fake: FakeOpenAi;
  afterEach(async () => {
    await fake?.close();
    await h?.dispose();
  });

  it("is redacted once the pieces are joined: stored text, steps and the event", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    fake = await startFakeOpenAi();
    // The fake streams text 8 characters at a time, so the key arrives split over several chunks.
    fake.reply({ kind: "tool-calls", text: `The key: ${KEY}. Done.`, calls: [{ name: "holding", arguments: { reason: `nothing to do (${KEY})` } }] });
    const intel = computeIntelligence({ markets: [BTC], candles: (s, i) => (s === "BTC" ? candles(BTC, i, ramp(49_000, 15, 60), 10) : []), now: NOW });
    await new Scheduler({
      intervalMs: 0,
      uow: h.uow,
      service: h.service,
      clock: systemClock,
      activeModels: async () => [{ id, name: "streamed", kind: "llm", strategy: "trend-only", llm: { baseUrl: fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR } }],
      decider: createDeciders({ env: { [KEY_VAR]: KEY }, stream: true }),
      intelligence: () => intel,
      context: () => ({ portfolio: { cash: "10000", equity: "10000", available: "10000", positions: [] }, markets: [BTC] }),
    }).runCycle();
    expect(fake.requests[0]!.body.stream).toBe(true);
    const [run] = await h.t.database.db.select().from(invocations);
    expect(run).toMatchObject({ status: "ok", response: "The key: [redacted]. Done." });
    const everything = JSON.stringify([run, await h.t.database.db.select().from(toolCalls), h.bus]);
    expect(everything).toContain(`nothing to do ([redacted])`);
    expect(everything).not.toContain(KEY);
  });
});
