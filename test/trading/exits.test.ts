import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ledger, orders, outbox, venueOrders } from "../../src/db/schema.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";
import type { RiskLimits } from "../../src/trading/risk/limits.js";
import type { CloseFailed } from "../../src/events/events.js";

async function closedRows(h: Harness) {
  return h.t.database.db.select().from(orders).where(eq(orders.status, "CLOSED"));
}

async function settle(h: Harness) {
  await h.exits.idle();
}

/**
 * Resolves with the CloseFailed events published so far once there are at least `n` (all of
 * them, or the first `n` unless `all`): waits for the events themselves, never for a span of time.
 */
function closeFailures(h: Harness, n: number, all = false): Promise<CloseFailed[]> {
  const published = () => h.bus.flatMap((e) => (e.event?.type === "CloseFailed" ? [e.event] : []));
  return new Promise((resolve) => {
    const check = () => {
      const failures = published();
      if (failures.length < n) return;
      unsubscribe();
      resolve(all ? failures : failures.slice(0, n));
    };
    // The harness's own listener, subscribed first, has recorded an event in h.bus when this one runs.
    const unsubscribe = h.eventBus.subscribe(check);
    check();
  });
}

describe.each(DRIVERS)("exit plans on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  async function longBtc(plan: Record<string, string>, leverage = "2", limits?: Partial<RiskLimits>) {
    const id = await h.model(undefined, limits);
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage, exitPlan: plan });
    return id;
  }

  it("a long's stop fires on the bid and fills at the market", async () => {
    h = await createHarness(driver);
    await longBtc({ stop: "49000" });
    h.book(
      "BTC",
      [["49010", "5"]],
      [
        ["48990", "0"],
        ["49020", "5"],
      ],
    ); // ask near the stop does not trigger a long
    await settle(h);
    expect(await closedRows(h)).toHaveLength(0);
    h.book("BTC", [["49000", "5"]], [["49010", "5"]]);
    await settle(h);
    const [row] = await closedRows(h);
    expect(row!.closeTrigger).toBe("STOP");
    expect(row!.exitPrice!.startsWith("49000.")).toBe(true);
  });

  it("a gap through the stop fills at the market, not at the stop price", async () => {
    h = await createHarness(driver);
    await longBtc({ stop: "49000" });
    h.book("BTC", [["47000", "5"]], [["47010", "5"]]);
    await settle(h);
    const [row] = await closedRows(h);
    expect(row!.closeTrigger).toBe("STOP");
    expect(row!.exitPrice!.startsWith("47000.")).toBe(true);
  });

  it("a target fires at the bid for a long; a short's stop fires on the ask", async () => {
    h = await createHarness(driver);
    await longBtc({ target: "51000", stop: "48500" });
    h.book("BTC", [["50999", "5"]], [["51001", "5"]]);
    await settle(h);
    expect(await closedRows(h)).toHaveLength(0);
    h.book("BTC", [["51000", "5"]], [["51010", "5"]]);
    await settle(h);
    expect((await closedRows(h))[0]!.closeTrigger).toBe("TARGET");

    const id = await h.model();
    h.book("ETH", [["1999", "10"]], [["2000", "10"]]);
    await h.service.openPosition(id, { symbol: "ETH", side: "SHORT", quantity: "1", exitPlan: { stop: "2050" } });
    h.book("ETH", [["2049", "10"]], [["2050", "10"]]);
    await settle(h);
    const eth = (await closedRows(h)).find((r) => r.symbol === "ETH")!;
    expect(eth.closeTrigger).toBe("STOP");
    expect(eth.exitPrice!.startsWith("2050.")).toBe(true);
  });

  it("invalidation price and time exit close the position with their trigger", async () => {
    h = await createHarness(driver);
    await longBtc({ invalidationPrice: "49500", stop: "49000", timeExit: "2030-01-01T00:00:00Z" });
    h.book("BTC", [["49500", "5"]], [["49510", "5"]]);
    await settle(h);
    expect((await closedRows(h))[0]!.closeTrigger).toBe("INVALIDATION");

    const id = await h.model();
    h.book("SOL", [["99.9", "1000"]], [["100", "1000"]]);
    const at = new Date(h.clock.now() + 60_000).toISOString();
    await h.service.openPosition(id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { timeExit: at, stop: "95" } });
    h.clock.advance(60_000);
    h.book("SOL", [["99.9", "1000"]], [["100", "1000"]]);
    await settle(h);
    expect((await closedRows(h)).find((r) => r.symbol === "SOL")!.closeTrigger).toBe("TIME");
  });

  it("liquidates at maintenance margin", async () => {
    h = await createHarness(driver);
    // 20x and no stop: beyond the default risk limits, so this model's are raised.
    await longBtc({}, "20", { maxLeverage: 20, requireStop: false }); // 5% initial margin, 1.2% maintenance
    h.book("BTC", [["48500", "5"]], [["48510", "5"]]); // -3%: still above maintenance
    await settle(h);
    expect(await closedRows(h)).toHaveLength(0);
    h.book("BTC", [["48000", "5"]], [["48010", "5"]]); // -4%: margin left 1% < 1.2%
    await settle(h);
    expect((await closedRows(h))[0]!.closeTrigger).toBe("LIQUIDATION");
  });

  it("closes exactly once when triggers race with each other and with a manual close", async () => {
    h = await createHarness(driver);
    const id = await longBtc({ stop: "49000", invalidationPrice: "49500" });
    const manual = h.service.closePosition(id, "BTC");
    for (let i = 0; i < 20; i++) h.book("BTC", [["48000", "5"]], [["48010", "5"]]);
    await manual;
    await settle(h);
    expect(await closedRows(h)).toHaveLength(1);
    const closes = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.purpose, "CLOSE"));
    expect(closes.filter((o) => o.status === "FILLED")).toHaveLength(1);
    const pnl = await h.t.database.db.select().from(ledger).where(eq(ledger.kind, "REALIZED_PNL"));
    expect(pnl).toHaveLength(1);
    expect(h.accounts.get(id)!.positions.size).toBe(0);
  });

  it("retries a failed close with backoff, reporting each failure, until it succeeds", async () => {
    h = await createHarness(driver);
    await longBtc({ stop: "49000" });
    // A crossing bid but no asks: the venue has no mid and rejects the close.
    h.book("BTC", [["48000", "5"]], []);
    // The first failure and the retry's, awaited as events: however slow the machine, no fixed
    // sleep that two failures must fit in (the harness's backoff is 5 ms doubling to 20 ms).
    const [first, second] = await closeFailures(h, 2);
    expect(first).toMatchObject({ attempt: 1, reason: "rejected:market_closed", closeTrigger: "STOP", retryInMs: 5 });
    expect(second).toMatchObject({ attempt: 2, reason: "rejected:market_closed", closeTrigger: "STOP", retryInMs: 10 });
    const stored = (await h.t.database.db.select().from(outbox)).filter((e) => e.type === "CloseFailed");
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(await closedRows(h)).toHaveLength(0);
    h.book("BTC", [["48000", "5"]], [["48010", "5"]]);
    await settle(h);
    const [row] = await closedRows(h);
    expect(row!.closeTrigger).toBe("STOP");
    // However many attempts failed meanwhile: one after another, each wait doubling up to the cap.
    const all = await closeFailures(h, 2, true);
    expect(all.map((f) => f.attempt)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((f) => f.retryInMs)).toEqual(all.map((_, i) => Math.min(5 * 2 ** i, 20)));
  });
});

describe.each(DRIVERS)("cooldown on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("blocks a new position on the symbol until the closed position's cooldown ends", async () => {
    h = await createHarness(driver);
    // The exit plan's own cooldown is under test, not the risk engine's flip cooldown.
    const id = await h.model(undefined, { flipCooldownMinutes: 0 });
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    const until = new Date(h.clock.now() + 10 * 60_000).toISOString();
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { cooldownUntil: until, stop: "49000" } });
    await h.service.closePosition(id, "BTC");
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.01", exitPlan: { stop: "51000" } })).rejects.toMatchObject({ status: 422, code: "cooldown_active" });
    h.book("ETH", [["1999", "10"]], [["2000", "10"]]);
    await h.service.openPosition(id, { symbol: "ETH", side: "LONG", quantity: "0.01", exitPlan: { stop: "1900" } }); // other symbols are free
    h.clock.advance(10 * 60_000);
    const r = await h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.01", exitPlan: { stop: "51000" } });
    expect(r.status).toBe("filled");
  });
});

describe("a scale-in racing a stop", () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("opens a new position under a new id when the position it meant to scale was closed in flight", async () => {
    h = await createHarness("pglite");
    const id = await h.model();
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    const first = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    const positionId = first.position!.id;
    // A scale-in order written while the position was open...
    await h.t.database.db.insert(venueOrders).values({
      id: "vo-scale",
      clientOrderId: "scale-1",
      modelId: id,
      positionId,
      venue: "sim",
      symbol: "BTC",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      price: "48000",
      quantity: "0.02",
      leverage: "1",
      purpose: "OPEN",
      status: "OPEN",
    });
    // ...then the stop closes the position...
    h.book("BTC", [["48990", "5"]], [["49000", "5"]]);
    await settle(h);
    expect((await closedRows(h)).map((r) => r.id)).toEqual([positionId]);
    // ...and only then the scale-in fills.
    await h.service.onVenueUpdate({
      clientOrderId: "scale-1",
      venueOrderId: "v1",
      accountId: id,
      symbol: "BTC",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      priceTicks: 480000,
      lots: 2000,
      filledLots: 2000,
      status: "FILLED",
      ts: h.clock.now(),
      fills: [
        { venue: "sim", accountId: id, clientOrderId: "scale-1", tradeId: "scale-1:0", symbol: "BTC", side: "BUY", priceTicks: 480000, lots: 2000, fee: 0n, liquidity: "MAKER", ts: h.clock.now() },
      ],
    });
    const rows = await h.t.database.db.select().from(orders);
    const open = rows.filter((o) => o.status === "OPEN");
    expect(open).toHaveLength(1);
    expect(open[0]!.id).not.toBe(positionId);
    expect(open[0]!.quantity).toBe("0.0200000000");
    expect(h.accounts.get(id)!.positions.get("BTC")!.id).toBe(open[0]!.id);
  });
});
