import type { BookUpdate } from "../core/book.js";
import type { Clock } from "../core/clock.js";
import { DEFAULT_MARKETS, type MarketSpec } from "../core/market.js";
import type { Candle, MarketFeed, TradePrint } from "../feeds/feed.js";
import type { DerivativesSnapshot } from "../market/derivatives.js";
import { mergeReplay, openReplaySource, ourSymbol, replayMarket } from "../feeds/replay/index.js";
import type { ReplayItem } from "../feeds/replay/index.js";
import { backfillCandles, createSyntheticFeed, defaultStartMid } from "../feeds/synthetic/index.js";
import type { BacktestFeedSpec } from "./types.js";

/**
 * The books of a backtest, one step at a time. The kernel gets an ordinary feed (its start()
 * only takes the sinks); the backtest pulls each step, sets its clock to the step's time, lets
 * the kernel settle, and only then delivers it: nothing arrives while the kernel is busy.
 */
export interface BacktestSource {
  readonly feed: MarketFeed;
  readonly markets: readonly MarketSpec[];
  /** Candle history before the first step (the synthetic process has one; a recording warms up on its first hours). */
  candleBackfill(market: MarketSpec): Candle[] | null;
  /** The next step at or before `to`, or null at the end. */
  next(): Promise<BacktestStep | null>;
  close(): Promise<void>;
}

export interface BacktestStep {
  ts: number;
  /** Hands the step's updates to the kernel; returns how many there were. */
  deliver(): number;
}

/** A feed whose updates are pushed from outside once it is started. */
function drivenFeed(kind: "synthetic" | "replay", markets: readonly MarketSpec[], describe: () => Record<string, unknown>) {
  let sink: ((u: BookUpdate) => void) | undefined;
  let onTrade: ((t: TradePrint) => void) | undefined;
  let onDerivatives: ((d: DerivativesSnapshot) => void) | undefined;
  const feed: MarketFeed = {
    kind,
    markets,
    start(s, t, d) {
      sink = s;
      onTrade = t;
      onDerivatives = d;
    },
    stop() {
      sink = undefined;
      onTrade = undefined;
      onDerivatives = undefined;
    },
    describe: () => ({ kind, backtest: true, ...describe() }),
  };
  return { feed, push: (u: BookUpdate) => sink?.(u), trade: (t: TradePrint) => onTrade?.(t), derivatives: (d: DerivativesSnapshot) => onDerivatives?.(d) };
}

export async function openBacktestSource(spec: BacktestFeedSpec, clock: Clock, range: { from: number; to: number }): Promise<BacktestSource> {
  return spec.kind === "synthetic" ? syntheticSource(spec, clock, range) : replaySource(spec, range);
}

function syntheticSource(spec: Extract<BacktestFeedSpec, { kind: "synthetic" }>, clock: Clock, range: { from: number; to: number }): BacktestSource {
  const markets = DEFAULT_MARKETS;
  // Its own timer never runs: the backtest steps it (advanceTo) at each interval boundary.
  const synthetic = createSyntheticFeed({ markets, seed: spec.seed, clock, intervalMs: spec.intervalMs, timers: { setInterval: () => 0, clearInterval: () => undefined } });
  let ts = range.from;
  return {
    feed: synthetic,
    markets,
    candleBackfill: (m) => backfillCandles({ market: m, seed: spec.seed, endMid: synthetic.mid(m.symbol) ?? defaultStartMid(m), endTime: range.from }),
    next: async () => {
      ts += spec.intervalMs;
      if (ts > range.to) return null;
      const at = ts;
      return { ts: at, deliver: () => synthetic.advanceTo(at).length };
    },
    close: async () => undefined,
  };
}

async function replaySource(spec: Extract<BacktestFeedSpec, { kind: "replay" }>, range: { from: number; to: number }): Promise<BacktestSource> {
  const files = spec.files.map((f) => {
    const symbol = ourSymbol(f.symbol);
    return { path: f.path, symbol, market: replayMarket(symbol) };
  });
  const symbols = new Set<string>();
  for (const f of files) {
    if (symbols.has(f.symbol)) throw new Error(`two replay files play into ${f.symbol}; give each symbol one file`);
    symbols.add(f.symbol);
  }
  const sources = await Promise.all(files.map((f) => openReplaySource(f)));
  const markets = files.map((f) => f.market);
  const driven = drivenFeed("replay", markets, () => ({ files: sources.map((s) => ({ ...s.stats })) }));
  const items = mergeReplay(sources);
  let done = false;
  const deliver = (item: ReplayItem) => () => {
    driven.push(item.update);
    for (const t of item.trades) driven.trade(t);
    if (item.derivatives) driven.derivatives(item.derivatives);
    return 1;
  };
  return {
    feed: driven.feed,
    markets,
    candleBackfill: () => null,
    next: async () => {
      if (done) return null;
      const r = await items.next();
      if (r.done || r.value.update.ts > range.to) {
        done = true;
        await items.return(undefined);
        return null;
      }
      return { ts: r.value.update.ts, deliver: deliver(r.value) };
    },
    close: async () => {
      done = true;
      await items.return(undefined);
    },
  };
}
