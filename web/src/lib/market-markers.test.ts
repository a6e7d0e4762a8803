import { describe, expect, it } from "vitest";
import type { PositionView, TradeView } from "../api/types.ts";
import { tradeMarkers } from "./market-markers.ts";

const trade = (over: Partial<TradeView>): TradeView => ({
  id: "t1",
  modelId: "m1",
  symbol: "BTC",
  side: "LONG",
  quantity: "1",
  leverage: "1",
  entryPrice: "100",
  exitPrice: "110",
  realizedPnl: "12.3",
  fees: "0.1",
  funding: "0",
  closeTrigger: "TARGET",
  openedAt: "2025-01-01T00:01:30.000Z",
  closedAt: "2025-01-01T00:05:10.000Z",
  ...over,
});

const position = (over: Partial<PositionView>): PositionView => ({
  id: "p1",
  modelId: "m2",
  symbol: "BTC",
  side: "SHORT",
  quantity: "1",
  leverage: "2",
  entryPrice: "100",
  markPrice: "99",
  unrealizedPnl: "1",
  exitPlan: null,
  openedAt: "2025-01-01T00:03:00.000Z",
  ...over,
});

const t0 = Date.parse("2025-01-01T00:00:00.000Z") / 1000;
const names = new Map([
  ["m1", "Model A"],
  ["m2", "Model B"],
]);

describe("tradeMarkers", () => {
  it("draws entries and exits on their candles, sorted by time", () => {
    const markers = tradeMarkers({ symbol: "BTC", trades: [trade({})], positions: [position({})], names, intervalSec: 60, range: { from: t0, to: t0 + 600 } });
    expect(markers.map((m) => [m.time - t0, m.text, m.shape, m.position])).toEqual([
      [60, "Model A LONG", "arrowUp", "belowBar"],
      [180, "Model B SHORT", "arrowDown", "aboveBar"],
      [300, "exit +$12.30", "circle", "aboveBar"],
    ]);
  });

  it("colours a losing exit and places a short's exit below the bar", () => {
    const [, exit] = tradeMarkers({ symbol: "BTC", trades: [trade({ side: "SHORT", realizedPnl: "-5" })], positions: [], names, intervalSec: 60, range: { from: t0, to: t0 + 600 } });
    expect(exit).toMatchObject({ text: "exit -$5.00", color: "#f85149", position: "belowBar" });
  });

  it("leaves out other symbols and events outside the candles", () => {
    const markers = tradeMarkers({
      symbol: "BTC",
      trades: [trade({ symbol: "ETH" }), trade({ id: "t2", openedAt: "2024-12-31T23:00:00.000Z", closedAt: "2025-01-01T00:02:00.000Z" })],
      positions: [position({ symbol: "SOL" })],
      names,
      intervalSec: 60,
      range: { from: t0, to: t0 + 600 },
    });
    expect(markers.map((m) => m.id)).toEqual(["t2:out"]);
  });

  it("buckets by the interval and names unknown models by their id", () => {
    const [m] = tradeMarkers({ symbol: "BTC", trades: [], positions: [position({ modelId: "abcdef123456" })], names, intervalSec: 300, range: { from: t0, to: t0 + 3600 } });
    expect(m).toMatchObject({ time: t0, text: "abcdef12 SHORT" });
  });

  it("shows nothing without candles", () => {
    expect(tradeMarkers({ symbol: "BTC", trades: [trade({})], positions: [], names, intervalSec: 60, range: null })).toEqual([]);
  });
});
