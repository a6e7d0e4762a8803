import { ticksToPrice, type MarketSpec } from "../core/market.js";
import type { Side } from "../core/types.js";
import type { OpenPositionInput } from "../trading/contracts.js";

/**
 * How a model's entries reach the venue. Models decide what to trade; this decides the order
 * type: at the market (the default, what a model's tool call means), or as a post-only limit
 * order resting `offsetBps` behind the touch until it fills or `expireAfterMs` passes (maker
 * fees, no spread crossed, but an entry the market runs away from never happens). A what-if
 * replays the same decisions with either, which is how an order type's worth is measured.
 */
export type EntryOrderPolicy = { type: "market" } | { type: "limit"; offsetBps: number; expireAfterMs: number };

export const MARKET_ENTRIES: EntryOrderPolicy = { type: "market" };

/** The order fields of an entry under the policy; nothing for market entries or without a quote. */
export function entryOrderFields(
  policy: EntryOrderPolicy,
  market: MarketSpec,
  side: Side,
  quote: { bid?: number; ask?: number } | undefined,
  now: number,
): Pick<OpenPositionInput, "type" | "price" | "timeInForce" | "postOnly" | "expiresAt"> {
  if (policy.type === "market") return {};
  const touch = side === "LONG" ? quote?.bid : quote?.ask;
  if (touch === undefined) return {};
  // Behind the touch, on the tick grid, never through it: a long's bid rounds down, a short's ask up.
  const ticks = side === "LONG" ? Math.floor((touch * (10_000 - policy.offsetBps)) / 10_000) : Math.ceil((touch * (10_000 + policy.offsetBps)) / 10_000);
  return {
    type: "LIMIT",
    price: ticksToPrice(market, Math.max(1, ticks)),
    timeInForce: "GTT",
    postOnly: true,
    expiresAt: new Date(now + policy.expireAfterMs).toISOString(),
  };
}

export function describeEntries(policy: EntryOrderPolicy): string {
  return policy.type === "market" ? "market entries" : `limit entries ${policy.offsetBps} bps behind the touch, ${Math.round(policy.expireAfterMs / 1000)} s to fill`;
}
