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
}
