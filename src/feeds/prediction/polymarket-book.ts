import type { BookUpdate, Level } from "../../core/book.js";
import { parseScaled } from "../../core/decimal.js";
import { OUTCOME_PAYOUT_TICKS, OUTCOME_PRICE_DECIMALS, OUTCOME_SIZE_DECIMALS } from "../../core/instrument.js";

/**
 * One outcome token's book as the CLOB market channel builds it: a `book` event replaces it, a
 * `price_change` sets one level's new total size (0 removes it). Pure and exact: prices in
 * 10^-4 dollars, sizes in micro-shares (the CLOB's 6-decimal grain) as bigint.
 *
 * What leaves here is the sink's BookUpdate, sizes in 0.01-share lots: a level's size is floored
 * to whole lots (a level of less than one lot is shown as absent), so the book never shows more
 * than the CLOB holds.
 */

export type WireSide = "BUY" | "SELL";

export interface WireLevel {
  readonly price: string;
  readonly size: string;
}

export class PolymarketFrameError extends Error {
  override readonly name = "PolymarketFrameError";
}

const MICRO_DECIMALS = 6;
const MICRO_PER_LOT = 10n ** BigInt(MICRO_DECIMALS - OUTCOME_SIZE_DECIMALS);

/** ".48" or "0.48" → 4800 price ticks; refuses more than 4 decimals and anything outside (0, 1). */
export function wirePriceTicks(text: unknown): number {
  if (typeof text !== "string") throw new PolymarketFrameError(`price ${JSON.stringify(text)} is not a decimal string`);
  let ticks: bigint;
  try {
    ticks = parseScaled(text, OUTCOME_PRICE_DECIMALS, "exact");
  } catch {
    throw new PolymarketFrameError(`price "${text}" is not a decimal with at most ${OUTCOME_PRICE_DECIMALS} decimals`);
  }
  if (ticks <= 0n || ticks >= BigInt(OUTCOME_PAYOUT_TICKS)) throw new PolymarketFrameError(`price ${text} is not strictly between 0 and 1`);
  return Number(ticks);
}

/** "12.5" → 12 500 000 micro-shares; refuses more than 6 decimals and negatives. */
export function wireSizeMicro(text: unknown): bigint {
  if (typeof text !== "string") throw new PolymarketFrameError(`size ${JSON.stringify(text)} is not a decimal string`);
  let micro: bigint;
  try {
    micro = parseScaled(text, MICRO_DECIMALS, "exact");
  } catch {
    throw new PolymarketFrameError(`size "${text}" is not a decimal with at most ${MICRO_DECIMALS} decimals`);
  }
  if (micro < 0n) throw new PolymarketFrameError(`size ${text} is negative`);
  return micro;
}

const lotsOf = (micro: bigint): number => Number(micro / MICRO_PER_LOT);

export class PolymarketBook {
  private bids = new Map<number, bigint>();
  private asks = new Map<number, bigint>();
  private synced = false;

  /** True once a `book` event arrived (and no reset since): only then do changes apply. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** Forget everything: after a reconnect or an unreadable change, only a fresh `book` event is trusted. */
  reset(): void {
    this.synced = false;
    this.bids = new Map();
    this.asks = new Map();
  }

  /**
   * A `book` event: the whole book (sides in any order; the CLOB lists the best last). Every
   * level is read before anything changes: an unreadable one throws and leaves the book as it was.
   */
  applyBook(bids: readonly WireLevel[], asks: readonly WireLevel[], ts: number): Omit<BookUpdate, "symbol"> {
    const read = (levels: readonly WireLevel[]) => {
      const out = new Map<number, bigint>();
      for (const l of levels) {
        const micro = wireSizeMicro(l.size);
        if (micro > 0n) out.set(wirePriceTicks(l.price), micro);
      }
      return out;
    };
    const nextBids = read(bids);
    const nextAsks = read(asks);
    this.bids = nextBids;
    this.asks = nextAsks;
    this.synced = true;
    return { ts, kind: "snapshot", ...this.levels() };
  }

  /**
   * A `price_change` entry: the level's new total size. Before the first `book` event there is
   * nothing to change (undefined). Answers a delta of that one level, in whole lots.
   */
  applyChange(side: WireSide, price: string, size: string, ts: number): Omit<BookUpdate, "symbol"> | undefined {
    if (side !== "BUY" && side !== "SELL") throw new PolymarketFrameError(`side ${JSON.stringify(side)} is neither BUY nor SELL`);
    const priceTicks = wirePriceTicks(price);
    const micro = wireSizeMicro(size);
    if (!this.synced) return undefined;
    const book = side === "BUY" ? this.bids : this.asks;
    if (micro === 0n) book.delete(priceTicks);
    else book.set(priceTicks, micro);
    const level: Level = [priceTicks, lotsOf(micro)];
    return { ts, kind: "delta", bids: side === "BUY" ? [level] : [], asks: side === "SELL" ? [level] : [] };
  }

  /** The whole book in lots, best first (bids high to low, asks low to high), levels under one lot left out. */
  levels(): { bids: Level[]; asks: Level[] } {
    const side = (book: Map<number, bigint>, descending: boolean): Level[] =>
      [...book]
        .map(([price, micro]) => [price, lotsOf(micro)] as const)
        .filter(([, lots]) => lots > 0)
        .sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
    return { bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  /** Exact sizes, for checks: price ticks → micro-shares, best first. */
  exact(): { bids: Array<[number, bigint]>; asks: Array<[number, bigint]> } {
    return {
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}
