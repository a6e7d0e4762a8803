import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, findMarket } from "../../src/core/market.js";
import type { DerivativesSnapshot } from "../../src/market/derivatives.js";
import { DerivativesStore } from "../../src/market/derivatives-store.js";
import { fundingCashFlow, nextFundingTime, parseFundingRate, simFundingPaymentId } from "../../src/market/funding.js";

const BTC = findMarket(DEFAULT_MARKETS, "BTC")!;
const ETH = findMarket(DEFAULT_MARKETS, "ETH")!;
const SOL = findMarket(DEFAULT_MARKETS, "SOL")!;

describe("funding amount = quantity x mark x rate, exact to the micro-dollar", () => {
  it("a positive rate: longs pay shorts (0.01 BTC at 50,000 x 0.01% = $0.05)", () => {
    // 0.01 BTC = 1,000 lots; 50,000.0 = 500,000 ticks; notional $500.
    expect(fundingCashFlow(BTC, "LONG", 1_000n, 500_000, "0.0001")).toBe(-50_000n);
    expect(fundingCashFlow(BTC, "SHORT", 1_000n, 500_000, "0.0001")).toBe(50_000n);
  });

  it("a negative rate: shorts pay longs (0.5 ETH at 3,000 x -0.0125% = $0.1875)", () => {
    // 0.5 ETH = 5,000 lots; 3,000.00 = 300,000 ticks; notional $1,500.
    expect(fundingCashFlow(ETH, "LONG", 5_000n, 300_000, "-0.000125")).toBe(187_500n);
    expect(fundingCashFlow(ETH, "SHORT", 5_000n, 300_000, "-0.000125")).toBe(-187_500n);
  });

  it("rounds half away from zero, so a long and a short always get exactly opposite amounts", () => {
    // 0.00005 BTC at 50,050.0: notional $2.5025; x 0.02% = 500.5 micro-dollars -> 501.
    expect(fundingCashFlow(BTC, "LONG", 5n, 500_500, "0.0002")).toBe(-501n);
    expect(fundingCashFlow(BTC, "SHORT", 5n, 500_500, "0.0002")).toBe(501n);
    expect(fundingCashFlow(BTC, "LONG", 5n, 500_500, "-0.0002")).toBe(501n);
    expect(fundingCashFlow(BTC, "SHORT", 5n, 500_500, "-0.0002")).toBe(-501n);
    // 500.44995 micro-dollars rounds down.
    expect(fundingCashFlow(BTC, "SHORT", 5n, 500_500, "0.00019998")).toBe(500n);
    // 2.5 SOL at 150.123: $375.3075 x 0.037% = $0.138863775 -> 138,864 micro-dollars.
    expect(fundingCashFlow(SOL, "LONG", 2_500n, 150_123, "0.00037")).toBe(-138_864n);
  });

  it("a zero rate or an empty position moves nothing", () => {
    expect(fundingCashFlow(BTC, "LONG", 1_000n, 500_000, "0")).toBe(0n);
    expect(fundingCashFlow(BTC, "SHORT", 0n, 500_000, "0.0001")).toBe(0n);
  });

  it("refuses what is no funding rate or no mark, naming it", () => {
    expect(() => parseFundingRate("abc")).toThrow(/funding rate "abc"/);
    expect(() => parseFundingRate("1")).toThrow(/between -1 and 1/);
    expect(() => parseFundingRate("-1.5")).toThrow(/between -1 and 1/);
    expect(() => parseFundingRate("0.0000000000000000001")).toThrow(/more than 18 decimals/);
    expect(parseFundingRate("1e-4")).toBe(100_000_000_000_000n);
    expect(() => fundingCashFlow(BTC, "LONG", 1n, 0, "0.0001")).toThrow(/positive mark/);
    expect(() => fundingCashFlow(BTC, "LONG", -1n, 500_000, "0.0001")).toThrow(/at least 0 lots/);
  });
});

describe("funding times", () => {
  it("fall on multiples of the interval since the epoch (8 h: 00:00, 08:00, 16:00 UTC), strictly after the time given", () => {
    const h8 = 8 * 3_600_000;
    expect(nextFundingTime(Date.parse("2026-01-01T07:59:59.999Z"), h8)).toBe(Date.parse("2026-01-01T08:00:00Z"));
    expect(nextFundingTime(Date.parse("2026-01-01T08:00:00Z"), h8)).toBe(Date.parse("2026-01-01T16:00:00Z"));
    expect(nextFundingTime(Date.parse("2026-01-01T16:30:00Z"), h8)).toBe(Date.parse("2026-01-02T00:00:00Z"));
    expect(() => nextFundingTime(0, 0)).toThrow(/positive whole number/);
  });

  it("a simulated payment's id names the symbol, the time and the position", () => {
    expect(simFundingPaymentId("BTC", 1_767_254_400_000, "p-1")).toBe("sim:BTC:1767254400000:p-1");
  });
});

describe("DerivativesStore", () => {
  const snap = (over: Partial<DerivativesSnapshot> = {}): DerivativesSnapshot => ({
    symbol: "BTC",
    ts: 1_000,
    fundingRate: "0.0001",
    fundingIntervalMs: 28_800_000,
    nextFundingAt: 28_800_000,
    openInterestLots: 123,
    ...over,
  });

  it("keeps the latest snapshot per market (a copy) and ignores an older one", () => {
    const store = new DerivativesStore(DEFAULT_MARKETS);
    expect(store.derivatives("BTC")).toBeUndefined();
    const first = snap();
    expect(store.update(first)).toBe(true);
    first.fundingRate = "0.9";
    expect(store.derivatives("BTC")?.fundingRate).toBe("0.0001");
    expect(store.update(snap({ ts: 2_000, fundingRate: "-0.0002" }))).toBe(true);
    expect(store.update(snap({ ts: 1_500, fundingRate: "0.0003" }))).toBe(false);
    expect(store.derivatives("BTC")?.fundingRate).toBe("-0.0002");
    expect(store.derivatives("ETH")).toBeUndefined();
  });

  it("refuses a malformed snapshot with the reason and keeps what it had", () => {
    const store = new DerivativesStore(DEFAULT_MARKETS);
    store.update(snap());
    expect(() => store.update(snap({ symbol: "DOGE" }))).toThrow(/DOGE: unknown market/);
    expect(() => store.update(snap({ ts: 5_000, fundingRate: 0.0001 as unknown as string }))).toThrow(/decimal string/);
    expect(() => store.update(snap({ ts: 5_000, fundingRate: "2" }))).toThrow(/between -1 and 1/);
    expect(() => store.update(snap({ ts: 5_000, nextFundingAt: 5_000 }))).toThrow(/must come after ts/);
    expect(() => store.update(snap({ ts: 5_000, fundingIntervalMs: 0 }))).toThrow(/fundingIntervalMs/);
    expect(() => store.update(snap({ ts: 5_000, openInterestLots: 1.5 }))).toThrow(/openInterestLots/);
    expect(store.derivatives("BTC")).toEqual(snap());
  });
});
