import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { AutomaticCloseView, DecisionHistoryEntry, InvocationDetailView, InvocationView, ModelView, PositionView, TradeView } from "../../src/app/services.js";
import { createApp } from "../../src/server/app.js";
import { sendJson } from "../server/helpers.js";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.js";

const KEY_VAR = "AUTONOME_TEST_HISTORY_KEY";

/**
 * An automatic close in the decision history: an LLM model opens a position with a stop through
 * its tools, the market falls through the stop and the exit engine closes it; the history the API
 * serves (GET /api/invocations?include=closes) shows the close between the runs with its reason,
 * and the model's next prompt names it in its recent activity. The real application on each driver.
 */
describe.each(DRIVERS)("decision history with automatic closes on %s", (driver) => {
  let autonome: Autonome;
  let app: ReturnType<typeof createApp>;
  let fake: FakeOpenAi;
  let drop: (() => Promise<void>) | undefined;
  const get = async <T>(path: string): Promise<T> => (await app.request(path)).json() as Promise<T>;
  const post = (path: string, body: unknown) => sendJson(app, "POST", path, body);

  beforeAll(async () => {
    process.env[KEY_VAR] = "sk-history-test";
    fake = await startFakeOpenAi();
    const env: Record<string, string> = { AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_DATA_DIR: "memory://" };
    if (driver === "postgres") {
      const created = await createPgDatabase();
      env.DATABASE_URL = created.url;
      drop = created.drop;
    }
    autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }));
    app = createApp({ services: autonome.services });
    await autonome.start();
  });
  afterAll(async () => {
    await autonome?.stop();
    await fake?.close();
    await drop?.();
    delete process.env[KEY_VAR];
  });

  /** Runs a cycle and waits for the model's newest run to finish. */
  async function runCycle(modelId: string, runsBefore: number): Promise<InvocationDetailView> {
    expect((await post("/api/scheduler/run", {})).status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const runs = await get<InvocationView[]>(`/api/invocations?modelId=${modelId}`);
      if (runs.length > runsBefore && runs[0]!.status !== "running") return get<InvocationDetailView>(`/api/invocations/${runs[0]!.id}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the run did not finish");
  }

  it("shows a close by stop between the runs, with its reason, and the next prompt names it", async () => {
    for (const m of await get<ModelView[]>("/api/models")) await sendJson(app, "PATCH", `/api/models/${m.id}`, { status: "paused" });
    const created = await post("/api/models", { name: "Stopped Out", kind: "llm", strategy: "regime-adaptive", llm: { baseUrl: fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR, maxSteps: 3 } });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;

    const ask = Number((await get<{ asks: string[][] }>("/api/markets/BTC/book?depth=1")).asks[0]![0]);
    const stop = Math.floor(ask * 0.99);
    fake.reply(
      { kind: "tool-calls", calls: [{ name: "createPosition", arguments: { decisions: [{ symbol: "BTC", side: "LONG", quantity: 0.01, leverage: 2, stopLoss: stop, confidence: 60 }] } }] },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "long BTC with a stop" } }] },
    );
    const first = await runCycle(model.id, 0);
    expect(first.status, first.error ?? "").toBe("ok");
    expect(await get<PositionView[]>(`/api/positions?modelId=${model.id}`)).toHaveLength(1);

    // The market falls 3%, through the stop: the exit engine closes the position at the bid.
    expect((await post("/api/sim/markets/BTC/move", { price: String(Math.floor(ask * 0.97)) })).status).toBe(200);
    let trade: TradeView | undefined;
    for (let i = 0; i < 200 && !trade; i++) {
      [trade] = await get<TradeView[]>(`/api/trades?modelId=${model.id}`);
      if (!trade) await new Promise((r) => setTimeout(r, 50));
    }
    expect(trade).toMatchObject({ symbol: "BTC", side: "LONG", quantity: "0.01", closeTrigger: "STOP" });

    const history = await get<DecisionHistoryEntry[]>(`/api/invocations?modelId=${model.id}&include=closes`);
    expect(history.map((e) => e.kind)).toEqual(["close", "invocation"]);
    const close = history[0] as AutomaticCloseView;
    expect(close).toEqual({
      kind: "close",
      id: trade!.id,
      modelId: model.id,
      createdAt: trade!.closedAt,
      closeTrigger: "STOP",
      symbol: "BTC",
      side: "LONG",
      quantity: "0.01",
      entryPrice: trade!.entryPrice,
      exitPrice: trade!.exitPrice,
      realizedPnl: trade!.realizedPnl,
      fees: trade!.fees,
      level: String(stop),
      reason: `LONG 0.01 BTC closed automatically at ${trade!.exitPrice}: its stop at ${stop} was reached, realized P&L -$${trade!.realizedPnl.slice(1)} after fees`,
    });
    expect(Number(trade!.exitPrice)).toBeLessThanOrEqual(stop);
    expect(history[1]).toMatchObject({ kind: "invocation", id: first.id, status: "ok" });
    // Without include=closes the list is the runs alone, as before.
    expect((await get<InvocationView[]>(`/api/invocations?modelId=${model.id}`)).map((r) => r.id)).toEqual([first.id]);

    fake.reply({ kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "stopped out; waiting" } }] });
    const second = await runCycle(model.id, 1);
    expect(second.status, second.error ?? "").toBe("ok");
    expect(second.prompt).toMatch(
      new RegExp(
        `automatic closes \\(the system closed these for you; not your tool calls\\):\\n- BTC LONG 0\\.01 closed \\d+ min ago at ${trade!.exitPrice.replace(".", "\\.")}: its stop at ${stop} was reached`,
      ),
    );
    expect(second.prompt).toContain("this is run #2: you have been invoked 1 time before");
    expect(second.prompt).toContain("exposure 0.00% of equity (gross notional of the open positions at the mark); risk to stops 0.00% of equity");
    // The synthetic feed reports a funding rate for every market: the prompt carries it under the price.
    expect(second.prompt).toMatch(/### BTC [^\n]*\nlast price [^\n]*\nfunding rate [+-]?\d+\.\d{4,}% per \d+h \(positive: longs pay shorts\), next payment (in|due)/);

    // Newest first, paged together: the second run, the close, the first run.
    const all = await get<DecisionHistoryEntry[]>(`/api/invocations?modelId=${model.id}&include=closes`);
    expect(all.map((e) => [e.kind, e.id])).toEqual([
      ["invocation", second.id],
      ["close", trade!.id],
      ["invocation", first.id],
    ]);
    const page = await get<DecisionHistoryEntry[]>(`/api/invocations?modelId=${model.id}&include=closes&limit=1&offset=1`);
    expect(page.map((e) => e.id)).toEqual([trade!.id]);
    expect((await app.request(`/api/invocations?modelId=nope&include=closes`)).status).toBe(404);
  });
});
