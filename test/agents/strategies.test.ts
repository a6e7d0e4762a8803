import { describe, expect, it } from "vitest";
import { createBreakout } from "../../src/agents/rules/breakout.js";
import { RULE_STRATEGIES, findRuleStrategy } from "../../src/agents/rules/index.js";
import type { Decision } from "../../src/agents/tools.js";
import { notional, priceToTicks, quantityToLots } from "../../src/core/market.js";
import { BTC, SOL, candles, context, portfolio, position, ramp, rampTo, RecordingTools, type SeriesBySymbol } from "./fixtures.js";

const trend = RULE_STRATEGIES["trend-following"]!;
const meanRev = RULE_STRATEGIES["mean-reversion"]!;
const breakout = RULE_STRATEGIES["breakout"]!;

/** A clean uptrend on every timeframe, ending at 51,180. */
function uptrend(): SeriesBySymbol {
  return {
    BTC: {
      "1m": candles(BTC, "1m", rampTo(51_180, 4, 60), 2),
      "5m": candles(BTC, "5m", ramp(50_000, 20, 60), 10),
      "1h": candles(BTC, "1h", rampTo(51_180, 200, 30), 50),
    },
  };
}

function flat(price: number): SeriesBySymbol {
  const bars = Array.from({ length: 60 }, () => price);
  return { BTC: { "1m": candles(BTC, "1m", bars), "5m": candles(BTC, "5m", bars), "1h": candles(BTC, "1h", bars.slice(0, 30)) } };
}

/** SOL oscillating around 100, then a sharp dip on 5m and 1m. */
function solDip(): SeriesBySymbol {
  const calm = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 100.2 : 99.8));
  const dip5m = [...calm, ...ramp(99, -1, 8)]; // ends at 92
  const dip1m = [...calm, ...rampTo(92, -0.4, 15)];
  return {
    SOL: {
      "1m": candles(SOL, "1m", dip1m, 0.05),
      "5m": candles(SOL, "5m", dip5m, 0.1),
      "1h": candles(SOL, "1h", calm.slice(0, 30), 0.3),
    },
  };
}

/** BTC ranging between 49,900 and 50,100 on 5m, then a close at 50,400 on five times the volume. */
function rangeBreak(volume = 5): SeriesBySymbol {
  const range = Array.from({ length: 40 }, (_, i) => ({ close: i % 2 === 0 ? 49_950 : 50_050, high: 50_100, low: 49_900, volume: 1 }));
  const breakBar = { open: 50_050, close: 50_400, high: 50_420, low: 50_040, volume };
  return {
    BTC: {
      "1m": candles(BTC, "1m", rampTo(50_400, 10, 30), 5),
      "5m": candles(BTC, "5m", [...range, breakBar]),
      "1h": candles(
        BTC,
        "1h",
        Array.from({ length: 30 }, () => 50_000),
        100,
      ),
    },
  };
}

/** Checks what every entry must satisfy: exact lots, market minimums, 1% risk, a third of the margin. */
function expectSaneEntry(d: Decision, side: "LONG" | "SHORT", price: number, market = BTC): void {
  expect(d.side).toBe(side);
  const lots = quantityToLots(market, d.quantity!); // throws if finer than sizeDecimals
  expect(lots).toBeGreaterThanOrEqual(market.minBaseLots);
  const entry = priceToTicks(market, price);
  const stop = priceToTicks(market, d.stopLoss!);
  const target = priceToTicks(market, d.profitTarget!);
  if (side === "LONG") expect(stop < entry && entry < target).toBe(true);
  else expect(target < entry && entry < stop).toBe(true);
  expect(notional(market, entry, lots)).toBeGreaterThanOrEqual(market.minNotional);
  expect(notional(market, Math.abs(entry - stop), lots)).toBeLessThanOrEqual(100_000_000n); // 1% of $10,000
  expect(notional(market, entry, lots)).toBeLessThanOrEqual(3_000_000_000n * BigInt(d.leverage));
  expect(d.confidence).toBeGreaterThanOrEqual(0);
  expect(d.confidence).toBeLessThanOrEqual(100);
}

describe("rule strategy registry", () => {
  it("has the three built-in strategies keyed by name, all rule kind with a description", () => {
    expect(Object.keys(RULE_STRATEGIES).sort()).toEqual(["breakout", "mean-reversion", "trend-following"]);
    for (const [name, s] of Object.entries(RULE_STRATEGIES)) {
      expect(s.name).toBe(name);
      expect(s.kind).toBe("rule");
      expect(s.description.length).toBeGreaterThan(20);
    }
    expect(findRuleStrategy("toString")).toBeUndefined();
  });
});

describe("trend-following", () => {
  it("goes LONG in a clean uptrend with the stop below the entry and the target above", async () => {
    const tools = new RecordingTools();
    await trend.decide(context(uptrend()), tools);
    expect(tools.sequence).toEqual(["createPosition"]);
    const [d] = tools.decisions;
    expectSaneEntry(d!, "LONG", 51_180);
    // EMA50 lags ~490 below the price, beyond the 2-ATR stop: as a trigger it could never fire first.
    expect(d!.invalidationPrice).toBeNull();
    expect(d!.invalidationCondition).toMatch(/EMA50/);
  });

  it("closes an open SHORT when the trend is up, and opens nothing against it", async () => {
    const tools = new RecordingTools();
    await trend.decide(context(uptrend(), { portfolio: portfolio([position("BTC", "SHORT", { stop: "52000" })]) }), tools);
    expect(tools.calls).toEqual([{ tool: "closePosition", args: { symbols: ["BTC"] } }]);
  });

  it("trails the stop of a LONG upwards, and never loosens it", async () => {
    const loose = new RecordingTools();
    await trend.decide(context(uptrend(), { portfolio: portfolio([position("BTC", "LONG", { stop: "49000" })]) }), loose);
    expect(loose.sequence).toEqual(["updateExitPlan"]);
    const stop = Number(loose.updates[0]!.stopLoss);
    expect(stop).toBeGreaterThan(49_000);
    expect(stop).toBeLessThan(51_180);

    const tight = new RecordingTools();
    await trend.decide(context(uptrend(), { portfolio: portfolio([position("BTC", "LONG", { stop: "51170" })]) }), tight);
    expect(tight.sequence).toEqual(["holding"]);
  });

  it("holds with a reason in a flat market", async () => {
    const tools = new RecordingTools();
    await trend.decide(context(flat(50_000)), tools);
    expect(tools.sequence).toEqual(["holding"]);
    expect(tools.holdReason).toMatch(/BTC: no trend/);
  });

  it("holds with the sizing reason when equity is too small for the minimum notional", async () => {
    const tools = new RecordingTools();
    await trend.decide(context(uptrend(), { portfolio: portfolio([], "10") }), tools);
    expect(tools.sequence).toEqual(["holding"]);
    expect(tools.holdReason).toMatch(/BTC: .*notional \$8\.\d+ is below the \$10 minimum/);
  });

  it("makes no tool call once the run is aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const tools = new RecordingTools();
    await trend.decide(context(uptrend(), { signal: abort.signal }), tools);
    expect(tools.calls).toEqual([]);
  });
});

describe("mean-reversion", () => {
  it("goes LONG on an RSI-oversold dip with a tight stop and the target at the 5m EMA20", async () => {
    const ctx = context(solDip(), { markets: [SOL] });
    const five = ctx.intelligence.symbols["SOL"]!.timeframes["5m"];
    expect(five.rsi14.value).toBeLessThan(30);
    const tools = new RecordingTools();
    await meanRev.decide(ctx, tools);
    expect(tools.sequence).toEqual(["createPosition"]);
    const [d] = tools.decisions;
    expectSaneEntry(d!, "LONG", 92, SOL);
    expect(Number(d!.profitTarget)).toBeCloseTo(five.ema20.value!, 2);
    expect(92 - Number(d!.stopLoss)).toBeLessThanOrEqual(five.atr14.value! + 0.001);
    expect(d!.timeExitMinutes).toBe(120);
  });

  it("holds with a reason in a flat market", async () => {
    const tools = new RecordingTools();
    await meanRev.decide(context(flat(50_000)), tools);
    expect(tools.sequence).toEqual(["holding"]);
    expect(tools.holdReason).toMatch(/RSI 50\.0 is not extreme/);
  });

  it("closes an open SHORT on an oversold dip instead of going long", async () => {
    const tools = new RecordingTools();
    await meanRev.decide(context(solDip(), { markets: [SOL], portfolio: portfolio([position("SOL", "SHORT")]) }), tools);
    expect(tools.calls).toEqual([{ tool: "closePosition", args: { symbols: ["SOL"] } }]);
  });
});

describe("breakout", () => {
  it("goes LONG on a high-volume break with the stop at the other side of the range", async () => {
    const tools = new RecordingTools();
    await breakout.decide(context(rangeBreak()), tools);
    expect(tools.sequence).toEqual(["createPosition"]);
    const [d] = tools.decisions;
    expectSaneEntry(d!, "LONG", 50_400);
    expect(d!.stopLoss).toBe("49900");
    expect(d!.profitTarget).toBe("50600"); // entry + the range height
    expect(d!.invalidationPrice).toBe("50000");
  });

  it("ignores a break on weak volume, with the reason", async () => {
    const tools = new RecordingTools();
    await breakout.decide(context(rangeBreak(1)), tools);
    expect(tools.sequence).toEqual(["holding"]);
    expect(tools.holdReason).toMatch(/weak volume/);
  });

  it("holds in a flat market and when history is shorter than the lookback", async () => {
    const flatTools = new RecordingTools();
    await breakout.decide(context(flat(50_000)), flatTools);
    expect(flatTools.holdReason).toMatch(/inside the 20-candle 5m range/);
    const longLookback = new RecordingTools();
    await createBreakout({ lookback: 50 }).decide(context(rangeBreak()), longLookback);
    expect(longLookback.holdReason).toMatch(/51 recent 5m candles/);
  });
});

describe("several markets", () => {
  it("trades the symbol with a signal and explains nothing else, one call per tool", async () => {
    const tools = new RecordingTools();
    await trend.decide(context(uptrend(), { markets: [BTC, SOL] }), tools);
    expect(tools.sequence).toEqual(["createPosition"]);
    expect(tools.decisions.map((d) => d.symbol)).toEqual(["BTC"]);
  });

  it("explains every symbol when holding", async () => {
    const tools = new RecordingTools();
    await trend.decide(context({ ...flat(50_000) }, { markets: [BTC, SOL] }), tools);
    expect(tools.holdReason).toMatch(/BTC: .*; SOL: no market data yet/);
  });
});
