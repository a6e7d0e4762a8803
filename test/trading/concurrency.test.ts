import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { AppError } from "../../src/core/errors.js";
import { sql } from "drizzle-orm";
import { DEFAULT_MARKETS, findMarket, notional } from "../../src/core/market.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

const BTC = findMarket(DEFAULT_MARKETS, "BTC")!;

/**
 * Checks and the write must see one consistent state per account: many requests on one model
 * at once are decided one after the other, each against what the ones before it wrote.
 */
describe.each(DRIVERS)("concurrent requests on one account (%s)", (driver) => {
  let h: Harness;
  afterEach(async () => {
    await h?.dispose();
    h = undefined as unknown as Harness;
  });

  const deepBook = (x: Harness) => x.book("BTC", [["49999", "1000"]], [["50001", "1000"]]);

  async function settle<T>(ps: Array<Promise<T>>) {
    const rs = await Promise.allSettled(ps);
    return {
      ok: rs.filter((r) => r.status === "fulfilled").length,
      codes: rs.flatMap((r) => (r.status === "rejected" ? [(r.reason as AppError).code ?? String(r.reason)] : [])),
    };
  }

  it("50 concurrent opens never pass the gross exposure limit", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: { ...PERMISSIVE_LIMITS, maxGrossExposure: 3 } });
    deepBook(h);
    const id = await h.model("10000");
    // Each open is $5,000 notional (0.1 BTC): three times the equity allows six, never fifty.
    const { ok, codes } = await settle(Array.from({ length: 50 }, () => h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "10" })));
    const f = h.service.figures(h.service.account(id));
    const lots = h.service.account(id).positions.get("BTC")!.state.lots;
    expect(ok).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(["risk_max_gross_exposure"]));
    // Notional at the mark against 3x equity, in exact units.
    expect(notional(BTC, 500_000, lots)).toBeLessThanOrEqual(3n * f.equity);
  });

  it("50 concurrent opens on different symbols never pass max open positions", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: { ...PERMISSIVE_LIMITS, maxOpenPositions: 1 } });
    h.book("BTC", [["49999", "1000"]], [["50001", "1000"]]);
    h.book("ETH", [["2999", "1000"]], [["3001", "1000"]]);
    h.book("SOL", [["99", "100000"]], [["101", "100000"]]);
    const id = await h.model("100000");
    const reqs = Array.from({ length: 50 }, (_, i) => {
      const symbol = ["BTC", "ETH", "SOL"][i % 3]!;
      const quantity = { BTC: "0.01", ETH: "0.1", SOL: "1" }[symbol]!;
      return h.service.openPosition(id, { symbol, side: "LONG", quantity, leverage: "2" });
    });
    await settle(reqs);
    expect(h.service.account(id).positions.size).toBe(1);
    const rows = await h.t.database.db.execute(sql`select count(*)::text as n from orders where status = 'OPEN'`);
    expect(Number((rows as unknown as { rows: Array<{ n: string }> }).rows[0]!.n)).toBe(1);
  });

  it("50 concurrent opens keep the cash reserve", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: { ...PERMISSIVE_LIMITS, minCashReservePct: 50 } });
    deepBook(h);
    const id = await h.model("10000");
    await settle(Array.from({ length: 50 }, () => h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "1" })));
    const f = h.service.figures(h.service.account(id));
    // At least half the equity stays free of margin.
    expect(f.available * 2n).toBeGreaterThanOrEqual(f.equity);
  });

  it("25 LONG and 25 SHORT opens at once: one side wins, the rest are refused, nothing fails", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    deepBook(h);
    const id = await h.model("100000");
    const { codes } = await settle(Array.from({ length: 50 }, (_, i) => h.service.openPosition(id, { symbol: "BTC", side: i % 2 ? "SHORT" : "LONG", quantity: "0.01", leverage: "2" })));
    expect(codes.every((c) => c === "opposite_position_open")).toBe(true);
    const pos = h.service.account(id).positions.get("BTC")!;
    const venuePos = (await h.venue.positions(id)).find((p) => p.symbol === "BTC")!;
    expect(venuePos.side).toBe(pos.state.side);
    expect(venuePos.lots).toBe(pos.state.lots);
    expect(pos.state.lots).toBe(BigInt(50 - codes.length) * 10n ** BigInt(BTC.sizeDecimals - 2));
  });

  it("a stop only tightens under any interleaving of 50 concurrent changes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          Array.from({ length: 50 }, (_, i) => 40_000 + i * 100),
          { minLength: 50, maxLength: 50 },
        ),
        async (stops) => {
          const x = await createHarness(driver, { takerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
          try {
            deepBook(x);
            const id = await x.model("100000");
            await x.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "2", exitPlan: { stop: "39000" } });
            await settle(stops.map((s) => x.service.updateExitPlan(id, "BTC", { stop: String(s) })));
            const tightest = Math.max(...stops);
            expect(x.service.account(id).positions.get("BTC")!.plan.stop).toBe(tightest * 10 ** BTC.priceDecimals);
            const rows = await x.t.database.db.execute(sql`select exit_plan->>'stop' as stop from orders where status = 'OPEN'`);
            expect(Number((rows as unknown as { rows: Array<{ stop: string }> }).rows[0]!.stop)).toBe(tightest);
          } finally {
            await x.dispose();
          }
        },
      ),
      { numRuns: 3, seed: 6 },
    );
  });
});
