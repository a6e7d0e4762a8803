import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { RecentTrades } from "../../src/market/recent-trades.js";

const print = (symbol: string, i: number) => ({ symbol, ts: 1_000 + i, priceTicks: 100 + i, sizeLots: i + 1 });

describe("RecentTrades", () => {
  it("keeps the last prints per symbol in a bounded ring, newest first", () => {
    const tape = new RecentTrades(3);
    for (let i = 0; i < 5; i++) tape.add(print("BTC", i));
    tape.add(print("ETH", 0));
    expect(tape.latest("BTC", 10).map((t) => t.ts)).toEqual([1004, 1003, 1002]);
    expect(tape.latest("BTC", 2).map((t) => t.priceTicks)).toEqual([104, 103]);
    expect(tape.latest("ETH", 10)).toEqual([print("ETH", 0)]);
    expect(tape.latest("SOL", 10)).toEqual([]);
    expect(tape.latest("BTC", 0)).toEqual([]);
  });

  it("before the ring is full, returns what it has in reverse order", () => {
    const tape = new RecentTrades(5);
    tape.add(print("BTC", 0));
    tape.add(print("BTC", 1));
    expect(tape.latest("BTC", 5).map((t) => t.ts)).toEqual([1001, 1000]);
  });

  it("listens to the room's trade prints; a caller cannot change what it keeps", () => {
    const room = new MarketRoom({ markets: DEFAULT_MARKETS });
    const tape = new RecentTrades();
    const off = tape.attach(room);
    room.trade(print("BTC", 7));
    room.trade(print("DOGE", 1)); // not a market of the room: ignored by the room
    const [got] = tape.latest("BTC", 1);
    expect(got).toEqual(print("BTC", 7));
    got!.priceTicks = 1;
    expect(tape.latest("BTC", 1)[0]!.priceTicks).toBe(107);
    off();
    room.trade(print("BTC", 8));
    expect(tape.latest("BTC", 5)).toHaveLength(1);
  });

  it("refuses a capacity below one", () => {
    expect(() => new RecentTrades(0)).toThrow(RangeError);
  });
});
