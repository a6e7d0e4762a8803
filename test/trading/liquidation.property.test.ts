import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { initialMargin } from "../../src/core/leverage.js";
import { DEFAULT_MARKETS, notional } from "../../src/core/market.js";
import { unrealizedPnl, type PositionState } from "../../src/core/position.js";
import { liquidationPrice } from "../../src/trading/exit-engine.js";

describe("liquidation price", () => {
  it("is exactly where margin + P&L falls to maintenance margin, for every position", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DEFAULT_MARKETS),
        fc.constantFrom("LONG" as const, "SHORT" as const),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        fc.integer({ min: 100, max: 2000 }),
        fc.integer({ min: -3000, max: 3000 }),
        (m, side, lots, entryTicks, leverage, moveBps) => {
          const cost = notional(m, entryTicks, lots);
          const s: PositionState = { symbol: m.symbol, side, lots: BigInt(lots), cost, entryFees: 0n, leverage };
          const px = Math.max(1, Math.round(entryTicks * (1 + moveBps / 10_000)));
          const equity = initialMargin(cost, leverage) + unrealizedPnl(m, s, px);
          const direct = equity * 10_000n <= notional(m, px, lots) * BigInt(m.maintenanceMarginBps);
          const liq = liquidationPrice(m, s);
          expect(side === "LONG" ? px <= liq : px >= liq).toBe(direct);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
