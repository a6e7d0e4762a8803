import { afterEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { fills, ledger, orders, venueOrders } from "../../src/db/schema.js";
import { AppError } from "../../src/core/errors.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

async function count(h: Harness, table: typeof orders | typeof fills | typeof ledger | typeof venueOrders): Promise<number> {
  const r = await h.t.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return Number(r[0]!.n);
}

describe.each(DRIVERS)("positions on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("scales into the same side with a weighted-average entry: 1.0 @ 50,000 + 0.5 @ 51,000 = 1.5 @ 50,333.33…", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model("100000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "1", leverage: "5", exitPlan: { stop: "49500" } });
    h.book("BTC", [["50990", "5"]], [["51000", "5"]]);
    const r = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.5" }); // inherits the stop
    expect(r.status).toBe("filled");
    const [row] = await h.t.database.db.select().from(orders).where(eq(orders.status, "OPEN"));
    expect(row!.quantity).toBe("1.5000000000");
    expect(row!.entryPrice.startsWith("50333.33333333")).toBe(true);
    expect(row!.entryCost).toBe("75500.000000");
    expect(await count(h, orders)).toBe(1);
  });

  it("walks the book, records each fill and charges the taker fee on each", async () => {
    h = await createHarness(driver); // 6 bps taker
    const id = await h.model();
    h.book(
      "ETH",
      [["1999", "10"]],
      [
        ["2000", "0.5"],
        ["2001", "0.5"],
        ["2005", "10"],
      ],
    );
    const r = await h.service.openPosition(id, { symbol: "ETH", side: "LONG", quantity: "1.2", leverage: "2", exitPlan: { stop: "1950" } });
    expect(r.filledLots).toBe(12000);
    const rows = await h.t.database.db.select().from(fills).orderBy(fills.id);
    expect(rows.map((f) => [f.price, f.quantity])).toEqual([
      ["2000.000000000000", "0.5000000000"],
      ["2001.000000000000", "0.5000000000"],
      ["2005.000000000000", "0.2000000000"],
    ]);
    // 0.06% of each fill's notional, rounded up to the micro-dollar
    expect(rows.map((f) => f.fee)).toEqual(["0.600000", "0.600300", "0.240600"]);
  });

  it("closes with realized P&L net of entry and exit fees, and the ledger reconciles", async () => {
    h = await createHarness(driver);
    const id = await h.model();
    h.book("SOL", [["99.9", "1000"]], [["100", "1000"]]);
    await h.service.openPosition(id, { symbol: "SOL", side: "SHORT", quantity: "10", leverage: "3", exitPlan: { stop: "105" } });
    h.book("SOL", [["95", "1000"]], [["95.1", "1000"]]);
    const res = await h.service.closePosition(id, "SOL");
    expect(res.status).toBe("closed");
    const [trade] = await h.t.database.db.select().from(orders).where(eq(orders.status, "CLOSED"));
    // short 10 @ 99.9, cover 10 @ 95.1: gross 48; fees 0.06% of 999 and of 951
    expect(trade!.fees).toBe("1.170000");
    expect(trade!.realizedPnl).toBe("46.830000");
    expect(trade!.closeTrigger).toBe("MANUAL");
    const [sum] = await h.t.database.db
      .select({ s: sql<string>`sum(${ledger.amount})::text` })
      .from(ledger)
      .where(eq(ledger.modelId, id));
    expect(sum!.s).toBe("10046.830000");
    expect(h.accounts.get(id)!.cash).toBe(10_046_830_000n);
  });

  it("rejects an opposite-side open with 422 opposite_position_open and writes nothing", async () => {
    h = await createHarness(driver);
    const id = await h.model();
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    const before = [await count(h, orders), await count(h, venueOrders), await count(h, ledger)];
    await expect(h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.01" })).rejects.toMatchObject({ status: 422, code: "opposite_position_open" });
    expect([await count(h, orders), await count(h, venueOrders), await count(h, ledger)]).toEqual(before);
  });

  it.each([
    [{ quantity: "-1" }, 400, "quantity"],
    [{ quantity: "NaN" }, 400, "quantity"],
    [{ quantity: "0.000001" }, 400, "quantity"],
    [{ quantity: "0.00001" }, 422, "below_min_size"],
    [{ leverage: "0" }, 400, "leverage"],
    [{ leverage: "50" }, 400, "leverage"],
    [{ symbol: "DOGE" }, 400, "symbol"],
    [{ quantity: "0.0001" }, 422, "below_min_notional"],
    [{ quantity: "100" }, 422, "insufficient_margin"],
    [{ exitPlan: { stop: "50100" } }, 422, "stop_wrong_side"],
    [{ exitPlan: { target: "40000" } }, 422, "target_wrong_side"],
  ])("bad input %j gets %i naming %s and changes nothing", async (patch, status, needle) => {
    h = await createHarness(driver);
    const id = await h.model();
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    const err = await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(status);
    expect(`${(err as AppError).code} ${(err as AppError).message}`).toContain(needle);
    expect(await count(h, venueOrders)).toBe(0);
    expect(await count(h, orders)).toBe(0);
    expect(await count(h, ledger)).toBe(1); // the deposit only
  });

  it("a stop may only tighten: widening is 422 stop_would_widen and the plan is unchanged", async () => {
    h = await createHarness(driver);
    const id = await h.model();
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    await expect(h.service.updateExitPlan(id, "BTC", { stop: "48000" })).rejects.toMatchObject({ code: "stop_would_widen" });
    await expect(h.service.updateExitPlan(id, "BTC", { stop: null })).rejects.toMatchObject({ code: "stop_would_widen" });
    const p = await h.service.updateExitPlan(id, "BTC", { stop: "49500" });
    expect(p.plan.stop).toBe(495000);
    const [row] = await h.t.database.db.select().from(orders);
    expect(row!.exitPlan!.stop).toBe("49500");
  });

  it("a partial reduce leaves a CLOSED slice and a smaller OPEN row whose costs add up exactly", async () => {
    h = await createHarness(driver);
    const id = await h.model();
    h.book("ETH", [["1999", "10"]], [["2000", "10"]]);
    await h.service.openPosition(id, { symbol: "ETH", side: "LONG", quantity: "3", leverage: "2", exitPlan: { stop: "1950" } });
    // only 1 ETH of bids within the bound: the close is partial
    h.book("ETH", [["2100", "1"]], [["2101", "10"]]);
    const r = await h.service.closePosition(id, "ETH");
    expect(r.status).toBe("partial");
    const rows = await h.t.database.db.select().from(orders);
    const open = rows.find((o) => o.status === "OPEN")!;
    const closed = rows.find((o) => o.status === "CLOSED")!;
    expect(open.quantity).toBe("2.0000000000");
    expect(closed.quantity).toBe("1.0000000000");
    expect(closed.parentId).toBe(open.id);
    expect(BigInt(open.entryCost.replace(".", "")) + BigInt(closed.entryCost.replace(".", ""))).toBe(6000_000000n);
    expect(closed.realizedPnl).toBe("97.540000"); // 100 gross - 1.20 (0.06% of 2000, the entry share) - 1.26 (0.06% of 2100)
  });
});
