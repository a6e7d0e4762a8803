import { describe, expect, it } from "vitest";
import { setup } from "./helpers.js";

describe("GET routes", () => {
  it("GET /api/health answers the service's health", async () => {
    const { app } = setup();
    const res = await app.request("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", mode: "simulation", feed: { kind: "synthetic" }, db: { kind: "pglite" } });
  });

  it("GET /api/markets lists markets with decimal-string prices", async () => {
    const { app } = setup();
    const body = (await (await app.request("/api/markets")).json()) as Array<Record<string, unknown>>;
    expect(body.map((m) => m.symbol)).toEqual(["BTC", "ETH"]);
    expect(body[0]).toMatchObject({ bid: "100000.0", sizeDecimals: 5 });
  });

  it("GET /api/markets/:symbol/book upper-cases the symbol and defaults depth to 10", async () => {
    const { app, services } = setup();
    const res = await app.request("/api/markets/btc/book");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ symbol: "BTC", bids: [["99999.5", "1.2"]], asks: [["100000.5", "0.8"]] });
    expect(services.callsTo("book")[0]?.args).toEqual(["BTC", 10]);
  });

  it("clamps a book depth above the cap", async () => {
    const { app, services } = setup();
    expect((await app.request("/api/markets/ETH/book?depth=5000")).status).toBe(200);
    expect(services.callsTo("book")[0]?.args).toEqual(["ETH", 100]);
  });

  it("GET /api/models and /api/models/:id return model views", async () => {
    const { app } = setup();
    const list = (await (await app.request("/api/models")).json()) as Array<{ id: string }>;
    expect(list.map((m) => m.id)).toEqual(["m1"]);
    const one = await app.request("/api/models/m1");
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: "m1", account: { cash: "10000.00", returnPct: 0 }, metrics: { sharpe: null, trades: 0 } });
  });

  it("GET /api/strategies lists rule strategies and prompt variants", async () => {
    const { app } = setup();
    expect(await (await app.request("/api/strategies")).json()).toEqual([
      { name: "momentum", kind: "rule", description: "buys strength" },
      { name: "default", kind: "llm", description: "the base prompt" },
    ]);
  });

  it("GET /api/models/:id/equity passes the window, defaulting to all", async () => {
    const { app, services } = setup();
    expect(await (await app.request("/api/models/m1/equity?window=7d")).json()).toEqual([{ ts: "2025-01-01T00:00:00.000Z", equity: "10000.00" }]);
    await app.request("/api/models/m1/equity");
    expect(services.callsTo("equity").map((c) => c.args)).toEqual([
      ["m1", "7d"],
      ["m1", "all"],
    ]);
  });

  it("GET /api/positions filters by modelId when given", async () => {
    const { app, services } = setup();
    expect(await (await app.request("/api/positions")).json()).toEqual([]);
    await app.request("/api/positions?modelId=m1");
    expect(services.callsTo("positions").map((c) => c.args)).toEqual([[undefined], ["m1"]]);
  });

  it("GET /api/trades defaults limit to 100", async () => {
    const { app, services } = setup();
    const res = await app.request("/api/trades?modelId=m1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(services.callsTo("trades")[0]?.args).toEqual(["m1", 100]);
  });

  it.each([
    ["5", 5],
    ["1000", 1000],
    ["1001", 1000],
    ["99999999999999999999999", 1000],
  ])("clamps limit=%s to %d", async (limit, expected) => {
    const { app, services } = setup();
    expect((await app.request(`/api/trades?limit=${limit}`)).status).toBe(200);
    expect(services.callsTo("trades")[0]?.args).toEqual([undefined, expected]);
  });

  it("GET /api/invocations returns decisions with tool calls", async () => {
    const { app, services } = setup();
    const body = (await (await app.request("/api/invocations?limit=2000")).json()) as Array<{ toolCalls: unknown[] }>;
    expect(body[0]).toMatchObject({ id: "i1", status: "ok", toolCalls: [{ type: "HOLDING" }] });
    expect(services.callsTo("invocations")[0]?.args).toEqual([undefined, 1000]);
  });

  it("GET /api/invocations?include=closes serves the decision history (runs and automatic closes, each with its kind)", async () => {
    const { app, services } = setup();
    const body = (await (await app.request("/api/invocations?modelId=m1&limit=5&offset=2&include=closes")).json()) as Array<{ kind: string }>;
    expect(body[0]).toMatchObject({ kind: "invocation", id: "i1" });
    expect(services.callsTo("decisionHistory")[0]?.args).toEqual(["m1", 5, 2]);
    expect(services.callsTo("invocations")).toEqual([]);
    const bad = await app.request("/api/invocations?include=trades");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("include");
    expect(services.callsTo("decisionHistory")).toHaveLength(1);
  });

  it("GET /api/scheduler returns the scheduler state", async () => {
    const { app } = setup();
    expect(await (await app.request("/api/scheduler")).json()).toEqual({
      intervalMs: 300_000,
      enabled: true,
      cycleInProgress: false,
      lastCycle: null,
      lastFinishedCycle: null,
      cycleRunningMs: null,
      running: [],
    });
  });
});

describe("empty filters", () => {
  it("treats ?modelId= with no value as no filter", async () => {
    const { setup } = await import("./helpers.js");
    const { app, services } = setup();
    expect((await app.request("/api/positions?modelId=")).status).toBe(200);
    expect(services.callsTo("positions").at(-1)?.args).toEqual([undefined]);
  });
});
