import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorOf, setup } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "autonome-dashboard-"));
mkdirSync(join(dir, "assets"));
writeFileSync(join(dir, "index.html"), "<!doctype html><title>autonome dashboard</title>");
writeFileSync(join(dir, "assets", "index-abc123.js"), `console.log(${JSON.stringify("x".repeat(4000))});`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the dashboard served by the API server", () => {
  const { app } = setup({ dashboardDir: dir });

  it("answers every page route with index.html, never cached", async () => {
    for (const path of ["/", "/models/123e4567-e89b-12d3-a456-426614174000", "/live", "/markets/BTC", "/health", "/models/new"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain("autonome dashboard");
    }
  });

  it("serves hashed assets for good, compressed when asked", async () => {
    const res = await app.request("/assets/index-abc123.js", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const missing = await app.request("/assets/nope.js");
    expect(missing.status).toBe(404);
  });

  it("keeps /api JSON: an unknown API path is the API's 404, not the page", async () => {
    for (const path of ["/api/nope", "/api"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
    const health = await app.request("/api/health");
    expect(health.headers.get("content-type")).toContain("application/json");
  });

  it("says how to build when the bundle is missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "autonome-nobuild-"));
    try {
      const res = await setup({ dashboardDir: empty }).app.request("/");
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("npm run build:web");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("without a dashboard directory only the API answers", async () => {
    const res = await setup().app.request("/");
    expect(res.status).toBe(404);
  });
});
