import { describe, expect, it } from "vitest";
import type { MarketSpec } from "../../src/core/market.js";
import { percentToFraction, readMarketStats } from "../../src/feeds/lighter/market-stats.js";
import { fractionToPercent } from "../fake-lighter/decimal.js";

const ETH: MarketSpec = { symbol: "ETH", marketId: 0, sizeDecimals: 4, priceDecimals: 2, minBaseLots: 50, minNotional: 10_000_000n, maxLeverage: 20, maintenanceMarginBps: 120 };
const HOUR = 3_600_000;
// 2026-03-30T13:17:24.933Z: 17 minutes and some past the hour.
const TS = Date.UTC(2026, 2, 30, 13, 17, 24, 933);

/** The frame as NautilusTrader's fixture (from Lighter's WebSocket reference) has it, with our figures. */
function frame(stats: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: "market_stats:0",
    market_stats: {
      symbol: "ETH",
      market_id: 0,
      index_price: "2064.48",
      mark_price: "2064.47",
      open_interest: "27250.8411",
      funding_rate: "0.0008",
      funding_timestamp: Date.UTC(2026, 2, 30, 13),
      ...stats,
    },
    timestamp: TS,
    type: "update/market_stats",
    ...extra,
  };
}

describe("Lighter market_stats", () => {
  it("reads current_funding_rate as percent per hour into an exact fraction", () => {
    expect(percentToFraction("0.0012")).toBe("0.000012");
    expect(percentToFraction("-0.0012")).toBe("-0.000012");
    expect(percentToFraction("0.5000")).toBe("0.005");
    expect(percentToFraction("0")).toBe("0");
    // Finer than any venue writes, still exact: 16 decimals of percent are 18 of a fraction.
    expect(percentToFraction("0.0000000000000001")).toBe("0.000000000000000001");
    expect(() => percentToFraction("0.00000000000000001")).toThrow(/decimals/);
  });

  it("makes a snapshot: the coming rate, an hour's interval, the next whole hour, open interest in lots", () => {
    const r = readMarketStats(ETH, frame({ current_funding_rate: "0.0012" }), 0);
    expect(r).toEqual({
      kind: "snapshot",
      snapshot: { symbol: "ETH", ts: TS, fundingRate: "0.000012", fundingIntervalMs: HOUR, nextFundingAt: Date.UTC(2026, 2, 30, 14), openInterestLots: 272_508_411 },
    });
  });

  it("uses the reader's clock when the frame has no timestamp, and the next hour even on the hour", () => {
    const onTheHour = Date.UTC(2026, 2, 30, 14);
    const r = readMarketStats(ETH, frame({ current_funding_rate: "0.0012" }, { timestamp: undefined }), onTheHour);
    expect(r.kind === "snapshot" && [r.snapshot.ts, r.snapshot.nextFundingAt]).toEqual([onTheHour, onTheHour + HOUR]);
  });

  it("keeps the rate without the open interest when the open interest is off the market's size grid", () => {
    const r = readMarketStats(ETH, frame({ current_funding_rate: "0.0012", open_interest: "27250.84115" }), 0);
    expect(r.kind).toBe("snapshot");
    if (r.kind !== "snapshot") return;
    expect(r.snapshot.fundingRate).toBe("0.000012");
    expect(r.snapshot.openInterestLots).toBeUndefined();
    expect(r.note).toMatch(/open_interest "27250.84115"/);
  });

  it("rejects what it cannot read, saying why", () => {
    const reason = (f: Record<string, unknown>) => {
      const r = readMarketStats(ETH, f, TS);
      return r.kind === "rejected" ? r.reason : r.kind;
    };
    expect(reason(frame({ current_funding_rate: 0.0012 }))).toMatch(/current_funding_rate 0.0012 is not a decimal string/);
    expect(reason(frame({ current_funding_rate: undefined }))).toMatch(/current_funding_rate undefined is not a decimal string/);
    expect(reason(frame({ current_funding_rate: "n/a" }))).toMatch(/current_funding_rate "n\/a" \(percent\)/);
    // 100 % an hour is no funding rate.
    expect(reason(frame({ current_funding_rate: "100" }))).toMatch(/between -1 and 1/);
    expect(reason(frame({ current_funding_rate: "0.0012", market_id: 1 }))).toMatch(/market_id 1 on the channel of market 0/);
    expect(reason({ channel: "market_stats:0", market_stats: null, type: "update/market_stats" })).toMatch(/not an object/);
    expect(reason({ channel: "market_stats:0", market_stats: [1], type: "update/market_stats" })).toMatch(/not an object/);
    // Not a stats frame at all (an error frame routed to the channel): nothing to say.
    expect(reason({ error: { code: 30005, message: "Invalid Channel" } })).toBe("ignored");
  });

  it("the fake writes fractions back as Lighter's percent, at least four decimals", () => {
    expect(fractionToPercent("0.000012")).toBe("0.0012");
    expect(fractionToPercent("-0.0001")).toBe("-0.0100");
    expect(fractionToPercent("0.0000125")).toBe("0.00125");
    expect(fractionToPercent("0")).toBe("0.0000");
    for (const f of ["0.000012", "-0.0001", "0.0000125", "0.003"]) expect(percentToFraction(fractionToPercent(f))).toBe(f);
  });
});
