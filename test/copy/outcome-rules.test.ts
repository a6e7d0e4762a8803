import { describe, expect, it } from "vitest";
import { fillRate, positionsPnl, type OutcomeCounts } from "../../src/copy/mirror-report.js";
import { belowMinExit, isResolutionClose, outcomeVerdict, resolutionVerdict } from "../../src/copy/outcome-signals.js";
import { followSignalOf, toSignal } from "../../src/copy/signal.js";
import { boundTicks, entryLots, reductionLots, slippageBps } from "../../src/copy/sizing.js";
import { reasonOfOrder, reasonOfRefusal } from "../../src/copy/venue-reasons.js";
import { DEFAULT_MARKETS, type MarketSpec } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import { events } from "../../src/events/events.js";

/** An outcome token as the catalog makes one: prices in 10^-4 dollars on a 0.01 tick, sizes in 10^-2 shares, 5 shares minimum. */
const token = (tickTicks = 100, accepting = true): MarketSpec => ({
  symbol: "WILL-IT-YES",
  marketId: -1,
  sizeDecimals: 2,
  priceDecimals: 4,
  minBaseLots: 500,
  minNotional: 0n,
  maxLeverage: 1,
  maintenanceMarginBps: 0,
  instrument: { kind: "outcome", conditionId: "0x01", tokenId: "1", outcome: "Yes", tickTicks, accepting },
});
const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const counts = (c: Partial<OutcomeCounts>): OutcomeCounts => ({ signals: 0, filled: 0, partial: 0, skipped: 0, failed: 0, inFlight: 0, byReason: {}, ...c });

describe("copying outcome tokens", () => {
  it("bounds an entry on the market's own tick, inside (0, 1), never past the bound", () => {
    // 0.42 + 50 bps = 0.4221: on a 0.01 tick 0.42 (0.43 would pass the bound); + 300 bps = 0.4326: 0.43.
    expect(boundTicks(token(), "BUY", "0.42", 50)).toBe(4200);
    expect(boundTicks(token(), "BUY", "0.42", 300)).toBe(4300);
    // The same on a 0.001 tick (0.422) and on Polymarket's finest, 0.0001 (0.4221).
    expect(boundTicks(token(10), "BUY", "0.42", 50)).toBe(4220);
    expect(boundTicks(token(1), "BUY", "0.42", 50)).toBe(4221);
    // An average fill between ticks: 0.4234 + 50 bps = 0.42551, and the tick within it is 0.42.
    expect(boundTicks(token(), "BUY", "0.4234", 50)).toBe(4200);
    // Near 1: 0.995 + 100 bps passes 1; the last price the CLOB takes is 0.99 (0.999 on a 0.001 tick).
    expect(boundTicks(token(), "BUY", "0.995", 100)).toBe(9900);
    expect(boundTicks(token(10), "BUY", "0.9995", 100)).toBe(9990);
    // A seller: 0.02 - 50% = 0.01; 0.015 - 100 bps = 0.01485, up to the tick 0.02 (inward: never below the bound).
    expect(boundTicks(token(), "SELL", "0.02", 5000)).toBe(100);
    expect(boundTicks(token(), "SELL", "0.015", 100)).toBe(200);
    // No price on the tick within the bound: a buyer's below the first tick, a seller's above the last.
    expect(boundTicks(token(), "BUY", "0.005", 50)).toBeNull();
    expect(boundTicks(token(), "SELL", "0.995", 0)).toBeNull();
    // A perpetual is unchanged (its tick is its price decimal).
    expect(boundTicks(BTC, "BUY", "50000", 50)).toBe(502_500);
  });

  it("sizes in dollars at prices between 0 and 1, in lots of 0.01 shares, rounded down", () => {
    const base = { market: token(), sourceQuantity: "23.25", sourcePrice: "0.42", followerEquity: usd("500"), sourceEquity: usd("1000") };
    // $10 at 0.42 is 23.8095... shares: 23.80.
    expect(entryLots({ ...base, sizing: { mode: "fixedNotional", usd: "10" } })).toEqual({ lots: 2380n, capped: false });
    // At most $5 an order: 11.9047... shares: 11.90.
    expect(entryLots({ ...base, sizing: { mode: "fixedNotional", usd: "10", maxNotional: "5" } })).toEqual({ lots: 1190n, capped: true });
    // Half of 23.25 is 11.625: 11.62, by ratio or by equity (500 against 1000).
    expect(entryLots({ ...base, sizing: { mode: "ratio", ratio: "0.5" } })).toEqual({ lots: 1162n, capped: false });
    expect(entryLots({ ...base, sizing: { mode: "proportional" } })).toEqual({ lots: 1162n, capped: false });
    // A reduction takes the source's fraction of the follower's own shares: 41.03 x 15.15 / 45.47 = 13.67.
    expect(reductionLots(4103n, "reduce", "15.15", "30.32")).toBe(1367n);
  });

  it("measures slippage in basis points, positive when the follower did worse, buying or selling", () => {
    expect(slippageBps("BUY", "0.41", "0.427096774194")).toBe("416.99");
    expect(slippageBps("BUY", "0.42", "0.427096774194")).toBe("168.97");
    expect(slippageBps("SELL", "0.41", "0.4")).toBe("243.9");
    expect(slippageBps("BUY", "0.43", "0.42")).toBe("-232.56");
  });

  it("refuses what an outcome token rules out before anything is sent", () => {
    expect(outcomeVerdict(token(), { action: "open", side: "SHORT", symbol: "WILL-IT-YES" })?.reason).toBe("symbol_not_allowed");
    expect(outcomeVerdict(token(100, false), { action: "open", side: "LONG", symbol: "WILL-IT-YES" })?.reason).toBe("market_closed");
    expect(outcomeVerdict(token(100, false), { action: "close", side: "LONG", symbol: "WILL-IT-YES" })?.message).toMatch(/settled when it resolves/);
    expect(outcomeVerdict(token(), { action: "open", side: "LONG", symbol: "WILL-IT-YES" })).toBeNull();
    expect(outcomeVerdict(BTC, { action: "open", side: "SHORT", symbol: "BTC" })).toBeNull();
    // The 5-share minimum applies to sales too: 4.99 is refused, 5 goes.
    expect(belowMinExit(token(), 499n, 2000n)).toMatchObject({ reason: "below_min_size" });
    expect(belowMinExit(token(), 500n, 2000n)).toBeNull();
    expect(belowMinExit(BTC, 1n, 2n)).toBeNull();
  });

  it("records a resolution close as market_resolved, and leaves it out of the fill rate", () => {
    expect(isResolutionClose({ action: "close", closeTrigger: "RESOLUTION" })).toBe(true);
    expect(isResolutionClose({ action: "close", closeTrigger: "STOP" })).toBe(false);
    expect(isResolutionClose({ action: "reduce", closeTrigger: "RESOLUTION" })).toBe(false);
    expect(resolutionVerdict({ symbol: "X", price: "1" }, "12.5").message).toMatch(/at \$1 a share; the follower's 12.5 shares are settled by the same resolution/);
    expect(resolutionVerdict({ symbol: "X", price: "0" }, null).message).toMatch(/at \$0 a share; the follower held none/);
    // 3 filled of 6 that wanted an order; the resolution wanted none.
    expect(fillRate(counts({ filled: 3, skipped: 4, byReason: { market_resolved: 1, slippage_exceeded: 3 } }))).toBe(0.5);
    expect(fillRate(counts({ skipped: 1, byReason: { market_resolved: 1 } }))).toBeNull();
  });

  it("reads the source's order and close trigger from its position event, and the wallet trade behind a follow model's order", () => {
    const position = { id: "p", modelId: "ft", symbol: "WILL-IT-YES", side: "LONG", quantity: "0", leverage: "1", exitPlan: null };
    const redeemed = toSignal(
      7,
      events.positionClosed({ modelId: "ft", position: { ...position, closeTrigger: "RESOLUTION", fill: { quantity: "30.32", price: "1", clientOrderId: "redeem-p" } } }),
      0,
    );
    expect(redeemed).toMatchObject({ action: "close", closeTrigger: "RESOLUTION", clientOrderId: "redeem-p", price: "1" });
    const copied = toSignal(8, events.positionOpened({ modelId: "ft", position: { ...position, closeTrigger: null, fill: { quantity: "23.25", price: "0.42", clientOrderId: "follow-41" } } }), 0);
    expect(followSignalOf(copied as { clientOrderId: string })).toBe(41);
    // An event written before events named their order: no trader to compare with.
    const old = toSignal(9, events.positionOpened({ modelId: "ft", position: { ...position, closeTrigger: null, fill: { quantity: "1", price: "0.5" } } }), 0);
    expect(old).toMatchObject({ clientOrderId: null });
    expect(followSignalOf({ clientOrderId: "mx-abc" })).toBeNull();
    expect(followSignalOf({ clientOrderId: "follow-1x" })).toBeNull();
  });

  it("names the reason the venue or the trading service gave, in the mirror's words", () => {
    expect(reasonOfOrder("REJECTED", "invalid_order_min_size", false)).toBe("below_min_size");
    expect(reasonOfOrder("REJECTED", "market_not_accepting_orders", true)).toBe("market_closed");
    expect(reasonOfOrder("CANCELED", "no_liquidity_within_bound", false)).toBe("slippage_exceeded");
    expect(reasonOfOrder("CANCELED", "fok_unfillable", false)).toBe("slippage_exceeded");
    expect(reasonOfOrder("EXPIRED", "gtt_expired", false)).toBe("expired");
    expect(reasonOfOrder("REJECTED", "invalid_order_not_enough_balance", false)).toBe("insufficient_capital");
    expect(reasonOfOrder("REJECTED", "invalid_order_not_enough_balance", true)).toBe("no_follower_position");
    expect(reasonOfOrder("REJECTED", "invalid_order_min_tick_size", false)).toBe("venue_error");
    expect(reasonOfRefusal("market_not_accepting_orders", 422)).toBe("market_closed");
    expect(reasonOfRefusal("invalid_order_min_size", 422)).toBe("below_min_size");
    expect(reasonOfRefusal("risk_max_leverage", 422)).toBe("risk_rejected");
    expect(reasonOfRefusal("venue_down", 502)).toBe("venue_error");
  });

  it("sums a side's P&L and return on what it put in, exactly", () => {
    expect(positionsPnl({ positions: 1, cost: usd("17.7532"), realized: usd("15.0748"), unrealized: 0n })).toEqual({
      positions: 1,
      cost: "17.7532",
      realizedPnl: "15.0748",
      unrealizedPnl: "0",
      pnl: "15.0748",
      returnPct: 84.9131,
    });
    expect(positionsPnl({ positions: 0, cost: 0n, realized: 0n, unrealized: 0n }).returnPct).toBeNull();
  });
});
