import { useLlmApp } from "../support/llm-app.js";
import { describe, expect, it } from "vitest";
import type { InvocationDetailView, ModelView, PositionView, StrategyView } from "../../src/app/services.js";
import { errorOf, sendJson } from "../server/helpers.js";

const KEY_VAR = "AUTONOME_TEST_LLM_KEY";
const KEY = "sk-test-never-shown-1234567890";

/** An LLM model registered over HTTP and run by the real scheduler against a local OpenAI-compatible server. */
describe("LLM models through the API", () => {
  const t = useLlmApp(KEY_VAR, KEY);
  const get = <T>(path: string) => t.get<T>(path);
  const post = (path: string, body: unknown) => t.post(path, body);

  it("lists the rule strategies and the seven prompt variants, names unique", async () => {
    const strategies = await get<StrategyView[]>("/api/strategies");
    expect(strategies.filter((s) => s.kind === "rule")).toHaveLength(3);
    expect(strategies.filter((s) => s.kind === "llm").length).toBeGreaterThanOrEqual(7);
    expect(new Set(strategies.map((s) => s.name)).size).toBe(strategies.length);
  });

  it.each([
    [{ llm: { baseUrl: "not a url", model: "m" } }, "baseUrl"],
    [{ llm: { baseUrl: "http://127.0.0.1:1/v1" } }, "model"],
    [{ strategy: "astrology" }, "strategy"],
    [{ llm: { baseUrl: "http://127.0.0.1:1/v1", model: "m", apiKey: "sk-x" } }, "apiKeyEnv"],
    [{ llm: undefined }, "llm"],
  ])("registering %j is a 400 naming %s", async (patch, needle) => {
    const res = await post("/api/models", { name: `bad-${needle}`, kind: "llm", strategy: "capital-preservation", llm: { baseUrl: "http://127.0.0.1:1/v1", model: "m" }, ...patch });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toContain(needle);
    expect(JSON.stringify(error)).not.toContain("sk-x");
  });

  it("a cycle runs the agent: it reads the market, opens a position with a stop through its tools, and holds; everything is recorded, the key never shown", async () => {
    for (const m of await get<ModelView[]>("/api/models")) await sendJson(t.app, "PATCH", `/api/models/${m.id}`, { status: "paused" });
    const created = await post("/api/models", {
      name: "Fake GPT",
      kind: "llm",
      strategy: "capital-preservation",
      llm: { baseUrl: t.fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR, maxSteps: 5 },
    });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;
    expect(model.llm).toEqual({ baseUrl: t.fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR, maxSteps: 5 });

    const book = await get<{ asks: string[][] }>("/api/markets/BTC/book?depth=1");
    const ask = Number(book.asks[0]![0]);
    t.fake.reply(
      {
        kind: "tool-calls",
        text: "BTC looks constructive; small long with a tight stop.",
        calls: [
          {
            name: "createPosition",
            arguments: { decisions: [{ symbol: "BTC", side: "LONG", quantity: 0.01, leverage: 2, stopLoss: Math.floor(ask * 0.99), profitTarget: Math.ceil(ask * 1.03), confidence: 60 }] },
          },
        ],
      },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "position opened; waiting" } }] },
    );
    expect((await post("/api/scheduler/run", {})).status).toBe(202);
    let detail: InvocationDetailView | undefined;
    for (let i = 0; i < 100 && detail?.status !== "ok" && detail?.status !== "error"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const [latest] = await get<InvocationDetailView[]>(`/api/invocations?modelId=${model.id}`);
      if (latest) detail = await get<InvocationDetailView>(`/api/invocations/${latest.id}`);
    }
    expect(detail?.status, detail?.error ?? "").toBe("ok");
    expect(detail!.toolCalls.map((c) => c.type)).toEqual(["CREATE_POSITION", "HOLDING"]);
    expect(detail!.inputTokens).toBeGreaterThan(0);
    expect(detail!.prompt).toContain("BTC");
    expect(Array.isArray(detail!.steps) && (detail!.steps as unknown[]).length).toBe(2);

    const [position] = await get<PositionView[]>(`/api/positions?modelId=${model.id}`);
    expect(position).toMatchObject({ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "2" });
    expect(Number(position!.exitPlan!.stop)).toBeLessThan(ask);

    expect(t.fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect((t.fake.requests[0]!.body.messages as unknown[]).length).toBeGreaterThan(0);
    const everything = JSON.stringify([detail, await get("/api/models"), await get(`/api/invocations`)]);
    expect(everything).not.toContain(KEY);
    const after = await get<ModelView>(`/api/models/${model.id}`);
    expect(after.runs).toMatchObject({ runs: 1, failedRuns: 0, toolCalls: 2, failedToolCalls: 0 });
  });

  it("a provider that fails ends the run as a recorded, readable error; nothing reaches the orders table", async () => {
    const [model] = (await get<ModelView[]>("/api/models")).filter((m) => m.kind === "llm");
    const before = await get<PositionView[]>(`/api/positions?modelId=${model!.id}`);
    t.fake.reply({ kind: "status", status: 500, message: "boom" }, { kind: "status", status: 500, message: "boom" }, { kind: "status", status: 500, message: "boom" });
    await post("/api/scheduler/run", {});
    let latest: InvocationDetailView | undefined;
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      [latest] = await get<InvocationDetailView[]>(`/api/invocations?modelId=${model!.id}&limit=1`);
      if (latest && latest.status !== "running" && latest.toolCalls.length === 0) break;
    }
    expect(latest!.status).toBe("error");
    expect(latest!.error).toMatch(/500|boom/);
    expect(await get<PositionView[]>(`/api/positions?modelId=${model!.id}`)).toEqual(before);
    expect((await get<ModelView>(`/api/models/${model!.id}`)).runs.failedRuns).toBe(1);
  });
});
