import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BookUpdate } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import type { TradePrint } from "../../src/feeds/feed.js";
import { createReplayFeed, type ReplayFileConfig, XRP_MARKET } from "../../src/feeds/replay/index.js";

const dir = mkdtempSync(join(tmpdir(), "autonome-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function play(
  files: ReplayFileConfig[],
  extra: { loop?: boolean } = {},
): Promise<{ updates: BookUpdate[]; trades: TradePrint[]; stats: Awaited<ReturnType<ReturnType<typeof createReplayFeed>["run"]>> }> {
  const feed = createReplayFeed({ files, speed: "max", ...extra });
  const updates: BookUpdate[] = [];
  const trades: TradePrint[] = [];
  const stats = await feed.run(
    (u) => updates.push(u),
    (t) => trades.push(t),
  );
  return { updates, trades, stats };
}

const SPOT = "exchange_ts_ms,update_id,is_snapshot,side,price,qty";

describe("L2 replay", () => {
  it("Binance spot: snapshot first, drops diffs with update_id <= snapshot id, one delta per message", async () => {
    const path = file("spot.csv", [
      SPOT,
      "1000,100,1,bid,100.0,1.5",
      "1000,100,1,bid,99.9,2",
      "1000,100,1,ask,100.2,1",
      "1100,99,0,bid,100.0,9", // before the snapshot: dropped
      "1150,100,0,bid,100.0,9", // equal to the snapshot id: dropped
      "1200,103,0,bid,100.1,0.5",
      "1200,103,0,ask,100.2,0",
      "1200,103,0,ask,100.3,4",
    ]);
    const { updates, stats } = await play([{ path, symbol: "BTC" }]);
    expect(updates).toEqual([
      {
        symbol: "BTC",
        ts: 1000,
        kind: "snapshot",
        bids: [
          [1000, 150000],
          [999, 200000],
        ],
        asks: [[1002, 100000]],
      },
      {
        symbol: "BTC",
        ts: 1200,
        kind: "delta",
        bids: [[1001, 50000]],
        asks: [
          [1002, 0],
          [1003, 400000],
        ],
      },
    ]);
    expect(stats[0]).toMatchObject({ layout: "binance-spot-l2", rows: 8, messages: 4, updates: 2, dropped: 2, sequenceErrors: 0, snapshotId: 100, firstApplied: { updateId: 103 } });
  });

  it("prices finer than the tick: bids round down, asks up, sizes in one tick add up", async () => {
    const path = file("fine.csv", [SPOT, "1000,1,1,bid,61837.63,0.000014", "1000,1,1,bid,61837.62,0.00001", "1000,1,1,ask,61837.64,0.5", "1100,2,0,bid,61837.63,0"]);
    const { updates } = await play([{ path, symbol: "BTCUSDT" }]);
    // Half-up would have put both sides on 618376: a locked book the venue never had.
    expect(updates[0]).toMatchObject({ bids: [[618376, 2]], asks: [[618377, 50000]] });
    expect(updates[1]).toMatchObject({ kind: "delta", bids: [[618376, 1]], asks: [] });
  });

  it("Binance USDⓈ-M: keeps update_id == snapshot id, counts a broken pu chain, never runs time backwards", async () => {
    const path = file("usdm.csv", [
      "exchange_ts_ms,update_id,prev_update_id,is_snapshot,side,price,qty",
      "5000,50,,1,bid,100.0,1",
      "5000,50,,1,ask,100.1,1",
      "4990,49,45,0,bid,100.0,2", // < snapshot id: dropped
      "4995,50,49,0,bid,100.0,3", // pu < L <= u: first applied
      "5010,55,50,0,ask,100.2,1",
      "5020,60,58,0,ask,100.3,1", // pu 58 != 55: a gap
    ]);
    const { updates, stats } = await play([{ path, symbol: "BTC" }]);
    expect(updates.map((u) => u.ts)).toEqual([5000, 5000, 5010, 5020]);
    expect(stats[0]).toMatchObject({ dropped: 1, sequenceErrors: 1, firstApplied: { updateId: 50, prevUpdateId: 49 } });
  });

  it("Bybit: buy/sell sides, snapshot resets the book, update ids must follow on", async () => {
    const path = file("bybit.csv", [
      "exchange_ts_ms,cts_ms,update_id,seq,is_snapshot,side,price,qty",
      "1,0,10,1,1,buy,1.9531,6203",
      "1,0,10,1,1,sell,1.9533,100",
      "2,0,11,2,0,buy,1.9532,5",
      "3,0,12,3,1,buy,1.9000,1", // a new snapshot replaces everything
      "3,0,12,3,1,sell,1.9100,1",
      "4,0,14,4,0,sell,1.9100,0", // 14 after 12: a gap
    ]);
    const { updates, stats } = await play([{ path, symbol: "XRP" }]);
    expect(updates.map((u) => u.kind)).toEqual(["snapshot", "delta", "snapshot", "delta"]);
    expect(updates[0]).toMatchObject({ bids: [[19531, 62030]], asks: [[19533, 1000]] });
    expect(updates[2]).toMatchObject({ bids: [[19000, 10]], asks: [[19100, 10]] });
    expect(stats[0]).toMatchObject({ layout: "bybit-l2", sequenceErrors: 1 });
  });

  it("reads a header with a BOM and CRLF line ends", async () => {
    const path = join(dir, "crlf.csv");
    writeFileSync(path, `\uFEFF${SPOT}\r\n1,1,1,bid,10,1\r\n1,1,1,ask,11,1\r\n`);
    const { updates } = await play([{ path, symbol: "ETH" }]);
    expect(updates).toEqual([{ symbol: "ETH", ts: 1, kind: "snapshot", bids: [[1000, 10000]], asks: [[1100, 10000]] }]);
  });

  it("says what was wrong with an unknown layout or a bad side", async () => {
    const bad = file("bad.csv", ["time,price", "1,2"]);
    await expect(play([{ path: bad, symbol: "BTC" }])).rejects.toThrow(/unrecognised CSV header "time,price"; accepted headers/);
    const side = file("side.csv", [SPOT, "1,1,1,middle,1,1"]);
    await expect(play([{ path: side, symbol: "BTC" }])).rejects.toThrow(/side\.csv:2: side must be bid\/ask/);
    expect(() => createReplayFeed({ files: [{ path: bad, symbol: "DOGE" }], speed: "max" })).toThrow(/no market spec for DOGE/);
    expect(() => createReplayFeed({ files: [{ path: bad, symbol: "BTC" }], speed: 0 })).toThrow(/speed/);
  });
});

describe("candle replay", () => {
  const FTX = "timestamp_ms,timestamp_utc,open,high,low,close,volume_usd";
  const T = Date.UTC(2022, 0, 1);

  it("walks open-low-high-close for a rising candle, open-high-low-close for a falling one, with volume as trades", async () => {
    const path = file("ftx.csv", [FTX, `${T},x,100,110,95,105,4000`, `${T + 60_000},x,105,106,90,91,0`]);
    const { updates, trades } = await play([{ path, symbol: "BTC" }]);
    const mids = updates.map((u) => Math.floor((u.bids[0]![0] + u.asks[0]![0]) / 2));
    expect(mids).toEqual([1000, 950, 1100, 1050, 1050, 1060, 900, 910]);
    expect(updates.map((u) => u.ts - T)).toEqual([0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 105_000]);
    // $4000 at a close of $105 is 38.09523 BTC: 3,809,524 lots split over the four points.
    expect(trades.map((t) => t.sizeLots)).toEqual([952381, 952381, 952381, 952381]);
    expect(trades.reduce((a, t) => a + t.sizeLots, 0)).toBe(3_809_524);
    expect(updates.every((u) => u.bids[0]![0] < u.asks[0]![0] && u.bids.length === 10)).toBe(true);
  });

  it("LEAN: plays only the filtered instrument and demands a filter", async () => {
    const path = file("lean.csv", [
      "open_time_ms,open_time_utc,venue,instrument_type,symbol,open,high,low,close,volume",
      `${T},x,bybit,perp,BTCUSDT,1,1,1,1,1`,
      `${T},x,bybit,spot,BTCUSDT,17000.01,17000.05,17000,17000.04,0.5`,
      `${T},x,coinbase,spot,ETHUSD,3,3,3,3,1`,
    ]);
    const { updates, stats } = await play([{ path, symbol: "BTC", filter: { venue: "Bybit", symbol: "btcusdt", instrumentType: "spot" } }]);
    expect(updates.map((u) => Math.floor((u.bids[0]![0] + u.asks[0]![0]) / 2))).toEqual([170000, 170000, 170001, 170000]);
    expect(stats[0]).toMatchObject({ messages: 1, dropped: 2 });
    await expect(play([{ path, symbol: "BTC", filter: { venue: "bybit", symbol: "BTCUSDT" } }])).rejects.toThrow(/out of order.*instrumentType/);
    await expect(play([{ path, symbol: "BTC" }])).rejects.toThrow(/give filter/);
  });

  it("Kraken: volume in BTC, flat empty minutes still move time", async () => {
    const path = file("kraken.csv", [
      "open_time_ms,open_time_utc,open,high,low,close,vwap,volume_btc,trade_count",
      `${T},x,106038.2,106038.2,106038.2,106038.2,0.0,0.00000000,0`,
      `${T + 60_000},x,106038.2,106040.0,106038.2,106040.0,106039,0.00012,2`,
    ]);
    const { updates, trades } = await play([{ path, symbol: "BTC" }]);
    expect(updates).toHaveLength(8);
    // Nothing traded in the flat minute; 0.00012 BTC = 12 lots spread over the second one's path.
    expect(trades.map((t) => [t.ts - T, t.priceTicks, t.sizeLots])).toEqual([
      [60_000, 1060382, 3],
      [75_000, 1060382, 3],
      [90_000, 1060400, 3],
      [105_000, 1060400, 3],
    ]);
  });
});

describe("replay feed", () => {
  const a = () => file("a.csv", [SPOT, "1000,1,1,bid,10,1", "1000,1,1,ask,11,1", "3000,2,0,bid,10,2"]);
  const b = () => file("b.csv", [SPOT, "2000,1,1,bid,10.1,1", "2000,1,1,ask,10.2,1", "2500,2,0,ask,10.2,0"]);

  it("merges files by time and sets the clock to each update's time before delivering it", async () => {
    const clock = new ManualClock(0);
    const feed = createReplayFeed({
      files: [
        { path: a(), symbol: "ETH" },
        { path: b(), symbol: "XRP", market: XRP_MARKET },
      ],
      speed: "max",
      clock,
    });
    const seen: string[] = [];
    await feed.run((u) => seen.push(`${u.symbol}@${u.ts} clock=${clock.now()}`));
    expect(seen).toEqual(["ETH@1000 clock=1000", "XRP@2000 clock=2000", "XRP@2500 clock=2500", "ETH@3000 clock=3000"]);
    expect(feed.markets.map((m) => m.symbol)).toEqual(["ETH", "XRP"]);
  });

  it("plays at recorded pace scaled by speed", async () => {
    const feed = createReplayFeed({ files: [{ path: a(), symbol: "ETH" }], speed: 20 }); // 2 s of data in 100 ms
    const started = performance.now();
    await feed.run(() => {});
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(95);
    expect(ms).toBeLessThan(1_000);
  });

  it("loops with times that keep increasing, and stop() ends the run", async () => {
    const feed = createReplayFeed({ files: [{ path: a(), symbol: "ETH" }], speed: "max", loop: true });
    const times: number[] = [];
    feed.start((u) => {
      times.push(u.ts);
      if (times.length === 6) feed.stop();
    });
    await feed.whenDone();
    expect(times).toEqual([1000, 3000, 4000, 6000, 7000, 9000]);
    expect(feed.describe()).toMatchObject({ kind: "replay", state: "stopped" });
  });

  it("a failed start shows the error in describe()", async () => {
    const feed = createReplayFeed({ files: [{ path: join(dir, "missing.csv"), symbol: "BTC" }], speed: "max" });
    feed.start(() => {});
    await expect(feed.whenDone()).rejects.toThrow(/ENOENT/);
    expect(feed.describe()).toMatchObject({ state: "failed" });
  });
});
