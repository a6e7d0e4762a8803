import type { VenueRef } from "../db/schema.js";
import type { Venue } from "../venues/venue.js";

/** Where a live account trades: every venue kind but the simulator. */
export type LiveRef = Exclude<VenueRef, { kind: "sim" }>;
export type LighterRef = Extract<VenueRef, { kind: "lighter" }>;
export type PolymarketRef = Extract<VenueRef, { kind: "polymarket" }>;

/**
 * One live venue as live accounts see it: whether this process can trade it, how an account's
 * key is linked to it, and how a new account is checked before it is written.
 */
export interface LiveLink<R extends LiveRef = LiveRef> {
  readonly kind: R["kind"];
  /** The venue its accounts trade on, or null when this process cannot trade it (see `unavailable`). */
  readonly venue: Venue | null;
  /** Why its accounts cannot trade here, when `venue` is null (shown on every refusal). */
  readonly unavailable: string;
  /** Links an account's key; throws with a message (never holding the key) when it cannot. */
  link(accountId: string, ref: R): Promise<void>;
  /** Checks a new account before anything is written; its answer is the account's capital. */
  prepare(ref: R): Promise<{ initialCapital: string }>;
  /** The exchange account a ref trades (two models may not share one), e.g. "Lighter account 281". */
  account(ref: R): string;
  /** Follows an order placed before a restart (a resting row of the database). */
  track(accountId: string, clientOrderId: string, symbol: string): void;
}
