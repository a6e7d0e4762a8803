import type { BookUpdate } from "../../core/book.js";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { type MarketSpec, ticksToPrice } from "../../core/market.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import type { MarketFeed, TradePrint } from "../feed.js";
import { createSyntheticFunding, type FundingProfile, type FundingState, type SyntheticFunding } from "./funding.js";
import { createSyntheticMarket, type SyntheticMarket, type SyntheticState } from "./process.js";
import { defaultStartMid, type SyntheticProfile } from "./profile.js";

/** The two timer functions the feed uses, injectable so tests never wait on real time. */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export interface SyntheticFeedOptions {
  markets: readonly MarketSpec[];
  seed: number | string;
  clock: Clock;
  /** Time between book updates, ms (default 500). */
  intervalMs?: number;
  /** Starting mid per symbol, ticks; defaults to DEFAULT_START_PRICES. */
  startMids?: Record<string, number>;
  /** States saved from state(): each symbol in here resumes exactly (it wins over startMids). */
  states?: Record<string, unknown>;
  timers?: IntervalTimers;
  profile?: Partial<SyntheticProfile>;
  /** The simulated funding rate and open interest (interval 8 h by default: `{ intervalMs }`). */
  funding?: Partial<FundingProfile>;
  /** Feed time between two derivatives reports (default 60 s): the funding process steps then. */
  derivativesEveryMs?: number;
  /**
   * Where a failure inside the feed's timer goes (a market's step, or a sink that threw on its
   * update): logged, and the feed keeps running. Defaults to the console.
   */
  logger?: Pick<Logger, "error">;
}

const consoleLogger: Pick<Logger, "error"> = {
  error: (obj, msg) => console.error(msg ?? "synthetic feed error", obj),
};

export interface SyntheticFeed extends MarketFeed {
  readonly kind: "synthetic";
  /** Puts the symbol's mid at `ticks`; a started feed delivers the moved book at once. */
  move(symbol: string, ticks: number): void;
  mid(symbol: string): number;
  /** The current book of the symbol, stamped with the last step's time. */
  book(symbol: string): BookUpdate;
  /** Per-symbol process state to persist (JSON-serialisable); pass it back as `states`. */
  state(): Record<string, SyntheticFeedState>;
  /** The symbol's funding rate and open interest as last reported. */
  derivatives(symbol: string): DerivativesSnapshot;
  /**
   * Steps every market at each interval boundary after the last step up to `ms`, delivering to
   * the started sink (if any) and returning the updates. start() drives the same method from a
   * timer with clock.now(), so a test stepping by hand sees exactly what a live run would.
   */
  advanceTo(ms: number): BookUpdate[];
}

/** A market's saved state: the price process's, and its funding process's. */
export type SyntheticFeedState = SyntheticState & { funding: FundingState };

export function createSyntheticFeed(options: SyntheticFeedOptions): SyntheticFeed {
  const { clock, markets } = options;
  const intervalMs = options.intervalMs ?? 500;
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`intervalMs must be a positive integer, got ${intervalMs}`);
  const reportMs = options.derivativesEveryMs ?? 60_000;
  if (!Number.isSafeInteger(reportMs) || reportMs <= 0) throw new RangeError(`derivativesEveryMs must be a positive integer, got ${reportMs}`);
  const timers = options.timers ?? realTimers;
  const logger = options.logger ?? consoleLogger;
  /** Runs one piece of the feed's work; a throw is logged and the rest of the work goes on. */
  const guarded = (what: string, symbol: string | undefined, work: () => void): boolean => {
    try {
      work();
      return true;
    } catch (err) {
      try {
        logger.error({ err, symbol }, `synthetic feed: ${what} failed; the feed keeps running`);
      } catch {
        // a logger that throws must not stop the feed either
      }
      return false;
    }
  };
  const processes = new Map<string, SyntheticMarket>();
  const fundings = new Map<string, SyntheticFunding>();
  for (const market of markets) {
    const saved = options.states?.[market.symbol];
    const process = createSyntheticMarket({
      market,
      // Each symbol draws from its own stream: adding a market never changes the others' paths.
      seed: `${options.seed}/${market.symbol}`,
      startMid: options.startMids?.[market.symbol] ?? defaultStartMid(market),
      rngState: saved,
      profile: options.profile,
    });
    processes.set(market.symbol, process);
    // A state saved before funding was simulated has none: the funding process starts fresh.
    const fundingState = saved !== null && typeof saved === "object" ? (saved as { funding?: unknown }).funding : undefined;
    fundings.set(
      market.symbol,
      createSyntheticFunding({ market, seed: `${options.seed}/${market.symbol}`, startMid: process.mid(), startAt: clock.now(), state: fundingState, profile: options.funding }),
    );
  }
  let lastStep = clock.now();
  let sink: ((update: BookUpdate) => void) | undefined;
  let onTrade: ((trade: TradePrint) => void) | undefined;
  let onDerivatives: ((snapshot: DerivativesSnapshot) => void) | undefined;
  let handle: unknown;

  const processOf = (symbol: string): SyntheticMarket => {
    const found = processes.get(symbol);
    if (!found) throw new Error(`synthetic feed has no market ${symbol}`);
    return found;
  };

  const advanceTo = (ms: number): BookUpdate[] => {
    const out: BookUpdate[] = [];
    while (lastStep + intervalMs <= ms) {
      lastStep += intervalMs;
      const ts = lastStep;
      // The funding process steps on its own grid of feed time, whoever listens: the same seed
      // gives the same rates however the feed is driven.
      const report = Math.floor(ts / reportMs) > Math.floor((ts - intervalMs) / reportMs);
      for (const process of processes.values()) {
        // One market's failure (a bad step, a consumer that throws on its book) neither stops the
        // other markets nor, through the timer, the process: it is logged and the next step comes.
        const symbol = process.market.symbol;
        let step: ReturnType<SyntheticMarket["step"]> | undefined;
        if (!guarded("a market step", symbol, () => (step = process.step(intervalMs, ts))) || !step) continue;
        const { update, volumeLots } = step;
        out.push(update);
        if (sink) guarded("delivering a book update", symbol, () => sink?.(update));
        if (volumeLots > 0 && onTrade) guarded("delivering a trade print", symbol, () => onTrade?.({ symbol, ts, priceTicks: process.mid(), sizeLots: volumeLots }));
        if (!report) continue;
        const funding = fundings.get(symbol)!;
        if (!guarded("a funding step", symbol, () => funding.step(ts, process.mid()))) continue;
        if (onDerivatives) guarded("delivering derivatives", symbol, () => onDerivatives?.(funding.snapshot()));
      }
    }
    return out;
  };

  return {
    kind: "synthetic",
    markets,
    start(newSink, newOnTrade, newOnDerivatives) {
      if (handle !== undefined) throw new Error("synthetic feed already started");
      sink = newSink;
      onTrade = newOnTrade;
      onDerivatives = newOnDerivatives;
      // Deliver the current books at once so nobody waits an interval for a first snapshot.
      for (const process of processes.values()) guarded("delivering the first book", process.market.symbol, () => newSink(process.book(lastStep)));
      if (newOnDerivatives) for (const [symbol, f] of fundings) guarded("delivering the first derivatives", symbol, () => newOnDerivatives(f.snapshot()));
      // Nothing may escape the timer's callback: an uncaught throw there ends the whole process.
      handle = timers.setInterval(() => void guarded("a feed step", undefined, () => advanceTo(clock.now())), intervalMs);
    },
    stop() {
      if (handle !== undefined) timers.clearInterval(handle);
      handle = undefined;
      sink = undefined;
      onTrade = undefined;
      onDerivatives = undefined;
    },
    describe: () => ({
      kind: "synthetic",
      seed: options.seed,
      intervalMs,
      running: handle !== undefined,
      lastStep,
      markets: Object.fromEntries(
        [...processes.values()].map((p) => [p.market.symbol, { mid: ticksToPrice(p.market, p.mid()), regime: p.regime(), fundingRate: fundings.get(p.market.symbol)!.snapshot().fundingRate }]),
      ),
    }),
    move(symbol, ticks) {
      const process = processOf(symbol);
      process.move(ticks); // a bad price throws here, before anything changed
      if (sink) guarded("delivering a moved book", symbol, () => sink?.(process.book(lastStep)));
    },
    mid: (symbol) => processOf(symbol).mid(),
    book: (symbol) => processOf(symbol).book(lastStep),
    state: () => Object.fromEntries([...processes.entries()].map(([symbol, p]) => [symbol, { ...p.snapshotState(), funding: fundings.get(symbol)!.snapshotState() }])),
    derivatives: (symbol) => {
      processOf(symbol);
      return fundings.get(symbol)!.snapshot();
    },
    advanceTo,
  };
}
