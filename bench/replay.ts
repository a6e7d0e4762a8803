import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BookUpdate } from "../src/core/book.js";
import { ManualClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS } from "../src/core/market.js";
import { createReplayFeed, detectLayout, RECORDED_SYMBOLS } from "../src/feeds/replay/index.js";
import { readHeader } from "../src/feeds/replay/csv.js";
import { createSyntheticFeed } from "../src/feeds/synthetic/index.js";
import { midTicks } from "../src/core/book.js";
import { createRig } from "./book-updates.js";

/** Level updates (file rows) per second through book + exit-plan checks, from the file. */
export const REPLAY_GOAL = 1_000_000;

/**
 * How fast the feeds go: every recorded L2 file in ../shared/data/market replayed at full speed
 * into a book, and the synthetic feed stepping three markets. The book is the simulator's L2Book
 * when src/book/l2-book.ts exists (so the figure includes the real consumer), else a Map.
 *
 * Then the goal's figure: each recorded file of a market the app trades (BTC, ETH) read, parsed
 * and played through the path every live update takes (MarketRoom: the book and quote, the
 * simulator's overlay, the exit engine checking 10 accounts' positions of every symbol with plans
 * out of reach), timed from opening the file to the last update. A recorded "update" is one row of
 * the file: one price level's new size (the files group them into venue messages, a few dozen
 * levels each; messages/s is printed too).
 */

const DATA_DIR = new URL("../../shared/data/market/", import.meta.url);

interface BookSink {
  apply(update: BookUpdate): void;
  name: string;
}

async function createBookSink(): Promise<() => BookSink> {
  const l2Path = fileURLToPath(new URL("../src/book/l2-book.ts", import.meta.url));
  if (existsSync(l2Path)) {
    // A runtime path, not a static import: the bench still runs before (or without) src/book.
    const module = (await import(pathToFileURL(l2Path).href)) as { L2Book?: new (symbol: string) => { applyUpdate(u: BookUpdate): void } };
    if (module.L2Book) {
      const L2Book = module.L2Book;
      return () => {
        const books = new Map<string, InstanceType<typeof L2Book>>();
        return {
          name: "L2Book",
          apply: (u) => {
            let book = books.get(u.symbol);
            if (!book) books.set(u.symbol, (book = new L2Book(u.symbol)));
            book.applyUpdate(u);
          },
        };
      };
    }
  }
  return () => {
    const books = new Map<string, { bids: Map<number, number>; asks: Map<number, number> }>();
    const set = (side: Map<number, number>, [price, size]: readonly [number, number]): void => {
      if (size === 0) side.delete(price);
      else side.set(price, size);
    };
    return {
      name: "Map",
      apply: (u) => {
        let book = books.get(u.symbol);
        if (!book) books.set(u.symbol, (book = { bids: new Map(), asks: new Map() }));
        if (u.kind === "snapshot") {
          book.bids.clear();
          book.asks.clear();
        }
        for (const level of u.bids) set(book.bids, level);
        for (const level of u.asks) set(book.asks, level);
      },
    };
  };
}

/** Our symbol from a recorded file's name (l2_binance_spot_btcusdt_20240808.csv → BTC). */
function symbolFromName(name: string): string | undefined {
  for (const token of name.replace(/\.csv$/, "").split("_")) {
    const symbol = RECORDED_SYMBOLS[token.toUpperCase()];
    if (symbol) return symbol;
  }
  return undefined;
}

const rate = (count: number, ms: number): string => `${Math.round((count / ms) * 1000).toLocaleString("en-US")}/s`;

async function benchRecorded(newSink: () => BookSink): Promise<void> {
  const dir = fileURLToPath(DATA_DIR);
  if (!existsSync(dir)) {
    console.log(`replay: skipped, no recorded data at ${dir} (see ../shared/data/market/PROVENANCE.md)`);
    return;
  }
  let found = 0;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".csv"))
    .sort()) {
    const path = dir + name;
    let layout;
    try {
      layout = detectLayout(await readHeader(path), path);
    } catch {
      continue; // trades, quotes, Polymarket: not a book the replay plays
    }
    if (!layout.endsWith("-l2")) continue;
    const symbol = symbolFromName(name);
    if (!symbol) {
      console.log(`replay ${name}: skipped, no known symbol in the file name`);
      continue;
    }
    found++;
    const sink = newSink();
    const feed = createReplayFeed({ files: [{ path, symbol }], speed: "max" });
    const started = performance.now();
    const [stats] = await feed.run((u) => sink.apply(u));
    const ms = performance.now() - started;
    console.log(
      `replay ${name} -> ${sink.name}: ${stats!.updates.toLocaleString("en-US")} updates, ${stats!.rows.toLocaleString("en-US")} rows in ${ms.toFixed(0)} ms = ${rate(stats!.updates, ms)} updates, ${rate(stats!.rows, ms)} rows`,
    );
  }
  if (found === 0) console.log(`replay: skipped, no L2 files in ${dir}`);
}

function benchSynthetic(newSink: () => BookSink): void {
  const t0 = Date.UTC(2025, 0, 1);
  const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 1, clock: new ManualClock(t0) });
  const sink = newSink();
  let updates = 0;
  const started = performance.now();
  const hour = 3_600_000;
  for (let t = t0 + 60_000; t <= t0 + hour; t += 60_000) {
    for (const u of feed.advanceTo(t)) {
      sink.apply(u);
      updates++;
    }
  }
  const ms = performance.now() - started;
  console.log(`synthetic 3 markets x 1 h at 500 ms -> ${sink.name}: ${updates.toLocaleString("en-US")} snapshots (25 levels a side) in ${ms.toFixed(0)} ms = ${rate(updates, ms)}`);
}

/** The first mid each file's snapshot shows: where the rig's positions are entered. */
async function firstMid(path: string, symbol: string): Promise<number | undefined> {
  const feed = createReplayFeed({ files: [{ path, symbol }], speed: "max" });
  let mid: number | undefined;
  await feed.run((u) => {
    if (mid === undefined && u.kind === "snapshot" && u.bids[0] && u.asks[0]) mid = midTicks(u.bids[0][0], u.asks[0][0]);
    feed.stop();
  });
  return mid;
}

async function benchThroughExits(passes: number): Promise<void> {
  const dir = fileURLToPath(DATA_DIR);
  if (!existsSync(dir)) return;
  const traded = new Set(DEFAULT_MARKETS.map((m) => m.symbol));
  for (const name of readdirSync(dir)
    .filter((n) => n.startsWith("l2_") && n.endsWith(".csv"))
    .sort()) {
    const symbol = symbolFromName(name);
    if (!symbol || !traded.has(symbol)) continue;
    const path = dir + name;
    const mid = await firstMid(path, symbol);
    if (mid === undefined) continue;
    const mids = new Map(DEFAULT_MARKETS.map((m) => [m.symbol, m.symbol === symbol ? mid : 1_000_000]));
    let best = Infinity;
    let rows = 0;
    let updates = 0;
    // A warm-up pass, then the best of `passes` (each on a fresh rig: every pass starts from the file's snapshot).
    for (let p = 0; p <= passes; p++) {
      const rig = createRig(mids, true);
      const feed = createReplayFeed({ files: [{ path, symbol }], speed: "max" });
      const started = performance.now();
      const [stats] = await feed.run((u) => void rig.room.apply(u));
      const ms = performance.now() - started;
      if (rig.closesFired() > 0) throw new Error(`replay: ${rig.closesFired()} exits fired on ${name}: the measured path was not the check alone`);
      if (p > 0) best = Math.min(best, ms);
      rows = stats!.rows;
      updates = stats!.updates;
    }
    console.log(
      `replay ${name} -> book + exit checks (10 accounts): ${rows.toLocaleString("en-US")} level updates in ${updates.toLocaleString("en-US")} messages, best of ${passes} in ${best.toFixed(0)} ms = ${rate(rows, best)} level updates, ${rate(updates, best)} messages`,
    );
  }
}

export async function runReplayBench(options: { quick?: boolean } = {}): Promise<void> {
  const newSink = await createBookSink();
  await benchRecorded(newSink);
  benchSynthetic(newSink);
  await benchThroughExits(options.quick ? 1 : 5);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runReplayBench({ quick: process.argv.includes("--quick") });
}
