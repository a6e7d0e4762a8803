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
  private readonly raw = { bids: new Map<number, number>(), asks: new Map<number, number>() };
  private readonly sums = { bids: new Map<number, number>(), asks: new Map<number, number>() };
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
    for (const map of [this.raw.bids, this.raw.asks, this.sums.bids, this.sums.asks]) map.clear();
  }

  /** Sets a recorded level (raw price and size at RAW_DECIMALS; size 0 removes) and returns its tick. */
  set(side: "bids" | "asks", rawPrice: number, rawSize: number): number {
    const raw = this.raw[side];
    const old = raw.get(rawPrice) ?? 0;
    if (rawSize === 0) raw.delete(rawPrice);
    else raw.set(rawPrice, rawSize);
    const rest = rawPrice % this.priceUnit;
    const down = (rawPrice - rest) / this.priceUnit;
    const tick = side === "bids" || rest === 0 ? down : down + 1;
    const sums = this.sums[side];
    const sum = (sums.get(tick) ?? 0) + rawSize - old;
    if (sum === 0) sums.delete(tick);
    else sums.set(tick, sum);
    return tick;
  }

  /** The tick's size in lots, rounded half-up (0 when the tick is empty). */
  lotsAt(side: "bids" | "asks", tick: number): number {
    const sum = this.sums[side].get(tick) ?? 0;
    const rest = sum % this.sizeUnit;
    const lots = (sum - rest) / this.sizeUnit;
    return rest * 2 >= this.sizeUnit ? lots + 1 : lots;
  }

  /** Current levels of a side, best first, ticks that round to 0 lots left out. */
  levels(side: "bids" | "asks"): Level[] {
    const ticks = [...this.sums[side].keys()].sort(side === "bids" ? (a, b) => b - a : (a, b) => a - b);
    const out: Level[] = [];
    for (const tick of ticks) {
      if (tick < 1) continue; // a recorded price below one tick has no place in our market
      const lots = this.lotsAt(side, tick);
      if (lots > 0) out.push([tick, lots]);
    }
    return out;
  }

  /** Levels for the ticks just touched, with their absolute lots (0 = remove), in the order given. */
  changes(side: "bids" | "asks", ticks: Iterable<number>): Level[] {
    const out: Level[] = [];
    for (const tick of ticks) if (tick >= 1) out.push([tick, this.lotsAt(side, tick)]);
    return out;
  }
}
