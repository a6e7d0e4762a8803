import { describe, expect, it } from "vitest";
import type { PredictionMarketView, SignalView } from "../api/types.ts";
import { withPredictionChange, withSignal } from "./live-patches.ts";

const row = (id: number, extra: Partial<SignalView> = {}): SignalView => ({
  id: String(id),
  modelId: "m1",
  wallet: "0x1111111111111111111111111111111111111111",
  conditionId: "0xcd",
  tokenId: "1",
  outcome: "Yes",
  side: "BUY",
  price: "0.41",
  size: "100",
  tradedAt: "2026-06-15T00:00:00.000Z",
  seenAt: "2026-06-15T00:00:02.000Z",
  late: false,
  decision: "pending",
  ...extra,
});

const market = (conditionId: string, status: PredictionMarketView["status"] = "open"): PredictionMarketView => ({
  conditionId,
  question: `Question ${conditionId}?`,
  slug: conditionId,
  status,
  endDate: "2026-06-16T00:00:00.000Z",
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  source: "synthetic",
  outcomes: [
    { outcome: "Yes", tokenId: "1", symbol: "Q-YES", bid: "0.4", ask: "0.42", mid: "0.41" },
    { outcome: "No", tokenId: "2", symbol: "Q-NO", bid: "0.58", ask: "0.6", mid: "0.59" },
  ],
});

describe("stream events written into the answers a page shows", () => {
  it("puts a decided signal in place of its pending row, first when it is newer than every row shown, nowhere when older", () => {
    const pages = [[row(12), row(11, { decision: "copied" })], [row(10)]];
    const decided = row(12, { decision: "skipped", reason: "price_out_of_range" });
    expect(withSignal(pages, decided)).toEqual([[decided, row(11, { decision: "copied" })], [row(10)]]);
    expect(withSignal(pages, row(10, { decision: "copied" }))).toEqual([[row(12), row(11, { decision: "copied" })], [row(10, { decision: "copied" })]]);
    // Ids compare as numbers, not as text ("100" > "99").
    const later = row(100, { decision: "copied" });
    expect(withSignal([[row(99)]], later)).toEqual([[later, row(99)]]);
    expect(withSignal([[]], later), "the first signal of a model").toEqual([[later]]);
    expect(withSignal(pages, row(5, { decision: "copied" })), "older than the pages shown").toBeNull();
    expect(withSignal(pages, row(12)), "no change").toBeNull();
    expect(withSignal([], later), "nothing loaded yet").toBeNull();
  });

  it("gives a market its new status and winner; a resolved market has no prices any more", () => {
    const list = [market("0xaa"), market("0xbb")];
    const closed = withPredictionChange(list, { action: "closed", conditionId: "0xBB", status: "closed" })!;
    expect(closed[0]).toBe(list[0]);
    expect(closed[1]).toEqual({ ...list[1], status: "closed" });
    const resolved = withPredictionChange(closed, { action: "resolved", conditionId: "0xbb", status: "resolved", winner: "No" })!;
    expect(resolved[1]).toMatchObject({ status: "resolved", winner: "No" });
    expect(resolved[1]!.outcomes.map((o) => [o.bid, o.ask, o.mid])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(withPredictionChange(resolved, { action: "resolved", conditionId: "0xbb", status: "resolved", winner: "No" }), "already so").toBeNull();
    expect(withPredictionChange(list, { action: "closed", conditionId: "0xcc", status: "closed" }), "not listed").toBeNull();
  });
});
