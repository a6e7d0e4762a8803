import type { BookSnapshot } from "../../src/core/book.js";
import type { MarketSpec } from "../../src/core/market.js";
import type { SimVenue } from "../../src/venues/sim/sim-venue.js";
import type { OrderReport, PlaceOrder, Venue, VenuePosition } from "../../src/venues/venue.js";

/**
 * What goes wrong with the next sends:
 * - `lost_response`: the venue executes the order, but the answer never arrives (a timeout after the fact);
 * - `down`: the venue never gets the order, and look-ups fail too while it is down;
 * - `ok`: it answers.
 */
export type Fault = "ok" | "lost_response" | "down";

/**
 * A remote venue as the trading service sees one: orders leave the process (executesInProcess
 * is false, so each order is committed before it is sent), answers can be late, lost or never
 * come. The matching behind it is the simulator's.
 */
export class FaultyVenue implements Venue {
  readonly name = "sim";
  readonly executesInProcess = false;
  /** Faults for the coming sends, in order; `ok` once they run out. */
  faults: Fault[] = [];
  /** While true every call fails as if the venue were unreachable. */
  down = false;
  /** Real waiting before every answer, in milliseconds (a slow venue). */
  delayMs = 0;
  sends = 0;

  constructor(
    readonly sim: SimVenue,
    /** A remote venue cannot say an order never happened; a test may pretend it can. */
    readonly knowsEveryOrder = false,
  ) {}

  markets(): readonly MarketSpec[] {
    return this.sim.markets();
  }

  book(symbol: string, depth: number): BookSnapshot | undefined {
    return this.sim.book(symbol, depth);
  }

  async placeOrder(request: PlaceOrder): Promise<OrderReport> {
    this.sends++;
    await this.wait();
    const fault = this.faults.shift() ?? "ok";
    if (this.down || fault === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:1");
    const report = await this.sim.placeOrder(request);
    if (fault === "lost_response") throw new Error("request timed out after the venue accepted it");
    return report;
  }

  async cancelOrder(accountId: string, clientOrderId: string): Promise<OrderReport> {
    await this.reachable();
    return this.sim.cancelOrder(accountId, clientOrderId);
  }

  async openOrders(accountId: string): Promise<OrderReport[]> {
    await this.reachable();
    return this.sim.openOrders(accountId);
  }

  async orderStatus(accountId: string, clientOrderId: string): Promise<OrderReport | undefined> {
    await this.reachable();
    return this.sim.orderStatus(accountId, clientOrderId);
  }

  async positions(accountId: string): Promise<VenuePosition[]> {
    await this.reachable();
    return this.sim.positions(accountId);
  }

  onOrderUpdate(listener: (report: OrderReport) => void): () => void {
    return this.sim.onOrderUpdate(listener);
  }

  private async reachable(): Promise<void> {
    await this.wait();
    if (this.down) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
  }

  private async wait(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
  }
}
