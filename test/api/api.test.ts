import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { ModelView, PositionView, TradeView, InvocationView } from "../../src/app/services.js";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { errorOf, sendJson, SseReader } from "../server/helpers.js";

const TOKEN = "test-token-123";

/** The real application (database, simulator, synthetic feed) behind the HTTP layer, no sockets. */
describe.each(DRIVERS)("HTTP API against the real application on %s", (driver) => {
  let autonome: Autonome;
  let app: ReturnType<typeof createApp>;
  let drop: (() => Promise<void>) | undefined;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) => sendJson(app, "POST", path, body, headers);
  const get = async <T>(path: string): Promise<T> => (await app.request(path)).json() as Promise<T>;

  beforeAll(async () => {
    const env: Record<string, string> = { AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_API_TOKEN: TOKEN, AUTONOME_DATA_DIR: "memory://" };
    if (driver === "postgres") {
      const created = await createPgDatabase();
      env.DATABASE_URL = created.url;
      drop = created.drop;
    }
    autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }));
    app = createApp({ services: autonome.services, apiToken: TOKEN });
    await autonome.start();
  });
  afterAll(async () => {
    await autonome?.stop();
    await drop?.();
  });

  it("a fresh database starts three rule models at $10,000 on BTC, ETH and SOL books", async () => {
    const models = await get<ModelView[]>("/api/models");
    expect(models.map((m) => m.strategy).sort()).toEqual(["breakout", "mean-reversion", "trend-following"]);
    for (const m of models) expect(m.account).toMatchObject({ cash: "10000", equity: "10000", fees: "0", realizedPnl: "0" });
    const markets = await get<Array<{ symbol: string; bid: string; ask: string }>>("/api/markets");
    expect(markets.map((m) => m.symbol)).toEqual(["BTC", "ETH", "SOL"]);
    for (const m of markets) expect(Number(m.bid)).toBeLessThan(Number(m.ask));
    const book = await get<{ bids: string[][]; asks: string[][] }>("/api/markets/eth/book?depth=20");
    expect(book.bids).toHaveLength(20);
    expect(book.asks).toHaveLength(20);
    expect((await app.request("/api/health")).status).toBe(200);
  });

  it("opens, scales, updates the exit plan and closes a position; the trade adds up to the cent", async () => {
    const [model] = await get<ModelView[]>("/api/models");
    const id = model!.id;
    // The stop keeps the risk of the whole position (the scale-in inherits it) within 2% of equity.
    const opened = await post(`/api/models/${id}/positions`, { symbol: "SOL", side: "LONG", quantity: "2", leverage: 2, exitPlan: { stop: "200" } });
    expect(opened.status).toBe(201);
    const body = (await opened.json()) as { status: string; filledQuantity: string; position: PositionView };
    expect(body).toMatchObject({ status: "filled", filledQuantity: "2" });
    expect(body.position.exitPlan?.stop).toBe("200");
    expect((await post(`/api/models/${id}/positions`, { symbol: "SOL", side: "LONG", quantity: 1 })).status).toBe(201);
    const widened = await sendJson(app, "PATCH", `/api/models/${id}/positions/SOL/exit-plan`, { stop: "140" }, auth);
    expect(widened.status).toBe(422);
    expect((await errorOf(widened)).code).toBe("stop_would_widen");
    expect((await sendJson(app, "PATCH", `/api/models/${id}/positions/SOL/exit-plan`, { stop: "210" }, auth)).status).toBe(200);
    const positions = await get<PositionView[]>(`/api/positions?modelId=${id}`);
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ symbol: "SOL", side: "LONG", quantity: "3", leverage: "2" });
    const closed = await post(`/api/models/${id}/positions/close`, { symbols: ["SOL", "BTC"] });
    const results = ((await closed.json()) as { results: Record<string, { status: string; reason?: string }> }).results;
    expect(results.SOL!.status).toBe("closed");
    expect(results.BTC).toMatchObject({ status: "rejected", reason: "no_position" });
    const [trade] = await get<TradeView[]>(`/api/trades?modelId=${id}`);
    expect(trade).toMatchObject({ symbol: "SOL", side: "LONG", quantity: "3", closeTrigger: "MANUAL" });
    const gross = (Number(trade!.exitPrice) - Number(trade!.entryPrice)) * Number(trade!.quantity);
    expect(Math.abs(gross - Number(trade!.fees) - Number(trade!.realizedPnl))).toBeLessThan(0.01);
    const after = await get<ModelView>(`/api/models/${id}`);
    expect(Number(after.account.cash)).toBeCloseTo(10_000 + Number(trade!.realizedPnl), 6);
  });

  it("bad input gets a 4xx naming the problem and changes nothing", async () => {
    const [, model] = await get<ModelView[]>("/api/models");
    const id = model!.id;
    const cases: Array<[unknown, number, string]> = [
      [{ symbol: "BTC", side: "LONG" }, 400, "quantity"],
      [{ symbol: "BTC", side: "LONG", quantity: "-1" }, 400, "quantity"],
      [{ symbol: "BTC", side: "LONG", quantity: "abc" }, 400, "quantity"],
      [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 0 }, 400, "leverage"],
      [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 50 }, 400, "leverage"],
      [{ symbol: "XYZ", side: "LONG", quantity: "1" }, 400, "symbol"],
      [{ symbol: "BTC", side: "UP", quantity: "1" }, 400, "side"],
      [{ symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "1000000" } }, 422, "stop"],
      // Manual orders pass the same risk engine as the models' (default limits: a stop is required).
      [{ symbol: "BTC", side: "LONG", quantity: "0.01" }, 422, "risk_stop_required"],
      [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 15, exitPlan: { stop: "90000" } }, 422, "risk_max_leverage"],
    ];
    for (const [body, status, needle] of cases) {
      const r = await post(`/api/models/${id}/positions`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(await errorOf(r))).toContain(needle);
    }
    expect((await post("/api/models/00000000-0000-0000-0000-000000000000/positions", { symbol: "BTC", side: "LONG", quantity: "0.01" })).status).toBe(404);
    expect(await get<PositionView[]>(`/api/positions?modelId=${id}`)).toEqual([]);
    expect((await get<ModelView>(`/api/models/${id}`)).account.cash).toBe("10000");
  });

  it("per-model risk limits: set, enforced on manual orders, validated, and restored to defaults", async () => {
    const [, , model] = await get<ModelView[]>("/api/models");
    const id = model!.id;
    const patch = (body: unknown) => sendJson(app, "PATCH", `/api/models/${id}`, body, auth);
    const set = await patch({ risk: { maxLeverage: 2 } });
    expect(set.status).toBe(200);
    expect(((await set.json()) as ModelView).risk).toMatchObject({ maxLeverage: 2, requireStop: true });
    const book = await get<{ asks: string[][] }>("/api/markets/SOL/book?depth=1");
    const stop = String(Math.floor(Number(book.asks[0]![0]) * 0.99));
    const refused = await post(`/api/models/${id}/positions`, { symbol: "SOL", side: "LONG", quantity: "0.5", leverage: 3, exitPlan: { stop } });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).code).toBe("risk_max_leverage");
    const bad = await patch({ risk: { maxLeverage: "lots" } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain("risk.maxLeverage");
    expect((await get<ModelView>(`/api/models/${id}`)).risk.maxLeverage).toBe(2);
    const reset = await patch({ risk: null });
    expect(((await reset.json()) as ModelView).risk.maxLeverage).toBe(10);
  });

  it("a new model's equity curve starts when it is created", async () => {
    const res = await post("/api/models", { name: "Fresh", kind: "rule", strategy: "breakout", initialCapital: "2500" });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as ModelView;
    const curve = await get<Array<{ ts: string; equity: string }>>(`/api/models/${id}/equity?window=1h`);
    expect(curve).toHaveLength(1);
    expect(curve[0]!.equity).toBe("2500");
  });

  it("writes need the token; reads do not", async () => {
    const [model] = await get<ModelView[]>("/api/models");
    expect((await post(`/api/models/${model!.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01" }, {})).status).toBe(401);
    expect((await post(`/api/models/${model!.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01" }, { Authorization: "Bearer nope" })).status).toBe(401);
    expect((await app.request("/api/models")).status).toBe(200);
  });

  it("events resume after Last-Event-ID with nothing missed or repeated", async () => {
    const models = await get<ModelView[]>("/api/models");
    const id = models[2]!.id;
    const first = await app.request("/api/events", { headers: { "Last-Event-ID": "0" } });
    const reader = new SseReader(first.body);
    let frame = await reader.next();
    while (!frame.id) frame = await reader.next();
    const firstId = Number(frame.id);
    await reader.cancel();
    expect((await post(`/api/models/${id}/positions`, { symbol: "ETH", side: "SHORT", quantity: "0.05", exitPlan: { stop: "3600" } })).status).toBe(201);
    const resumed = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": String(firstId) } })).body);
    const ids: number[] = [];
    const names: string[] = [];
    for (let i = 0; i < 200; i++) {
      const f = await resumed.next().catch(() => null);
      if (!f) break;
      if (f.id) {
        ids.push(Number(f.id));
        names.push(f.event!);
      }
      if (f.event === "position") break;
    }
    expect(ids[0]).toBe(firstId + 1);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(names).toContain("order");
    expect(names).toContain("position");
    await resumed.cancel();
  });

  it("runs a scheduler cycle on request and records an invocation per model", async () => {
    expect((await post("/api/scheduler/run", {})).status).toBe(202);
    for (let i = 0; i < 50; i++) {
      if ((await get<{ cycleInProgress: boolean; lastCycle: unknown }>("/api/scheduler")).lastCycle && !(await get<{ cycleInProgress: boolean }>("/api/scheduler")).cycleInProgress) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const invocations = await get<InvocationView[]>("/api/invocations");
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    for (const inv of invocations.slice(0, 3)) {
      expect(inv.status).toBe("ok");
      expect(inv.toolCalls.length).toBeGreaterThan(0);
    }
  });

  it("moves a synthetic market and resets an account to its initial capital", async () => {
    const moved = await post("/api/sim/markets/BTC/move", { price: "80000" });
    expect(moved.status).toBe(200);
    const m = (await moved.json()) as { mid: string };
    expect(Math.abs(Number(m.mid) - 80_000)).toBeLessThan(80);
    const [model] = await get<ModelView[]>("/api/models");
    await post(`/api/models/${model!.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "78000" } });
    const reset = await post(`/api/sim/accounts/${model!.id}/reset`, {});
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ cash: "10000", equity: "10000", realizedPnl: "0", fees: "0" });
    expect(await get<PositionView[]>(`/api/positions?modelId=${model!.id}`)).toEqual([]);
  });
});
