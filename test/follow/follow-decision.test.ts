import { describe, expect, it } from "vitest";
import { usd } from "../../src/core/money.js";
import { betMicro, decide, type DecisionContext, type SignalFacts } from "../../src/follow/follow-decision.js";
import { followSettingsSchema, type FollowSettings } from "../../src/follow/follow-settings.js";

const T = Date.parse("2026-06-15T00:00:00Z");
const settings = (over: Record<string, unknown> = {}): FollowSettings =>
  followSettingsSchema.parse({ wallets: ["0x1111111111111111111111111111111111111111"], sizing: { mode: "fixed", usd: "10" }, ...over });
const ctx = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  settings: settings(),
  now: T + 1_000,
  market: { status: "open", question: "Will BTC close above 100k?", category: "Crypto", endDate: T + 48 * 3_600_000, tickTicks: 100, minLots: 500 },
  equity: usd("1000"),
  available: usd("1000"),
  heldLots: 0,
  traderHeldLots: 0,
  ...over,
});
const buy = (price = "0.41", size = "100"): SignalFacts => ({ side: "BUY", price, size, tradedAt: T });

describe("a follow model's decision on one signal", () => {
  it("buys the fixed dollars at the trader's price plus the slippage, floored to the lot, on the tick", () => {
    // $10 at 0.43 = 23.2558 shares → 23.25 (lots of 0.01).
    expect(decide(buy(), ctx())).toEqual({ action: "buy", lots: 2325, worstPriceTicks: 4300 });
    // A 0.005 slippage on a 0.01 tick rounds down, inward: the worst price is the trader's.
    expect(decide(buy(), ctx({ settings: settings({ maxSlippage: "0.005" }) }))).toMatchObject({ worstPriceTicks: 4100 });
  });

  it("skips with the filter that refused it", () => {
    const reason = (s: SignalFacts, c: DecisionContext) => {
      const d = decide(s, c);
      return d.action === "skip" ? d.reason : d.action;
    };
    expect(reason(buy(), ctx({ now: T + 400_000 }))).toBe("signal_too_old");
    expect(reason(buy(), ctx({ market: null }))).toBe("unknown_market");
    expect(reason(buy(), ctx({ market: { ...ctx().market!, status: "closed" } }))).toBe("market_closed");
    expect(reason(buy("0.05"), ctx({ settings: settings({ filters: { priceMin: "0.1" } }) }))).toBe("price_out_of_range");
    expect(reason(buy("0.95"), ctx({ settings: settings({ filters: { priceMax: "0.9" } }) }))).toBe("price_out_of_range");
    expect(reason(buy("0.41", "10"), ctx({ settings: settings({ filters: { minTradeUsd: "5" } }) }))).toBe("below_min_trade");
    expect(reason(buy("0.41", "13"), ctx({ settings: settings({ filters: { minTradeUsd: "5" } }) }))).toBe("buy");
    expect(reason(buy(), ctx({ settings: settings({ filters: { categories: ["Politics"] } }) }))).toBe("category_filtered");
    expect(reason(buy(), ctx({ settings: settings({ filters: { categories: ["crypto"] } }) }))).toBe("buy");
    expect(reason(buy(), ctx({ settings: settings({ filters: { keywords: ["election"] } }) }))).toBe("keyword_filtered");
    expect(reason(buy(), ctx({ settings: settings({ filters: { minHoursToEnd: 72 } }) }))).toBe("resolves_too_soon");
    expect(reason(buy(), ctx({ settings: settings({ filters: { maxHoursToEnd: 24 } }) }))).toBe("resolves_too_late");
    const record = settings({ filters: { minTraderResolved: 20, minTraderWinRate: 0.55 } });
    expect(reason(buy(), ctx({ settings: record }))).toBe("trader_record_unavailable");
    expect(reason(buy(), ctx({ settings: record, trader: { resolved: 10, winRate: 0.9 } }))).toBe("trader_record_too_short");
    expect(reason(buy(), ctx({ settings: record, trader: { resolved: 40, winRate: 0.5 } }))).toBe("trader_win_rate_too_low");
    expect(reason(buy(), ctx({ settings: record, trader: { resolved: 40, winRate: 0.6 } }))).toBe("buy");
    expect(reason(buy(), ctx({ available: usd("1") }))).toBe("insufficient_capital");
    expect(reason(buy(), ctx({ settings: settings({ sizing: { mode: "fixed", usd: "1" } }) }))).toBe("below_min_size");
  });

  it("sizes proportionally and by Kelly, clamped to [minBet, maxBet]; Kelly without an edge bets nothing", () => {
    const trade = usd("41"); // 100 shares at 0.41
    expect(betMicro({ mode: "proportional", ratio: 0.1 }, trade, 4100, usd("1000"))).toBe(usd("4.1"));
    expect(betMicro({ mode: "proportional", ratio: 0.1, minBet: "5" }, trade, 4100, usd("1000"))).toBe(usd("5"));
    expect(betMicro({ mode: "fixed", usd: "50", maxBet: "20" }, trade, 4100, usd("1000"))).toBe(usd("20"));
    // p = 0.6 at a price of 0.41: Kelly = (0.6 - 0.41) / 0.59 = 0.32203...; a quarter of it on $1000 = $80.50...
    const k = betMicro({ mode: "kelly", fraction: 0.25 }, trade, 4100, usd("1000"), { resolved: 50, winRate: 0.6 })!;
    expect(Number(k) / 1e6).toBeCloseTo((1000 * 0.25 * (0.6 - 0.41)) / 0.59, 3);
    expect(betMicro({ mode: "kelly", fraction: 0.25 }, trade, 4100, usd("1000"), { resolved: 50, winRate: 0.4 })).toBeNull();
    expect(decide(buy(), ctx({ settings: settings({ sizing: { mode: "kelly", fraction: 0.5 } }), trader: { resolved: 5, winRate: 0.3 } }))).toMatchObject({ action: "skip", reason: "no_edge" });
  });

  it("sells the share of its position the trader sold of theirs; all of it when the trader sells all or its holdings are unknown", () => {
    const sell = (size: string): SignalFacts => ({ side: "SELL", price: "0.4", size, tradedAt: T });
    expect(decide(sell("10"), ctx())).toMatchObject({ action: "skip", reason: "no_follower_position" });
    expect(decide(sell("50"), ctx({ heldLots: 2325, traderHeldLots: 10_000 }))).toEqual({ action: "sell", lots: 1162, all: false });
    expect(decide(sell("100"), ctx({ heldLots: 2325, traderHeldLots: 10_000 }))).toEqual({ action: "sell", lots: 2325, all: true });
    expect(decide(sell("10"), ctx({ heldLots: 2325, traderHeldLots: 0 }))).toEqual({ action: "sell", lots: 2325, all: true });
    expect(decide(sell("1"), ctx({ heldLots: 2325, traderHeldLots: 10_000 }))).toMatchObject({ action: "skip", reason: "below_min_size" });
  });

  it("settings refuse what cannot work, naming the field", () => {
    const problem = (body: Record<string, unknown>) =>
      followSettingsSchema.safeParse({ wallets: ["0x1111111111111111111111111111111111111111"], sizing: { mode: "fixed", usd: "10" }, ...body }).error?.issues[0]?.path.join(".");
    expect(problem({ wallets: [] })).toBe("wallets");
    expect(problem({ sizing: { mode: "fixed", usd: "-1" } })).toBe("sizing.usd");
    expect(problem({ filters: { priceMin: "0.9", priceMax: "0.1" } })).toBe("filters.priceMin");
    expect(problem({ filters: { priceMin: "1.5" } })).toBe("filters.priceMin");
    expect(problem({ filters: { unknown: 1 } })).toBe("filters");
    expect(problem({ maxSignalAgeMs: 10 })).toBe("maxSignalAgeMs");
  });
});
