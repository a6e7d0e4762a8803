import { describe, expect, it } from "vitest";
import { events, isDomainEventType, toWire } from "../../src/events/events.js";

const order = { id: "o1", clientOrderId: "c1", symbol: "BTC", side: "BUY", type: "MARKET", quantity: "0.1", purpose: "OPEN", closeTrigger: null };
const position = { id: "p1", modelId: "m1", symbol: "BTC", side: "LONG", closeTrigger: null };

describe("typed events", () => {
  it.each([
    ["FILLED", true, "OrderFilled", "filled"],
    ["CANCELED", true, "OrderPartiallyFilled", "partially_filled"], // an IOC that filled part and canceled the rest
    ["PARTIALLY_FILLED", false, "OrderPartiallyFilled", "partially_filled"],
    ["CANCELED", false, "OrderCanceled", "canceled"],
    ["REJECTED", false, "OrderRejected", "rejected"],
    ["EXPIRED", false, "OrderExpired", "expired"],
    ["UNKNOWN", false, "OrderUnknown", "unknown"],
    ["OPEN", false, "OrderAccepted", "open"],
  ])("a venue answer %s (filled this time: %s) is %s, streamed as order/%s", (status, filled, type, action) => {
    const e = events.orderUpdated(status, filled, { modelId: "m1", order });
    expect(e).toMatchObject({ type, v: 1, modelId: "m1", order });
    expect(toWire(e)).toEqual({ name: "order", data: { action, order } });
  });

  it("every type streams under the contract's names with its action, and only known types are domain events", () => {
    const all = [
      events.orderPlaced({ modelId: "m1", order }),
      events.closeFailed({ modelId: "m1", positionId: "p1", symbol: "BTC", closeTrigger: "STOP", attempt: 2, reason: "database_error", message: "the database refused the close", retryInMs: 200 }),
      events.positionOpened({ modelId: "m1", position }),
      events.positionScaled({ modelId: "m1", position }),
      events.positionReduced({ modelId: "m1", position }),
      events.positionClosed({ modelId: "m1", position }),
      events.exitPlanUpdated({ modelId: "m1", position }),
      events.accountCreated({ modelId: "m1", cash: "10000" }),
      events.accountReset({ modelId: "m1", cash: "10000" }),
      events.equitySnapshotted({ modelId: "m1", ts: "2026-01-01T00:00:00.000Z", figures: { cash: "1", equity: "2" } }),
      events.invocationFinished({ modelId: "m1", invocation: { id: "i1", status: "ok" } }),
    ];
    expect(all.map((e) => [toWire(e).name, (toWire(e).data as { action?: string }).action ?? null])).toEqual([
      ["order", "placed"],
      ["order", "close_failed"],
      ["position", "opened"],
      ["position", "scaled"],
      ["position", "reduced"],
      ["position", "closed"],
      ["position", "exit_plan_updated"],
      ["account", "created"],
      ["account", "reset"],
      ["account", null],
      ["invocation", null],
    ]);
    expect(toWire(all[1]!).data).toEqual({
      action: "close_failed",
      positionId: "p1",
      symbol: "BTC",
      closeTrigger: "STOP",
      attempt: 2,
      reason: "database_error",
      message: "the database refused the close",
      retryInMs: 200,
    });
    for (const e of all) expect(isDomainEventType(e.type)).toBe(true);
    expect(isDomainEventType("order")).toBe(false); // a row stored before events had types
  });

  it("a finished scheduler cycle streams as `cycle` with its summary as the data, concerning no model", () => {
    const cycle = {
      cycleId: "c1",
      trigger: "interval" as const,
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:02.000Z",
      durationMs: 1800,
      intervalMs: 300_000,
      models: 3,
      ok: 2,
      failed: 1,
      timedOut: 0,
      skipped: 0,
      stale: 0,
      missedTicks: 0,
      overran: false,
    };
    const e = events.cycleFinished({ modelId: "", cycle });
    expect(e).toEqual({ type: "CycleFinished", v: 1, modelId: "", cycle });
    expect(toWire(e)).toEqual({ name: "cycle", data: cycle });
    expect(isDomainEventType("CycleFinished")).toBe(true);
  });
});
