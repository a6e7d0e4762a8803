import { createAppServices, type AppServicesDeps } from "../../src/app/app-services.js";
import type { AppServices } from "../../src/app/services.js";
import { EventBus } from "../../src/events/bus.js";
import type { Scheduler } from "../../src/scheduler/scheduler.js";
import type { DriverName } from "./databases.js";
import type { Harness } from "./trading-harness.js";

/**
 * The application services over a trading harness, as the API tests use them: the harness's
 * database, market room, trading service and clock, a synthetic feed, no scheduler (the tests
 * that need one run it themselves). `extra` adds or replaces dependencies (a bus to publish on,
 * candles, the trade tape).
 */
export function harnessServices(h: Harness, driver: DriverName, extra: Partial<AppServicesDeps> = {}): AppServices {
  return createAppServices({
    db: h.t.database.db,
    dbKind: driver,
    mode: "simulation",
    version: "test",
    feed: { describe: () => ({}), kind: "synthetic" },
    market: h.room,
    service: h.service,
    scheduler: {} as Scheduler,
    bus: new EventBus(),
    strategies: () => [],
    now: () => h.clock.now(),
    ...extra,
  });
}
