import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import type { BookUpdate } from "../../core/book.js";
import { type Clock, ManualClock } from "../../core/clock.js";
import type { MarketSpec } from "../../core/market.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import { nextFundingTime } from "../../market/funding.js";
import type { MarketFeed, TradePrint } from "../feed.js";
import { type CandleBookOptions, type CandleFilter, createCandleSource } from "./candle-source.js";
import { derivativesColumns, detectLayout, isL2Layout, readHeader } from "./csv.js";
import { createL2Source } from "./l2-source.js";
import { ourSymbol, replayMarket } from "./markets.js";
import { mergeReplay } from "./merge.js";
import type { ReplayFileStats, ReplaySource } from "./types.js";

/** A clock the replay can set: everything downstream reads recorded time from it. */
export type ReplayClock = Clock & { set(ms: number): void };

export interface ReplayFileConfig {
  path: string;
  /** Our symbol (BTC); a venue symbol (BTCUSDT) is mapped through RECORDED_SYMBOLS. */
  symbol: string;
  /** Market to play into; defaults to the known spec for the symbol (REPLAY_MARKETS). */
  market?: MarketSpec;
  /** LEAN candle files only: which instrument. */
  filter?: CandleFilter;
  /** Candle files with a funding_rate column: the funding interval the rate is per (default 8 h). */
  fundingIntervalMs?: number;
}

export interface ReplayFeedOptions {
  files: readonly ReplayFileConfig[];
  /** 1 = recorded pace, 10 = ten times faster, "max" = as fast as the sink takes it. */
  speed: number | "max";
  /** Set to each update's recorded time before it is delivered (default: a new ManualClock). */
  clock?: ReplayClock;
  /** Start again at the end; times keep increasing (each pass starts 1 s after the last one ended). */
  loop?: boolean;
  candleBook?: CandleBookOptions;
}

export interface ReplayFeed extends MarketFeed {
  readonly kind: "replay";
  readonly clock: ReplayClock;
  /** Plays to the end (or until stop()) and resolves with each file's counts; start() calls it. */
  run(sink: (update: BookUpdate) => void, onTrade?: (trade: TradePrint) => void, onDerivatives?: (snapshot: DerivativesSnapshot) => void): Promise<ReplayFileStats[]>;
  /** The run start() began: resolves when it ends, rejects with what stopped it. */
  whenDone(): Promise<ReplayFileStats[]>;
  stats(): ReplayFileStats[];
}

const LOOP_GAP_MS = 1_000;
/** At full speed, hand the event loop a turn this often so timers and HTTP are not starved. */
const YIELD_EVERY = 2_000;

export function createReplayFeed(options: ReplayFeedOptions): ReplayFeed {
  const { speed } = options;
  if (speed !== "max" && !(typeof speed === "number" && speed > 0 && Number.isFinite(speed))) {
    throw new RangeError(`speed must be a positive number or "max", got ${String(speed)}`);
  }
  if (options.files.length === 0) throw new Error("replay needs at least one file");
  const files = options.files.map((f) => {
    const symbol = ourSymbol(f.symbol);
    return { ...f, symbol, market: replayMarket(symbol, f.market) };
  });
  const seen = new Set<string>();
  for (const f of files) {
    // Two files would each send snapshots for the same book and overwrite each other.
    if (seen.has(f.symbol)) throw new Error(`two replay files play into ${f.symbol}; give each symbol one file`);
    seen.add(f.symbol);
  }
  const clock = options.clock ?? new ManualClock(0);
  let sources: ReplaySource[] = [];
  let running: Promise<ReplayFileStats[]> | undefined;
  let abort: AbortController | undefined;
  let state: "idle" | "running" | "done" | "stopped" | "failed" = "idle";
  let error: string | undefined;
  let loops = 0;
  let lastTs: number | undefined;

  const run = async (sink: (update: BookUpdate) => void, onTrade?: (trade: TradePrint) => void, onDerivatives?: (snapshot: DerivativesSnapshot) => void): Promise<ReplayFileStats[]> => {
    const controller = new AbortController();
    abort = controller;
    state = "running";
    error = undefined;
    try {
      const stats = await play(controller.signal, sink, onTrade, onDerivatives);
      if (state === "running") state = "done";
      return stats;
    } catch (e) {
      state = "failed";
      error = e instanceof Error ? e.message : String(e);
      throw e;
    }
  };

  const play = async (
    signal: AbortSignal,
    sink: (update: BookUpdate) => void,
    onTrade?: (trade: TradePrint) => void,
    onDerivatives?: (snapshot: DerivativesSnapshot) => void,
  ): Promise<ReplayFileStats[]> => {
    sources = await Promise.all(files.map((f) => openReplaySource(f, options.candleBook)));
    let offset = 0;
    let paceFrom: { wall: number; ts: number } | undefined;
    let delivered = 0;
    loops = 0;
    do {
      let passStart: number | undefined;
      for await (const item of mergeReplay(sources)) {
        passStart ??= item.update.ts;
        const ts = item.update.ts + offset;
        if (speed !== "max") {
          paceFrom ??= { wall: performance.now(), ts };
          const wait = paceFrom.wall + (ts - paceFrom.ts) / speed - performance.now();
          if (wait > 1) await sleep(wait, undefined, { signal }).catch(() => {});
        } else if (++delivered % YIELD_EVERY === 0) {
          await yieldToLoop();
        }
        if (signal.aborted) return sources.map((s) => s.stats);
        clock.set(ts); // merged order is time order, so this never moves the clock back
        lastTs = ts;
        sink(offset === 0 ? item.update : { ...item.update, ts });
        if (onTrade) for (const trade of item.trades) onTrade(offset === 0 ? trade : { ...trade, ts: trade.ts + offset });
        const d = item.derivatives;
        if (onDerivatives && d) onDerivatives(offset === 0 ? d : { ...d, ts: d.ts + offset, nextFundingAt: nextFundingTime(d.ts + offset, d.fundingIntervalMs) });
      }
      // A pass that delivered nothing would loop forever without ever yielding an update.
      if (passStart === undefined || lastTs === undefined) break;
      offset = lastTs + LOOP_GAP_MS - passStart;
      loops++;
    } while (options.loop && !signal.aborted);
    return sources.map((s) => s.stats);
  };

  return {
    kind: "replay",
    markets: files.map((f) => f.market),
    clock,
    run,
    start(sink, onTrade, onDerivatives) {
      if (state === "running") throw new Error("replay already running");
      running = run(sink, onTrade, onDerivatives);
      // run() records a failure in describe(); whenDone() hands the rejection to whoever awaits it.
      running.catch(() => {});
    },
    stop() {
      abort?.abort();
      if (state === "running") state = "stopped";
    },
    whenDone() {
      if (!running) return Promise.reject(new Error("replay was not started"));
      return running;
    },
    stats: () => sources.map((s) => ({ ...s.stats })),
    describe: () => ({
      kind: "replay",
      state,
      speed,
      loop: options.loop ?? false,
      loops,
      lastTs,
      ...(error === undefined ? {} : { error }),
      files: files.map((f, i) => ({ path: f.path, symbol: f.symbol, ...(sources[i] ? { ...sources[i].stats } : {}) })),
    }),
  };
}

/** Reads a file's header and returns the matching source (L2 book or 1-minute candles). */
export async function openReplaySource(
  file: { path: string; symbol: string; market: MarketSpec; filter?: CandleFilter; fundingIntervalMs?: number },
  candleBook?: CandleBookOptions,
): Promise<ReplaySource> {
  const header = await readHeader(file.path);
  const layout = detectLayout(header, file.path);
  const stats: ReplayFileStats = { path: file.path, symbol: file.symbol, layout, rows: 0, messages: 0, updates: 0, dropped: 0, sequenceErrors: 0 };
  if (isL2Layout(layout)) return createL2Source(file.path, layout, file.market, stats);
  const columns = derivativesColumns(header, layout);
  const derivatives = columns ? { ...columns, ...(file.fundingIntervalMs !== undefined ? { fundingIntervalMs: file.fundingIntervalMs } : {}) } : undefined;
  return createCandleSource(file.path, layout, file.market, stats, file.filter, candleBook, derivatives);
}
