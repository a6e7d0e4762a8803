import { afterEach, describe, expect, it } from "vitest";
import type { AnalyticsView } from "../../src/app/services.js";
import { quantityToLots, findMarket, DEFAULT_MARKETS } from "../../src/core/market.js";
import { createApp } from "../../src/server/app.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { harnessServices } from "../support/harness-services.js";

const MINUTE = 60_000;

/**
 * Analytics of trades made through the trading service (no fees): each position's first stop and
 * stated confidence come from its recorded events, so a stop tightened later, a reduction's slice
 * and a position without a stop are each counted as the README says.
 */
describe.each(DRIVERS)("analytics of real trades on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("R-multiples from the first stop (not the tightened one), slices by their position, stopless trades left out; long %, sizes, hold times", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const app = createApp({ services: harnessServices(h, driver) });
    const id = await h.model("100000");

    // 1. Long 0.1 BTC at 50,000, stop 49,000 (risk $100), confidence 70; the stop is tightened to
    //    49,500 later; closed at the bid 51,000 after 10 minutes: +$100 = 1 R (0.5 R would be the tightened stop's).
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2", exitPlan: { stop: "49000", confidence: 70 } });
    await h.service.updateExitPlan(id, "BTC", { stop: "49500" });
    h.clock.advance(10 * MINUTE - 1);
    h.book("BTC", [["51000", "5"]], [["51010", "5"]]);
    await h.service.closePosition(id, "BTC");

    // 2. Short 0.2 ETH at the bid 3,000, stop 3,100 (risk $20), confidence 40; half of it (0.1) bought back
    //    at 2,950 after 2 hours (+$5 = 0.5 R on its own risk of $10), the rest at 3,050 an hour later (−$5 = −0.5 R).
    h.book("ETH", [["3000", "50"]], [["3001", "50"]]);
    await h.service.openPosition(id, { symbol: "ETH", side: "SHORT", quantity: "0.2", leverage: "2", exitPlan: { stop: "3100", confidence: 40 } });
    h.clock.advance(2 * 60 * MINUTE - 1);
    h.book("ETH", [["2949", "50"]], [["2950", "50"]]);
    await h.service.reducePosition(id, "ETH", quantityToLots(findMarket(DEFAULT_MARKETS, "ETH")!, "0.1"), "MANUAL");
    h.clock.advance(60 * MINUTE - 1);
    h.book("ETH", [["3049", "50"]], [["3050", "50"]]);
    await h.service.closePosition(id, "ETH");

    // 3. Long 1 SOL at 100 without a stop, sold at 98 after 2 days: −$2, no R.
    h.book("SOL", [["99.9", "500"]], [["100", "500"]]);
    await h.service.openPosition(id, { symbol: "SOL", side: "LONG", quantity: "1", leverage: "1" });
    h.clock.advance(2 * 1440 * MINUTE - 1);
    h.book("SOL", [["98", "500"]], [["98.1", "500"]]);
    await h.service.closePosition(id, "SOL");

    const a = (await (await app.request(`/api/models/${id}/analytics`)).json()) as AnalyticsView;
    expect(a).toMatchObject({
      trades: 4,
      wins: 2,
      losses: 2,
      // In close order: +100, +5, −5, −2.
      currentWinStreak: 0,
      currentLossStreak: 2,
      longestWinStreak: 2,
      averageR: (1 + 0.5 - 0.5) / 3,
      rTrades: 3,
      rExcluded: 1,
      longPct: 50, // BTC and SOL long, both ETH slices short
      // Entry notionals: 5000, 300 (0.1 × 3000) twice, 100 → sorted 100, 300, 300, 5000.
      sizeDistribution: { min: "100", p25: "100", median: "300", p75: "300", max: "5000" },
      // Holds: 10 min, 2 h, 3 h (the rest of the ETH position, opened with it), 2 days.
      holdTimeDistribution: { min: 10 * MINUTE, p25: 10 * MINUTE, median: 120 * MINUTE, p75: 180 * MINUTE, max: 2880 * MINUTE },
      holdTimeBuckets: [
        { label: "<15m", trades: 1 },
        { label: "15m-1h", trades: 0 },
        { label: "1h-4h", trades: 2 },
        { label: "4h-1d", trades: 0 },
        { label: ">=1d", trades: 1 },
      ],
      // Three trades stated a confidence (70, 40, 40): too few for a correlation.
      decisionQuality: { trades: 3, minTrades: 10, pearson: null, spearman: null },
    });
    expect(a.averageR).toBeCloseTo(1 / 3, 12);
  });
});
