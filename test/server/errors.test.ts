import { describe, expect, it } from "vitest";
import type { ServerLogger } from "../../src/server/logger.js";
import { errorOf, sendJson, setup } from "./helpers.js";

describe("error mapping", () => {
  it("an unknown model is the services' 404 not_found", async () => {
    const { app } = setup();
    for (const res of [
      await app.request("/api/models/nope"),
      await sendJson(app, "PATCH", "/api/models/nope", { status: "paused" }),
      await sendJson(app, "POST", "/api/models/nope/positions", { symbol: "BTC", side: "LONG", quantity: "1" }),
    ]) {
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: "not_found", message: "model nope not found" });
    }
  });

  it("no open position on the symbol of an exit-plan change is 404", async () => {
    const { app } = setup();
    const res = await sendJson(app, "PATCH", "/api/models/m1/positions/ETH/exit-plan", { stop: "3000" });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("a business rejection is 422 with its own code", async () => {
    const { app } = setup();
    const margin = await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "LONG", quantity: "5000" });
    expect(margin.status).toBe(422);
    expect(await errorOf(margin)).toEqual({ code: "insufficient_margin", message: "not enough margin for this order" });

    await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "LONG", quantity: "1", exitPlan: { stop: "95000" } });
    const opposite = await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "SHORT", quantity: "1" });
    expect(opposite.status).toBe(422);
    expect((await errorOf(opposite)).code).toBe("opposite_position_open");

    const widen = await sendJson(app, "PATCH", "/api/models/m1/positions/BTC/exit-plan", { stop: "90000" });
    expect(widen.status).toBe(422);
    expect((await errorOf(widen)).code).toBe("stop_would_widen");
  });

  it("an unexpected error is a bare 500: no message, no stack, logged with the error", async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger: ServerLogger = { info: () => {}, warn: () => {}, error: (obj) => logged.push(obj) };
    const { app, services } = setup({ logger });
    services.failNextWith = new Error("connection to /var/secret/db refused");
    const res = await app.request("/api/models");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: "internal error" } });
    expect(text).not.toContain("secret");
    expect(logged[0]?.err).toBeInstanceOf(Error);
    expect(String(logged[0]?.err)).toContain("/var/secret/db");
  });

  it.each([
    ["GET", "/api/nothing-here"],
    ["GET", "/api/models/m1/whatever"],
    ["DELETE", "/api/models/m1"],
    ["GET", "/api"],
  ])("%s %s is a 404 not_found in the JSON error shape", async (method, path) => {
    const { app } = setup();
    const res = await app.request(path, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    expect((await errorOf(res)).code).toBe("not_found");
  });
});
