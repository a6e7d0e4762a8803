import { describe, expect, it } from "vitest";
import { errorOf, sendJson, setup } from "./helpers.js";

describe("state-changing routes", () => {
  it("POST /api/models creates a rule model: 201", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models", { name: "trend", kind: "rule", strategy: "momentum", initialCapital: 2500 });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: "m2", name: "trend", strategy: "momentum", initialCapital: "2500" });
    expect(services.callsTo("createModel")[0]?.args).toEqual([{ name: "trend", kind: "rule", strategy: "momentum", initialCapital: "2500" }]);
  });

  it("POST /api/models creates an llm model with its connection settings", async () => {
    const { app, services } = setup();
    const llm = { baseUrl: "http://127.0.0.1:11434/v1", model: "qwen3:8b", apiKeyEnv: "OLLAMA_KEY", temperature: 0.2, maxSteps: 6 };
    const res = await sendJson(app, "POST", "/api/models", { name: "qwen", kind: "llm", strategy: "default", llm });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: "llm", llm });
    expect(services.callsTo("createModel")[0]?.args[0]).toMatchObject({ llm });
  });

  it("PATCH /api/models/:id pauses a model", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "PATCH", "/api/models/m1", { status: "paused" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "m1", status: "paused" });
    expect(services.callsTo("setModelStatus")[0]?.args).toEqual(["m1", "paused"]);
  });

  it("POST /api/models/:id/positions opens a position: 201, decimals passed as strings", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models/m1/positions", {
      symbol: "btc",
      side: "LONG",
      quantity: 0.0000001, // String() would give "1e-7"
      leverage: 2.5,
      exitPlan: { stop: "95000", target: 110000, confidence: 0.7, timeExit: "2025-01-02T01:00:00+01:00" },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "filled", requestedQuantity: "0.0000001", filledQuantity: "0.0000001", averagePrice: "100000.5" });
    expect(body.position).toMatchObject({ symbol: "BTC", side: "LONG", leverage: "2.5", exitPlan: { stop: "95000", target: "110000" } });
    expect(services.callsTo("openPosition")[0]?.args).toEqual([
      "m1",
      {
        symbol: "BTC",
        side: "LONG",
        quantity: "0.0000001",
        leverage: "2.5",
        exitPlan: { stop: "95000", target: "110000", confidence: 0.7, timeExit: "2025-01-02T00:00:00.000Z" },
      },
    ]);
  });

  it("POST /api/models/:id/positions/close reports per symbol, each symbol once", async () => {
    const { app, services } = setup();
    await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "SHORT", quantity: "0.01" });
    const res = await sendJson(app, "POST", "/api/models/m1/positions/close", { symbols: ["btc", "ETH", "BTC"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: {
        BTC: { status: "closed", exitPrice: "99999.5", realizedPnl: "-1.05" },
        ETH: { status: "rejected", reason: "no_position" },
      },
    });
    expect(services.callsTo("closePositions")[0]?.args).toEqual(["m1", ["BTC", "ETH"]]);
  });

  it("PATCH /api/models/:id/positions/:symbol/exit-plan returns the position", async () => {
    const { app, services } = setup();
    await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "90000" } });
    const res = await sendJson(app, "PATCH", "/api/models/m1/positions/btc/exit-plan", { stop: 95000.5, target: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ symbol: "BTC", exitPlan: { stop: "95000.5", target: null } });
    expect(services.callsTo("updateExitPlan")[0]?.args).toEqual(["m1", "BTC", { stop: "95000.5", target: null }]);
  });

  it("POST /api/scheduler/run: 202 accepted", async () => {
    const { app, services } = setup();
    const res = await app.request("/api/scheduler/run", { method: "POST" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });
    expect(services.callsTo("runSchedulerNow")).toHaveLength(1);
  });

  it("POST /api/sim/markets/:symbol/move returns the moved market", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/sim/markets/eth/move", { price: 2800 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ symbol: "ETH", mid: "2800" });
    expect(services.callsTo("moveMarket")[0]?.args).toEqual(["ETH", "2800"]);
  });

  it("POST /api/sim/accounts/:modelId/reset returns the account", async () => {
    const { app } = setup();
    const res = await app.request("/api/sim/accounts/m1/reset", { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ cash: "10000.00", equity: "10000.00" });
  });

  it("a 409 from the services passes through with its code", async () => {
    const { app } = setup();
    const res = await sendJson(app, "POST", "/api/models", { name: "momentum-1", kind: "rule", strategy: "momentum" });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("duplicate_name");
  });
});

describe("risk limits on models", () => {
  it("POST /api/models passes risk overrides through; PATCH replaces them and a bad limit changes nothing", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models", { name: "careful", kind: "rule", strategy: "momentum", risk: { maxLeverage: 3 } });
    expect(res.status).toBe(201);
    expect(services.callsTo("createModel")[0]?.args[0]).toMatchObject({ risk: { maxLeverage: 3 } });
    const patched = await sendJson(app, "PATCH", "/api/models/m1", { risk: { maxOpenPositions: 1 }, status: "paused" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: "paused", risk: { maxOpenPositions: 1 } });
    const bad = await sendJson(app, "PATCH", "/api/models/m1", { risk: { maxLeverage: 500 }, status: "active" });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain("risk.maxLeverage");
    expect(services.callsTo("setModelStatus")).toHaveLength(1); // the bad request did not change the status
  });
});
