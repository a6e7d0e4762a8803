import type { BookSide } from "./price-levels.js";

/** The vocabulary of the order book: requests in, results and resting orders out. */

export interface RestingOrder {
  id: string;
  side: BookSide;
  price: number;
  /** Remaining lots. */
  lots: number;
  owner: string;
  ts: number;
}

export interface Match {
  makerId: string;
  makerOwner: string;
  takerId: string;
  /** The maker's price: a taker never trades at a worse price than the book showed. */
  price: number;
  lots: number;
}

export interface LimitRequest {
  id: string;
  side: BookSide;
  price: number;
  lots: number;
  owner: string;
  /** Stored on the resting order for the caller; priority comes from arrival order. Default 0. */
  ts?: number;
  tif: "GTC" | "IOC" | "FOK";
  postOnly?: boolean;
}

export interface MarketRequest {
  id: string;
  side: BookSide;
  lots: number;
  owner: string;
  /** Worst price the taker accepts (inclusive); unbounded when absent. */
  worstPrice?: number;
}

export type RejectReason = "post_only_would_cross" | "fok_unfillable" | "duplicate_id" | "invalid_order";

export interface LimitResult {
  matches: Match[];
  filled: number;
  /** Lots not filled: resting on the book when `rested`, otherwise canceled (IOC, FOK, market, rejected; 0 when invalid). */
  remaining: number;
  rested: boolean;
  /** Set when the order was refused; the book is then unchanged. */
  rejected?: RejectReason;
  /** Set when matching stopped at the taker's own resting order (self-trade prevention). */
  canceled?: "self_trade";
}

export interface OrderBookOptions {
  /**
   * "allow" (default): orders of the same owner match like any others.
   * "cancel-newest": when an incoming order reaches a resting order of its own owner, matching
   * stops there and the incoming order's remainder is canceled, never rested. Fills before that
   * point stand. Canceling the newest (not the resting one) keeps the owner's queue position and
   * can never leave the book crossed.
   */
  selfTrade?: "allow" | "cancel-newest";
}
