import { z } from "zod";
import type { BookUpdate } from "../../core/book.js";
import { MAX_PRICE_TICKS, type MarketSpec } from "../../core/market.js";
import { createRng, hashString, type Rng } from "../../core/rng.js";
import { buildSyntheticBook } from "./book-shape.js";
import { DEFAULT_PROFILE, REGIMES, type RegimeName, type SyntheticProfile } from "./profile.js";

/**
 * One market's synthetic price process: a log-price random walk whose volatility switches
 * between regimes (a Markov chain with exponential holding times), with occasional jumps, and a
 * spread and depth that revert to the regime's level. Floats live only inside the process; the
 * mid it reports and every level it emits are integers.
 *
 * Everything that shapes the future is in SyntheticState, so a restart that restores it continues
 * exactly where the previous run would have gone. The rng's cached second normal is not part of
 * Rng.state(), so this file draws its own normals (one per pair of uniforms) to stay resumable.
 */

const stateSchema = z.object({
  v: z.literal(1),
  /** Mid in ticks as a float: the walk's exact position, rounded when reported. */
  mid: z.number().positive(),
  regime: z.enum(["calm", "normal", "volatile"]),
  spreadBps: z.number().positive(),
  depth: z.number().positive(),
  /** Seeds the current book's shape, so the book is a pure function of the state. */
  shapeSeed: z.number().int().nonnegative(),
  rng: z.array(z.number().int().min(0).max(0xffffffff)).length(4),
});

export type SyntheticState = z.infer<typeof stateSchema>;

/** Validates a state read back from the database; throws with the reason when it is not one. */
export function parseSyntheticState(input: unknown): SyntheticState {
  const result = stateSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid synthetic market state: ${z.prettifyError(result.error)}`);
  return result.data;
}

export interface SyntheticMarketOptions {
  market: MarketSpec;
  seed: number | string;
  /** Starting mid in ticks; ignored when rngState restores a previous run. */
  startMid: number;
  /** A whole state from snapshotState() (mid, regime, spread, depth, rng words): resume instead of starting fresh. */
  rngState?: unknown;
  profile?: Partial<SyntheticProfile>;
}

export interface SyntheticStep {
  update: BookUpdate;
  /** Lots traded during the step, for candles. */
  volumeLots: number;
}

export interface SyntheticMarket {
  readonly market: MarketSpec;
  /** The mid in ticks: exactly the mid of the book book() returns. */
  mid(): number;
  regime(): RegimeName;
  /** Advances the process by dtMs and returns the new full book stamped ts. */
  step(dtMs: number, ts: number): SyntheticStep;
  /** Advances price, regime, spread and depth only (no book): what backfills need. Returns the volume. */
  evolve(dtMs: number): number;
  /** The current book as a snapshot stamped ts; draws nothing from the rng. */
  book(ts: number): BookUpdate;
  /** Puts the mid at priceTicks; the walk continues from there. */
  move(priceTicks: number): void;
  snapshotState(): SyntheticState;
}

/** The rng's four state words as unsigned 32-bit integers (sfc32 leaves some signed after an xor). */
function words(rng: Rng): number[] {
  return rng.state().map((w) => w >>> 0);
}

/** Standard normal from two uniforms (Box–Muller, one output: no hidden cached value). */
function gauss(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log stays finite
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function nextRegime(from: RegimeName, rng: Rng): RegimeName {
  const u = rng.next();
  const options = REGIMES[from].next;
  for (const [to, cumulative] of options) if (u < cumulative) return to;
  return options[options.length - 1]![0];
}

/** A mid within [1, MAX_PRICE_TICKS]; NaN (which no step should produce) becomes 1 rather than spreading. */
function clampMid(mid: number): number {
  return mid >= 1 ? Math.min(mid, MAX_PRICE_TICKS) : 1;
}

export function createSyntheticMarket(options: SyntheticMarketOptions): SyntheticMarket {
  const { market } = options;
  const profile: SyntheticProfile = { ...DEFAULT_PROFILE, ...options.profile };
  const seed = typeof options.seed === "number" ? options.seed : hashString(options.seed);
  let state: SyntheticState;
  if (options.rngState !== undefined) {
    state = parseSyntheticState(options.rngState);
  } else {
    if (!Number.isInteger(options.startMid) || options.startMid <= 0) {
      throw new RangeError(`${market.symbol}: startMid must be a positive integer of ticks, got ${options.startMid}`);
    }
    const init = createRng(seed);
    state = {
      v: 1,
      mid: options.startMid,
      regime: "normal",
      spreadBps: REGIMES.normal.spreadBps,
      depth: REGIMES.normal.depth,
      shapeSeed: 0,
      rng: [],
    };
    state.shapeSeed = Math.floor(init.next() * 4294967296);
    state.rng = words(init);
  }
  // A state saved before prices were bounded may sit beyond the bound: resume at the bound instead.
  state.mid = clampMid(state.mid);
  const rng = createRng(seed, state.rng);
  const usdPerTick = 10 ** -market.priceDecimals;
  const lotsPerUnit = 10 ** market.sizeDecimals;

  const mid = (): number => clampMid(Math.round(state.mid));

  const evolve = (dtMs: number): number => {
    if (!(dtMs > 0)) return 0;
    const regime = REGIMES[state.regime];
    const minutes = dtMs / 60_000;
    if (rng.next() < 1 - Math.exp(-minutes / regime.meanMinutes)) state.regime = nextRegime(state.regime, rng);
    const now = REGIMES[state.regime];
    const z = gauss(rng);
    let logReturn = now.volPerMinute * Math.sqrt(minutes) * z;
    const jumped = rng.next() < (now.jumpsPerHour * minutes) / 60;
    if (jumped) logReturn += gauss(rng) * profile.jumpSd;
    // The walk stays within what a market holds, so every price it lays out is an exact integer.
    state.mid = clampMid(state.mid * Math.exp(logReturn));

    // Ornstein–Uhlenbeck steps: the fraction k of the gap closes over dt, noise scales with sqrt(k).
    const k = 1 - Math.exp(-dtMs / profile.reversionMs);
    const spreadNoise = 0.25 * now.spreadBps * Math.sqrt(k) * gauss(rng);
    state.spreadBps += k * (now.spreadBps - state.spreadBps) + spreadNoise;
    if (jumped) state.spreadBps += 3 * now.spreadBps; // a jump blows the spread out, then it heals
    state.spreadBps = Math.max(0.05, state.spreadBps);
    const logDepth = Math.log(state.depth);
    state.depth = Math.exp(logDepth + k * (Math.log(now.depth) - logDepth) + 0.15 * Math.sqrt(k) * gauss(rng));

    // Volume grows with the size of the move (and with jumps), lognormal noise on top.
    const activity = (0.5 + Math.abs(z) + (jumped ? 10 : 0)) * Math.exp(0.3 * gauss(rng));
    const usd = profile.volumeUsdPerMinute * minutes * now.volume * activity;
    state.shapeSeed = Math.floor(rng.next() * 4294967296);
    return Math.round((usd / (state.mid * usdPerTick)) * lotsPerUnit);
  };

  const book = (ts: number): BookUpdate => buildSyntheticBook({ market, mid: mid(), spreadBps: state.spreadBps, depth: state.depth, shapeSeed: state.shapeSeed, profile, ts });

  return {
    market,
    mid,
    regime: () => state.regime,
    evolve,
    book,
    step(dtMs, ts) {
      const volumeLots = evolve(dtMs);
      return { update: book(ts), volumeLots };
    },
    move(priceTicks) {
      if (!Number.isInteger(priceTicks) || priceTicks <= 0 || priceTicks > MAX_PRICE_TICKS) {
        throw new RangeError(`${market.symbol}: move needs a positive integer of ticks up to ${MAX_PRICE_TICKS}, got ${priceTicks}`);
      }
      state.mid = priceTicks;
    },
    // The rng's words are read here rather than copied on every step: the hot path stays allocation-free.
    snapshotState: () => ({ ...state, rng: words(rng) }),
  };
}
