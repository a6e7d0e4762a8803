import type { MarketSpec } from "../core/market.js";
import { systemClock } from "../core/clock.js";
import { refusedReport, type OrderReport, type PlaceOrder, type Venue, type VenuePosition } from "../venues/venue.js";

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
    return Promise.resolve(refusedReport(req, "live_trading_unavailable", systemClock.now()));
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
