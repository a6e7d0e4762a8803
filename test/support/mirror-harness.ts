import { DEFAULT_MARKETS, findMarket } from "../../src/core/market.js";
import { MirrorEngine, type MirrorEngineDeps } from "../../src/copy/mirror-engine.js";
import type { CreateMirrorInput } from "../../src/copy/mirror-settings.js";
import type { MirrorDetail } from "../../src/copy/mirror-service.js";
import { placeOrderFromRow } from "../../src/app/resting.js";
import type { AppServices } from "../../src/app/services.js";
import { restoreAccounts } from "../../src/trading/restore.js";
import type { DriverName } from "./databases.js";
import { harnessServices } from "./harness-services.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness, type HarnessOptions } from "./trading-harness.js";
import type { SimOptions } from "../../src/venues/sim/options.js";

/**
 * Copy trading over a trading harness: the application services (the mirrors API) and one
 * mirror engine in this process, on the harness's database, simulator and trading service.
 */
export interface MirrorHarness extends Harness {
  services: AppServices;
  engine: MirrorEngine;
  engineDeps: MirrorEngineDeps;
  /** A source model (a rule model with permissive limits). */
  source(capital?: string): Promise<string>;
  /** A follower (kind mirror) with permissive limits unless told, and its mirror. */
  mirror(sourceId: string, settings?: Partial<CreateMirrorInput>, capital?: string, risk?: Record<string, unknown>): Promise<MirrorDetail>;
  /** Lets the engine take in and execute everything pending. */
  settle(): Promise<void>;
  /** A book around `mid` with plenty of depth on both sides. */
  deepBook(symbol: string, mid: number, qty?: string): void;
}

/** A new engine on the same harness (after `engine.stop()`): a process restart, as far as copy trading goes. */
export function restartEngine(h: MirrorHarness): MirrorEngine {
  return new MirrorEngine(h.engineDeps);
}

export async function createMirrorHarness(driver: DriverName, sim: Partial<SimOptions> = {}, options: HarnessOptions & { engine?: Partial<MirrorEngineDeps> } = {}): Promise<MirrorHarness> {
  const h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0, ...sim }, { limits: PERMISSIVE_LIMITS, ...options });
  const bus = h.eventBus;
  const services = harnessServices(h, driver, { bus, mirrorsChanged: () => harness.engine.poke() });
  const engineDeps: MirrorEngineDeps = {
    db: h.t.database.db,
    uow: h.uow,
    bus,
    service: h.service,
    host: "test-host",
    // The venue's markets: the defaults and any outcome token a prediction catalog added to the room.
    loadAccounts: (ids) => restoreAccounts(h.t.database.db, h.venue.markets(), ids),
    restoreResting: (rows) => {
      for (const o of rows) {
        const m = findMarket(h.venue.markets(), o.symbol)!;
        const placed = placeOrderFromRow(m, o);
        h.venue.restoreRestingOrder(placed.req, placed.filledLots, o.venueOrderId ?? undefined);
      }
    },
    sourceEquity: async (id) => {
      const a = h.service.findAccount(id);
      return a ? h.service.figures(a).equity : 0n;
    },
    tickMs: 50,
    leaseMs: 5000,
    ...options.engine,
  };
  const engine = new MirrorEngine(engineDeps);
  let counter = 0;
  const harness: MirrorHarness = {
    ...h,
    services,
    engine,
    engineDeps,
    source: async (capital = "10000") => h.model(capital),
    mirror: async (sourceId, settings = {}, capital = "10000", risk = { ...PERMISSIVE_LIMITS }) => {
      const follower = await services.createModel({ name: `follower-${++counter}-${sourceId.slice(0, 4)}`, kind: "mirror", initialCapital: capital, risk });
      return services.mirrors.create({ sourceModelId: sourceId, followerModelId: follower.id, ...settings });
    },
    settle: () => harness.engine.settle(),
    deepBook: (symbol, mid, qty = "100") => {
      const m = findMarket(DEFAULT_MARKETS, symbol)!;
      const tick = 1 / 10 ** m.priceDecimals;
      const px = (k: number) => (mid + k * tick).toFixed(m.priceDecimals);
      h.book(
        symbol,
        [0, 1, 2, 3, 4].map((i) => [px(-1 - i), qty]),
        [0, 1, 2, 3, 4].map((i) => [px(1 + i), qty]),
      );
    },
    dispose: async () => {
      await harness.engine.stop();
      await h.dispose();
    },
  };
  return harness;
}
