import { describe, expect, it } from "vitest";
import type { SignalView } from "../api/types.ts";
import { copyRateText, countSignals, delayText, filtersText, KNOWN_REASONS, reasonText, shortAddress, signalAgeText, sizingText, slippageCents, slippageText, summaryCounts } from "./follow.ts";

const WALLET = "0x1111111111111111111111111111111111111111";
let nextId = 1;
const signal = (decision: SignalView["decision"], extra: Partial<SignalView> = {}): SignalView => ({
  id: String(nextId++),
  modelId: "m1",
  wallet: WALLET,
  conditionId: "0xcd",
  tokenId: "1",
  outcome: "Yes",
  side: "BUY",
  price: "0.41",
  size: "100",
  tradedAt: "2026-06-15T00:00:00.000Z",
  seenAt: "2026-06-15T00:00:02.500Z",
  late: false,
  decision,
  ...extra,
});

/** The reason codes the README lists for follow models (section "Follow models (FT)"). */
const README_REASONS = [
  "signal_too_old",
  "unknown_market",
  "market_closed",
  "price_out_of_range",
  "below_min_trade",
  "category_filtered",
  "keyword_filtered",
  "resolves_too_soon",
  "resolves_too_late",
  "trader_record_unavailable",
  "trader_record_too_short",
  "trader_win_rate_too_low",
  "no_edge",
  "insufficient_capital",
  "below_min_size",
  "no_follower_position",
  "slippage_exceeded",
];

describe("follow model display", () => {
  it("has a sentence of its own for every skip reason the README lists, and names the risk check of a risk refusal", () => {
    expect([...KNOWN_REASONS].sort()).toEqual([...README_REASONS].sort());
    const sentences = README_REASONS.map(reasonText);
    for (const [i, s] of sentences.entries()) expect(s, README_REASONS[i]).toMatch(/^[A-Z].*\.$/);
    expect(new Set(sentences).size, "no two reasons share a sentence").toBe(README_REASONS.length);
    expect(reasonText("price_out_of_range")).toBe("The trader's price was outside the price filter.");
    expect(reasonText("risk_rejected:risk_max_position_pct")).toBe("Refused by the risk check max position pct.");
    expect(reasonText("market_not_accepting_orders")).toBe("Refused: market_not_accepting_orders.");
    expect(reasonText(undefined)).toBe("");
  });

  it("counts signals by decision and skips by reason, most frequent first, and the copy rate over decided ones only", () => {
    const counts = countSignals([
      signal("copied"),
      signal("skipped", { reason: "price_out_of_range" }),
      signal("skipped", { reason: "signal_too_old" }),
      signal("skipped", { reason: "price_out_of_range" }),
      signal("copied"),
      signal("pending"),
      signal("skipped", { reason: "below_min_trade" }),
    ]);
    expect(counts).toEqual({
      total: 7,
      copied: 2,
      skipped: 4,
      pending: 1,
      byReason: [
        { reason: "price_out_of_range", count: 2 },
        { reason: "below_min_trade", count: 1 },
        { reason: "signal_too_old", count: 1 },
      ],
      copyRate: { copied: 2, decided: 6 },
    });
    // 2 of 6 = 33.3…% → 33%; 2 of 3 = 66.6…% → 67%; half rounds up.
    expect(copyRateText(counts.copyRate)).toBe("33%");
    expect(copyRateText({ copied: 2, decided: 3 })).toBe("67%");
    expect(copyRateText({ copied: 1, decided: 8 })).toBe("13%");
    expect(copyRateText(countSignals([signal("pending")]).copyRate)).toBe("—");
    expect(countSignals([])).toMatchObject({ total: 0, byReason: [], copyRate: null });
  });

  it("reads the API's totals in the same shape: skips by reason most frequent first, the copy rate over decided ones, the late ones", () => {
    expect(summaryCounts({ copied: 2, skipped: 4, pending: 1, byReason: { signal_too_old: 1, price_out_of_range: 2, below_min_trade: 1 }, late: 3 })).toEqual({
      total: 7,
      copied: 2,
      skipped: 4,
      pending: 1,
      byReason: [
        { reason: "price_out_of_range", count: 2 },
        { reason: "below_min_trade", count: 1 },
        { reason: "signal_too_old", count: 1 },
      ],
      copyRate: { copied: 2, decided: 6 },
      late: 3,
    });
    expect(summaryCounts({ copied: 0, skipped: 0, pending: 2, byReason: {}, late: 0 })).toMatchObject({ total: 2, copyRate: null, byReason: [] });
  });

  it("gives the slippage against the trader's price in cents, exactly, positive when the copy did worse", () => {
    expect(slippageCents("BUY", "0.41", "0.43")).toBe("2");
    expect(slippageCents("BUY", "0.41", "0.405")).toBe("-0.5");
    expect(slippageCents("SELL", "0.41", "0.395")).toBe("1.5");
    expect(slippageCents("BUY", "0.1", "0.3"), "a float gives 19.999999999999996").toBe("20");
    expect(slippageCents("BUY", "0.0001", "0.0003")).toBe("0.02");
    expect(slippageCents("BUY", "0.41", undefined)).toBeNull();
    expect(slippageText(slippageCents("BUY", "0.41", "0.43"))).toBe("+2¢");
    expect(slippageText(slippageCents("BUY", "0.41", "0.405"))).toBe("-0.5¢");
    expect(slippageText(slippageCents("BUY", "0.41", "0.41"))).toBe("0¢");
    expect(slippageText(null)).toBe("—");
  });

  it("says the delay from trade to seen, a wallet short, and the rules in words", () => {
    expect(delayText("2026-06-15T00:00:00.000Z", "2026-06-15T00:00:00.850Z")).toBe("850 ms");
    expect(delayText("2026-06-15T00:00:00.000Z", "2026-06-15T00:00:04.290Z")).toBe("4.2 s");
    expect(delayText("2026-06-15T00:00:00.000Z", "2026-06-15T00:03:05.000Z")).toBe("3m 05s");
    expect(delayText("2026-06-15T00:00:00.000Z", "2026-06-15T02:10:00.000Z")).toBe("2h 10m");
    expect(shortAddress(WALLET)).toBe("0x1111…1111");
    expect(sizingText({ mode: "fixed", usd: "10" })).toBe("$10 a trade");
    expect(sizingText({ mode: "proportional", ratio: 0.1, maxBet: "50" })).toBe("0.1 × the trader's dollars (at most $50)");
    expect(sizingText({ mode: "kelly", fraction: 0.25, minBet: "1", maxBet: "20" })).toBe("0.25 × Kelly on the trader's win rate (at least $1, at most $20)");
    expect(filtersText({})).toBe("no filters: every trade");
    expect(filtersText({ priceMin: "0.05", priceMax: "0.9", minTradeUsd: "50", categories: ["crypto", "sports"], maxHoursToEnd: 72, minTraderWinRate: 0.55 })).toBe(
      "price 5¢–90¢ · trades of $50 or more · categories: crypto, sports · ends in ≤ 72 h · trader win rate ≥ 55%",
    );
    expect(signalAgeText(300_000)).toBe("5 min");
    expect(signalAgeText(7_200_000)).toBe("2 h");
    expect(signalAgeText(45_000)).toBe("45 s");
  });
});
