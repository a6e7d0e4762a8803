import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SIZING, sizePosition } from "../../src/agents/rules/sizing.js";
import { notional, priceToTicks, quantityToLots } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import { BTC, SOL } from "./fixtures.js";

const unlimitedMargin = { ...DEFAULT_SIZING, maxMarginBps: 10_000 };

describe("sizePosition", () => {
  it("risks 1% of equity over the stop distance: $100 over a $1,000 stop is 0.1 BTC", () => {
    const r = sizePosition({ market: BTC, equity: "10000", available: "10000", entryTicks: priceToTicks(BTC, "50000"), stopTicks: priceToTicks(BTC, "49000"), options: unlimitedMargin });
    expect(r).toEqual({ ok: true, quantity: "0.1", lots: 10_000n, leverage: 3, riskUsd: "100", notionalUsd: "5000" });
  });

  it("is capped by the share of available margin at the chosen leverage, rounded down to whole lots", () => {
    // $9,000 of buying power (30% of $10,000 x 3) at $51,180 is 0.17584998... BTC.
    const r = sizePosition({ market: BTC, equity: "10000", available: "10000", entryTicks: priceToTicks(BTC, "51180"), stopTicks: priceToTicks(BTC, "51100"), options: DEFAULT_SIZING });
    expect(r.ok && r.quantity).toBe("0.17584");
  });

  it("caps leverage at the market's maximum", () => {
    const r = sizePosition({ market: BTC, equity: "10000", available: "10000", entryTicks: 500_000, stopTicks: 490_000, options: { ...unlimitedMargin, leverage: 50 } });
    expect(r.ok && r.leverage).toBe(20);
  });

  it("refuses below the market's minimum size or the $10 notional, with the reason", () => {
    const tooSmallNotional = sizePosition({ market: BTC, equity: "15", available: "15", entryTicks: priceToTicks(BTC, "50000"), stopTicks: priceToTicks(BTC, "49000"), options: unlimitedMargin });
    expect(tooSmallNotional).toEqual({ ok: false, reason: "notional $7.5 is below the $10 minimum" });
    const tooFewLots = sizePosition({ market: SOL, equity: "100", available: "100", entryTicks: priceToTicks(SOL, "150"), stopTicks: priceToTicks(SOL, "130"), options: unlimitedMargin });
    expect(tooFewLots).toEqual({ ok: false, reason: "size 0.05 is below the SOL minimum of 0.1 (risk budget too small)" });
    const noStop = sizePosition({ market: SOL, equity: "100", available: "100", entryTicks: 150_000, stopTicks: 150_000, options: unlimitedMargin });
    expect(noStop.ok).toBe(false);
    const broke = sizePosition({ market: SOL, equity: "-5", available: "0", entryTicks: 150_000, stopTicks: 140_000, options: unlimitedMargin });
    expect(broke).toEqual({ ok: false, reason: "no equity or margin available" });
  });

  it("never risks more than the budget nor uses more than the margin share (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 1_000_000 }), // equity in dollars
        fc.integer({ min: 10_000, max: 2_000_000 }), // entry ticks (BTC: $1,000 to $200,000)
        fc.integer({ min: 1, max: 9_999 }), // stop distance in ticks
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 500 }), // risk bps
        (equity, entry, distance, leverage, riskBps) => {
          const options = { riskBps, leverage, maxMarginBps: 3000 };
          const r = sizePosition({ market: BTC, equity: String(equity), available: String(equity), entryTicks: entry, stopTicks: entry - distance, options });
          if (!r.ok) return;
          const lots = quantityToLots(BTC, r.quantity);
          expect(BigInt(lots)).toBe(r.lots);
          expect(lots).toBeGreaterThanOrEqual(BTC.minBaseLots);
          expect(notional(BTC, distance, lots)).toBeLessThanOrEqual((usd(equity) * BigInt(riskBps)) / 10_000n);
          expect(notional(BTC, entry, lots)).toBeLessThanOrEqual(((usd(equity) * 3000n) / 10_000n) * BigInt(leverage));
          expect(notional(BTC, entry, lots)).toBeGreaterThanOrEqual(BTC.minNotional);
        },
      ),
    );
  });
});
