/**
 * Book updates per second through feed -> book -> exit-plan check, the path every market update
 * takes in the running system (src/app/autonome.ts): MarketRoom.apply (the L2 book and the quote),
 * then its listeners in order: the simulator (consumption overlay refresh, GTT expiry,
 * resting-order matching), then ExitEngine.onBook on the quote over every open position of the
 * symbol (stop, invalidation, target, time exit, liquidation). Candles and the UI tick, the
 * listeners after those, are left out.
 *
 * 10 accounts x 3 symbols (BTC, ETH, SOL) hold positions, longs and shorts, built in memory
 * (ModelAccount + the simulator's account) with exit plans 30% away at 2x leverage, so nothing
 * triggers and the measured path is the check, not a close. The TradingService's unit of work is
 * a stub that is never supposed to be called: if a close fired anyway the run says so.
 *
 * The updates come from the synthetic feed's own process (createSyntheticFeed + advanceTo on a
 * ManualClock), one 500 ms step (3 updates) at a time, generated untimed right before they are
 * applied; only the apply + check is timed (hrtime around each step). Variants, each on its own
 * venue and accounts, fed the same steps:
 *  - snapshots as the synthetic feed emits them (25 levels a side): the headline figure;
 *  - the same snapshots cut to 20 levels a side;
 *  - delta messages: each step's exact diff (removed levels first, then new or resized ones)
 *    split into messages of at most 4 levels, as an exchange diff stream looks; the book ends
 *    identical to the snapshots' (checked);
 *  - references: the book alone (no positions), and the exit check alone (same positions, book
 *    untouched), which split the headline figure into its two parts;
 *  - recorded Binance spot BTC + ETH diffs from ../shared/data/market when present.
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { midTicks, type BookUpdate, type Level } from "../src/core/book.js";
import { ManualClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS, notional, type MarketSpec } from "../src/core/market.js";
import { feeMicro, usd } from "../src/core/money.js";
import type { PositionState } from "../src/core/position.js";
import type { Side } from "../src/core/types.js";
import type { UnitOfWork } from "../src/db/unit-of-work.js";
import { createReplayFeed } from "../src/feeds/replay/index.js";
import { createSyntheticFeed, defaultStartMid } from "../src/feeds/synthetic/index.js";
import { MarketRoom } from "../src/market/market-room.js";
import { ModelAccount, type OpenPosition } from "../src/trading/account.js";
import { ExitEngine } from "../src/trading/exit-engine.js";
import { EMPTY_PLAN } from "../src/trading/exit-plan.js";
import { TradingService } from "../src/trading/trading-service.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import { int, type Figure } from "./report.js";

/** Issue 10: 25-level snapshots as the feed emits them, through book + exit-plan checks. */
export const BOOK_UPDATES_GOAL = 1_000_000;

const MARKETS = DEFAULT_MARKETS;
const ACCOUNTS = 10;
const LEVERAGE_CENTI = 200; // 2x
const POSITION_USD = 1_000;
/** Stops and targets this far from entry: the synthetic walk does not get there in the run. */
const PLAN_DISTANCE = 0.3;
const DELTA_LEVELS = 4;
const INTERVAL_MS = 500;

const DATA_DIR = fileURLToPath(new URL("../../shared/data/market/", import.meta.url));
const RECORDED: Array<[file: string, symbol: string]> = [
  ["l2_binance_spot_btcusdt_20240808.csv", "BTC"],
  ["l2_binance_spot_ethusdt_20240808.csv", "ETH"],
];

export interface BookUpdatesOptions {
  /** Synthetic updates per variant (3 symbols, so steps = updates / 3). Default 300,000. */
  updates?: number;
  /** Timed passes over the recorded files, after one warm-up pass. Default 10 (quick: 2). */
  recordedPasses?: number;
  quick?: boolean;
}

export interface BookUpdatesRow {
  variant: string;
  updates: number;
  levelsPerUpdate: number;
  perSecond: number;
  /** Exit-plan checks the run made (positions of the symbol x updates). */
  positions: boolean;
  /** Shown for reference: the goal is not set for this workload. */
  reference?: boolean;
}

/** One venue with its accounts, trading service and exit engine: what the app wires per process. */
export interface Rig {
  apply(updates: readonly BookUpdate[]): number;
  /** The exit check alone (ExitEngine.onBook at these best prices, book untouched): what it costs by itself. */
  checkOnly(symbols: readonly string[], bids: readonly number[], asks: readonly number[]): number;
  /** Closes the exit engine tried to start (must stay 0: the plans are out of reach). */
  closesFired(): number;
  room: MarketRoom;
}

/** The rig for BTC/ETH/SOL; with positions, each account holds one per symbol, entered at `mids` with plans 30% away. */
export function createRig(mids: ReadonlyMap<string, number>, withPositions: boolean): Rig {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const room = new MarketRoom({ markets: MARKETS });
  const venue = new SimVenue({ clock, markets: MARKETS }, room);
  let uowCalls = 0;
  // Never called while nothing triggers; if it is, the close hangs here (pending, no timer) and is counted.
  const uow = {
    run: () => {
      uowCalls++;
      return new Promise<never>(() => undefined);
    },
  } as unknown as UnitOfWork;
  const accounts = new Map<string, ModelAccount>();
  if (withPositions) {
    for (let i = 0; i < ACCOUNTS; i++) {
      const modelId = `bench-${i}`;
      const account = new ModelAccount(modelId, usd("100000"));
      const states: PositionState[] = [];
      MARKETS.forEach((m, j) => {
        const mid = mids.get(m.symbol)!;
        const side: Side = (i + j) % 2 === 0 ? "LONG" : "SHORT";
        const state = positionState(m, side, mid);
        const far = (sign: number) => Math.round(mid * (1 + sign * PLAN_DISTANCE));
        const pos: OpenPosition = {
          id: `pos-${i}-${m.symbol}`,
          modelId,
          state,
          plan: { ...EMPTY_PLAN, stop: far(side === "LONG" ? -1 : 1), target: far(side === "LONG" ? 1 : -1) },
          openedAt: clock.now(),
          entryClientOrderId: null,
        };
        account.positions.set(m.symbol, pos);
        states.push(state);
      });
      accounts.set(modelId, account);
      venue.restoreAccount(modelId, account.cash, states);
    }
  }
  const service = new TradingService({ uow, venue, clock, accounts, quote: (symbol) => room.quote(symbol), paper: venue });
  const exits = new ExitEngine({ service, uow, markets: MARKETS, now: () => clock.now() });
  room.onBook("exits", (u, q) => exits.onBook(u.symbol, q.bid, q.ask));

  return {
    room,
    closesFired: () => uowCalls,
    // The timed loop: exactly what the app's feed sink does, up to the listeners after the exit engine.
    apply(updates) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < updates.length; i++) {
        const u = updates[i]!;
        clock.set(u.ts);
        room.apply(u);
      }
      return Number(process.hrtime.bigint() - start);
    },
    checkOnly(symbols, bids, asks) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < symbols.length; i++) exits.onBook(symbols[i]!, bids[i], asks[i]);
      return Number(process.hrtime.bigint() - start);
    },
  };
}

function positionState(m: MarketSpec, side: Side, mid: number): PositionState {
  const priceUsd = mid / 10 ** m.priceDecimals;
  const lots = Math.max(m.minBaseLots, Math.round((POSITION_USD / priceUsd) * 10 ** m.sizeDecimals));
  const cost = notional(m, mid, lots);
  return { symbol: m.symbol, side, lots: BigInt(lots), cost, entryFees: feeMicro(cost, 6), leverage: LEVERAGE_CENTI };
}

const trim = (u: BookUpdate, depth: number): BookUpdate => ({ ...u, bids: u.bids.slice(0, depth), asks: u.asks.slice(0, depth) });

/**
 * The step from `prev` to `next` (two snapshots of one symbol) as delta messages of at most
 * `max` levels: removals first, then new or resized levels best first. Every intermediate book
 * is a subset of the old or of the new one, so it is never crossed.
 */
function diffMessages(prev: BookUpdate, next: BookUpdate, max: number): BookUpdate[] {
  const items: Array<["bids" | "asks", Level]> = [];
  for (const side of ["bids", "asks"] as const) {
    const nextSizes = new Map(next[side]);
    for (const [price] of prev[side]) if (!nextSizes.has(price)) items.push([side, [price, 0]]);
  }
  for (const side of ["bids", "asks"] as const) {
    const prevSizes = new Map(prev[side]);
    for (const level of next[side]) if (prevSizes.get(level[0]) !== level[1]) items.push([side, level]);
  }
  const out: BookUpdate[] = [];
  for (let i = 0; i < items.length; i += max) {
    const msg: BookUpdate = { symbol: next.symbol, ts: next.ts, kind: "delta", bids: [], asks: [] };
    for (const [side, level] of items.slice(i, i + max)) msg[side].push(level);
    out.push(msg);
  }
  return out;
}

const levelsOf = (updates: readonly BookUpdate[]): number => updates.reduce((s, u) => s + u.bids.length + u.asks.length, 0);

/** The delta stream must build exactly the snapshots' book (checked untimed). */
function sameBooks(snapshots: Rig, deltas: Rig): void {
  for (const m of MARKETS) {
    const a = JSON.stringify(snapshots.room.snapshot(m.symbol, 100));
    const b = JSON.stringify(deltas.room.snapshot(m.symbol, 100));
    if (a !== b) throw new Error(`book-updates: the delta stream's ${m.symbol} book differs from the snapshots' book`);
  }
}

interface Variant {
  name: string;
  positions: boolean;
  /** Steps this variant is timed over (the delta stream is ~25 messages a step: a share is enough). */
  steps: number;
  make: (step: BookUpdate[]) => BookUpdate[];
  rig: Rig;
  ns: number;
  updates: number;
  levels: number;
}

/**
 * Each step's updates are generated just before they are applied, as a live feed's are (fresh
 * objects, hot in the cache); only the apply + check of each step is timed. Pre-generating a
 * large batch instead makes the first loop that reads it pay for cache misses and for copying
 * long-lived objects out of the young generation, which the live path never does (it halved the
 * figure of whichever variant ran first).
 */
async function runSynthetic(total: number): Promise<BookUpdatesRow[]> {
  const t0 = Date.UTC(2025, 0, 1);
  const feed = createSyntheticFeed({ markets: MARKETS, seed: "bench-book-updates", clock: new ManualClock(t0) });
  const first = MARKETS.map((m) => feed.book(m.symbol));
  const mids = new Map(MARKETS.map((m) => [m.symbol, feed.mid(m.symbol)]));
  const steps = Math.ceil(total / MARKETS.length);

  const previous = new Map(first.map((u) => [u.symbol, u]));
  const specs: Array<Pick<Variant, "name" | "positions" | "steps" | "make">> = [
    { name: "synthetic snapshots, 25 levels a side (as the feed emits them)", positions: true, steps, make: (c) => c },
    { name: "synthetic snapshots cut to 20 levels a side", positions: true, steps, make: (c) => c.map((u) => trim(u, 20)) },
    {
      name: `synthetic step diffs as delta messages of <= ${DELTA_LEVELS} levels`,
      positions: true,
      steps: Math.ceil(steps / 8),
      make: (c) =>
        c.flatMap((u) => {
          const msgs = diffMessages(previous.get(u.symbol)!, u, DELTA_LEVELS);
          previous.set(u.symbol, u);
          return msgs;
        }),
    },
    { name: "reference: book only (25-level snapshots, no positions)", positions: false, steps, make: (c) => c },
  ];
  const variants: Variant[] = specs.map((v) => ({ ...v, rig: createRig(mids, v.positions), ns: 0, updates: 0, levels: 0 }));
  for (const v of variants) v.rig.apply(first);
  // The exit check alone, on the headline variant's rig, at the best prices of each step's books.
  const check = { ns: 0, updates: 0 };
  const symbols: string[] = [];
  const bids: number[] = [];
  const asks: number[] = [];

  const warmup = Math.min(2_000, Math.ceil(steps / 10));
  let t = t0;
  for (let step = -warmup; step < steps; step++) {
    t += INTERVAL_MS;
    const updates = feed.advanceTo(t);
    const timed = step >= 0;
    for (const v of variants) {
      if (step >= v.steps) continue;
      const stream = v.make(updates);
      const ns = v.rig.apply(stream);
      if (!timed) continue;
      v.ns += ns;
      v.updates += stream.length;
      v.levels += levelsOf(stream);
    }
    if (step === variants[2]!.steps - 1) sameBooks(variants[0]!.rig, variants[2]!.rig);
    symbols.length = bids.length = asks.length = 0;
    for (const u of updates) {
      symbols.push(u.symbol);
      bids.push(u.bids[0]![0]);
      asks.push(u.asks[0]![0]);
    }
    const ns = variants[0]!.rig.checkOnly(symbols, bids, asks);
    if (timed) {
      check.ns += ns;
      check.updates += updates.length;
    }
  }

  for (const v of variants) {
    if (v.rig.closesFired() > 0) throw new Error(`book-updates: ${v.rig.closesFired()} exits fired in "${v.name}": the measured path was not the check alone`);
  }
  const rows = variants.map((v) => ({ variant: v.name, updates: v.updates, levelsPerUpdate: v.levels / v.updates, perSecond: v.updates / (v.ns / 1e9), positions: v.positions }));
  rows.push({
    variant: "reference: exit check only (ExitEngine.onBook, 10 positions of the symbol)",
    updates: check.updates,
    levelsPerUpdate: 0,
    perSecond: check.updates / (check.ns / 1e9),
    positions: false,
  });
  return rows;
}

/**
 * The recorded files, loaded through the replay feed first (parsing is the replay bench's
 * subject, and its garbage would land in the timed loop), then applied pass after pass.
 */
async function runRecorded(passes: number): Promise<BookUpdatesRow | string> {
  const files = RECORDED.map(([name, symbol]) => ({ path: DATA_DIR + name, symbol }));
  const missing = files.filter((f) => !existsSync(f.path));
  if (missing.length > 0) return `recorded diffs: skipped, not found: ${missing.map((f) => f.path).join(", ")}`;
  const updates: BookUpdate[] = [];
  await createReplayFeed({ files, speed: "max" }).run((u) => void updates.push(u));
  // Positions entered at each file's first mid (SOL, not recorded, keeps its default mid).
  const mids = new Map(MARKETS.map((m) => [m.symbol, defaultStartMid(m)]));
  const seen = new Set<string>();
  for (const u of updates) {
    if (u.kind !== "snapshot" || seen.has(u.symbol) || !u.bids[0] || !u.asks[0]) continue;
    seen.add(u.symbol);
    mids.set(u.symbol, midTicks(u.bids[0][0], u.asks[0][0]));
  }
  const rig = createRig(mids, true);
  settleHeap();
  rig.apply(updates); // warm-up pass
  let ns = 0;
  // Every pass starts with the files' snapshots, so each replays the same books.
  for (let p = 0; p < passes; p++) ns += rig.apply(updates);
  if (rig.closesFired() > 0) throw new Error(`book-updates: ${rig.closesFired()} exits fired on the recorded data`);
  const deltas = updates.filter((u) => u.kind === "delta");
  return {
    variant: `recorded Binance spot BTC+ETH diffs (${passes} passes; ${int(levelsOf(deltas) / deltas.length)} levels per diff)`,
    updates: updates.length * passes,
    levelsPerUpdate: levelsOf(updates) / updates.length,
    perSecond: (updates.length * passes) / (ns / 1e9),
    positions: true,
    // The goal is set for the synthetic 10 x 3 workload; 38-level diffs into a 1000-level book are reported for reference.
    reference: true,
  };
}

/**
 * Loaded updates are long-lived: left in the young generation, the first timed pass would pay
 * for copying them out of it. A full GC first (run.ts passes --expose-gc; standalone, the flag is
 * set at run time) moves them to the old generation.
 */
function settleHeap(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      return;
    }
  }
  gc();
}

export async function runBookUpdatesBench(options: BookUpdatesOptions = {}): Promise<Figure[]> {
  const total = options.updates ?? (options.quick ? 30_000 : 300_000);
  const passes = options.recordedPasses ?? (options.quick ? 2 : 10);
  console.log(
    `${ACCOUNTS} accounts x ${MARKETS.map((m) => m.symbol).join("/")} positions (longs and shorts, 2x, plans ${PLAN_DISTANCE * 100}% away); MarketRoom.apply (simulator + ExitEngine.onBook listening) timed, generation not`,
  );
  const rows = await runSynthetic(total);
  const recorded = await runRecorded(passes);
  if (typeof recorded === "string") console.log(recorded);
  else rows.push(recorded);

  console.table(
    rows.map((r) => ({
      variant: r.variant,
      updates: int(r.updates),
      "levels/update": r.levelsPerUpdate.toFixed(1),
      "updates/s": int(r.perSecond),
      "µs/update": (1e6 / r.perSecond).toFixed(2),
      goal: r.positions && !r.reference ? `>= ${int(BOOK_UPDATES_GOAL)}/s` : "-",
    })),
  );
  return rows.map((r) => ({
    benchmark: "book-updates",
    figure: r.variant,
    measured: `${int(r.perSecond)}/s`,
    goal: r.positions && !r.reference ? `>= ${int(BOOK_UPDATES_GOAL)}/s` : "-",
    met: r.positions && !r.reference ? r.perSecond >= BOOK_UPDATES_GOAL : undefined,
  }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runBookUpdatesBench({ quick: process.argv.includes("--quick") });
}
