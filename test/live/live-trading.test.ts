import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ModelView, PositionView } from "../../src/app/services.js";
import { ledger, models, orders, venueOrders } from "../../src/db/schema.js";
import { formatUsd, usd } from "../../src/core/money.js";
import { startFakeLighter, type FakeLighter, type FakeLighterOptions } from "../fake-lighter/server.js";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { verifyTx } from "../../src/venues/lighter/signer/index.js";
import { BTC_ASKS, BTC_BIDS, BTC_LONG, lighterAccount, startLiveApp, type LiveApp } from "./support.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** The database the live app runs on in this run of the suite (the embedded one, or a fresh PostgreSQL database). */
let dbEnv: () => Promise<Record<string, string>> = () => Promise.resolve({});

async function setup(options: FakeLighterOptions = {}, env: Record<string, string> = {}): Promise<{ fake: FakeLighter; live: LiveApp }> {
  const fake = await startFakeLighter({ verifySignature: (t, info, pk) => verifyTx(t, info, 304, pk).ok, ...options });
  cleanups.push(() => fake.close());
  fake.setBook(1, BTC_BIDS, BTC_ASKS);
  const live = await startLiveApp(fake, { ...(await dbEnv()), ...env });
  cleanups.push(() => live.stop());
  return { fake, live };
}

const lighterBody = (name: string, a: { accountIndex: number; env: string }) => ({
  name,
  kind: "rule",
  strategy: "trend-following",
  venue: { kind: "lighter", accountIndex: a.accountIndex, apiKeyIndex: 3, privateKeyEnv: a.env },
});

describe.each(DRIVERS)("live trading on Lighter (fake exchange), %s", (driver) => {
  beforeAll(() => {
    dbEnv =
      driver === "postgres"
        ? async () => {
            const { url, drop } = await createPgDatabase();
            cleanups.push(drop);
            return { DATABASE_URL: url };
          }
        : () => Promise.resolve({});
  });

  it("a market Lighter has made reduce-only refuses new entries with that reason; a stale book refuses them too", { timeout: 120_000 }, async () => {
    const { fake, live } = await setup({ forceReduceOnlyMarkets: [1] });
    const acct = lighterAccount(fake, 2011, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Gated", acct))).body;
    const refused = await live.call<{ error: { code: string; message: string } }>("POST", `/api/models/${model.id}/positions`, BTC_LONG);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "market_closed" });
    expect(refused.body.error.message).toMatch(/reduce-only/);
    expect(fake.orders(2011)).toEqual([]);

    const quiet = await setup({}, { AUTONOME_FEED_STALE: "300ms" });
    const paper = (await quiet.live.call<ModelView>("POST", "/api/models", { name: "Paper", kind: "rule", strategy: "trend-following" })).body;
    await new Promise((r) => setTimeout(r, 500)); // the fake's book does not change: no frame for 500 ms
    const stale = await quiet.live.call<{ error: { code: string } }>("POST", `/api/models/${paper.id}/positions`, BTC_LONG);
    expect(stale.status).toBe(422);
    expect(stale.body.error.code).toBe("market_stale");
    const health = (await quiet.live.call<{ feed: { kind: string; markets: Record<string, { stale: boolean; synced: boolean }> } }>("GET", "/api/health")).body;
    expect(health.feed.kind).toBe("lighter");
    expect(health.feed.markets.BTC).toMatchObject({ synced: true, stale: true });
    // A fresh frame lifts it.
    quiet.fake.setBook(1, BTC_BIDS, [[600_200, 100_000]]);
    await vi.waitFor(async () => expect((await quiet.live.call("POST", `/api/models/${paper.id}/positions`, BTC_LONG)).status).toBe(201));
  });

  it("a fresh database in live mode creates no models; a Lighter model is created from the exchange's collateral, its key only named", async () => {
    const { fake, live } = await setup();
    expect((await live.call<ModelView[]>("GET", "/api/models")).body).toEqual([]);
    const acct = lighterAccount(fake, 2001, "2500.5");
    const created = await live.call<ModelView>("POST", "/api/models", lighterBody("Live One", acct));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ initialCapital: "2500.5", status: "active", haltReason: null, venue: { kind: "lighter", accountIndex: 2001, apiKeyIndex: 3, privateKeyEnv: acct.env } });
    expect(created.text).not.toContain(acct.privateKey);
    const status = await live.call<{ accounts: unknown[] }>("GET", "/api/live");
    expect(status.body.accounts).toEqual([{ modelId: created.body.id, venue: "lighter", account: "Lighter account 2001", accountIndex: 2001, apiKeyIndex: 3, linked: true, problem: null }]);
  });

  it("refuses a Lighter model with a clear code when its key is missing, wrong, already used, or sent in the body", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2002, "1000");
    const missing = await live.call<{ error: { code: string; message: string } }>("POST", "/api/models", lighterBody("No Key", { accountIndex: 2002, env: "LIGHTER_KEY_NOT_SET_ANYWHERE" }));
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe("private_key_missing");
    expect(missing.body.error.message).toContain("LIGHTER_KEY_NOT_SET_ANYWHERE");

    const other = lighterAccount(fake, 2003, "1000");
    const mismatch = await live.call<{ error: { code: string } }>("POST", "/api/models", lighterBody("Wrong Key", { accountIndex: 2002, env: other.env }));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe("api_key_mismatch");

    const withKey = await live.call<{ error: { code: string; message: string } }>("POST", "/api/models", {
      ...lighterBody("Key In Body", acct),
      venue: { kind: "lighter", accountIndex: 2002, apiKeyIndex: 3, privateKeyEnv: acct.env, privateKey: acct.privateKey },
    });
    expect(withKey.status).toBe(400);
    expect(withKey.text).not.toContain(acct.privateKey);

    expect((await live.call("POST", "/api/models", lighterBody("First", acct))).status).toBe(201);
    const again = await live.call<{ error: { code: string } }>("POST", "/api/models", lighterBody("Second", acct));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("account_in_use");
    // Nothing of the refused ones was written.
    expect((await live.autonome.database.db.select().from(models)).map((m) => m.name)).toEqual(["First"]);
  });

  it("an entry and a close go to the exchange and are recorded from its fills; the key never appears in logs or rows", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2004, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Trader", acct))).body;
    const opened = await live.call<{ status: string; filledQuantity: string; averagePrice: string }>("POST", `/api/models/${model.id}/positions`, {
      symbol: "BTC",
      side: "LONG",
      quantity: "0.015",
      leverage: 2,
      exitPlan: { stop: "55000" },
    });
    expect(opened.status).toBe(201);
    // 0.015 BTC = 1500 lots, all within the best ask (1 BTC at 60010.0): cost 0.015 × 60010 = 900.15.
    expect(opened.body).toMatchObject({ status: "filled", filledQuantity: "0.015" });
    const exchange = fake.account(2004)!;
    expect(exchange.positions.find((p) => p.market_id === 1)).toMatchObject({ sign: 1, position: "0.01500" });
    const db = live.autonome.database.db;
    const [pos] = await db.select().from(orders).where(eq(orders.modelId, model.id));
    expect(pos).toMatchObject({ status: "OPEN", venue: "lighter", quantity: "0.0150000000", entryCost: "900.150000" });

    const closed = await live.call<{ results: Record<string, { status: string }> }>("POST", `/api/models/${model.id}/positions/close`, { symbols: ["BTC"] });
    expect(closed.body.results.BTC!.status).toBe("closed");
    expect(fake.account(2004)!.positions.filter((p) => p.position !== "0.00000" && Number(p.position) !== 0)).toEqual([]);
    const rows = await db.select().from(venueOrders).where(eq(venueOrders.modelId, model.id));
    // The entry, its stop held on the exchange (taken down before the close), the close.
    expect(rows.map((r) => [r.purpose, r.closeTrigger, r.status, r.venue].join(" ")).sort()).toEqual(["CLOSE MANUAL FILLED lighter", "CLOSE STOP CANCELED lighter", "OPEN  FILLED lighter"]);
    // The exchange holds exactly the orders we sent, each under the client index we wrote first.
    const indices = (xs: Array<number | null>) => [...xs].sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(indices(fake.orders(2004).map((o) => o.client_order_index))).toEqual(indices(rows.map((r) => r.venueClientIndex)));

    const everything = JSON.stringify(await Promise.all([db.select().from(models), db.select().from(orders), db.select().from(venueOrders), db.select().from(ledger)]));
    expect(everything).not.toContain(acct.privateKey);
    expect(live.logs.join("")).not.toContain(acct.privateKey);
    expect(live.logs.length).toBeGreaterThan(0);
  });

  it("an answer lost after the exchange accepted the order never places a second one: the order is found by its client index", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2005, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Lossy", acct))).body;
    // A first order sets the market's leverage on the exchange (its own tx), so the fault below hits the order.
    expect((await live.call("POST", `/api/models/${model.id}/positions`, BTC_LONG)).status).toBe(201);
    fake.faults.sendTx({ kind: "drop-after-accept" });
    const opened = await live.call<{ status: string; filledQuantity: string }>("POST", `/api/models/${model.id}/positions`, BTC_LONG);
    expect(opened.status).toBe(201);
    expect(opened.body.filledQuantity).toBe("0.01");
    const entries = (i: number) => fake.orders(i).filter((o) => o.type === "market");
    expect(entries(2005)).toHaveLength(2);
    const positions = (await live.call<PositionView[]>("GET", `/api/positions?modelId=${model.id}`)).body;
    expect(positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([["BTC", "LONG", "0.02"]]);
    // The next order still gets a fresh nonce (the lost send consumed one on the exchange).
    const more = await live.call("POST", `/api/models/${model.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2 });
    expect(more.status).toBe(201);
    expect(entries(2005)).toHaveLength(3);
    expect(fake.account(2005)!.positions.find((p) => p.market_id === 1)!.position).toBe("0.03000");
  });

  it("a position on the exchange the database does not know halts the model; entries are refused until a person adopts the exchange's state", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2006, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Watched", acct))).body;
    // Someone trades the account outside autonome (the exchange's own UI).
    const venue = live.autonome.live.venue!;
    await venue.placeOrder({ clientOrderId: "by-hand-1", accountId: model.id, symbol: "BTC", side: "BUY", type: "MARKET", lots: 2000, timeInForce: "IOC", leverage: 100 });
    const [result] = await live.autonome.live.reconciler.checkAll();
    expect(result!.differences.join(" ")).toMatch(/exchange holds LONG 0.02 BTC that the database does not know/);
    const view = (await live.call<ModelView>("GET", `/api/models/${model.id}`)).body;
    expect(view.status).toBe("halted");
    expect(view.haltReason).toMatch(/LONG 0.02 BTC/);
    const refused = await live.call<{ error: { code: string } }>("POST", `/api/models/${model.id}/positions`, BTC_LONG);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("model_halted");
    const resume = await live.call<{ error: { code: string } }>("PATCH", `/api/models/${model.id}`, { status: "active" });
    expect(resume.status).toBe(409);

    const adopted = await live.call<{ differences: string[]; halted: boolean }>("POST", `/api/models/${model.id}/reconcile`);
    expect(adopted.status).toBe(200);
    expect(adopted.body).toEqual({ modelId: model.id, differences: [], halted: false });
    const after = (await live.call<ModelView>("GET", `/api/models/${model.id}`)).body;
    expect(after.status).toBe("active");
    const positions = (await live.call<PositionView[]>("GET", `/api/positions?modelId=${model.id}`)).body;
    expect(positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([["BTC", "LONG", "0.02"]]);
    const entries = await live.autonome.database.db.select().from(ledger).where(eq(ledger.modelId, model.id));
    expect(entries.map((e) => e.kind)).toContain("DEPOSIT");
    // Trading goes on.
    // (the adopted position has no exit plan: a scale-in must bring its stop, as any entry must)
    const goesOn = await live.call("POST", `/api/models/${model.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "55000" } });
    expect(goesOn.status).toBe(201);
  });

  it("a crash between sendTx and recording the fill is settled on restart from the exchange, once; the kill switch's state survives the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-live-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const fake = await startFakeLighter({ verifySignature: (t, info, pk) => verifyTx(t, info, 304, pk).ok });
    cleanups.push(() => fake.close());
    fake.setBook(1, BTC_BIDS, BTC_ASKS);
    const acct = lighterAccount(fake, 2009, "10000");
    const store = driver === "postgres" ? await dbEnv() : { AUTONOME_DATA_DIR: dir };
    let live = await startLiveApp(fake, store);
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Crashy", acct))).body;
    expect((await live.call("POST", `/api/models/${model.id}/positions`, BTC_LONG)).status).toBe(201);
    // The exchange takes the next order and fills it, but its answer is held: the process dies meanwhile.
    fake.faults.sendTx({ kind: "timeout", accept: true, holdMs: 1_500 });
    const inFlight = live.call("POST", `/api/models/${model.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: 2 }).catch(() => null);
    const entries = () => fake.orders(2009).filter((o) => o.type === "market");
    await vi.waitFor(() => expect(entries()).toHaveLength(2));
    await live.call("POST", "/api/live/halt", { reason: "before the crash" });
    await live.stop();
    await inFlight;

    live = await startLiveApp(fake, store);
    cleanups.push(() => live.stop());
    const positions = (await live.call<PositionView[]>("GET", `/api/positions?modelId=${model.id}`)).body;
    expect(positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([["BTC", "LONG", "0.03"]]);
    expect(entries()).toHaveLength(2);
    const rows = await live.autonome.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, model.id));
    expect(rows.filter((r) => r.purpose === "OPEN").map((r) => r.status)).toEqual(["FILLED", "FILLED"]);
    const status = (await live.call<{ halted: boolean; reason: string }>("GET", "/api/live")).body;
    expect(status).toMatchObject({ halted: true, reason: "before the crash" });
    // Nothing differs from the exchange: the model is not halted.
    expect((await live.call<ModelView>("GET", `/api/models/${model.id}`)).body.status).toBe("active");
  });

  it("the kill switch cancels every open order of every live model and refuses entries until resumed", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2007, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Resting", acct))).body;
    const resting = await live.call<{ status: string }>("POST", `/api/models/${model.id}/positions`, {
      symbol: "BTC",
      side: "LONG",
      quantity: "0.01",
      leverage: 2,
      type: "LIMIT",
      price: "59000",
      exitPlan: { stop: "55000" },
    });
    expect(resting.status).toBe(202);
    expect(fake.orders(2007).filter((o) => o.status === "open")).toHaveLength(1);

    const halted = await live.call<{ halted: boolean; canceledOrders: number; failures: string[] }>("POST", "/api/live/halt", { reason: "drill" });
    expect(halted.body).toMatchObject({ halted: true, reason: "drill", canceledOrders: 1, failures: [] });
    expect(fake.orders(2007).filter((o) => o.status === "open")).toEqual([]);
    const refused = await live.call<{ error: { code: string } }>("POST", `/api/models/${model.id}/positions`, BTC_LONG);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("live_halted");
    expect((await live.call<{ halted: boolean }>("GET", "/api/live")).body.halted).toBe(true);

    expect((await live.call<{ halted: boolean }>("POST", "/api/live/resume")).body.halted).toBe(false);
    expect((await live.call("POST", `/api/models/${model.id}/positions`, BTC_LONG)).status).toBe(201);
  });

  it("funding Lighter charges on a live position is recorded in the ledger once, even when the stream replays it", async () => {
    const { fake, live } = await setup();
    const acct = lighterAccount(fake, 2010, "10000");
    const model = (await live.call<ModelView>("POST", "/api/models", lighterBody("Funded", acct))).body;
    expect((await live.call("POST", `/api/models/${model.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.05", leverage: 2, exitPlan: { stop: "59500" } })).status).toBe(201);
    const before = fake.account(2010)!.collateral;
    fake.payFunding(1, "0.0001");
    // A long pays when the rate is positive: the exchange's own figure is the truth.
    const paid = usd(fake.account(2010)!.collateral) - usd(before);
    expect(paid).toBeLessThan(0n);
    const db = live.autonome.database.db;
    await vi.waitFor(async () => expect((await db.select().from(ledger).where(eq(ledger.modelId, model.id))).filter((e) => e.kind === "FUNDING")).toHaveLength(1));
    const [entry] = (await db.select().from(ledger).where(eq(ledger.modelId, model.id))).filter((e) => e.kind === "FUNDING");
    expect(usd(entry!.amount)).toBe(paid);
    // The stream comes back after a drop and replays what it has: nothing is booked twice.
    fake.dropWebSockets();
    await new Promise((r) => setTimeout(r, 800));
    expect((await db.select().from(ledger).where(eq(ledger.modelId, model.id))).filter((e) => e.kind === "FUNDING")).toHaveLength(1);
    const view = (await live.call<ModelView>("GET", `/api/models/${model.id}`)).body;
    expect(view.account.cash).toBe(formatUsd(usd("10000") + usd(entry!.amount)));
  });

  it("in simulation mode a Lighter model is refused with live_trading_unavailable", async () => {
    const { fake, live } = await setup({}, { TRADING_MODE: "simulation" });
    const acct = lighterAccount(fake, 2008, "1000");
    const r = await live.call<{ error: { code: string; message: string } }>("POST", "/api/models", lighterBody("Not Now", acct));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("live_trading_unavailable");
    expect(r.body.error.message).toMatch(/TRADING_MODE=live/);
    // Paper trading on Lighter's real books works in simulation mode.
    const paper = await live.call<ModelView>("POST", "/api/models", { name: "Paper", kind: "rule", strategy: "trend-following" });
    expect(paper.status).toBe(201);
    expect((await live.call("POST", `/api/models/${paper.body.id}/positions`, BTC_LONG)).status).toBe(201);
    await vi.waitFor(() => expect(fake.orders(2008)).toEqual([]));
  });
});
