import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, priceToTicks } from "../../src/core/market.js";
import { entryOrderFields, MARKET_ENTRIES } from "../../src/scheduler/entry-orders.js";

const btc = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const NOW = Date.parse("2026-11-01T00:00:00Z");

describe("entry orders", () => {
  it("market entries add nothing: the order is the tool call's market order", () => {
    expect(entryOrderFields(MARKET_ENTRIES, btc, "LONG", { bid: 100_000, ask: 100_010 }, NOW)).toEqual({});
  });

  it("limit entries rest post-only behind the touch, rounded away from it, until the expiry", () => {
    const policy = { type: "limit", offsetBps: 5, expireAfterMs: 90_000 } as const;
    const long = entryOrderFields(policy, btc, "LONG", { bid: 100_000, ask: 100_010 }, NOW);
    // 100000 x (1 - 0.0005) = 99950 ticks exactly; 100011 x 1.0005 = 100061.0055 rounds up to 100062.
    expect(priceToTicks(btc, long.price!)).toBe(99_950);
    expect(long).toMatchObject({ type: "LIMIT", timeInForce: "GTT", postOnly: true, expiresAt: new Date(NOW + 90_000).toISOString() });
    const short = entryOrderFields(policy, btc, "SHORT", { bid: 100_000, ask: 100_011 }, NOW);
    expect(priceToTicks(btc, short.price!)).toBe(100_062);
    // A long never bids above the bid, a short never offers below the ask, at any offset.
    const atTouch = { type: "limit", offsetBps: 0, expireAfterMs: 1000 } as const;
    expect(priceToTicks(btc, entryOrderFields(atTouch, btc, "LONG", { bid: 123_457, ask: 123_460 }, NOW).price!)).toBe(123_457);
    expect(priceToTicks(btc, entryOrderFields(atTouch, btc, "SHORT", { bid: 123_457, ask: 123_460 }, NOW).price!)).toBe(123_460);
  });

  it("without a touch on its side there is no price to rest at: the entry stays a market order (which the service refuses on an empty book)", () => {
    expect(entryOrderFields({ type: "limit", offsetBps: 0, expireAfterMs: 1000 }, btc, "LONG", { ask: 100_010 }, NOW)).toEqual({});
  });
});
