import type { Level } from "../../core/book.js";
import type { MarketSpec } from "../../core/market.js";

/** Prices and sizes are read at this many decimals before they are mapped to our market. */
export const RAW_DECIMALS = 8;

/**
 * A recorded book kept at the venue's own precision and shown in our market's ticks and lots.
 *
 * Binance quotes BTCUSDT to 0.01 while our BTC market ticks by 0.1, so several recorded levels
 * can land on one tick. Rounding each price half-up would put 61837.63 (bid) and 61837.64 (ask)
 * both on 61837.6: a locked book the venue never had. Instead bids round down and asks round up
 * to the tick, which can only widen the book (floor(bid) ≤ bid < ask ≤ ceil(ask)), and a tick's
 * size is the sum of the recorded levels in it, rounded half-up to lots. Every change to a
 * recorded level re-emits its tick with the new absolute sum, so delta semantics still hold.
 * When the file's precision fits the market (all other files), this is the identity.
 */
export class TickBook {
  /** Per tick: its recorded levels and their sum; an entry left empty is dropped at the end of the message (commit). */
  private readonly ticks = { bids: new Map<number, TickEntry>(), asks: new Map<number, TickEntry>() };
  /** Ticks set since the last commit, in the order first set. */
  private readonly touched: Record<"bids" | "asks", number[]> = { bids: [], asks: [] };
  private readonly priceUnit: number;
  private readonly sizeUnit: number;

  constructor(readonly market: MarketSpec) {
    if (market.priceDecimals > RAW_DECIMALS || market.sizeDecimals > RAW_DECIMALS) {
      throw new Error(`market ${market.symbol}: replay supports at most ${RAW_DECIMALS} price and size decimals`);
    }
    this.priceUnit = 10 ** (RAW_DECIMALS - market.priceDecimals);
    this.sizeUnit = 10 ** (RAW_DECIMALS - market.sizeDecimals);
  }

  clear(): void {
    this.ticks.bids.clear();
    this.ticks.asks.clear();
    this.touched.bids.length = 0;
    this.touched.asks.length = 0;
  }

  /** Sets a recorded level (raw price and size at RAW_DECIMALS; size 0 removes) and returns its tick. */
  set(side: "bids" | "asks", rawPrice: number, rawSize: number): number {
    const rest = rawPrice % this.priceUnit;
    const down = (rawPrice - rest) / this.priceUnit;
    const tick = side === "bids" || rest === 0 ? down : down + 1;
    const ticks = this.ticks[side];
    let entry = ticks.get(tick);
    if (!entry) ticks.set(tick, (entry = { sum: 0, touched: false, price: rawPrice, size: 0, more: null }));
    // A tick usually holds one recorded level (all of them when the file's precision fits the
    // market): kept in the entry itself; further ones in a map. Size 0 is an absent level.
    let old: number;
    if (entry.price === rawPrice) {
      old = entry.size;
      entry.size = rawSize;
    } else if (entry.size === 0 && entry.more === null) {
      old = 0;
      entry.price = rawPrice;
      entry.size = rawSize;
    } else {
      entry.more ??= new Map();
      old = entry.more.get(rawPrice) ?? 0;
      if (rawSize === 0) entry.more.delete(rawPrice);
      else entry.more.set(rawPrice, rawSize);
    }
    entry.sum = entry.sum + rawSize - old;
    if (!entry.touched) {
      entry.touched = true;
      this.touched[side].push(tick);
    }
    return tick;
  }

  /** The tick's size in lots, rounded half-up (0 when the tick is empty). */
  lotsAt(side: "bids" | "asks", tick: number): number {
    return this.lotsOf(this.ticks[side].get(tick)?.sum ?? 0);
  }

  private lotsOf(sum: number): number {
    const rest = sum % this.sizeUnit;
    const lots = (sum - rest) / this.sizeUnit;
    return rest * 2 >= this.sizeUnit ? lots + 1 : lots;
  }

  /** Current levels of a side, best first, ticks that round to 0 lots left out. */
  levels(side: "bids" | "asks"): Level[] {
    const ticks = [...this.ticks[side].keys()].sort(side === "bids" ? (a, b) => b - a : (a, b) => a - b);
    const out: Level[] = [];
    for (const tick of ticks) {
      if (tick < 1) continue; // a recorded price below one tick has no place in our market
      const lots = this.lotsAt(side, tick);
      if (lots > 0) out.push([tick, lots]);
    }
    return out;
  }

  /** Levels for the ticks set since the last commit, with their absolute lots (0 = remove), in the order first set. */
  changes(side: "bids" | "asks"): Level[] {
    const out: Level[] = [];
    const ticks = this.ticks[side];
    for (const tick of this.touched[side]) if (tick >= 1) out.push([tick, this.lotsOf(ticks.get(tick)!.sum)]);
    return out;
  }

  /** Ends a message: the next set() of a tick starts a new list of changes; ticks left without a level are dropped. */
  commit(): void {
    for (const side of ["bids", "asks"] as const) {
      const ticks = this.ticks[side];
      for (const tick of this.touched[side]) {
        const entry = ticks.get(tick)!;
        entry.touched = false;
        if (entry.sum === 0 && entry.size === 0 && (entry.more === null || entry.more.size === 0)) ticks.delete(tick);
      }
      this.touched[side].length = 0;
    }
  }
}

interface TickEntry {
  /** What the tick's recorded levels add up to, raw. */
  sum: number;
  /** Set since the last commit (already in the list of changes). */
  touched: boolean;
  /** One recorded level of the tick (size 0: none). */
  price: number;
  size: number;
  /** The tick's other recorded levels, when it has more than one. */
  more: Map<number, number> | null;
}
