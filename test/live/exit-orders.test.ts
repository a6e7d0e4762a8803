import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelView, PositionView, TradeView } from "../../src/app/services.js";
import { venueOrders } from "../../src/db/schema.js";
import { verifyTx } from "../../src/venues/lighter/signer/index.js";
import { startFakeLighter, type FakeLighter } from "../fake-lighter/server.js";
import { BTC_ASKS, BTC_BIDS, lighterAccount, startLiveApp, type LiveApp } from "./support.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function withPosition(accountIndex: number, exitPlan: Record<string, string>): Promise<{ fake: FakeLighter; live: LiveApp; modelId: string }> {
  const fake = await startFakeLighter({ verifySignature: (t, info, pk) => verifyTx(t, info, 304, pk).ok });
  cleanups.push(() => fake.close());
  fake.setBook(1, BTC_BIDS, BTC_ASKS);
  const live = await startLiveApp(fake);
  cleanups.push(() => live.stop());
  const acct = lighterAccount(fake, accountIndex, "10000");
  const model = (
    await live.call<ModelView>("POST", "/api/models", {
      name: `Exits ${accountIndex}`,
      kind: "rule",
      strategy: "trend-following",
      venue: { kind: "lighter", accountIndex, apiKeyIndex: 3, privateKeyEnv: acct.env },
    })
  ).body;
  const opened = await live.call("POST", `/api/models/${model.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, exitPlan });
  expect(opened.status).toBe(201);
  return { fake, live, modelId: model.id };
}

/** The exchange's stop/target orders of the account still waiting for their trigger: [type, trigger price, size]. */
const waiting = (fake: FakeLighter, accountIndex: number) =>
  fake
    .orders(accountIndex)
    .filter((o) => o.status === "pending" || o.status === "open")
    .map((o) => [o.type, o.trigger_price, o.remaining_base_amount]);

describe("a position's stop and target are held on the exchange too", () => {
  it("an entry places a reduce-only stop-loss and take-profit of the position's size", async () => {
    const { fake, live, modelId } = await withPosition(3001, { stop: "59000", target: "62000" });
    expect(waiting(fake, 3001)).toEqual([
      ["stop-loss", "59000.0", "0.01000"],
      ["take-profit", "62000.0", "0.01000"],
    ]);
    expect(
      fake
        .orders(3001)
        .filter((o) => o.type !== "market")
        .every((o) => o.reduce_only),
    ).toBe(true);
    const rows = await live.autonome.database.db
      .select()
      .from(venueOrders)
      .where(and(eq(venueOrders.modelId, modelId), eq(venueOrders.purpose, "CLOSE")));
    expect(rows.map((r) => [r.closeTrigger, r.status, r.price])).toEqual([
      ["STOP", "OPEN", "59000.000000000000"],
      ["TARGET", "OPEN", "62000.000000000000"],
    ]);
  });

  it("the exchange's stop fires: the position closes once, as a STOP, and the target is canceled", async () => {
    const { fake, live, modelId } = await withPosition(3002, { stop: "59000", target: "62000" });
    // The mark falls through the stop while the book (what the local exit engine watches) stays above it.
    fake.setMarkPrice(1, 589_000);
    await vi.waitFor(async () => {
      const trades = (await live.call<TradeView[]>("GET", `/api/trades?modelId=${modelId}`)).body;
      expect(trades.map((t) => [t.symbol, t.closeTrigger, t.quantity])).toEqual([["BTC", "STOP", "0.01"]]);
    });
    await vi.waitFor(() => expect(waiting(fake, 3002)).toEqual([]));
    expect((await live.call<PositionView[]>("GET", `/api/positions?modelId=${modelId}`)).body).toEqual([]);
    expect(fake.account(3002)!.positions.filter((p) => Number(p.position) !== 0)).toEqual([]);
    // Exactly three orders ever reached the exchange: the entry, the stop that fired, the target canceled.
    expect(fake.orders(3002).map((o) => [o.type, o.status])).toEqual([
      ["market", "filled"],
      ["stop-loss", "filled"],
      ["take-profit", "canceled"],
    ]);
  });

  it("the local exit engine fires first (the exchange's mark has not moved): it takes the exchange's orders down and closes once", async () => {
    const { fake, live, modelId } = await withPosition(3006, { stop: "59000", target: "62000" });
    fake.setMarkPrice(1, 600_000);
    fake.setBook(1, [[588_000, 100_000]], [[588_500, 100_000]]);
    await vi.waitFor(async () => {
      const trades = (await live.call<TradeView[]>("GET", `/api/trades?modelId=${modelId}`)).body;
      expect(trades.map((t) => [t.closeTrigger, t.quantity])).toEqual([["STOP", "0.01"]]);
    });
    await vi.waitFor(() => expect(waiting(fake, 3006)).toEqual([]));
    expect(fake.orders(3006).map((o) => [o.type, o.status])).toEqual([
      ["market", "filled"],
      ["stop-loss", "canceled"],
      ["take-profit", "canceled"],
      ["market", "filled"],
    ]);
  });

  it("both stops fire at once (book and mark through the stop): the position closes exactly once, never flips", async () => {
    const { fake, live, modelId } = await withPosition(3007, { stop: "59000" });
    fake.setBook(1, [[588_000, 100_000]], [[588_500, 100_000]]);
    await vi.waitFor(async () => {
      const trades = (await live.call<TradeView[]>("GET", `/api/trades?modelId=${modelId}`)).body;
      expect(trades.map((t) => [t.closeTrigger, t.quantity])).toEqual([["STOP", "0.01"]]);
    });
    // Give any second exit time to land: it must find nothing to close.
    await new Promise((r) => setTimeout(r, 500));
    expect((await live.call<PositionView[]>("GET", `/api/positions?modelId=${modelId}`)).body).toEqual([]);
    expect(fake.account(3007)!.positions.filter((p) => Number(p.position) !== 0)).toEqual([]);
    const sold = fake.trades(3007).filter((t) => t.ask_account_id === 3007);
    expect(sold.reduce((sum, t) => sum + Number(t.size.replace(".", "")), 0)).toBe(1000);
  });

  it("tightening the stop replaces the exchange's stop order; a scale-in resizes both", async () => {
    const { fake, live, modelId } = await withPosition(3003, { stop: "59000", target: "62000" });
    expect((await live.call("PATCH", `/api/models/${modelId}/positions/BTC/exit-plan`, { stop: "59500" })).status).toBe(200);
    expect(waiting(fake, 3003)).toEqual([
      ["take-profit", "62000.0", "0.01000"],
      ["stop-loss", "59500.0", "0.01000"],
    ]);
    expect((await live.call("POST", `/api/models/${modelId}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01" })).status).toBe(201);
    expect(waiting(fake, 3003).sort()).toEqual([
      ["stop-loss", "59500.0", "0.02000"],
      ["take-profit", "62000.0", "0.02000"],
    ]);
  });

  it("a close takes the exchange's stop and target down first, then closes once", async () => {
    const { fake, live, modelId } = await withPosition(3004, { stop: "59000", target: "62000" });
    const closed = await live.call<{ results: Record<string, { status: string }> }>("POST", `/api/models/${modelId}/positions/close`, { symbols: ["BTC"] });
    expect(closed.body.results.BTC!.status).toBe("closed");
    expect(waiting(fake, 3004)).toEqual([]);
    expect(fake.orders(3004).map((o) => [o.type, o.status])).toEqual([
      ["market", "filled"],
      ["stop-loss", "canceled"],
      ["take-profit", "canceled"],
      ["market", "filled"],
    ]);
    const trades = (await live.call<TradeView[]>("GET", `/api/trades?modelId=${modelId}`)).body;
    expect(trades.map((t) => t.closeTrigger)).toEqual(["MANUAL"]);
  });

  it("the kill switch leaves the stops and targets on the exchange: they only reduce", async () => {
    const { fake, live } = await withPosition(3005, { stop: "59000" });
    const halted = await live.call<{ canceledOrders: number }>("POST", "/api/live/halt", {});
    expect(halted.body.canceledOrders).toBe(0);
    expect(waiting(fake, 3005)).toEqual([["stop-loss", "59000.0", "0.01000"]]);
  });
});
