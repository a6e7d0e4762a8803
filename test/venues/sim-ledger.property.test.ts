import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, type MarketSpec } from "../../src/core/market.js";
import { usd, type Micro } from "../../src/core/money.js";
import { applyNettingFill, type PositionState } from "../../src/core/position.js";
import type { OrderReport } from "../../src/venues/venue.js";
import { cashOf, streamArb, runOps, sim } from "./sim-support.js";

/**
 * The simulator's ledger reconciles to the micro-dollar: after every event, an account's cash is
 * its initial capital + the gross P&L of every slice closed so far − the fees of every fill.
 * The test rebuilds that from the reports alone (what the trading service sees), in the order
 * they arrive, with the domain's own netting rule, and compares exactly.
 */

const markets = new Map<string, MarketSpec>(DEFAULT_MARKETS.map((m) => [m.symbol, m]));

class Ledger {
  gross: Micro = 0n;
  fees: Micro = 0n;
  fills = 0;
  makerFills = 0;
  readonly positions = new Map<string, PositionState>();
  readonly tradeIds = new Set<string>();

  apply(report: OrderReport): void {
    for (const f of report.fills) {
      expect(this.tradeIds.has(f.tradeId), `trade ${f.tradeId} reported twice`).toBe(false);
      this.tradeIds.add(f.tradeId);
      const r = applyNettingFill(markets.get(f.symbol)!, this.positions.get(f.symbol) ?? null, f.side, 100, f);
      if (r.position) this.positions.set(f.symbol, r.position);
      else this.positions.delete(f.symbol);
      if (r.closed) this.gross += r.closed.grossPnl;
      this.fees += f.fee;
      this.fills++;
      if (f.liquidity === "MAKER") this.makerFills++;
    }
  }
}

describe("SimVenue ledger", () => {
  it("property: cash = initial capital + Σ gross realized P&L − Σ fees, exactly, after every event", async () => {
    const seen = { fills: 0, makerFills: 0, closes: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), streamArb(["alice"], 60), async (capitalUsd, ops) => {
        const { venue, clock } = sim();
        const initial = usd(capitalUsd);
        venue.restoreAccount("alice", initial);
        const ledger = new Ledger();
        const record = (r: OrderReport) => {
          ledger.apply(r);
          if (r.status === "REJECTED") seen.rejected++;
        };
        const check = () => expect(cashOf(venue, "alice")).toBe(initial + ledger.gross - ledger.fees);
        await runOps(venue, clock, ops, record, undefined, check);

        // The positions the venue reports are the ones the fills add up to.
        const venuePositions = (await venue.positions("alice")).map((p) => [p.symbol, p.side, p.lots, p.cost]);
        const rebuilt = [...ledger.positions.values()].map((p) => [p.symbol, p.side, p.lots, p.cost]);
        expect(venuePositions.sort()).toEqual(rebuilt.sort());
        seen.fills += ledger.fills;
        seen.makerFills += ledger.makerFills;
        if (ledger.gross !== 0n) seen.closes++;
      }),
      { numRuns: 300 },
    );
    // The streams did exercise what the property is about: taker and maker fills, closes, rejections.
    expect(seen.fills).toBeGreaterThan(seen.makerFills);
    expect(seen.makerFills).toBeGreaterThan(0);
    expect(seen.closes).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });
});
