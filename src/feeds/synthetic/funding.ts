import { z } from "zod";
import { formatScaled } from "../../core/decimal.js";
import type { MarketSpec } from "../../core/market.js";
import { createRng, type Rng } from "../../core/rng.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import { DEFAULT_FUNDING_INTERVAL_MS, nextFundingTime } from "../../market/funding.js";

/**
 * One market's synthetic funding rate and open interest. The perp's premium over the index is
 * an Ornstein–Uhlenbeck process pulled towards the trend (the mid against its own slow average:
 * a rising market trades at a premium, so longs pay), the published rate follows interest plus
 * premium smoothly and is clamped to ±cap; open interest reverts to a base notional and swells
 * with the size of the trend. Floats live only inside; the rate leaves as a decimal string of
 * 8 decimals (money moves by it) and the open interest as whole lots.
 *
 * It draws from its own seeded stream, never the price walk's, so adding it changed no book,
 * and everything that shapes its future is in FundingState (a restart resumes exactly).
 */

export interface FundingProfile {
  /** Time between funding payments (the snapshot's interval and next funding time). */
  intervalMs: number;
  /** Interest component per interval (0.01% per 8 h, the usual perp convention). */
  interestRate: number;
  /** Premium per unit of trend (log mid minus its slow average). */
  premiumPerTrend: number;
  /** Window of the mid's slow average the trend is measured against. */
  trendMs: number;
  /** How fast the premium returns to what the trend implies. */
  premiumReversionMs: number;
  /** Noise of the premium, standard deviation per square root of an hour. */
  premiumVolPerHour: number;
  /** How fast the published rate follows interest plus premium (it is an average, not a tick). */
  rateSmoothingMs: number;
  /** The rate never leaves [-cap, cap]. */
  cap: number;
  /** Open interest the market reverts to, in dollars at the mid. */
  openInterestUsd: number;
  /** Growth of log open interest per unit of absolute trend. */
  openInterestPerTrend: number;
  openInterestReversionMs: number;
  /** Noise of log open interest, standard deviation per square root of a day. */
  openInterestVolPerDay: number;
}

export const DEFAULT_FUNDING_PROFILE: FundingProfile = {
  intervalMs: DEFAULT_FUNDING_INTERVAL_MS,
  interestRate: 0.0001,
  premiumPerTrend: 0.05,
  trendMs: 4 * 3_600_000,
  premiumReversionMs: 2 * 3_600_000,
  premiumVolPerHour: 0.00005,
  rateSmoothingMs: 3_600_000,
  cap: 0.003,
  openInterestUsd: 1_000_000_000,
  openInterestPerTrend: 5,
  openInterestReversionMs: 86_400_000,
  openInterestVolPerDay: 0.05,
};

/** Decimals of the published rate (Binance's and most venues'). */
export const SYNTHETIC_RATE_DECIMALS = 8;

const stateSchema = z.object({
  v: z.literal(1),
  /** Time of the last step (epoch ms). */
  at: z.number().int(),
  /** Slow average of the log mid: the trend is the log mid against it. */
  anchor: z.number().finite(),
  premium: z.number().finite(),
  rate: z.number().finite(),
  logOpenInterest: z.number().finite(),
  rng: z.array(z.number().int().min(0).max(0xffffffff)).length(4),
});

export type FundingState = z.infer<typeof stateSchema>;

export interface SyntheticFunding {
  /** Moves the process to `ts` (not before its last step) with the market's mid then, in ticks. */
  step(ts: number, midTicks: number): void;
  /** What the feed reports: the rate and open interest as of the last step. */
  snapshot(): DerivativesSnapshot;
  snapshotState(): FundingState;
}

export interface SyntheticFundingOptions {
  market: MarketSpec;
  seed: number | string;
  /** Mid in ticks and time the process starts from; ignored when `state` resumes a previous run. */
  startMid: number;
  startAt: number;
  state?: unknown;
  profile?: Partial<FundingProfile>;
}

/** Standard normal from two uniforms (Box–Muller, one output: nothing cached outside the state). */
function gauss(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clamp(x: number, bound: number): number {
  return Math.min(bound, Math.max(-bound, x));
}

export function createSyntheticFunding(options: SyntheticFundingOptions): SyntheticFunding {
  const { market } = options;
  const p: FundingProfile = { ...DEFAULT_FUNDING_PROFILE, ...options.profile };
  if (!Number.isSafeInteger(p.intervalMs) || p.intervalMs <= 0) throw new RangeError(`funding intervalMs must be a positive whole number of ms, got ${p.intervalMs}`);
  if (!(p.cap > 0 && p.cap < 1)) throw new RangeError(`funding cap must be in (0, 1), got ${p.cap}`);
  const usdPerTick = 10 ** -market.priceDecimals;
  let state: FundingState;
  if (options.state !== undefined) {
    const parsed = stateSchema.safeParse(options.state);
    if (!parsed.success) throw new Error(`invalid synthetic funding state of ${market.symbol}: ${z.prettifyError(parsed.error)}`);
    state = parsed.data;
  } else {
    // A stream of its own: the price walk's draws (and so every book) stay what they were.
    const init = createRng(`${options.seed}/funding`);
    state = {
      v: 1,
      at: options.startAt,
      anchor: Math.log(Math.max(1, options.startMid)),
      premium: 0,
      rate: p.interestRate,
      logOpenInterest: Math.log(p.openInterestUsd),
      rng: init.state().map((w) => w >>> 0),
    };
  }
  const rng = createRng(0, state.rng);
  let mid = Math.max(1, options.startMid);

  const evolve = (dtMs: number, logMid: number): void => {
    const k = (tau: number) => 1 - Math.exp(-dtMs / tau);
    state.anchor += k(p.trendMs) * (logMid - state.anchor);
    const trend = logMid - state.anchor;
    state.premium += k(p.premiumReversionMs) * (p.premiumPerTrend * trend - state.premium) + p.premiumVolPerHour * Math.sqrt(dtMs / 3_600_000) * gauss(rng);
    // Far beyond the cap the premium means nothing more; keeping it near stops a runaway.
    state.premium = clamp(state.premium, 2 * p.cap);
    state.rate = clamp(state.rate + k(p.rateSmoothingMs) * (p.interestRate + state.premium - state.rate), p.cap);
    const targetOi = Math.log(p.openInterestUsd) + p.openInterestPerTrend * Math.abs(trend);
    state.logOpenInterest += k(p.openInterestReversionMs) * (targetOi - state.logOpenInterest) + p.openInterestVolPerDay * Math.sqrt(dtMs / 86_400_000) * gauss(rng);
  };

  return {
    step(ts, midTicks) {
      if (!Number.isSafeInteger(midTicks) || midTicks <= 0) throw new RangeError(`${market.symbol}: funding needs a positive mid in ticks, got ${midTicks}`);
      mid = midTicks;
      if (ts > state.at) evolve(ts - state.at, Math.log(midTicks));
      state.at = Math.max(state.at, ts);
      state.rng = rng.state().map((w) => w >>> 0);
    },
    snapshot() {
      const lots = Math.round((Math.exp(state.logOpenInterest) / (mid * usdPerTick)) * 10 ** market.sizeDecimals);
      return {
        symbol: market.symbol,
        ts: state.at,
        // Rounded to the published grid, then clamped again: the string is what moves money.
        fundingRate: formatScaled(BigInt(Math.round(clamp(state.rate, p.cap) * 10 ** SYNTHETIC_RATE_DECIMALS)), SYNTHETIC_RATE_DECIMALS),
        fundingIntervalMs: p.intervalMs,
        nextFundingAt: nextFundingTime(state.at, p.intervalMs),
        openInterestLots: Number.isSafeInteger(lots) ? lots : Number.MAX_SAFE_INTEGER,
      };
    },
    snapshotState: () => ({ ...state }),
  };
}
