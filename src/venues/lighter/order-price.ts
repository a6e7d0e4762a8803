import { marketBound, type BookSnapshot } from "../../core/book.js";
import type { OrderSide } from "../../core/types.js";

/** The worst (average) price a market order accepts: `bps` beyond the touch; undefined with no touch on that side. */
export function boundPrice(book: BookSnapshot | undefined, side: OrderSide, bps: number): number | undefined {
  const touch = side === "BUY" ? book?.asks[0]?.[0] : book?.bids[0]?.[0];
  return touch === undefined ? undefined : marketBound(touch, side, bps);
}

/**
 * Lighter has no fill-or-kill: we send an IOC at the limit only when the book we see holds the
 * whole quantity at that limit or better. The book can still move before the order lands, in
 * which case the IOC fills part and cancels the rest, and the report says exactly that.
 */
export function fokFillable(book: BookSnapshot | undefined, side: OrderSide, limitTicks: number, lots: number): boolean {
  const levels = side === "BUY" ? book?.asks : book?.bids;
  let available = 0;
  for (const [price, size] of levels ?? []) {
    if (side === "BUY" ? price > limitTicks : price < limitTicks) break;
    available += size;
    if (available >= lots) return true;
  }
  return false;
}
