import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { EventBus } from "../../src/events/bus.js";
import { lastEventId } from "../../src/db/outbox.js";
import { createApp } from "../../src/server/app.js";
import { SseReader } from "../server/helpers.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";
import { events } from "../../src/events/events.js";
import { harnessServices } from "../support/harness-services.js";

/**
 * Resuming the event stream from an id the outbox never issued, against the real outbox: as after
 * a restart on a reset database, where this process has published nothing yet and the newest id
 * is only in the database.
 */
describe.each(DRIVERS)("SSE resume ahead of the outbox on %s", (driver) => {
  let h: Harness;
  let uow: UnitOfWork;
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    h = await createHarness(driver);
    const bus = new EventBus();
    uow = new UnitOfWork(h.t.database.db, bus, false);
    const services = harnessServices(h, driver, { bus });
    app = createApp({ services });
  });
  afterEach(async () => {
    await h.dispose();
  });

  const emit = (n: number) => uow.run(async (_tx, ctx) => ctx.emit(events.accountCreated({ modelId: `m${n}`, cash: String(n) })));

  it("answers with a reset carrying the newest outbox id, then streams what comes next", async () => {
    await h.model(); // its account event is in the outbox, published on another process's bus
    await emit(1);
    await emit(2);
    const newest = await lastEventId(h.t.database.db);
    expect(newest).toBeGreaterThanOrEqual(3);
    const sse = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": String(newest + 1000) } })).body);
    const reset = await sse.nextEvent(10_000);
    expect(reset.event).toBe("reset");
    expect(JSON.parse(reset.data!)).toEqual({ lastEventId: Number(reset.id) });
    expect(Number(reset.id)).toBe(newest);
    await emit(3);
    const next = await sse.nextEvent(10_000);
    expect(next).toMatchObject({ event: "account", data: '{"modelId":"m3","action":"created","cash":"3"}' });
    expect(Number(next.id)).toBeGreaterThan(newest);
    await sse.cancel();
  });

  it("a resume before or at the newest id replays as before, with no reset", async () => {
    await emit(1);
    await emit(2);
    const newest = await lastEventId(h.t.database.db);
    const before = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": String(newest - 1) } })).body);
    expect(await before.nextEvent(10_000)).toMatchObject({ id: String(newest), event: "account", data: '{"modelId":"m2","action":"created","cash":"2"}' });
    const at = new SseReader((await app.request(`/api/events?lastEventId=${newest}`)).body);
    await emit(3);
    expect(await at.nextEvent(10_000)).toMatchObject({ id: String(newest + 1), event: "account", data: '{"modelId":"m3","action":"created","cash":"3"}' });
    await before.cancel();
    await at.cancel();
  });
});
