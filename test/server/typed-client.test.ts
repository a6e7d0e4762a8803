import { hc } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../src/server/app.js";
import { setup } from "./helpers.js";

describe("typed client (hc<AppType>)", () => {
  it("calls routes with typed params and bodies, as the dashboard will", async () => {
    const { app } = setup();
    const client = hc<AppType>("http://localhost", { fetch: (input: string | URL | Request, init?: RequestInit) => app.request(input, init) });
    const opened = await client.api.models[":id"].positions.$post({
      param: { id: "m1" },
      json: { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 3 },
    });
    expect(opened.status).toBe(201);
    const trades = await client.api.trades.$get({ query: { limit: "5" } });
    expect(await trades.json()).toEqual([]);
  });
});
