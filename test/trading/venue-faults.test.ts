import { afterEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { fills, ledger, orders, venueOrders } from "../../src/db/schema.js";
import { restoreAccounts } from "../../src/trading/restore.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { DRIVERS } from "../support/databases.js";
import { FaultyVenue } from "../support/faulty-venue.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

/** The sum of an account's ledger (deposit + realized P&L − fees), in micro-dollars. */
async function ledgerCash(h: Harness, modelId: string): Promise<bigint> {
  const r = await h.t.database.db.execute(sql`select coalesce(sum(amount), 0)::text as total from ledger where model_id = ${modelId}`);
  const total = (r as unknown as { rows: Array<{ total: string }> }).rows[0]!.total;
  const [whole, frac = ""] = total.split(".");
  return BigInt(whole!) * 1_000_000n + BigInt((frac + "000000").slice(0, 6)) * (total.startsWith("-") ? -1n : 1n);
}

/** Makes the next `n` inserts into `table` fail inside their transaction (a sequence is not rolled back with it). */
async function failNextInserts(h: Harness, table: string, n: number) {
  const db = h.t.database.db;
  await db.execute(sql.raw(`create sequence fault_seq`));
  await db.execute(
    sql.raw(`create function inject_fault() returns trigger language plpgsql as $$
      begin
        if nextval('fault_seq') <= ${n} then raise exception 'injected fault: insert into ${table} (price, quantity) values ($1, $2)'; end if;
        return new;
      end $$`),
  );
  await db.execute(sql.raw(`create trigger inject_fault before insert on ${table} for each row execute function inject_fault()`));
}

describe.each(DRIVERS)("venue faults (%s)", (driver) => {
  let h: Harness;
  afterEach(async () => {
    await h?.dispose();
    h = undefined as unknown as Harness;
  });

  it("a stop whose close fails in the database is retried and closes the position; the simulator never runs ahead", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2", exitPlan: { stop: "49000" } });
    await failNextInserts(h, "fills", 1);
    h.book("BTC", [["48990", "5"]], [["49000", "5"]]);
    await h.exits.idle();

    const closed = await h.t.database.db.select().from(orders).where(eq(orders.status, "CLOSED"));
    expect(closed).toHaveLength(1);
    expect(closed[0]!.closeTrigger).toBe("STOP");
    expect(h.accounts.get(id)!.positions.size).toBe(0);
    expect(await h.venue.positions(id)).toEqual([]);
    // The failed attempt was reported, and then left nothing behind: one close fill, cash = ledger.
    expect(h.bus.some((e) => e.type === "order" && (e.data as { action?: string }).action === "close_failed")).toBe(true);
    const closeFills = await h.t.database.db.select().from(fills).where(eq(fills.side, "SELL"));
    expect(closeFills).toHaveLength(1);
    expect(h.accounts.get(id)!.cash).toBe(await ledgerCash(h, id));
    expect(h.venue.available(id)).toBe(h.accounts.get(id)!.cash);
  });

  it("a simulator order is written in one statement with its answer; should one of its fills already be recorded, nothing is written", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    // The simulator's trade ids are "<client order id>:<lots filled before>": this one's first fill is "dup-1:0".
    await h.t.database.db.insert(fills).values({
      venue: "sim",
      tradeId: "dup-1:0",
      clientOrderId: "elsewhere",
      modelId: id,
      positionId: null,
      symbol: "BTC",
      side: "BUY",
      price: "50000",
      quantity: "0.1",
      fee: "0",
      liquidity: "TAKER",
      ts: new Date(),
    });
    const ledgerBefore = await ledgerCash(h, id);
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" }, { clientOrderId: "dup-1" })).rejects.toThrow(
      /dup-1: 1 of its fills were already recorded; nothing was written/,
    );
    expect(await h.t.database.db.select().from(venueOrders)).toHaveLength(0);
    expect(await h.t.database.db.select().from(orders)).toHaveLength(0);
    expect(await ledgerCash(h, id)).toBe(ledgerBefore);
    expect(await h.venue.positions(id)).toEqual([]);

    // The same order under a fresh client id is written whole: its row with the answer, its fill, its fee, the position.
    const r = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" }, { clientOrderId: "fresh-1" });
    expect(r.status).toBe("filled");
    const [order] = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, "fresh-1"));
    expect(order!.status).toBe("FILLED");
    expect(Number(order!.filledQuantity)).toBe(0.1);
    expect(order!.positionId).toBe(r.position!.id);
    const [fill] = await h.t.database.db.select().from(fills).where(eq(fills.tradeId, "fresh-1:0"));
    const fees = await h.t.database.db.select().from(ledger).where(eq(ledger.fillId, fill!.id));
    expect(fees.map((f) => f.kind)).toEqual(["FEE"]);
    expect(h.accounts.get(id)!.cash).toBe(await ledgerCash(h, id));
  });

  it("an open whose transaction fails leaves neither a position on the simulator nor a row", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await failNextInserts(h, "orders", 1);
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" })).rejects.toThrow();
    expect(await h.venue.positions(id)).toEqual([]);
    expect(h.venue.available(id)).toBe(10_000_000_000n);
    expect(await h.t.database.db.select().from(venueOrders)).toHaveLength(0);
    // And the account trades on normally afterwards.
    const r = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" });
    expect(r.status).toBe("filled");
    expect((await h.venue.positions(id))[0]!.lots).toBe(h.accounts.get(id)!.positions.get("BTC")!.state.lots);
  });

  it("a remote venue's lost answer is reconciled: the order's fills are recorded once, never assumed", async () => {
    let remote!: FaultyVenue;
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS, venue: (sim) => (remote = new FaultyVenue(sim)) });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    remote.faults = ["lost_response"];
    const r = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" });
    expect(r.status).toBe("filled");
    const [order] = await h.t.database.db.select().from(venueOrders);
    expect(order!.status).toBe("FILLED");
    expect(order!.filledQuantity).toMatch(/^0\.1/);
    expect(await h.t.database.db.select().from(fills)).toHaveLength(1);
    expect(h.accounts.get(id)!.positions.get("BTC")!.state.lots).toBe(10_000n);
    expect(h.accounts.get(id)!.cash).toBe(await ledgerCash(h, id));
    expect(remote.sends).toBe(1);
  });

  it("a venue that is down leaves the order UNKNOWN (503), and a later look settles it", async () => {
    let remote!: FaultyVenue;
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS, venue: (sim) => (remote = new FaultyVenue(sim)) });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    remote.down = true;
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" })).rejects.toMatchObject({ status: 503, code: "venue_unavailable" });
    let [row] = await h.t.database.db.select().from(venueOrders);
    expect(row!.status).toBe("UNKNOWN");
    // A code, never the driver's text: the reason reaches GET /api/orders and the event stream.
    expect(row!.reason).toBe("venue_no_answer");
    expect(h.accounts.get(id)!.positions.size).toBe(0);

    // Still down: nothing is decided.
    expect(await h.service.reconcileOrder(row!)).toBe("unknown");
    // Back up, but a remote venue that cannot find the order cannot say it never happened.
    remote.down = false;
    expect(await h.service.reconcileOrder(row!)).toBe("unknown");
    [row] = await h.t.database.db.select().from(venueOrders);
    expect(row!.status).toBe("UNKNOWN");
  });

  it("at start, orders never acknowledged are asked of the venue: the simulator's answer cancels them with an event", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS, venue: (sim) => new FaultyVenue(sim, true) });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    const remote = (h.service as unknown as { deps: { venue: FaultyVenue } }).deps.venue;
    remote.down = true;
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2" })).rejects.toMatchObject({ code: "venue_unavailable" });
    remote.down = false;
    const restored = await restoreAccounts(h.t.database.db, DEFAULT_MARKETS);
    expect(restored.unacknowledged).toHaveLength(1);
    const before = h.bus.length;
    expect(await h.service.reconcileOrder(restored.unacknowledged[0]!)).toBe("never_happened");
    const [row] = await h.t.database.db.select().from(venueOrders);
    expect(row!.status).toBe("CANCELED");
    expect(row!.reason).toBe("lost_before_execution");
    const event = h.bus.slice(before).find((e) => e.type === "order");
    expect(event?.data).toMatchObject({ action: "canceled", order: { clientOrderId: row!.clientOrderId, status: "CANCELED" } });
    expect(await h.t.database.db.select().from(ledger).where(eq(ledger.kind, "FEE"))).toHaveLength(0);
  });

  it("a slow remote venue: 20 concurrent opens still respect max open positions and exposure", async () => {
    let remote!: FaultyVenue;
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: { ...PERMISSIVE_LIMITS, maxGrossExposure: 1 }, venue: (sim) => (remote = new FaultyVenue(sim)) });
    remote.delayMs = 2;
    const id = await h.model("10000");
    h.book("BTC", [["49999", "100"]], [["50001", "100"]]);
    const rs = await Promise.allSettled(Array.from({ length: 20 }, () => h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.05", leverage: "5" })));
    // $2,500 each against 1x a $10,000 equity: at most four pass.
    expect(rs.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(4);
    expect(h.accounts.get(id)!.positions.get("BTC")!.state.lots).toBeLessThanOrEqual(20_000n);
    expect((await h.venue.positions(id))[0]!.lots).toBe(h.accounts.get(id)!.positions.get("BTC")!.state.lots);
  });
});
