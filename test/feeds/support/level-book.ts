import type { BookUpdate } from "../../../src/core/book.js";

/**
 * The smallest book that applies feed updates: tests check what a feed emits without depending
 * on the simulator's book (src/book), which has its own tests.
 */
export class LevelBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();

  apply(u: BookUpdate): void {
    if (u.kind === "snapshot") {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [price, size] of u.bids) set(this.bids, price, size);
    for (const [price, size] of u.asks) set(this.asks, price, size);
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const price of this.bids.keys()) if (best === undefined || price > best) best = price;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const price of this.asks.keys()) if (best === undefined || price < best) best = price;
    return best;
  }

  crossed(): boolean {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }
}

function set(side: Map<number, number>, price: number, size: number): void {
  if (!Number.isInteger(price) || !Number.isInteger(size) || price <= 0 || size < 0) {
    throw new Error(`bad level [${price}, ${size}]`);
  }
  if (size === 0) side.delete(price);
  else side.set(price, size);
}
