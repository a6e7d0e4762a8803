import type { MarketSpec } from "../core/market.js";
import { systemClock } from "../core/clock.js";
import type { OrderReport, PlaceOrder, Venue, VenuePosition } from "../venues/venue.js";

/**
 * The venue of a live account this process cannot trade (live mode off, its key unset): every
 * order is refused with that reason and nothing is sent anywhere. It exists so that such an
 * account can never fall through to the simulator.
 */
export class DisabledVenue implements Venue {
  constructor(
    readonly name: string,
    private readonly why: () => string,
  ) {}

  markets(): readonly MarketSpec[] {
    return [];
  }

  book(): undefined {
    return undefined;
  }

  placeOrder(req: PlaceOrder): Promise<OrderReport> {
    return Promise.resolve({
      clientOrderId: req.clientOrderId,
      venueOrderId: "",
      accountId: req.accountId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      priceTicks: req.priceTicks ?? null,
      lots: req.lots,
      filledLots: 0,
      status: "REJECTED",
      fills: [],
      reason: "live_trading_unavailable",
      ts: systemClock.now(),
    });
  }

  cancelOrder(): Promise<OrderReport> {
    return Promise.reject(new Error(`${this.name}: ${this.why()}`));
  }

  openOrders(): Promise<OrderReport[]> {
    return Promise.reject(new Error(`${this.name}: ${this.why()}`));
  }

  orderStatus(): Promise<OrderReport | undefined> {
    return Promise.reject(new Error(`${this.name}: ${this.why()}`));
  }

  positions(): Promise<VenuePosition[]> {
    return Promise.reject(new Error(`${this.name}: ${this.why()}`));
  }

  onOrderUpdate(): () => void {
    return () => undefined;
  }
}
