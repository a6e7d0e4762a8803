import type { BookUpdate } from "../../core/book.js";
import type { OutcomeTickSize } from "../../core/instrument.js";
import type { PredictionMarketInput } from "../../prediction/prediction-market.js";

export type PredictionFeedKind = "synthetic" | "replay" | "polymarket";

/**
 * Where a prediction-market feed delivers (the catalog, through the app): markets by condition
 * id, books by token id (the feed does not know our symbols). A market is always reported
 * before any book of its tokens.
 */
export interface PredictionSink {
  market(market: PredictionMarketInput): void;
  book(tokenId: string, update: Omit<BookUpdate, "symbol">): void;
  tickSize(conditionId: string, tickSize: OutcomeTickSize): void;
  closed(conditionId: string): void;
  resolved(conditionId: string, winner: string): void;
}

/** A source of prediction markets and their books: synthetic, recorded, or Polymarket's CLOB. */
export interface PredictionFeed {
  readonly kind: PredictionFeedKind;
  start(sink: PredictionSink): void;
  stop(): void;
  /** What /api/health shows about the feed. */
  describe(): Record<string, unknown>;
  /**
   * Makes sure the feed carries the market of one outcome token (a followed wallet traded a token
   * the feed may not stream): the market is reported to the sink and its books streamed. True once
   * the token's first book arrived; false when no such market trades (unknown token, resolved or
   * closed market) or no book came in time. Only feeds that can add markets have it (Polymarket's).
   */
  ensureToken?(tokenId: string): Promise<boolean>;
}
