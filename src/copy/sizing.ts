import { divCeil, divFloor, formatRatio, maxBig, minBig, parseScaled } from "../core/decimal.js";
import { OUTCOME_PAYOUT_TICKS } from "../core/instrument.js";
import { isOutcome, notional, type MarketSpec } from "../core/market.js";
import type { Micro } from "../core/money.js";
import type { OrderSide } from "../core/types.js";
import type { Sizing } from "./mirror-settings.js";

/**
 * How much a follower trades for a source's change: pure integer arithmetic on decimal strings,
 * rounded down to the follower market's lot (a follower never trades more than its image).
 */

/** Intermediate quantities carry 18 decimals, far below any venue's lot. */
const Q = 18;
const PRICE = 12;

export interface EntrySizeInput {
  market: MarketSpec;
  sizing: Sizing;
  /** The source's change (its fill) as decimal strings. */
  sourceQuantity: string;
  sourcePrice: string;
  followerEquity: Micro;
  sourceEquity: Micro;
}

export interface EntrySize {
  lots: bigint;
  /** The per-order cap made it smaller. */
  capped: boolean;
}

/** Lots of an entry or scale-in: the sizing rule's image of the source's quantity, capped, rounded down. */
export function entryLots(i: EntrySizeInput): EntrySize {
  const qty = parseScaled(i.sourceQuantity, Q, "floor");
  const price = parseScaled(i.sourcePrice, PRICE, "floor");
  if (qty <= 0n || price <= 0n) return { lots: 0n, capped: false };
  let want: bigint;
  switch (i.sizing.mode) {
    case "proportional":
      // A source with nothing left cannot be followed in proportion: nothing to copy.
      want = i.sourceEquity <= 0n || i.followerEquity <= 0n ? 0n : divFloor(qty * i.followerEquity, i.sourceEquity);
      break;
    case "ratio":
      want = divFloor(qty * parseScaled(i.sizing.ratio, 6), 1_000_000n);
      break;
    case "fixedNotional":
      want = divFloor(parseScaled(i.sizing.usd, PRICE) * 10n ** BigInt(Q), price);
      break;
  }
  let capped = false;
  if (i.sizing.maxNotional !== undefined) {
    const cap = divFloor(parseScaled(i.sizing.maxNotional, PRICE) * 10n ** BigInt(Q), price);
    capped = cap < want;
    want = minBig(want, cap);
  }
  return { lots: divFloor(want, 10n ** BigInt(Q - i.market.sizeDecimals)), capped };
}

/**
 * Lots of a follower's reduction: the same fraction of the follower's own position as the
 * source took off its own (closed / (closed + remaining)); all of it for a close.
 */
export function reductionLots(followerLots: bigint, action: "reduce" | "close", closedQuantity: string, remainingQuantity: string): bigint {
  if (action === "close") return followerLots;
  const closed = parseScaled(closedQuantity, Q, "floor");
  const remaining = parseScaled(remainingQuantity, Q, "floor");
  if (closed <= 0n) return 0n;
  if (remaining <= 0n) return followerLots;
  return divFloor(followerLots * closed, closed + remaining);
}

/**
 * The worst price an entry may fill at: the source's fill price moved `bps` against the
 * follower, rounded to the tick toward the source's price (never beyond the bound). On an
 * outcome token the tick is the market's own (instrument.tickTicks, 0.01 say, not the 0.0001 the
 * prices are written in) and the price stays inside [tick, 1 − tick], the range the CLOB takes;
 * null when no price on that tick lies within the bound (nothing can fill without passing it).
 */
export function boundTicks(market: MarketSpec, side: OrderSide, sourcePrice: string, bps: number): number | null {
  const p = parseScaled(sourcePrice, PRICE, "floor");
  const tick = isOutcome(market) ? BigInt(market.instrument.tickTicks) : 1n;
  const perTick = 10n ** BigInt(PRICE - market.priceDecimals) * tick;
  const steps = side === "BUY" ? divFloor(p * BigInt(10_000 + bps), 10_000n * perTick) : divCeil(p * BigInt(10_000 - bps), 10_000n * perTick);
  if (!isOutcome(market)) return Number(steps < 1n ? 1n : steps);
  const top = BigInt(OUTCOME_PAYOUT_TICKS) / tick - 1n;
  // Clamped inward (a buyer's bound above 1 − tick becomes 1 − tick, a seller's below the first tick that tick): never past
  // the bound. A buyer's bound below the first tick (a seller's above the last) leaves no price at all.
  if (side === "BUY") return steps < 1n ? null : Number(minBig(steps, top) * tick);
  return steps > top ? null : Number(maxBig(steps, 1n) * tick);
}

/** The notional of `lots` at the source's price, for the minimum-size checks. */
export function notionalAt(market: MarketSpec, sourcePrice: string, lots: bigint): Micro {
  const ticks = parseScaled(sourcePrice, market.priceDecimals, "floor");
  return notional(market, ticks, lots);
}

/**
 * Slippage of the follower's average price against the source's, in basis points to two
 * decimals (trailing zeros dropped), positive when the follower did worse (paid more on a buy, got less on a sell).
 */
export function slippageBps(side: OrderSide, sourcePrice: string, avgPrice: string): string {
  const src = parseScaled(sourcePrice, PRICE, "floor");
  const got = parseScaled(avgPrice, PRICE, "floor");
  if (src <= 0n) return "0";
  const worse = side === "BUY" ? got - src : src - got;
  return formatRatio(worse * 10_000n, src, 2);
}
