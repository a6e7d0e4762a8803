import { describe, expect, it } from "vitest";
import { MAX_INITIAL_CAPITAL_USD } from "../../src/server/fields.js";
import { firstAlteredNumber, textProblem } from "../../src/server/validation.js";
import { errorOf, sendJson, setup } from "./helpers.js";

type App = ReturnType<typeof setup>["app"];

/** Sends a request and expects a 400 invalid_request naming the field, with no service called. */
async function expectInvalid(request: (app: App) => Response | Promise<Response>, ...fragments: string[]): Promise<string> {
  const { app, services } = setup();
  const res = await request(app);
  const error = await errorOf(res);
  expect(res.status, error.message).toBe(400);
  expect(error.code).toBe("invalid_request");
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  expect(services.calls).toEqual([]);
  return error.message;
}

/** A raw JSON text, so a test can send what JSON.stringify would never write (1e400, 21-digit integers). */
const raw = (method: string, path: string, text: string) => (app: App) => sendJson(app, method, path, text);

const NUL = "\u0000";
const LONE_HIGH = "\ud800";
const LONE_LOW = "\udc00";
const rule = { kind: "rule", strategy: "momentum" };
const open = { symbol: "BTC", side: "LONG", quantity: "0.01" };

describe("text the database cannot store as sent is refused with 400, never stored or altered", () => {
  it.each<[string, string, unknown, string]>([
    ["POST", "/api/models", { ...rule, name: `a${NUL}b` }, "name: must not contain NUL"],
    ["POST", "/api/models", { ...rule, name: `a${LONE_HIGH}b` }, "name: must not contain unpaired UTF-16 surrogates"],
    ["POST", "/api/models", { ...rule, name: `${LONE_LOW}x` }, "name: must not contain unpaired"],
    ["POST", "/api/models", { ...rule, name: `x${LONE_HIGH}` }, "name: must not contain unpaired"],
    ["POST", "/api/models", { name: "x", kind: "rule", strategy: `momentum${NUL}` }, "strategy: must not contain NUL"],
    ["POST", "/api/models", { ...rule, name: "x", risk: { [`maxLeverage${NUL}`]: 2 } }, "risk: keys must not contain NUL"],
    ["POST", "/api/models", { name: "x", kind: "llm", strategy: "default", llm: { baseUrl: "http://127.0.0.1:9/v1", model: `m${NUL}` } }, "llm.model: must not contain NUL"],
    // Ignored fields too: nothing that cannot be stored gets through, whatever the route keeps.
    ["POST", "/api/models", { ...rule, name: "x", note: `n${NUL}` }, "note: must not contain NUL"],
    ["POST", "/api/models/m1/positions", { ...open, exitPlan: { stop: "90000", invalidation: `broke${NUL}support` } }, "exitPlan.invalidation: must not contain NUL"],
    ["POST", "/api/models/m1/positions", { ...open, exitPlan: { stop: "90000", invalidation: `broke ${LONE_HIGH}` } }, "exitPlan.invalidation: must not contain unpaired"],
    ["PATCH", "/api/models/m1/positions/BTC/exit-plan", { invalidation: `x${NUL}` }, "invalidation: must not contain NUL"],
    ["PATCH", "/api/models/m1/positions/BTC/exit-plan", { invalidation: `x${LONE_LOW}` }, "invalidation: must not contain unpaired"],
    ["POST", "/api/models/m1/positions/close", { symbols: ["BTC", `E${NUL}`] }, "symbols[1]: must not contain NUL"],
  ])("%s %s %j", async (method, path, body, fragment) => {
    await expectInvalid((app) => sendJson(app, method, path, body), fragment);
  });

  it.each([
    ["DELETE", "/api/models/m1/orders/%00"],
    ["DELETE", "/api/models/m1/orders/abc%00def"],
    ["GET", "/api/models/%00"],
    ["GET", "/api/models/%00/equity"],
    ["PATCH", "/api/models/%00"],
    ["POST", "/api/models/%00/positions"],
    ["PATCH", "/api/models/m1/positions/%00/exit-plan"],
    ["GET", "/api/invocations/%00"],
    ["GET", "/api/markets/%00/book"],
    ["POST", "/api/sim/markets/%00/move"],
    ["POST", "/api/sim/accounts/%00/reset"],
    ["GET", "/api/trades?modelId=%00"],
    ["GET", "/api/orders?modelId=a%00"],
  ])("%s %s: a NUL in the path or query is a 400 or 404 in the error shape", async (method, path) => {
    const { app, services } = setup();
    const res = await app.request(path, { method, headers: { "Content-Type": "application/json" }, body: method === "GET" ? undefined : "{}" });
    expect([400, 404]).toContain(res.status);
    const error = await errorOf(res);
    expect(error.code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(error.message.length).toBeGreaterThan(0);
    expect(services.calls.filter((c) => c.method !== "getModel")).toEqual([]);
  });

  it("names the path parameter that holds the NUL", async () => {
    await expectInvalid((app) => app.request("/api/models/m1/orders/%00", { method: "DELETE" }), "clientOrderId: must not contain NUL");
  });

  it("accepts well-formed Unicode, surrogate pairs included", async () => {
    const { app, services } = setup();
    const name = "Rocket 🚀 模型 é";
    const res = await sendJson(app, "POST", "/api/models", { ...rule, name });
    expect(res.status).toBe(201);
    expect(services.callsTo("createModel")[0]!.args[0]).toMatchObject({ name });
  });

  it("textProblem tells NUL from unpaired surrogates and passes pairs", () => {
    expect(textProblem("ok")).toBeUndefined();
    expect(textProblem("🚀")).toBeUndefined();
    expect(textProblem(`a${NUL}`)).toMatch(/NUL/);
    expect(textProblem(LONE_HIGH)).toMatch(/surrogate/);
    expect(textProblem(LONE_LOW + LONE_HIGH)).toMatch(/surrogate/); // reversed pair
  });
});

describe("initialCapital: micro-dollars, bounded", () => {
  it.each<[unknown, string]>([
    ["1.1234567", "initialCapital: must have at most 6 decimals"],
    [1.1234567, "initialCapital: must have at most 6 decimals"],
    ["0.0000001", "initialCapital: must have at most 6 decimals"],
    ["1000000000000.000001", `initialCapital: must be at most ${MAX_INITIAL_CAPITAL_USD}`],
    ["99999999999999999999999", `initialCapital: must be at most ${MAX_INITIAL_CAPITAL_USD}`],
    [1e15, `initialCapital: must be at most ${MAX_INITIAL_CAPITAL_USD}`],
    ["0", "initialCapital: must be a positive decimal"],
    ["-5", "initialCapital: must be a positive decimal"],
  ])("refuses %j", async (initialCapital, fragment) => {
    await expectInvalid((app) => sendJson(app, "POST", "/api/models", { ...rule, name: "x", initialCapital }), fragment);
  });

  it.each(["0.000001", "1.1234560", "12345.678901", String(MAX_INITIAL_CAPITAL_USD), `${MAX_INITIAL_CAPITAL_USD}.000000`, 25_000])("accepts %j", async (initialCapital) => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models", { ...rule, name: "x", initialCapital });
    expect(res.status).toBe(201);
    expect(services.callsTo("createModel")).toHaveLength(1);
  });
});

describe("a JSON number is read as written or refused", () => {
  it.each([
    [`{"price": 123456789012345678901}`, "price: the JSON number 123456789012345678901 cannot be read exactly"],
    [`{"price": 9007199254740993}`, "price: the JSON number 9007199254740993 cannot be read exactly"],
    [`{"price": 1000000000000000000001}`, "price: the JSON number"],
    [`{"price": 1e400}`, "price: the JSON number 1e400"],
    [`{"price": 1e-400}`, "price: the JSON number 1e-400"],
    [`{"price": 0.10000000000000000001}`, "price: the JSON number"],
  ])("move %s", async (text, fragment) => {
    await expectInvalid(raw("POST", "/api/sim/markets/BTC/move", text), fragment);
  });

  it("names nested fields", async () => {
    await expectInvalid(
      raw("POST", "/api/models/m1/positions", `{"symbol":"BTC","side":"LONG","quantity":"0.01","exitPlan":{"stop":"1","target":123456789012345678901}}`),
      "exitPlan.target: the JSON number",
    );
  });

  it.each(["97000", "97000.5", "9.7e4", "0.1", "1E3", "-0", "0.30000000000000004"])("keeps %s", (literal) => {
    expect(firstAlteredNumber(`{"a":[1,{"b":${literal}}]}`)).toBeUndefined();
  });

  it("finds the path through arrays, objects, escaped keys and strings that look like numbers", () => {
    const text = `{"x\\"y":"123456789012345678901","list":[1, 2, {"deep": [0, 0.5, 123456789012345678901]}]}`;
    expect(firstAlteredNumber(text)).toEqual({ path: ["list", 2, "deep", 2], literal: "123456789012345678901" });
    expect(firstAlteredNumber(`[[], {}, [1e999]]`)).toEqual({ path: [2, 0], literal: "1e999" });
    expect(firstAlteredNumber(`{"a": {}, "b": 1e999}`)).toEqual({ path: ["b"], literal: "1e999" });
    expect(firstAlteredNumber(`[{}, "not a key", {"k": []}, 1e999]`)).toEqual({ path: [3], literal: "1e999" });
  });

  it("still accepts ordinary numbers in requests", async () => {
    const { app } = setup();
    expect((await sendJson(app, "POST", "/api/sim/markets/ETH/move", `{"price": 2800.25}`)).status).toBe(200);
  });
});
