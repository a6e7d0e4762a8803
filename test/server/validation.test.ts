import { describe, expect, it } from "vitest";
import { numberToDecimalString } from "../../src/server/fields.js";
import { errorOf, sendJson, setup } from "./helpers.js";

/** Sends a request and expects a 400 invalid_request that names the field, with no service called. */
async function expectInvalid(request: (app: ReturnType<typeof setup>["app"]) => Response | Promise<Response>, ...fragments: string[]): Promise<string> {
  const { app, services } = setup();
  const res = await request(app);
  const error = await errorOf(res);
  expect(res.status, error.message).toBe(400);
  expect(error.code).toBe("invalid_request");
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  expect(services.calls).toEqual([]);
  return error.message;
}

const open = (body: unknown) => (app: ReturnType<typeof setup>["app"]) => sendJson(app, "POST", "/api/models/m1/positions", body);
const valid = { symbol: "BTC", side: "LONG", quantity: "0.01" };

describe("request validation: 400 invalid_request naming the field", () => {
  it.each<[unknown, ...string[]]>([
    [{ ...valid, quantity: "-1" }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: 0 }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: "0.000" }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: "NaN" }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: "1e3" }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: "abc" }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: true }, "quantity: must be a positive decimal"],
    [{ ...valid, quantity: 1e400 }, "quantity: must be a positive decimal"], // JSON's 1e400 parses to Infinity
    [{ symbol: "BTC", side: "LONG" }, "quantity: is required"],
    [{ ...valid, side: "BUY" }, 'side: must be one of "LONG", "SHORT"'],
    [{ ...valid, side: undefined }, "side: is required"],
    [{ ...valid, symbol: "BTC/USD" }, "symbol: must be a market symbol"],
    [{ ...valid, leverage: 0.5 }, "leverage: must be a number from 1 to 20"],
    [{ ...valid, leverage: "21" }, "leverage: must be a number from 1 to 20"],
    [{ ...valid, leverage: "20.01" }, "leverage: must be a number from 1 to 20"],
    [{ ...valid, leverage: 2.555 }, "leverage: must be a number from 1 to 20 with at most 2 decimals"],
    [{ ...valid, exitPlan: { stop: "-5" } }, "exitPlan.stop: must be a positive decimal"],
    [{ ...valid, exitPlan: { stopp: "95000" } }, "exitPlan: ", "stopp"],
    [{ ...valid, exitPlan: { timeExit: "tomorrow" } }, "exitPlan.timeExit: must be an ISO-8601 timestamp"],
    [{ ...valid, exitPlan: { confidence: "high" } }, "exitPlan.confidence"],
    [{ ...valid, extra: 1 }, "body: ", "extra"],
    [[valid], "body: "],
  ])("open position %j", async (body, ...fragments) => {
    await expectInvalid(open(body), ...fragments);
  });

  it("lists every problem at once", async () => {
    const message = await expectInvalid(open({ symbol: "BTC", side: "SIDEWAYS", quantity: "-2" }), "side:", "quantity:");
    expect(message).toContain("; ");
  });

  it("accepts leverage with two decimals and the bounds 1 and 20", async () => {
    for (const leverage of ["1", 20, "20.00", 3.25]) {
      const { app } = setup();
      expect((await sendJson(app, "POST", "/api/models/m1/positions", { ...valid, leverage })).status).toBe(201);
    }
  });

  it("rejects an unparseable JSON body", async () => {
    await expectInvalid((app) => sendJson(app, "POST", "/api/models/m1/positions", "{not json"), "body: must be valid JSON");
  });

  it("rejects a body that is not sent as JSON", async () => {
    await expectInvalid((app) => app.request("/api/models/m1/positions", { method: "POST", body: JSON.stringify(valid), headers: { "Content-Type": "text/plain" } }), "body: must be JSON");
  });

  it.each<[unknown, ...string[]]>([
    [{ name: "x", kind: "robot", strategy: "momentum" }, 'kind: must be one of "rule", "llm"'],
    [{ name: "", kind: "rule", strategy: "momentum" }, "name: must not be empty"],
    [{ kind: "rule", strategy: "momentum" }, "name: is required"],
    [{ name: "x", kind: "rule", strategy: "momentum", initialCapital: "-100" }, "initialCapital: must be a positive decimal"],
    [{ name: "x", kind: "llm", strategy: "default" }, "llm: is required for an llm model"],
    [{ name: "x", kind: "rule", strategy: "momentum", llm: { baseUrl: "http://x", model: "m" } }, "llm: is only allowed"],
    [{ name: "x", kind: "llm", strategy: "default", llm: { baseUrl: "ftp://x", model: "m" } }, "llm.baseUrl: must be an http(s) URL"],
    [{ name: "x", kind: "llm", strategy: "default", llm: { baseUrl: "http://x", model: "m", apiKey: "sk-secret" } }, "llm: unknown field apiKey", "apiKeyEnv"],
    [{ name: "x", kind: "llm", strategy: "default", llm: { baseUrl: "http://x", model: "m", maxSteps: 2.5 } }, "llm.maxSteps"],
  ])("create model %j", async (body, ...fragments) => {
    await expectInvalid((app) => sendJson(app, "POST", "/api/models", body), ...fragments);
  });

  it("does not echo a secret sent as llm.apiKey", async () => {
    const message = await expectInvalid((app) => sendJson(app, "POST", "/api/models", { name: "x", kind: "llm", strategy: "default", llm: { baseUrl: "http://x", model: "m", apiKey: "sk-secret" } }));
    expect(message).not.toContain("sk-secret");
  });

  it.each([
    ["PATCH", "/api/models/m1", { status: "sleeping" }, 'status: must be one of "active", "paused"'],
    ["PATCH", "/api/models/m1", {}, "must set status or risk"],
    ["PATCH", "/api/models/m1", { risk: 5 }, "risk: must be an object of limits"],
    ["PATCH", "/api/models/m1/positions/BTC/exit-plan", {}, "body: must set at least one exit-plan field"],
    ["PATCH", "/api/models/m1/positions/BTC/exit-plan", { target: "0" }, "target: must be a positive decimal"],
    ["POST", "/api/models/m1/positions/close", { symbols: [] }, "symbols: must name at least one symbol"],
    ["POST", "/api/models/m1/positions/close", { symbols: "BTC" }, "symbols: must be an array of symbols"],
    ["POST", "/api/models/m1/positions/close", { symbols: ["BTC", "not a symbol"] }, "symbols[1]: must be a market symbol"],
    ["POST", "/api/sim/markets/BTC/move", { price: "cheap" }, "price: must be a positive decimal"],
    ["POST", "/api/sim/markets/BTC/move", {}, "price: is required"],
  ])("%s %s %j", async (method, path, body, fragment) => {
    await expectInvalid((app) => sendJson(app, method, path, body), fragment);
  });

  it.each([
    ["/api/trades?limit=0", "limit: must be a whole number"],
    ["/api/trades?limit=-5", "limit: must be a whole number"],
    ["/api/trades?limit=2.5", "limit: must be a whole number"],
    ["/api/invocations?limit=ten", "limit: must be a whole number"],
    ["/api/trades?modelId=bad%20id", "modelId: must be a model id"],
    ["/api/markets/BTC/book?depth=0", "depth: must be a whole number"],
    ["/api/markets/B%20C/book", "symbol: must be a market symbol"],
    ["/api/models/m1/equity?window=1y", 'window: must be one of "1h", "24h", "7d", "30d", "all"'],
    ["/api/events?lastEventId=abc", "lastEventId: must be the id of an event"],
  ])("GET %s", async (path, fragment) => {
    await expectInvalid((app) => app.request(path), fragment);
  });

  it("rejects a malformed Last-Event-ID header", async () => {
    await expectInvalid((app) => app.request("/api/events", { headers: { "Last-Event-ID": "-1" } }), "Last-Event-ID: must be the id of an event");
  });

  it("refuses an oversized body with 413", async () => {
    const { app, services } = setup({ maxBodyBytes: 100 });
    const res = await sendJson(app, "POST", "/api/models", { name: "x".repeat(200), kind: "rule", strategy: "momentum" });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
    expect(services.calls).toEqual([]);
  });
});

describe("numberToDecimalString", () => {
  it.each([
    [1, "1"],
    [0.1, "0.1"],
    [1e-7, "0.0000001"],
    [1.5e-7, "0.00000015"],
    [1e21, "1000000000000000000000"],
    [1.25e22, "12500000000000000000000"],
    [-2e-7, "-0.0000002"],
  ])("%d ⇒ %s", (n, expected) => {
    expect(numberToDecimalString(n)).toBe(expected);
  });

  it("has no answer for non-finite numbers", () => {
    expect(numberToDecimalString(Number.NaN)).toBeUndefined();
    expect(numberToDecimalString(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});
