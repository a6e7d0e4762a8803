import { parseScaled } from "../core/decimal.js";
import { priceToTicks, type MarketSpec } from "../core/market.js";
import type { TimeInForce } from "../core/types.js";
import type { VenueOrderRow } from "../trading/order-recorder.js";
import type { PlaceOrder } from "../venues/venue.js";

/** A resting order row as the venue request that placed it, to put it back on the book after a restart. */
export function placeOrderFromRow(m: MarketSpec, o: VenueOrderRow): { req: PlaceOrder; filledLots: number } {
  const req: PlaceOrder = {
    clientOrderId: o.clientOrderId,
    accountId: o.modelId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    lots: Number(parseScaled(o.quantity, m.sizeDecimals)),
    timeInForce: o.timeInForce as TimeInForce,
    leverage: Number(parseScaled(o.leverage, 2)),
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    ...(o.price ? { priceTicks: priceToTicks(m, o.price) } : {}),
    ...(o.expiresAt ? { expiresAt: o.expiresAt.getTime() } : {}),
  };
  return { req, filledLots: Number(parseScaled(o.filledQuantity, m.sizeDecimals)) };
}
