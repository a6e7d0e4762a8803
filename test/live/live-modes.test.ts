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

describe("Polymarket accounts without live Polymarket trading", () => {
  const post = (app: ReturnType<typeof createApp>, body: unknown) => app.request("/api/models", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const pm = { kind: "polymarket", privateKeyEnv: "PM_KEY_MODES_TEST", signatureType: 0 };

  it("checks the venue's fields, allows it only for a follower, and refuses it with the reason the process cannot trade it", async () => {
    const autonome = await createAutonome(
      loadConfig({ AUTONOME_DATA_DIR: "memory://", AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_PM_FEED: "off" }),
      pino({ level: "silent" }),
    );
    running.push(autonome);
    await autonome.start();
    const app = createApp({ services: autonome.services });
    const before = await (await app.request("/api/models")).json();
    const error = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

    const noFunder = await error(await post(app, { name: "F", kind: "mirror", venue: { ...pm, signatureType: 2 } }));
    expect(noFunder).toMatchObject({ status: 400, code: "invalid_request" });
    expect(noFunder.message).toMatch(/funder/);
    const half = await error(await post(app, { name: "F", kind: "mirror", venue: { ...pm, apiKeyEnv: "K" } }));
    expect(half.message).toMatch(/apiKeyEnv, apiSecretEnv and apiPassphraseEnv go together/);
    const keyInBody = await error(await post(app, { name: "F", kind: "mirror", venue: { ...pm, privateKey: "0x" + "11".repeat(32) } }));
    expect(keyInBody).toMatchObject({ status: 400 });
    expect(keyInBody.message).toMatch(/never keys/);
    const rule = await error(await post(app, { name: "F", kind: "rule", strategy: "trend-following", venue: pm }));
    expect(rule).toMatchObject({ status: 400 });
    expect(rule.message).toMatch(/kind "mirror"/);
    const capital = await error(await post(app, { name: "F", kind: "mirror", initialCapital: "100", venue: pm }));
    expect(capital.message).toMatch(/pUSD/);

    const off = await error(await post(app, { name: "F", kind: "mirror", venue: pm }));
    expect(off).toMatchObject({ status: 422, code: "live_trading_unavailable" });
    expect(off.message).toMatch(/TRADING_MODE=live and AUTONOME_PM_FEED=polymarket/);
    expect(await (await app.request("/api/models")).json()).toEqual(before);
  });
});
