import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { BookUpdate } from "../../src/core/book.js";
import { DEFAULT_MARKETS, type MarketSpec, priceToTicks } from "../../src/core/market.js";
import { CandleBuilder } from "../../src/feeds/candles.js";
import type { Candle, TradePrint } from "../../src/feeds/feed.js";
import { type CandleFilter, createReplayFeed, type ReplayFileStats } from "../../src/feeds/replay/index.js";
import { LevelBook } from "./support/level-book.js";

/** The recorded files of ../shared/data/market (see PROVENANCE.md there); absent in some checkouts. */
const DATA = fileURLToPath(new URL("../../../shared/data/market/", import.meta.url));
const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;

function recorded(name: string): { path: string; present: boolean } {
  const path = DATA + name;
  const present = existsSync(path);
  if (!present) console.warn(`skipping replay tests on ${name}: ${path} is absent (recorded data lives in ../shared/data/market)`);
  return { path, present };
}

async function replayL2(path: string, symbol: string): Promise<{ stats: ReplayFileStats; crossedAfter: number[]; updates: number; firstKind?: string }> {
  const book = new LevelBook();
  const crossedAfter: number[] = [];
  let updates = 0;
  let firstKind: string | undefined;
  const feed = createReplayFeed({ files: [{ path, symbol }], speed: "max" });
  const [stats] = await feed.run((u: BookUpdate) => {
    firstKind ??= u.kind;
    book.apply(u);
    updates++;
    if (book.crossed()) crossedAfter.push(updates);
  });
  return { stats: stats!, crossedAfter, updates, firstKind };
}

const spotBtc = recorded("l2_binance_spot_btcusdt_20240808.csv");
describe.skipIf(!spotBtc.present)("recorded L2: Binance spot BTCUSDT", () => {
  it("applies the snapshot and then every diff after it, and never shows a crossed book", async () => {
    const { stats, crossedAfter, updates, firstKind } = await replayL2(spotBtc.path, "BTC");
    expect(firstKind).toBe("snapshot");
    // PROVENANCE: 2,000 snapshot rows + 298,111 level updates in 6,495 diff messages.
    expect(stats.rows).toBe(300_111);
    expect(stats.messages).toBe(1 + 6_495);
    // Two diffs end at or before the snapshot id; the other 6,493 become one delta each.
    // (PROVENANCE counts 6,492 rebuilt books; we count every applied message, the first included.)
    expect(stats.dropped).toBe(2);
    expect(updates).toBe(1 + 6_493);
    expect(stats.snapshotId).toBe(50_093_239_218);
    // The first diff applied ends past L (its first id U=…208 ≤ L+1, per PROVENANCE).
    expect(stats.firstApplied).toEqual({ updateId: 50_093_239_224 });
    expect(stats.firstApplied!.updateId).toBeGreaterThanOrEqual(stats.snapshotId! + 1);
    expect(stats.sequenceErrors).toBe(0);
    expect(crossedAfter).toEqual([]);
  });
});

const spotEth = recorded("l2_binance_spot_ethusdt_20240808.csv");
describe.skipIf(!spotEth.present)("recorded L2: Binance spot ETHUSDT", () => {
  it("matches PROVENANCE's counts and stays uncrossed", async () => {
    const { stats, crossedAfter, updates } = await replayL2(spotEth.path, "ETH");
    expect(stats.rows).toBe(2_000 + 106_814);
    expect(stats.messages).toBe(1 + 3_434);
    expect(updates).toBe(1 + 3_434 - stats.dropped);
    expect(stats.firstApplied!.updateId).toBeGreaterThanOrEqual(35_346_513_513);
    expect(stats.sequenceErrors).toBe(0);
    expect(crossedAfter).toEqual([]);
  });
});

const usdm = recorded("l2_binance_usdm_btcusdt_20240808.csv");
describe.skipIf(!usdm.present)("recorded L2: Binance USDⓈ-M BTCUSDT", () => {
  it("bridges the snapshot (pu < L ≤ u), keeps the pu chain unbroken and stays uncrossed", async () => {
    const { stats, crossedAfter, updates } = await replayL2(usdm.path, "BTC");
    expect(stats.rows).toBe(2_000 + 77_812);
    expect(stats.messages).toBe(1 + 1_148);
    expect(stats.snapshotId).toBe(5_123_107_852_948);
    const first = stats.firstApplied!;
    expect(first.prevUpdateId!).toBeLessThan(stats.snapshotId!);
    expect(first.updateId).toBeGreaterThanOrEqual(stats.snapshotId!);
    expect(updates).toBe(1 + 1_148 - stats.dropped);
    expect(stats.sequenceErrors).toBe(0);
    expect(crossedAfter).toEqual([]);
  });
});

const bybit = recorded("l2_bybit_linear_xrpusdt_20241201.csv");
describe.skipIf(!bybit.present)("recorded L2: Bybit XRPUSDT", () => {
  it("plays 1 snapshot and 49 contiguous deltas into the XRP market", async () => {
    const { stats, crossedAfter, updates } = await replayL2(bybit.path, "XRPUSDT");
    expect(stats).toMatchObject({ rows: 3_966, messages: 50, dropped: 0, sequenceErrors: 0 });
    expect(updates).toBe(50);
    expect(crossedAfter).toEqual([]);
  });
});

/** Reads the file's own candles independently of the replay code: [openTime, o, h, l, c]. */
function fileCandles(path: string, columns: { ts: number; o: number }, keep: (f: string[]) => boolean, market: MarketSpec): number[][] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","))
    .filter(keep)
    .map((f) => [Number(f[columns.ts]), ...[0, 1, 2, 3].map((i) => priceToTicks(market, f[columns.o + i]!, "half-up"))]);
}

async function replayCandles(path: string, filter?: CandleFilter): Promise<{ built: Candle[]; trades: TradePrint[] }> {
  const built: Candle[] = [];
  const trades: TradePrint[] = [];
  const builder = new CandleBuilder({ intervals: ["1m"], onClose: (c) => built.push(c) });
  const feed = createReplayFeed({ files: [{ path, symbol: "BTC", ...(filter ? { filter } : {}) }], speed: "max" });
  await feed.run(
    (u) => builder.add(u.symbol, u.ts, Math.floor((u.bids[0]![0] + u.asks[0]![0]) / 2)),
    (t) => trades.push(t),
  );
  builder.closeUpTo(Number.MAX_SAFE_INTEGER);
  return { built, trades };
}

const candleFiles: Array<{ name: string; columns: { ts: number; o: number }; filter?: CandleFilter; keep?: (f: string[]) => boolean }> = [
  { name: "candles_1m_ftx_btc-perp_20211231_20220201.csv", columns: { ts: 0, o: 2 } },
  { name: "candles_1m_kraken_xbtusdt_20251110.csv", columns: { ts: 0, o: 2 } },
  {
    name: "candles_1m_lean_coinbase_binance_bybit_dydx.csv",
    columns: { ts: 0, o: 5 },
    filter: { venue: "coinbase", symbol: "BTCUSD" },
    keep: (f) => f[2] === "coinbase" && f[4] === "BTCUSD",
  },
];

for (const { name, columns, filter, keep } of candleFiles) {
  const candles = recorded(name);
  describe.skipIf(!candles.present)(`recorded candles: ${name}`, () => {
    it("the emitted mids rebuild every candle's OHLC exactly", async () => {
      const expected = fileCandles(candles.path, columns, keep ?? (() => true), BTC);
      const { built, trades } = await replayCandles(candles.path, filter);
      expect(built.map((c) => [c.openTime, c.open, c.high, c.low, c.close])).toEqual(expected);
      expect(trades.every((t) => Number.isInteger(t.sizeLots) && t.sizeLots > 0)).toBe(true);
    });
  });
}
