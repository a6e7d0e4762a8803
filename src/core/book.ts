/** A price level: [price in ticks, size in lots]. */
export type Level = readonly [priceTicks: number, sizeLots: number];

/** A view of one market's book, best levels first on both sides. */
export interface BookSnapshot {
  symbol: string;
  bids: Level[];
  asks: Level[];
  ts: number;
}

/**
 * What a market feed delivers. A snapshot replaces the whole book; a delta sets the
 * absolute size of each listed level (size 0 removes the level), as Binance and Bybit diffs do.
 */
export interface BookUpdate {
  symbol: string;
  ts: number;
  kind: "snapshot" | "delta";
  bids: Level[];
  asks: Level[];
}

export function midTicks(bestBid: number, bestAsk: number): number {
  return Math.floor((bestBid + bestAsk) / 2);
}

/**
 * The worst average price a market order accepts: `bps` beyond `fromTicks` (the touch), rounded
 * in the trader's favour to stay inside the bound. The simulator and the Lighter adapter share it.
 */
export function marketBound(fromTicks: number, side: "BUY" | "SELL", bps: number): number {
  const scaled = BigInt(Math.round(bps * 100)); // hundredths of a bp
  const m = BigInt(fromTicks);
  const denom = 1_000_000n;
  if (side === "BUY") return Number((m * (denom + scaled)) / denom);
  return Number((m * (denom - scaled) + denom - 1n) / denom);
}
