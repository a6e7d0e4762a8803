import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { orders } from "../../src/db/schema.js";
import type { DomainEvent } from "../../src/events/events.js";
import { TradeHistory } from "../../src/scheduler/trade-history.js";
import { countStatements } from "../support/count-statements.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

const HOUR = 3_600_000;

describe.each(DRIVERS)("a model's trade history for its prompt, kept until its positions change (%s)", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  async function setup() {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    h.book("BTC", [["49990", "10"]], [["50000", "10"]]);
    return h;
  }

  /** A round trip of 0.02 BTC: bought at 50,000, sold at the 49,990 bid an hour later (a $0.20 loss). */
  async function roundTrip(modelId: string) {
    await h.service.openPosition(modelId, { symbol: "BTC", side: "LONG", quantity: "0.02", leverage: "2" });
    h.clock.set(h.clock.now() + HOUR);
    await h.service.closePosition(modelId, "BTC");
  }

  /** A closed trade written behind the process's back (another process's, before its event arrives). */
  async function closedRow(modelId: string, pnl: string) {
    const at = new Date(h.clock.now());
    await h.t.database.db.insert(orders).values({
      id: randomUUID(),
      modelId,
      venue: "sim",
      symbol: "ETH",
      side: "LONG",
      quantity: "1",
      leverage: "1",
      entryPrice: "3000",
      entryCost: "3000",
      entryFees: "0",
      exitPrice: "3010",
      realizedPnl: pnl,
      fees: "0",
      status: "CLOSED",
      closeTrigger: "MANUAL",
      openedAt: at,
      closedAt: at,
      updatedAt: at,
    });
  }

  const positionEvent = (modelId: string) => ({ type: "position" as const, modelId, data: {}, foreign: true, event: { type: "PositionClosed", modelId } as unknown as DomainEvent });

  it("reads a model's trades once, again only after one of its position events, and a foreign write once its event arrives", async () => {
    await setup();
    const [a, b] = [await h.model(), await h.model()];
    const start = h.clock.now();
    await roundTrip(a);
    const history = new TradeHistory(h.t.database.db, h.eventBus);
    const statements = countStatements(h.t.database.db);
    try {
      const first = await history.of([a, b], start);
      expect(first.get(a)!.totals).toMatchObject({ trades: 1, wins: 0, total: -200_000n });
      expect(first.get(a)!.spans).toEqual([{ openedAt: start, closedAt: start + HOUR }]);
      expect(first.get(b)!.totals.trades).toBe(0);
      expect(statements.count).toBeGreaterThan(0);

      statements.reset();
      expect(await history.of([a, b], start)).toEqual(first);
      expect(statements.count, "nothing changed: nothing read").toBe(0);

      // A's own trade publishes its events: A is read again, B is not.
      await roundTrip(a);
      statements.reset();
      const second = await history.of([a, b], start);
      expect(second.get(a)!.totals).toMatchObject({ trades: 2, total: -400_000n });
      expect(second.get(a)!.spans).toHaveLength(2);
      expect(statements.count).toBeGreaterThan(0);

      // Another process's trade of B: unseen until its event arrives (kept history), then read.
      await closedRow(b, "10");
      expect((await history.of([b], start)).get(b)!.totals.trades).toBe(0);
      h.eventBus.publish(positionEvent(b));
      expect((await history.of([b], start)).get(b)!.totals).toMatchObject({ trades: 1, wins: 1, total: 10_000_000n });
    } finally {
      statements.restore();
      history.close();
    }
  });

  it("does not keep a read that an event of the model overtook, nor anything without a bus", async () => {
    await setup();
    const a = await h.model();
    const start = h.clock.now();
    const history = new TradeHistory(h.t.database.db, h.eventBus);
    // The model's event arrives while its history is being read: what the read saw may be older than the event.
    const client = (h.t.database.db as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client;
    const query = client.query;
    client.query = function (this: unknown, ...args: unknown[]) {
      client.query = query;
      h.eventBus.publish(positionEvent(a));
      return query.apply(this, args);
    };
    try {
      await history.of([a], start);
    } finally {
      client.query = query;
    }
    await closedRow(a, "5");
    expect((await history.of([a], start)).get(a)!.totals.trades, "read again").toBe(1);

    const unkept = new TradeHistory(h.t.database.db);
    await unkept.of([a], start);
    await closedRow(a, "5");
    expect((await unkept.of([a], start)).get(a)!.totals.trades).toBe(2);
    history.close();
  });

  it("a later window keeps the spans it covers; an earlier one is read", async () => {
    await setup();
    const a = await h.model();
    const start = h.clock.now();
    await roundTrip(a); // open start..start+1h
    h.clock.set(start + 2 * HOUR);
    await roundTrip(a); // open start+2h..start+3h
    const history = new TradeHistory(h.t.database.db, h.eventBus);
    const statements = countStatements(h.t.database.db);
    try {
      expect((await history.of([a], start + HOUR / 2)).get(a)!.spans).toHaveLength(2);
      statements.reset();
      expect((await history.of([a], start + 1.5 * HOUR)).get(a)!.spans).toEqual([{ openedAt: start + 2 * HOUR, closedAt: start + 3 * HOUR }]);
      expect(statements.count).toBe(0);
      expect((await history.of([a], start)).get(a)!.spans).toHaveLength(2);
      expect(statements.count, "an earlier window than the one kept is read").toBeGreaterThan(0);
    } finally {
      statements.restore();
      history.close();
    }
  });
});
