import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, findMarket, notional, priceToTicks, quantityToLots } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import type { Side } from "../../src/core/types.js";
import type { OpenPosition } from "../../src/trading/account.js";
import { EMPTY_PLAN } from "../../src/trading/exit-plan.js";
import { exposureAndRisk, percentOfEquity, timeInMarketPct, type Holding } from "../../src/scheduler/account-stats.js";

const BTC = findMarket(DEFAULT_MARKETS, "BTC")!;
const ETH = findMarket(DEFAULT_MARKETS, "ETH")!;
const market = (s: string) => findMarket(DEFAULT_MARKETS, s);

/** A position of `quantity` bought (or sold) at `entry`, with its stop at `stop` (prices and sizes as decimal strings). */
function open(symbol: "BTC" | "ETH", side: Side, quantity: string, entry: string, stop: string | null): OpenPosition {
  const m = symbol === "BTC" ? BTC : ETH;
  const lots = BigInt(quantityToLots(m, quantity));
  return {
    id: `${symbol}-1`,
    modelId: "m1",
    state: { symbol, side, lots, cost: notional(m, priceToTicks(m, entry), lots), entryFees: 0n, leverage: 100 },
    plan: { ...EMPTY_PLAN, stop: stop === null ? null : priceToTicks(m, stop) },
    openedAt: 0,
    entryClientOrderId: null,
  };
}

describe("exposure and risk to the stops", () => {
  it("sum the notional at the mark and entry-to-stop times size, exactly", () => {
    // 0.02 BTC bought at 50,000 (cost $1,000), stop 49,000: $20 at risk; marked at 49,995: $999.90.
    // 0.5 ETH sold at 3,000 (cost $1,500), stop 3,090: $45 at risk; marked at 2,990: $1,495.
    const positions = [open("BTC", "LONG", "0.02", "50000", "49000"), open("ETH", "SHORT", "0.5", "3000", "3090")];
    expect(positions[0]!.state.cost).toBe(usd("1000"));
    const marks: Record<string, number> = { BTC: priceToTicks(BTC, "49995"), ETH: priceToTicks(ETH, "2990") };
    const r = exposureAndRisk(positions, market, (s) => marks[s]);
    expect(r).toEqual({ exposure: usd("999.9") + usd("1495"), risk: usd("20") + usd("45"), unstopped: [] });
    // $2,494.90 of exposure and $65 at risk on $10,000 of equity.
    expect(percentOfEquity(r.exposure, usd("10000"))).toBe(24.95);
    expect(percentOfEquity(r.risk, usd("10000"))).toBe(0.65);
  });

  it("count a stop at or beyond break-even as no risk, a position without a stop apart, and the entry cost where no mark is known", () => {
    const positions = [open("BTC", "LONG", "0.02", "50000", "50500"), open("ETH", "SHORT", "0.5", "3000", null)];
    const r = exposureAndRisk(positions, market, () => undefined);
    expect(r).toEqual({ exposure: usd("1000") + usd("1500"), risk: 0n, unstopped: ["ETH"] });
  });

  it("give no percentage of an equity that is not positive", () => {
    expect(percentOfEquity(usd("5"), 0n)).toBeNull();
    expect(percentOfEquity(usd("5"), usd("-1"))).toBeNull();
    expect(percentOfEquity(usd("1"), usd("3"))).toBe(33.33);
  });
});

describe("time in the market", () => {
  const H = 3_600_000;

  it("is the share of the window with at least one position open, overlaps counted once, clipped to the window", () => {
    const holdings: Holding[] = [
      { openedAt: -2 * H, closedAt: 1 * H }, // before the window opens: only its last hour counts
      { openedAt: 0.5 * H, closedAt: 2 * H }, // overlaps the first: adds one hour
      { openedAt: 6 * H, closedAt: null }, // still open: to the end of the window
    ];
    // Window [0, 8h): open 0-2h and 6-8h, 4 hours of 8.
    expect(timeInMarketPct(holdings, 0, 8 * H)).toBe(50);
    expect(timeInMarketPct([], 0, 8 * H)).toBe(0);
    expect(timeInMarketPct(holdings, 5, 5)).toBeNull();
  });

  it("equals a count minute by minute (property)", () => {
    const holding = fc.record({ start: fc.integer({ min: -30, max: 150 }), length: fc.integer({ min: 0, max: 80 }), open: fc.boolean() });
    fc.assert(
      fc.property(fc.array(holding, { maxLength: 8 }), fc.integer({ min: 1, max: 120 }), (list, windowMinutes) => {
        const M = 60_000;
        const holdings = list.map((h) => ({ openedAt: h.start * M, closedAt: h.open ? null : (h.start + h.length) * M }));
        let minutes = 0;
        for (let t = 0; t < windowMinutes; t++) if (holdings.some((h) => h.openedAt <= t * M && (h.closedAt === null || h.closedAt > t * M))) minutes++;
        expect(timeInMarketPct(holdings, 0, windowMinutes * M)).toBe(Math.round((minutes / windowMinutes) * 1000) / 10);
      }),
    );
  });
});
