import { describe, expect, it } from "vitest";
import { errorOf, sendJson, setup } from "./helpers.js";

describe("limit orders and the orders resource", () => {
  it.each([
    [{ type: "LIMIT" }, "price"],
    [{ price: "100" }, "type"],
    [{ type: "LIMIT", price: "100", timeInForce: "GTT" }, "expiresAt"],
    [{ type: "LIMIT", price: "100", timeInForce: "IOC", postOnly: true }, "postOnly"],
    [{ type: "STOP", price: "100" }, "type"],
    [{ type: "LIMIT", price: "-1" }, "price"],
  ])("rejects %j with a 400 naming %s, without calling the application", async (extra, field) => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "LONG", quantity: "1", ...extra });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain(field);
    expect(services.callsTo("openPosition")).toHaveLength(0);
  });

  it("passes a limit order's fields through as decimal strings", async () => {
    const { app, services } = setup();
    const res = await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "eth", side: "SHORT", quantity: 2, type: "LIMIT", price: 3500.5, timeInForce: "GTC", postOnly: true });
    expect(res.status).toBe(201);
    expect(services.callsTo("openPosition")[0]?.args[1]).toMatchObject({ symbol: "ETH", quantity: "2", type: "LIMIT", price: "3500.5", timeInForce: "GTC", postOnly: true });
  });

  it("lists orders with limit and status filters and cancels one; unknown orders are 404", async () => {
    const { app, services } = setup();
    await sendJson(app, "POST", "/api/models/m1/positions", { symbol: "BTC", side: "LONG", quantity: "1" });
    const list = await app.request("/api/orders?modelId=m1&status=all&limit=5");
    expect(list.status).toBe(200);
    expect(services.callsTo("orders")[0]?.args).toEqual(["m1", 5, false]);
    expect((await app.request("/api/orders?status=closed")).status).toBe(400);
    const [order] = (await list.json()) as Array<{ clientOrderId: string }>;
    const canceled = await app.request(`/api/models/m1/orders/${order!.clientOrderId}`, { method: "DELETE" });
    expect(canceled.status).toBe(200);
    expect(((await canceled.json()) as { status: string }).status).toBe("CANCELED");
    const missing = await app.request("/api/models/m1/orders/nope", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("not_found");
  });

  it("DELETE needs the token when one is set", async () => {
    const { app } = setup({ apiToken: "s3cret" });
    expect((await app.request("/api/models/m1/orders/c1", { method: "DELETE" })).status).toBe(401);
  });
});
