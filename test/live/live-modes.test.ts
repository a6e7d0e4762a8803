import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";

const running: Autonome[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
});

describe("live mode without the Lighter feed", () => {
  it("starts, creates no models, and refuses a Lighter model with live_trading_unavailable naming AUTONOME_FEED", async () => {
    const autonome = await createAutonome(loadConfig({ TRADING_MODE: "live", AUTONOME_DATA_DIR: "memory://", AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" }), pino({ level: "silent" }));
    running.push(autonome);
    await autonome.start();
    const app = createApp({ services: autonome.services });
    expect(await (await app.request("/api/models")).json()).toEqual([]);
    process.env.LIGHTER_KEY_MODES_TEST = "00".repeat(40);
    const res = await app.request("/api/models", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Live", kind: "rule", strategy: "trend-following", venue: { kind: "lighter", accountIndex: 1, apiKeyIndex: 3, privateKeyEnv: "LIGHTER_KEY_MODES_TEST" } }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("live_trading_unavailable");
    expect(body.error.message).toMatch(/AUTONOME_FEED=lighter/);
    expect(await (await app.request("/api/models")).json()).toEqual([]);
    expect(((await (await app.request("/api/live")).json()) as { mode: string }).mode).toBe("live");
  });
});
