import { describe, expect, it } from "vitest";
import { polymarketMarketInput } from "../../src/feeds/prediction/polymarket-market-input.js";
import { gammaMarketRow, toMarketMeta, type PredictionMarketMeta } from "../../src/venues/polymarket/gamma.js";

/** A Gamma /markets row, as the API writes it, turned into the catalog's input. */

const CONDITION = `0x${"5e".repeat(32)}`;

function meta(row: Record<string, unknown> = {}): PredictionMarketMeta {
  return toMarketMeta(
    gammaMarketRow.parse({
      id: "512345",
      question: "Will it rain in Paris on 1 July?",
      conditionId: CONDITION.toUpperCase().replace("0X", "0x"),
      slug: "will-it-rain-in-paris-on-1-july",
      endDate: "2030-07-01T12:00:00Z",
      category: "Weather",
      outcomes: '["Yes", "No"]',
      outcomePrices: '["0.37", "0.63"]',
      clobTokenIds: '["123", "456"]',
      active: true,
      closed: false,
      acceptingOrders: true,
      negRisk: true,
      orderPriceMinTickSize: 0.001,
      orderMinSize: 5,
      ...row,
    }),
  );
}

describe("polymarketMarketInput", () => {
  it("keeps the tick, minimum size, neg-risk, end date, category and tokens; the condition id in lower case", () => {
    expect(polymarketMarketInput(meta())).toEqual({
      input: {
        conditionId: CONDITION,
        question: "Will it rain in Paris on 1 July?",
        slug: "will-it-rain-in-paris-on-1-july",
        status: "open",
        endDate: Date.parse("2030-07-01T12:00:00Z"),
        tickSize: "0.001",
        minOrderSize: "5",
        negRisk: true,
        category: "Weather",
        outcomes: [
          { outcome: "Yes", tokenId: "123" },
          { outcome: "No", tokenId: "456" },
        ],
        source: "polymarket",
      },
    });
  });

  it("reads a resolved market with its winner, a closed one as closed; a market without a slug is named by its condition id", () => {
    expect(polymarketMarketInput(meta({ closed: true, outcomePrices: '["0", "1"]' }))).toMatchObject({ input: { status: "resolved", winner: "No" } });
    expect(polymarketMarketInput(meta({ closed: true }))).toMatchObject({ input: { status: "closed" } });
    expect(polymarketMarketInput(meta({ slug: null }))).toMatchObject({ input: { slug: CONDITION } });
  });

  it("refuses what it would have to guess, with the reason", () => {
    const problem = (row: Record<string, unknown>) => {
      const read = polymarketMarketInput(meta(row));
      return "problem" in read ? read.problem : null;
    };
    expect(problem({ orderPriceMinTickSize: null })).toMatch(/no tick size/);
    expect(problem({ orderPriceMinTickSize: 0.02 })).toMatch(/tick size 0.02 is not one/);
    expect(problem({ orderMinSize: null })).toMatch(/no minimum order size/);
    expect(problem({ orderMinSize: 0.001 })).toMatch(/minOrderSize/);
    expect(problem({ endDate: null })).toMatch(/no end date/);
    expect(problem({ clobTokenIds: '["0xabc", "456"]' })).toMatch(/token ids are decimal numbers/);
    expect(problem({ outcomes: '["Yes", "Yes"]' })).toMatch(/names an outcome twice/);
  });
});
