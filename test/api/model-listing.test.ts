import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelMetrics, type EquityPoint } from "../../src/core/metrics.js";
import { usd } from "../../src/core/money.js";
import { equitySnapshots, invocations, orders } from "../../src/db/schema.js";
import { EventBus } from "../../src/events/bus.js";
import type { AppServices } from "../../src/app/services.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";
import { countStatements } from "../support/count-statements.js";
import { harnessServices } from "../support/harness-services.js";

const HOUR = 3_600_000;

interface Seeded {
  points: EquityPoint[];
  pnls: string[];
  runs: number;
  failedRuns: number;
}

describe.each(DRIVERS)("GET /api/models reads a constant number of queries on %s", (driver) => {
  let h: Harness;
  let services: AppServices;
  let bus: EventBus;
  const seeded = new Map<string, Seeded>();

  beforeEach(async () => {
    h = await createHarness(driver);
    seeded.clear();
    bus = new EventBus();
    services = harnessServices(h, driver, { bus });
  });
  afterEach(async () => {
    await h.dispose();
  });

  /** Models with a curve of 35 snapshots 4.5 hours apart (6.4 days: enough for ratios, inside the 7-day window), some closed trades and runs each. */
  async function addModels(n: number): Promise<void> {
    const db = h.t.database.db;
    const now = h.clock.now();
    const snapshots: Array<typeof equitySnapshots.$inferInsert> = [];
    const trades: Array<typeof orders.$inferInsert> = [];
    const runs: Array<typeof invocations.$inferInsert> = [];
    for (let k = 0; k < n; k++) {
      const i = seeded.size;
      const id = await h.model();
      const points: EquityPoint[] = Array.from({ length: 35 }, (_, j) => ({
        ts: now - (35 - j) * 4.5 * HOUR,
        equity: Number((10_000 + 37.25 * Math.sin(j * 0.7 + i) + 3.5 * j + i).toFixed(6)),
      }));
      for (const p of points) snapshots.push({ modelId: id, resolution: "1m", ts: new Date(p.ts), equity: p.equity.toFixed(6), cash: "10000", unrealizedPnl: "0" });
      // An old snapshot outside the 7-day window of the metrics must not count.
      snapshots.push({ modelId: id, resolution: "1d", ts: new Date(now - 9 * 24 * HOUR), equity: "1", cash: "1", unrealizedPnl: "0" });
      const pnls = Array.from({ length: i % 4 }, (_, j) => (j % 2 === 0 ? `${12 + i}.125` : `-${3 + j}.5`));
      for (const pnl of pnls) {
        trades.push({
          id: randomUUID(),
          modelId: id,
          venue: "sim",
          symbol: "BTC",
          side: "LONG",
          quantity: "0.01",
          leverage: "1",
          entryPrice: "100000",
          entryCost: "1000",
          status: "CLOSED",
          exitPrice: "100100",
          realizedPnl: pnl,
          closedAt: new Date(now - HOUR),
        });
      }
      const statuses = Array.from({ length: (i % 3) + 1 }, (_, j) => (j === 1 ? ("error" as const) : ("ok" as const)));
      for (const status of statuses) runs.push({ id: randomUUID(), modelId: id, status, toolCallCount: 2, failedToolCalls: 0 });
      seeded.set(id, { points, pnls, runs: statuses.length, failedRuns: statuses.filter((s) => s === "error").length });
    }
    await db.insert(equitySnapshots).values(snapshots);
    if (trades.length > 0) await db.insert(orders).values(trades);
    await db.insert(invocations).values(runs);
    snapshotRound(Math.min(...snapshots.map((r) => r.ts.getTime())));
  }

  /** What the equity recorder publishes after writing a round of snapshots stamped `ts` (rows written with an earlier time say so). */
  function snapshotRound(ts: number): void {
    for (const id of seeded.keys()) bus.publish({ id: 0, type: "account", modelId: id, data: { modelId: id, ts: new Date(ts).toISOString() } });
  }

  it("the same number of statements for 3 and for 30 models, with every model's figures its own", async () => {
    const queries = countStatements(h.t.database.db);
    try {
      await addModels(3);
      queries.reset();
      const three = await services.listModels();
      const forThree = queries.count;
      expect(three).toHaveLength(3);

      await addModels(27);
      queries.reset();
      const thirty = await services.listModels();
      const forThirty = queries.count;
      expect(thirty).toHaveLength(30);

      expect(forThree).toBeGreaterThan(1); // the counter sees the listing's statements
      expect(forThirty).toBe(forThree);
      expect(forThirty).toBeLessThanOrEqual(4);

      // One model: the same few statements.
      queries.reset();
      const one = await services.getModel(thirty[17]!.id);
      expect(queries.count).toBeLessThanOrEqual(forThirty + 1);
      expect(one).toEqual(thirty[17]);

      // Set-based reads must still give each model its own curve, trades and runs.
      for (const view of thirty) {
        const s = seeded.get(view.id)!;
        const expected = modelMetrics(
          s.points,
          s.pnls.map((p) => ({ realizedPnl: usd(p) })),
        );
        expect(view.metrics).toEqual(expected);
        expect(view.metrics.sharpe).not.toBeNull();
        expect(view.metrics.trades).toBe(s.pnls.length);
        expect(view.runs).toEqual({ runs: s.runs, failedRuns: s.failedRuns, toolCalls: 2 * s.runs, failedToolCalls: 0 });
        expect(view.account).toMatchObject({ cash: "10000", equity: "10000" });
      }
    } finally {
      queries.restore();
    }
  });

  it("a model without snapshots, trades or runs is listed with empty figures", async () => {
    const id = await h.model();
    const [view] = await services.listModels();
    expect(view).toMatchObject({
      id,
      metrics: { sharpe: null, sortino: null, maxDrawdown: null, winRate: null, profitFactor: null, expectancy: null, trades: 0 },
      runs: { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 },
    });
    expect(await services.getModel(id)).toEqual(view);
  });

  it("an hour of minute snapshots, however volatile, gives no Sharpe or Sortino: an hour is too short to annualise", async () => {
    const id = await h.model();
    const now = h.clock.now();
    const rows = Array.from({ length: 61 }, (_, j) => {
      const equity = (10_000 + (j % 2 === 0 ? 0 : -25) - j).toFixed(6);
      return { modelId: id, resolution: "1m" as const, ts: new Date(now - (60 - j) * 60_000), equity, cash: equity, unrealizedPnl: "0" };
    });
    await h.t.database.db.insert(equitySnapshots).values(rows);
    const view = await services.getModel(id);
    expect(view.metrics).toMatchObject({ sharpe: null, sortino: null });
    expect(view.metrics.maxDrawdown).toBeGreaterThan(0); // the curve was read: only the ratios are left out
  });
});

describe.each(DRIVERS)("the curve metrics read model on %s", (driver) => {
  let h: Harness;
  let bus: EventBus;
  let services: AppServices;

  beforeEach(async () => {
    h = await createHarness(driver);
    bus = new EventBus();
    services = harnessServices(h, driver, { bus });
  });
  afterEach(async () => {
    await h.dispose();
  });

  const snapshot = (id: string, minutesAgo: number, equity: string) =>
    h.t.database.db.insert(equitySnapshots).values({ modelId: id, resolution: "1m", ts: new Date(h.clock.now() - minutesAgo * 60_000), equity, cash: equity, unrealizedPnl: "0" });

  it("a listing reads only what was written since the previous one, sees a new snapshot at once, and an older one once announced", async () => {
    const id = await h.model();
    await snapshot(id, 3, "10000");
    await snapshot(id, 2, "8000");
    const queries = countStatements(h.t.database.db);
    try {
      expect((await services.getModel(id)).metrics.maxDrawdown).toBe(0.2);
      queries.reset();
      const first = await services.listModels();
      const one = queries.count;
      queries.reset();
      await services.listModels();
      expect(queries.count).toBe(one); // the same few statements, the curves' one reading only what is new
      expect(first[0]!.metrics.maxDrawdown).toBe(0.2);

      // A new minute's snapshot, even without its event: seen by the next listing.
      await snapshot(id, 1, "5000");
      expect((await services.listModels())[0]!.metrics.maxDrawdown).toBe(0.5);
      expect((await services.getModel(id)).metrics.maxDrawdown).toBe(0.5);

      // A row stamped earlier than the newest one held (a round written late) is read once its round is announced.
      await snapshot(id, 0, "4000");
      await h.t.database.db.insert(equitySnapshots).values({ modelId: id, resolution: "1m", ts: new Date(h.clock.now() - 150_000), equity: "2000", cash: "2000", unrealizedPnl: "0" });
      expect((await services.listModels())[0]!.metrics.maxDrawdown).toBe(0.6);
      bus.publish({ id: 0, type: "account", modelId: id, data: { modelId: id, ts: new Date(h.clock.now() - 150_000).toISOString() } });
      expect((await services.listModels())[0]!.metrics.maxDrawdown).toBe(0.8);
    } finally {
      queries.restore();
    }
  });
});
