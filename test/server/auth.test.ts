import { describe, expect, it } from "vitest";
import { errorOf, sendJson, setup } from "./helpers.js";

const TOKEN = "s3cret-token-for-tests";
const openBody = { symbol: "BTC", side: "LONG", quantity: "0.01" };

describe("API token", () => {
  it.each([
    ["no header", {}],
    ["a wrong token", { Authorization: "Bearer wrong-token" }],
    ["a token one character short", { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ["another scheme", { Authorization: `Basic ${TOKEN}` }],
  ])("refuses POST and PATCH with %s: 401 unauthorized, service not called", async (_label, headers) => {
    const { app, services } = setup({ apiToken: TOKEN });
    const responses = [
      await sendJson(app, "POST", "/api/models/m1/positions", openBody, headers),
      await sendJson(app, "PATCH", "/api/models/m1", { status: "paused" }, headers),
      await app.request("/api/scheduler/run", { method: "POST", headers }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
      expect((await errorOf(res)).code).toBe("unauthorized");
    }
    expect(services.calls).toEqual([]);
  });

  it("checks the token before validating the body", async () => {
    const { app } = setup({ apiToken: TOKEN });
    expect((await sendJson(app, "POST", "/api/models/m1/positions", { quantity: -1 })).status).toBe(401);
  });

  it("accepts the right token", async () => {
    const { app, services } = setup({ apiToken: TOKEN });
    const res = await sendJson(app, "POST", "/api/models/m1/positions", openBody, { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(201);
    const patch = await sendJson(app, "PATCH", "/api/models/m1", { status: "paused" }, { Authorization: `bearer ${TOKEN}` });
    expect(patch.status).toBe(200);
    expect(services.callsTo("openPosition")).toHaveLength(1);
  });

  it("leaves GET requests open", async () => {
    const { app } = setup({ apiToken: TOKEN });
    for (const path of ["/api/health", "/api/models", "/api/trades", "/api/scheduler"]) {
      expect((await app.request(path)).status).toBe(200);
    }
  });

  it("without a configured token, writes need no header", async () => {
    const { app } = setup();
    expect((await sendJson(app, "POST", "/api/models/m1/positions", openBody)).status).toBe(201);
  });
});

describe("cross-site requests", () => {
  it("refuses a write a browser sends from another site", async () => {
    const { app, services } = setup();
    const fromEvil = await sendJson(app, "POST", "/api/models/m1/positions", openBody, { Origin: "https://evil.example", Host: "127.0.0.1:3000" });
    expect(fromEvil.status).toBe(403);
    expect((await errorOf(fromEvil)).code).toBe("cross_site_request");
    const fetchSite = await app.request("/api/scheduler/run", { method: "POST", headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(fetchSite.status).toBe(403);
    expect(services.calls).toEqual([]);
  });

  it("accepts the same origin, a loopback dev server, and GETs from anywhere", async () => {
    const { app } = setup();
    const same = await sendJson(app, "POST", "/api/models/m1/positions", openBody, { Origin: "http://127.0.0.1:3000", Host: "127.0.0.1:3000" });
    expect(same.status).toBe(201);
    const dev = await sendJson(app, "PATCH", "/api/models/m1", { status: "paused" }, { Origin: "http://localhost:5173", Host: "127.0.0.1:3000" });
    expect(dev.status).toBe(200);
    expect((await app.request("/api/models", { headers: { Origin: "https://evil.example" } })).status).toBe(200);
  });
});
