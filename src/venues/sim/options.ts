import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import type { MarketSpec } from "../../core/market.js";
import { DEFAULT_MARKETS } from "../../core/market.js";

export interface SimOptions {
  markets: readonly MarketSpec[];
  clock: Clock;
  seed: number;
  /** Fee for liquidity added by a resting order, basis points of notional. */
  makerFeeBps: number;
  /** Fee for liquidity taken, basis points of notional. */
  takerFeeBps: number;
  /** Extra slippage on every taker fill on top of what walking the book costs, adverse on both sides. */
  extraSlippageBps: number;
  /** A market order's average fill price is never worse than this distance from the touch (Lighter's 1% bound). */
  marketPriceBoundBps: number;
  /** Simulated order latency, drawn from the seeded RNG in [minMs, maxMs]. */
  latency: { minMs: number; maxMs: number };
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  markets: DEFAULT_MARKETS,
  clock: systemClock,
  seed: 42,
  makerFeeBps: 2,
  takerFeeBps: 6,
  extraSlippageBps: 0,
  marketPriceBoundBps: 100,
  latency: { minMs: 0, maxMs: 0 },
};
