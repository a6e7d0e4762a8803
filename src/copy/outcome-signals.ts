import { isOutcome, lotsToQuantity, type MarketSpec } from "../core/market.js";
import type { Reason } from "./mirror-settings.js";
import type { Signal } from "./signal.js";

/**
 * What copy trading does differently on an outcome token of a prediction market (Polymarket):
 * shares are bought, never sold short; a closed market takes no orders; the minimum order
 * applies to sells too; and a resolution settles every holder's position by itself. Pure: the
 * executor asks before it sends anything.
 */

export interface Verdict {
  reason: Reason;
  message: string;
}

/** A close the source did not decide: its market resolved and redeemed the position. */
export function isResolutionClose(s: Pick<Signal, "action" | "closeTrigger">): boolean {
  return s.action === "close" && s.closeTrigger === "RESOLUTION";
}

/**
 * A resolution close is never copied with an order: the follower's own position in the market
 * (if it holds one) is redeemed by the same resolution, at the same payout, whoever asks. The
 * execution records that, so the signal still has its outcome and reason, not a failure.
 */
export function resolutionVerdict(s: Pick<Signal, "symbol" | "price">, followerHolds: string | null): Verdict {
  const payout = s.price === null ? "" : ` at $${s.price} a share`;
  return {
    reason: "market_resolved",
    message:
      followerHolds === null
        ? `${s.symbol}'s market resolved and redeemed the source's position${payout}; the follower held none: nothing to do`
        : `${s.symbol}'s market resolved and redeemed the source's position${payout}; the follower's ${followerHolds} shares are settled by the same resolution, not by a mirrored order`,
  };
}

/** Why an entry or an exit on an outcome token cannot go out, before it is sent; null for a perpetual or when it can. */
export function outcomeVerdict(market: MarketSpec, s: Pick<Signal, "action" | "side" | "symbol">): Verdict | null {
  if (!isOutcome(market)) return null;
  if (s.side === "SHORT") return { reason: "symbol_not_allowed", message: `${s.symbol} is an outcome token: bought as shares, never sold short, so a SHORT is not copied` };
  if (!market.instrument.accepting) {
    const exit = s.action === "reduce" || s.action === "close";
    return {
      reason: "market_closed",
      message: `${s.symbol}'s prediction market takes no more orders (closed or resolved)${exit ? "; the follower's shares are settled when it resolves" : ""}`,
    };
  }
  return null;
}

/** An outcome token's reduction below the market's minimum order: the CLOB refuses sells under it too. */
export function belowMinExit(market: MarketSpec, lots: bigint, heldLots: bigint): Verdict | null {
  if (!isOutcome(market) || lots >= BigInt(market.minBaseLots)) return null;
  return {
    reason: "below_min_size",
    message: `selling ${lotsToQuantity(market, lots)} of the follower's ${lotsToQuantity(market, heldLots)} shares is below the market's minimum order (${lotsToQuantity(market, market.minBaseLots)} shares); they stay until a larger sale or the resolution`,
  };
}
