import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, MAX_PRICE_TICKS, ticksToPrice } from "../../src/core/market.js";
import type { MarketView, ModelView, PositionView } from "../../src/app/services.js";
import { DRIVERS } from "../support/databases.js";
import { errorOf, sendJson } from "../server/helpers.js";
import { AUTH, ledgerProblems, settle, snapshot, startRealApp, type RealApp } from "./support/real-app.js";

/**
 * The defects fuzzing found, each against the real application on both databases: every one was
 * a 500 (or worse) before, and must now be a 4xx in the error shape that changes nothing.
 */
describe.each(DRIVERS)("hostile input against the real application on %s", (driver) => {
  let real: RealApp;
  let ids: string[];
  const send = (method: string, path: string, body?: unknown) => sendJson(real.app, method, path, body ?? {}, AUTH);
  const get = async <T>(path: string): Promise<T> => (await real.app.request(path)).json() as Promise<T>;
  const market = async (symbol: string) => (await get<MarketView[]>("/api/markets")).find((m) => m.symbol === symbol)!;

  /** Sends the request, expects `status` with `code`, and that nothing at all changed. */
  async function refused(method: string, path: string, body: unknown, status: number, code: string, fragment?: string) {
    const before = await snapshot(real.autonome);
    const res = await send(method, path, body);
    const error = await errorOf(res);
    expect(res.status, `${method} ${path}: ${error.message}`).toBe(status);
    expect(error.code).toBe(code);
    if (fragment) expect(error.message).toContain(fragment);
    expect(await snapshot(real.autonome)).toBe(before);
    return error;
  }

  beforeAll(async () => {
    real = await startRealApp(driver);
    ids = (await get<ModelView[]>("/api/models")).map((m) => m.id);
  });
  afterAll(async () => real?.dispose());

  it("a NUL or an unpaired surrogate in a model name is a 400, not a 500 or a U+FFFD", async () => {
    await refused("POST", "/api/models", { name: "a\u0000b", kind: "rule", strategy: "breakout" }, 400, "invalid_request", "name: must not contain NUL");
    await refused("POST", "/api/models", { name: "a\ud800b", kind: "rule", strategy: "breakout" }, 400, "invalid_request", "name: must not contain unpaired");
    expect((await get<ModelView[]>("/api/models")).some((m) => m.name.includes("\ufffd"))).toBe(false);
  });

  it("initialCapital with more than 6 decimals, or beyond the maximum, is a 400", async () => {
    await refused("POST", "/api/models", { name: "Precise", kind: "rule", strategy: "breakout", initialCapital: "1.1234567" }, 400, "invalid_request", "initialCapital");
    await refused("POST", "/api/models", { name: "Huge", kind: "rule", strategy: "breakout", initialCapital: "999999999999999999999999" }, 400, "invalid_request", "initialCapital");
    const ok = await send("POST", "/api/models", { name: "Micro", kind: "rule", strategy: "breakout", initialCapital: "1234.567891" });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as ModelView).account.cash).toBe("1234.567891");
  });

  it("a NUL in a path parameter is a 400 in the error shape", async () => {
    await refused("DELETE", `/api/models/${ids[0]}/orders/%00`, undefined, 400, "invalid_request", "clientOrderId");
    const res = await real.app.request("/api/models/%00");
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_request");
  });

  it("a sim move beyond what the market holds is a 400; the feed and the server go on", async () => {
    const before = await market("BTC");
    await refused("POST", "/api/sim/markets/BTC/move", { price: "123456789012345678901" }, 400, "invalid_request", "above the largest BTC price");
    await refused("POST", "/api/sim/markets/BTC/move", `{"price": 123456789012345678901}`, 400, "invalid_request", "cannot be read exactly");
    await refused("POST", "/api/sim/markets/BTC/move", { price: "9007199254740993" }, 400, "invalid_request");
    expect(await market("BTC")).toEqual(before);
    // The largest price is a price: the book laid out there is exact, and the market comes back.
    const top = ticksToPrice(DEFAULT_MARKETS[0]!, MAX_PRICE_TICKS);
    const moved = await send("POST", "/api/sim/markets/BTC/move", { price: top });
    expect(moved.status).toBe(200);
    expect(Number(((await moved.json()) as MarketView).mid)).toBeGreaterThan(1e14);
    const book = await get<{ bids: string[][]; asks: string[][] }>("/api/markets/BTC/book?depth=100");
    expect(book.bids.length).toBeGreaterThan(0);
    expect((await send("POST", "/api/sim/markets/BTC/move", { price: "97000" })).status).toBe(200);
    await settle(real.autonome);
    expect((await market("BTC")).mid).toBe("97000");
    expect((await real.app.request("/api/health")).status).toBe(200);
  });

  it("a NUL in an exit plan's invalidation text is a 400 when opening and when patching", async () => {
    const id = ids[1]!;
    const sol = await market("SOL");
    const stop = (Number(sol.bid) * 0.99).toFixed(3);
    await refused(
      "POST",
      `/api/models/${id}/positions`,
      { symbol: "SOL", side: "LONG", quantity: "0.5", exitPlan: { stop, invalidation: "x\u0000" } },
      400,
      "invalid_request",
      "exitPlan.invalidation",
    );
    expect((await send("POST", `/api/models/${id}/positions`, { symbol: "SOL", side: "LONG", quantity: "0.5", exitPlan: { stop } })).status).toBe(201);
    await refused("PATCH", `/api/models/${id}/positions/SOL/exit-plan`, { invalidation: "broke\u0000" }, 400, "invalid_request", "invalidation");
    await refused("PATCH", `/api/models/${id}/positions/SOL/exit-plan`, { invalidation: "\udc00" }, 400, "invalid_request", "invalidation");
    // Integer-sized prices are refused, not rounded to whatever a double made of them.
    await refused("PATCH", `/api/models/${id}/positions/SOL/exit-plan`, { target: "123456789012345678901" }, 400, "invalid_request", "exitPlan.target");
  });

  it("an invalidation price on the wrong side is a 422 like a wrong-side stop, when opening and when patching", async () => {
    const id = ids[2]!;
    const eth = await market("ETH");
    const longStop = (Number(eth.bid) * 0.99).toFixed(2);
    const above = (Number(eth.bid) * 1.01).toFixed(2);
    await refused(
      "POST",
      `/api/models/${id}/positions`,
      { symbol: "ETH", side: "LONG", quantity: "0.05", exitPlan: { stop: longStop, invalidationPrice: above } },
      422,
      "invalidation_price_wrong_side",
    );
    await refused(
      "POST",
      `/api/models/${id}/positions`,
      { symbol: "ETH", side: "LONG", quantity: "0.05", exitPlan: { stop: longStop, invalidationPrice: eth.bid } },
      422,
      "invalidation_price_wrong_side",
    );
    const opened = await send("POST", `/api/models/${id}/positions`, { symbol: "ETH", side: "LONG", quantity: "0.05", exitPlan: { stop: longStop } });
    expect(opened.status).toBe(201);
    await refused("PATCH", `/api/models/${id}/positions/ETH/exit-plan`, { invalidationPrice: above }, 422, "invalidation_price_wrong_side");
    const below = (Number(eth.bid) * 0.995).toFixed(2);
    const patched = await send("PATCH", `/api/models/${id}/positions/ETH/exit-plan`, { invalidationPrice: below });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as PositionView).exitPlan?.invalidationPrice).toBe(below);
    // The position is still open on the next book: an accepted invalidation price did not close it.
    expect((await send("POST", "/api/sim/markets/ETH/move", { price: eth.mid })).status).toBe(200);
    await settle(real.autonome);
    expect((await get<PositionView[]>(`/api/positions?modelId=${id}`)).map((p) => p.symbol)).toEqual(["ETH"]);

    const btc = await market("BTC");
    const shortStop = (Number(btc.ask) * 1.01).toFixed(1);
    const underAsk = (Number(btc.ask) * 0.995).toFixed(1);
    await refused(
      "POST",
      `/api/models/${id}/positions`,
      { symbol: "BTC", side: "SHORT", quantity: "0.001", exitPlan: { stop: shortStop, invalidationPrice: underAsk } },
      422,
      "invalidation_price_wrong_side",
    );
  });

  it("a LIMIT price beyond the market's range is a 400, not a comparison with a rounded price", async () => {
    const id = ids[0]!;
    await refused(
      "POST",
      `/api/models/${id}/positions`,
      { symbol: "SOL", side: "LONG", quantity: "0.5", type: "LIMIT", price: "123456789012345678901", exitPlan: { stop: "200" } },
      400,
      "invalid_request",
      "price",
    );
    await refused("POST", `/api/models/${id}/positions`, { symbol: "SOL", side: "LONG", quantity: "123456789012345678", exitPlan: { stop: "200" } }, 400, "invalid_request", "quantity");
  });

  it("the ledger identity holds for every model afterwards", async () => {
    await settle(real.autonome);
    expect(await ledgerProblems(real.autonome)).toEqual([]);
  });
});
