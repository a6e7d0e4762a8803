import type { TradePrint } from "../feeds/feed.js";
import type { MarketRoom } from "./market-room.js";

/** Prints kept per symbol by default: more than a dashboard's tape shows. */
export const RECENT_TRADES_PER_SYMBOL = 500;

/**
 * The feed's most recent trade prints per symbol, in memory: a fixed-size ring buffer each, so a
 * busy feed costs the same memory as a quiet one. Filled by listening to the market room (see
 * attach); nothing is stored, a restart starts empty. Feeds that report no prints leave it empty.
 */
export class RecentTrades {
  private readonly rings = new Map<string, { items: TradePrint[]; next: number }>();

  constructor(private readonly capacity = RECENT_TRADES_PER_SYMBOL) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number of at least 1, got ${capacity}`);
  }

  /** Listens to the room's trade prints; returns the removal of the listener. */
  attach(room: MarketRoom): () => void {
    return room.onTrade("recent-trades", (t) => this.add(t));
  }

  add(print: TradePrint): void {
    let ring = this.rings.get(print.symbol);
    if (!ring) {
      ring = { items: [], next: 0 };
      this.rings.set(print.symbol, ring);
    }
    const copy = { symbol: print.symbol, ts: print.ts, priceTicks: print.priceTicks, sizeLots: print.sizeLots };
    if (ring.items.length < this.capacity) ring.items.push(copy);
    else ring.items[ring.next] = copy;
    ring.next = (ring.next + 1) % this.capacity;
  }

  /** The symbol's last `limit` prints, newest (last received) first. */
  latest(symbol: string, limit: number): TradePrint[] {
    const ring = this.rings.get(symbol);
    if (!ring || limit <= 0) return [];
    const { items, next } = ring;
    const n = Math.min(limit, items.length);
    const out: TradePrint[] = [];
    // Before the ring is full `next` is items.length, so the newest is always at next − 1.
    for (let k = 1; k <= n; k++) out.push({ ...items[(next - k + items.length) % items.length]! });
    return out;
  }
}
