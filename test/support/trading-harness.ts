import { randomUUID } from "node:crypto";
import { ManualClock } from "../../src/core/clock.js";
import type { Level } from "../../src/core/book.js";
import { DEFAULT_MARKETS, findMarket, priceToTicks, quantityToLots } from "../../src/core/market.js";
import { EventBus, type BusEvent } from "../../src/events/bus.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { ModelAccount } from "../../src/trading/account.js";
import { ExitEngine } from "../../src/trading/exit-engine.js";
import { TradingService } from "../../src/trading/trading-service.js";
import type { RiskLimits } from "../../src/trading/risk/limits.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import type { SimOptions } from "../../src/venues/sim/options.js";
import type { Venue } from "../../src/venues/venue.js";
import { openTestDatabase, type DriverName, type TestDatabase } from "./databases.js";

/** A trading service on a simulator whose book the test sets level by level. */
export interface Harness {
  t: TestDatabase;
  clock: ManualClock;
  bus: BusEvent[];
  /** The bus the unit of work publishes to (what `bus` records). */
  eventBus: EventBus;
  /** The market-data room: the simulator and the exit engine listen to it, the trading service's quote reads it. */
  room: MarketRoom;
  venue: SimVenue;
  service: TradingService;
  exits: ExitEngine;
  uow: UnitOfWork;
  accounts: Map<string, ModelAccount>;
  /** Creates a model with an account funded at `capital` dollars, under `limits` (else the harness's, else the defaults). */
  model(capital?: string, limits?: Partial<RiskLimits>): Promise<string>;
  /** Feeds the room a full book (the simulator, then the exit engine react): levels as [price, quantity] decimal strings, best first. */
  book(symbol: string, bids: Array<[string, string]>, asks: Array<[string, string]>): void;
  dispose(): Promise<void>;
}

/**
 * Limits that never refuse an order: for tests about something else than risk (the risk engine
 * has its own tests), so that what they check is what they always checked.
 */
export const PERMISSIVE_LIMITS: Readonly<RiskLimits> = Object.freeze({
  maxLeverage: 100,
  maxGrossExposure: 1000,
  maxRiskPerTradePct: 100,
  requireStop: false,
  minCashReservePct: 0,
  maxOpenPositions: 1000,
  oneActionPerSymbolPerRun: false,
  flipCooldownMinutes: 0,
  maxDailyLossPct: 100,
  maxTotalLossPct: 100,
});

export interface HarnessOptions {
  /** Risk limits of every model the harness creates (the defaults when absent). */
  limits?: Partial<RiskLimits>;
  /** The venue the trading service talks to, built around the simulator (a faulty or slow one); the simulator itself when absent. */
  venue?: (sim: SimVenue) => Venue;
}

export async function createHarness(driver: DriverName, sim: Partial<SimOptions> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const t = await openTestDatabase(driver);
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const events: BusEvent[] = [];
  const bus = new EventBus();
  bus.subscribe((e) => events.push(e));
  const uow = new UnitOfWork(t.database.db, bus);
  const room = new MarketRoom({ markets: sim.markets ?? DEFAULT_MARKETS });
  const venue = new SimVenue({ clock, ...sim }, room);
  const accounts = new Map<string, ModelAccount>();
  const quote = (symbol: string) => room.quote(symbol);
  // The service budgets the venue's own taker fee, so risk checks on a fee-free venue are exact.
  const service = new TradingService({
    uow,
    venue: options.venue ? options.venue(venue) : venue,
    clock,
    accounts,
    quote,
    paper: venue,
    ...(sim.takerFeeBps !== undefined ? { takerFeeBps: sim.takerFeeBps } : {}),
  });
  const exits = new ExitEngine({ service, uow, markets: DEFAULT_MARKETS, now: () => clock.now(), retryInitialMs: 5, retryMaxMs: 20 });
  room.onBook("exits", (u, q) => exits.onBook(u.symbol, q.bid, q.ask));
  venue.onOrderUpdate((r) => void service.onVenueUpdate(r));
  return {
    t,
    clock,
    bus: events,
    eventBus: bus,
    room,
    venue,
    service,
    exits,
    uow,
    accounts,
    model: async (capital = "10000", limits = options.limits) => {
      const id = randomUUID();
      await service.createAccount({ id, name: `m-${id.slice(0, 8)}`, kind: "rule", strategy: "manual", initialCapital: capital });
      if (limits) service.risk.setLimits(id, limits);
      return id;
    },
    book: (symbol, bids, asks) => {
      const m = findMarket(DEFAULT_MARKETS, symbol)!;
      const lv = (l: [string, string]): Level => [priceToTicks(m, l[0]), quantityToLots(m, l[1])];
      clock.advance(1);
      room.apply({ symbol, ts: clock.now(), kind: "snapshot", bids: bids.map(lv), asks: asks.map(lv) });
    },
    dispose: async () => {
      exits.stop();
      await exits.idle();
      await t.dispose();
    },
  };
}
