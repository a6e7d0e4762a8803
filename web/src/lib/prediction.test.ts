import { describe, expect, it } from "vitest";
import type { PredictionMarketView } from "../api/types.ts";
import { buyErrorField, cents, outcomeLabel, probability, rowsOfMarket, splitMarkets, tickDecimals, timeLeft } from "./prediction.ts";

const market = (conditionId: string, status: PredictionMarketView["status"], endDate: string, extra: Partial<PredictionMarketView> = {}): PredictionMarketView => ({
  conditionId,
  question: `Question ${conditionId}?`,
  slug: conditionId,
  status,
  endDate,
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  source: "synthetic",
  outcomes: [],
  ...extra,
});

describe("prediction market display", () => {
  it("reads a price as cents and as a probability, exactly on every tick", () => {
    expect(cents("0.61")).toBe("61¢");
    expect(probability("0.61")).toBe("61%");
    // 0.575 × 100 in floating point is 57.4999…; the decimal route keeps the half cent.
    expect(cents("0.575")).toBe("57.5¢");
    expect(probability("0.0001")).toBe("0.01%");
    expect(cents("1")).toBe("100¢");
    expect(cents("0")).toBe("0¢");
    expect(cents("0.10")).toBe("10¢");
    expect(cents(null)).toBe("—");
    expect(probability("not a price")).toBe("—");
  });

  it("gives a price the decimals its tick needs, at least two", () => {
    expect(tickDecimals("0.01")).toBe(2);
    expect(tickDecimals("0.001")).toBe(3);
    expect(tickDecimals("0.0001")).toBe(4);
    expect(tickDecimals("0.1")).toBe(2);
  });

  it("counts down to the end in whole seconds, then says ended", () => {
    const end = "2026-01-01T12:00:00.000Z";
    const at = (iso: string) => Date.parse(iso);
    expect(timeLeft(end, at("2026-01-01T11:59:15.400Z"))).toBe("44s");
    expect(timeLeft(end, at("2026-01-01T11:55:55.000Z"))).toBe("4m 05s");
    expect(timeLeft(end, at("2026-01-01T09:55:00.000Z"))).toBe("2h 05m");
    expect(timeLeft(end, at("2025-12-29T08:00:00.000Z"))).toBe("3d 4h");
    expect(timeLeft(end, at(end))).toBe("ended");
    expect(timeLeft(end, at("2026-01-01T12:00:09.000Z"))).toBe("ended");
    expect(timeLeft("soon", 0)).toBe("—");
  });

  it("puts open markets first in the API's order and ended ones after, latest end first", () => {
    const list = [
      market("0xb", "open", "2026-01-01T12:30:00Z"),
      market("0xa", "open", "2026-01-01T12:10:00Z"),
      market("0xc", "resolved", "2026-01-01T11:00:00Z", { winner: "Yes" }),
      market("0xd", "closed", "2026-01-01T11:50:00Z"),
      market("0xe", "resolved", "2026-01-01T11:20:00Z", { winner: "No" }),
    ];
    const { open, ended } = splitMarkets(list);
    expect(open.map((m) => m.conditionId)).toEqual(["0xb", "0xa"]);
    expect(ended.map((m) => m.conditionId)).toEqual(["0xd", "0xe", "0xc"]);
  });

  it("names an outcome token by its market's question, and a perpetual not at all", () => {
    const markets = [market("0xa", "resolved", "2026-01-01T12:00:00Z", { question: "Rain tomorrow?", winner: "No" })];
    expect(outcomeLabel({ kind: "outcome", conditionId: "0xa", tokenId: "1", outcome: "Yes" }, markets)).toEqual({ conditionId: "0xa", question: "Rain tomorrow?", outcome: "Yes", winner: "No" });
    expect(outcomeLabel({ kind: "outcome", conditionId: "0xf", tokenId: "2", outcome: "No" }, markets)).toEqual({ conditionId: "0xf", question: null, outcome: "No", winner: null });
    expect(outcomeLabel({ kind: "outcome", conditionId: "0xa", tokenId: "1", outcome: "Yes" }, undefined)?.question).toBeNull();
    expect(outcomeLabel(undefined, markets)).toBeNull();
  });

  it("keeps the rows of one market's tokens", () => {
    const rows = [
      { id: "1", instrument: { kind: "outcome" as const, conditionId: "0xa", tokenId: "1", outcome: "Yes" } },
      { id: "2" },
      { id: "3", instrument: { kind: "outcome" as const, conditionId: "0xb", tokenId: "3", outcome: "Yes" } },
      { id: "4", instrument: { kind: "outcome" as const, conditionId: "0xa", tokenId: "2", outcome: "No" } },
    ];
    expect(rowsOfMarket(rows, "0xa").map((r) => r.id)).toEqual(["1", "4"]);
  });

  it("puts a refused buy's message under the input it is about", () => {
    expect(buyErrorField(422, "invalid_order_min_size", "quantity 1 is below the minimum order size of 5 shares")).toBe("quantity");
    expect(buyErrorField(422, "invalid_order_not_enough_balance", "not enough")).toBe("quantity");
    expect(buyErrorField(400, "invalid_request", "quantity: must be a positive decimal")).toBe("quantity");
    expect(buyErrorField(400, "invalid_request", "symbol: unknown")).toBe("symbol");
    expect(buyErrorField(409, "market_not_accepting_orders", "the market stopped trading")).toBe("");
  });
});
