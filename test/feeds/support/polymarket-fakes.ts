import type { BookUpdate, Level } from "../../../src/core/book.js";
import type { OutcomeTickSize } from "../../../src/core/instrument.js";
import { L2Book } from "../../../src/book/l2-book.js";
import type { PredictionSink } from "../../../src/feeds/prediction/prediction-feed.js";
import type { PredictionMarketInput } from "../../../src/prediction/prediction-market.js";
import type { MarketConfig } from "../../fake-polymarket/clob/markets.js";
import type { FakeClob } from "../../fake-polymarket/clob/server.js";
import type { FakeMarketInput } from "../../fake-polymarket/data-api/index.js";

/** The fake CLOB's market as the fake Gamma lists it (Gamma's numbers for tick and minimum size). */
export function gammaMarketOf(m: MarketConfig, extra: Partial<FakeMarketInput> = {}): FakeMarketInput {
  return {
    conditionId: m.conditionId,
    question: m.question,
    slug: m.question
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
    outcomes: m.tokens.map((t) => t.outcome),
    clobTokenIds: m.tokens.map((t) => t.tokenId),
    outcomePrices: m.tokens.map(() => "0.5"),
    endDate: m.endDate ?? "2030-12-31T00:00:00Z",
    negRisk: m.negRisk,
    orderPriceMinTickSize: Number(m.tickSize),
    orderMinSize: Number(m.minOrderSize),
    ...extra,
  };
}

/** The fake CLOB's book of one token as [price ticks, lots] best first: what the feed must arrive at. */
export function fakeLevels(fake: FakeClob, tokenId: string): { bids: Level[]; asks: Level[] } {
  const book = fake.exchange.token(tokenId)!.book;
  const levels = (side: "BUY" | "SELL") => book.levels(side).map((l) => [Number(l.price4), Number(l.size / 10_000n)] as const);
  return { bids: levels("BUY"), asks: levels("SELL") };
}

/**
 * A sink that keeps what a feed delivered: markets, tick changes, closings and resolutions in
 * order, and each token's book applied to an L2Book as the market room does. At every snapshot
 * after the first it also notes whether the book the deltas had built already agreed with it.
 */
export class RecordingSink implements PredictionSink {
  readonly markets: PredictionMarketInput[] = [];
  readonly events: string[] = [];
  readonly updates: Array<{ tokenId: string; kind: BookUpdate["kind"] }> = [];
  /** Per snapshot after the first of its token: did the deltas already give the same book? */
  readonly snapshotAgreed: boolean[] = [];
  private readonly books = new Map<string, L2Book>();

  market(m: PredictionMarketInput): void {
    this.markets.push(m);
    this.events.push(`market ${m.conditionId}`);
  }

  book(tokenId: string, update: Omit<BookUpdate, "symbol">): void {
    if (!this.markets.some((m) => m.outcomes.some((o) => o.tokenId === tokenId))) throw new Error(`a book of ${tokenId} before its market`);
    let book = this.books.get(tokenId);
    if (update.kind === "snapshot" && book) {
      const before = this.levels(tokenId);
      const sorted = { bids: [...update.bids].sort((a, b) => b[0] - a[0]), asks: [...update.asks].sort((a, b) => a[0] - b[0]) };
      this.snapshotAgreed.push(JSON.stringify(before) === JSON.stringify(sorted));
    }
    if (!book) {
      if (update.kind !== "snapshot") throw new Error(`a delta of ${tokenId} before its first snapshot`);
      book = new L2Book(tokenId);
      this.books.set(tokenId, book);
    }
    book.applyUpdate({ ...update, symbol: tokenId });
    this.updates.push({ tokenId, kind: update.kind });
  }

  tickSize(conditionId: string, tick: OutcomeTickSize): void {
    this.events.push(`tick ${conditionId} ${tick}`);
  }

  closed(conditionId: string): void {
    this.events.push(`closed ${conditionId}`);
  }

  resolved(conditionId: string, winner: string): void {
    this.events.push(`resolved ${conditionId} ${winner}`);
  }

  levels(tokenId: string): { bids: Level[]; asks: Level[] } | undefined {
    const book = this.books.get(tokenId);
    return book ? { bids: book.levels("bids", 1_000), asks: book.levels("asks", 1_000) } : undefined;
  }

  snapshots(tokenId: string): number {
    return this.updates.filter((u) => u.tokenId === tokenId && u.kind === "snapshot").length;
  }
}
