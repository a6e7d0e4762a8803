/**
 * Perpetual-futures context a feed may know about a market: the funding rate and the open
 * interest. The synthetic feed simulates a funding rate; replays carry what their files hold; a
 * feed that knows nothing simply never reports, and the prompt then says nothing about it.
 *
 * The funding rate is a decimal string (a fraction per funding interval, e.g. "0.0001" = 0.01%):
 * it moves money in the simulator, so it is never a float.
 */
export interface DerivativesSnapshot {
  symbol: string;
  /** Epoch ms of the observation. */
  ts: number;
  /** Fraction of the position's notional paid per funding interval; positive: longs pay shorts. */
  fundingRate: string;
  fundingIntervalMs: number;
  /** Epoch ms of the next funding payment. */
  nextFundingAt: number;
  /** Open interest in lots (the market's size grid), when the feed reports it. */
  openInterestLots?: number;
}

/** Where the kernel reads the latest derivatives snapshot of a market (undefined: none known). */
export interface DerivativesSource {
  derivatives(symbol: string): DerivativesSnapshot | undefined;
}
