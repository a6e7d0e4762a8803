/**
 * What a market trades. A perpetual (the default: a MarketSpec without `instrument`) is long or
 * short with leverage and funding; an outcome token of a prediction market (Polymarket) is
 * bought and sold as shares priced between 0 and 1 dollar, long only, without leverage, and
 * pays 1 dollar a share (the winner) or nothing when its market resolves.
 */

/** Outcome tokens are priced in 10^-4 dollars (Polymarket's finest tick, 0.0001), sizes in 10^-2 shares. */
export const OUTCOME_PRICE_DECIMALS = 4;
export const OUTCOME_SIZE_DECIMALS = 2;
/** One dollar, the winning share's payout, in outcome price ticks. */
export const OUTCOME_PAYOUT_TICKS = 10 ** OUTCOME_PRICE_DECIMALS;

/** The tick sizes Polymarket's CLOB V2 knows (0.005 and 0.0025 since 2026-07-01). */
export const OUTCOME_TICK_SIZES = ["0.1", "0.01", "0.005", "0.0025", "0.001", "0.0001"] as const;
export type OutcomeTickSize = (typeof OUTCOME_TICK_SIZES)[number];

export interface OutcomeInstrument {
  readonly kind: "outcome";
  readonly conditionId: string;
  readonly tokenId: string;
  readonly outcome: string;
  /**
   * The market's tick in price ticks (0.01 → 100). Markets change their tick near the extremes,
   * so this one field changes in place: every holder of the spec sees the current tick.
   */
  tickTicks: number;
  /** False once the market stops trading (closed or resolved). */
  accepting: boolean;
}

/** The price ticks of a tick size, or undefined for one Polymarket does not use. */
export function tickSizeTicks(tickSize: string): number | undefined {
  return (OUTCOME_TICK_SIZES as readonly string[]).includes(tickSize) ? Math.round(Number(tickSize) * OUTCOME_PAYOUT_TICKS) : undefined;
}

/** The tick size string of `ticks` price ticks (100 → "0.01"). */
export function tickSizeOf(ticks: number): OutcomeTickSize {
  const found = OUTCOME_TICK_SIZES.find((t) => tickSizeTicks(t) === ticks);
  if (!found) throw new RangeError(`${ticks} price ticks is not a Polymarket tick size`);
  return found;
}

/** True when `priceTicks` is on the tick and inside [tick, 1 − tick], the range the CLOB accepts. */
export function onOutcomeTick(priceTicks: number, tickTicks: number): boolean {
  return Number.isSafeInteger(priceTicks) && priceTicks % tickTicks === 0 && priceTicks >= tickTicks && priceTicks <= OUTCOME_PAYOUT_TICKS - tickTicks;
}

/** Rounds a price to the tick against the trader (a buyer up, a seller down), kept inside the accepted range. */
export function toOutcomeTick(priceTicks: number, tickTicks: number, side: "BUY" | "SELL"): number {
  const rounded = side === "BUY" ? Math.ceil(priceTicks / tickTicks) * tickTicks : Math.floor(priceTicks / tickTicks) * tickTicks;
  return Math.min(OUTCOME_PAYOUT_TICKS - tickTicks, Math.max(tickTicks, rounded));
}
