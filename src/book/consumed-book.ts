import { type BookSnapshot, type BookUpdate, type Level, midTicks } from "../core/book.js";
import type { BookLevel, BookSideName, L2BookView } from "./l2-book.js";

/**
 * The exchange simulator's view of a feed's book: the book itself (shared, owned by the
 * market-data room, never written here) minus the liquidity the simulator's takers consumed.
 *
 * A simulated taker cannot remove liquidity from the real market, so the overlay marks the lots
 * a simulated taker filled at a price as consumed until the feed refreshes that price (a delta
 * touching it, or any snapshot): `refresh(update)` must see every update the book applies,
 * right after it. Until then every reader of this view (best prices, levels, walks) sees only
 * what is left, so the same resting liquidity is never filled twice, and a second order walks on
 * to the next level as it would on the venue. Readers of the book itself (quotes, the API, the
 * exit engine, a live venue) never see the overlay.
 *
 * Consumption is kept per side as price -> lots, empty almost always: a refresh deletes the
 * entries of the prices it touches, and reads skip the lookup while nothing is consumed.
 */

type TakerSide = "BUY" | "SELL";

interface Fill {
  price: number;
  lots: number;
}

export class ConsumedBook {
  private readonly consumedBids = new Map<number, number>();
  private readonly consumedAsks = new Map<number, number>();

  constructor(readonly book: L2BookView) {}

  get symbol(): string {
    return this.book.symbol;
  }

  /** Timestamp of the feed's last update. */
  get ts(): number {
    return this.book.ts;
  }

  /** The feed refreshed the prices of this update (all of them on a snapshot): nothing there is consumed any more. */
  refresh(u: BookUpdate): void {
    // Almost always nothing is consumed: no work then (clearing even an empty Map allocates).
    if (this.consumedBids.size > 0) {
      if (u.kind === "snapshot") this.consumedBids.clear();
      else for (let i = 0; i < u.bids.length; i++) this.consumedBids.delete(u.bids[i]![0]);
    }
    if (this.consumedAsks.size > 0) {
      if (u.kind === "snapshot") this.consumedAsks.clear();
      else for (let i = 0; i < u.asks.length; i++) this.consumedAsks.delete(u.asks[i]![0]);
    }
  }

  /** Lots consumed at prices the feed has not refreshed since, per side (for tests and diagnostics). */
  consumed(side: BookSideName): ReadonlyMap<number, number> {
    return side === "bids" ? this.consumedBids : this.consumedAsks;
  }

  bestBid(): number | undefined {
    return this.best("bids");
  }

  bestAsk(): number | undefined {
    return this.best("asks");
  }

  /** The mid of what is left to simulated takers. */
  mid(): number | undefined {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid === undefined || ask === undefined ? undefined : midTicks(bid, ask);
  }

  /**
   * The mid the feed itself shows, ignoring liquidity consumed by simulated fills: the mark
   * price. Paper fills must not move the market's price, nor leave it undefined when they
   * happen to take a whole side until the feed refreshes.
   */
  marketMid(): number | undefined {
    return this.book.mid();
  }

  /** True when the best available bid is at or above the best available ask (a bad or stale feed). */
  crossed(): boolean {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }

  /** Available (size − consumed) lots per price, best first, exhausted levels skipped. */
  levels(side: BookSideName, depth: number): Level[] {
    const levels = this.book.side(side);
    const consumed = side === "bids" ? this.consumedBids : this.consumedAsks;
    const out: Level[] = [];
    for (let i = levels.length - 1; i >= 0 && out.length < depth; i--) {
      const level = levels[i]!;
      const available = availableAt(level, consumed);
      if (available > 0) out.push([level.price, available]);
    }
    return out;
  }

  snapshot(depth: number): BookSnapshot {
    return { symbol: this.symbol, bids: this.levels("bids", depth), asks: this.levels("asks", depth), ts: this.ts };
  }

  /**
   * A taker's path, without mutating: BUY walks asks ascending, SELL walks bids descending;
   * stops at maxLots or at the first price beyond limitPrice (limitPrice itself is included).
   */
  walk(side: TakerSide, maxLots: number, limitPrice?: number): { fills: Fill[]; filled: number } {
    const { levels, consumed, sign } = this.liquidityFor(side);
    const bound = limitPrice === undefined ? -Infinity : sign * limitPrice;
    const fills: Fill[] = [];
    let filled = 0;
    for (let i = levels.length - 1; i >= 0 && filled < maxLots; i--) {
      const level = levels[i]!;
      if (level.key < bound) break;
      const available = availableAt(level, consumed);
      if (available <= 0) continue;
      const lots = Math.min(available, maxLots - filled);
      fills.push({ price: level.price, lots });
      filled += lots;
    }
    return { fills, filled };
  }

  /** Lots a taker of `side` could fill at limitPrice or better (FOK checks). */
  availableTo(side: TakerSide, limitPrice?: number): number {
    const { levels, consumed, sign } = this.liquidityFor(side);
    const bound = limitPrice === undefined ? -Infinity : sign * limitPrice;
    let total = 0;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (level.key < bound) break;
      total += availableAt(level, consumed);
    }
    return total;
  }

  /**
   * Marks fills of a taker as consumed: a BUY taker consumed asks, a SELL taker bids.
   * Fills must come from a walk of the current book; one that asks for more than is available
   * is a caller bug and throws, leaving the overlay as it was.
   */
  consume(side: TakerSide, fills: readonly Fill[]): void {
    const name = side === "BUY" ? "asks" : "bids";
    const { levels, consumed } = this.liquidityFor(side);
    const applied: Array<[price: number, before: number | undefined]> = [];
    for (const { price, lots } of fills) {
      const i = Number.isSafeInteger(lots) && lots >= 0 ? this.book.indexOf(name, price) : -1;
      const level = i >= 0 ? levels[i]! : undefined;
      if (level === undefined || lots > availableAt(level, consumed)) {
        for (let j = applied.length - 1; j >= 0; j--) {
          const [p, before] = applied[j]!;
          if (before === undefined) consumed.delete(p);
          else consumed.set(p, before);
        }
        throw new RangeError(`${this.symbol}: cannot consume ${lots} lots at ${price} on the ${name}`);
      }
      const before = consumed.get(price);
      applied.push([price, before]);
      if (lots > 0) consumed.set(price, (before ?? 0) + lots);
    }
  }

  private best(side: BookSideName): number | undefined {
    const levels = this.book.side(side);
    const consumed = side === "bids" ? this.consumedBids : this.consumedAsks;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (availableAt(level, consumed) > 0) return level.price;
    }
    return undefined;
  }

  private liquidityFor(taker: TakerSide): { levels: readonly BookLevel[]; consumed: Map<number, number>; sign: 1 | -1 } {
    return taker === "BUY" ? { levels: this.book.side("asks"), consumed: this.consumedAsks, sign: -1 } : { levels: this.book.side("bids"), consumed: this.consumedBids, sign: 1 };
  }
}

/** What is left of a level; never negative, even if the feed shrank a level the overlay was not told about. */
function availableAt(level: BookLevel, consumed: ReadonlyMap<number, number>): number {
  if (consumed.size === 0) return level.size;
  const taken = consumed.get(level.price);
  return taken === undefined ? level.size : taken >= level.size ? 0 : level.size - taken;
}
