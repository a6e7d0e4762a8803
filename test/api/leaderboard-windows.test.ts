import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LeaderboardRow, VariantAggregate } from "../../src/app/services.js";
import type { Db } from "../../src/db/client.js";
import { equitySnapshots, models, orders } from "../../src/db/schema.js";
import { createApp } from "../../src/server/app.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { harnessServices } from "../support/harness-services.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The leaderboard over each window on a seeded history: equity snapshots and closed trades
 * inserted at known times before the harness's clock, every expected figure worked out by hand.
 */
describe.each(DRIVERS)("leaderboard windows on %s", (driver) => {
  let h: Harness;
  let db: Db;
  let app: ReturnType<typeof createApp>;
  let now: number;

  beforeEach(async () => {
    h = await createHarness(driver, { takerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    db = h.t.database.db;
    app = createApp({ services: harnessServices(h, driver) });
  });
  afterEach(async () => h.dispose());

  const get = async <T>(path: string): Promise<T> => {
    const res = await app.request(path);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  async function model(name: string, capital: string, strategy: string, createdAgo: number): Promise<string> {
    const id = await h.model(capital);
    await db
      .update(models)
      .set({ name, strategy, createdAt: new Date(now - createdAgo) })
      .where(eq(models.id, id));
    return id;
  }
  const snapshot = (modelId: string, ago: number, equity: string): typeof equitySnapshots.$inferInsert => ({
    modelId,
    resolution: "1m",
    ts: new Date(now - ago),
    equity,
    cash: equity,
    unrealizedPnl: "0",
  });
  const trade = (modelId: string, pnl: string, fees: string, closedAgo: number): typeof orders.$inferInsert => ({
    id: randomUUID(),
    modelId,
    venue: "sim",
    symbol: "ETH",
    side: "LONG",
    quantity: "1",
    leverage: "1",
    entryPrice: "3000",
    entryCost: "3000",
    status: "CLOSED",
    exitPrice: "3001",
    realizedPnl: pnl,
    fees,
    openedAt: new Date(now - closedAgo - HOUR),
    closedAt: new Date(now - closedAgo),
  });

  /**
   * alpha (trend, $10k, 40 days old), equity now 10000: curve 9000 (35 d ago), 12000 (20 d), 8000 (5 d), 11000 (12 h), 10500 (1 h);
   *   trades +300 (fees 3, 10 d ago), −100 (fees 1, 3 d ago), +50 (fees 0.5, 2 h ago).
   * beta (trend, $20k, 40 days old), equity now 19999.99 (0.01 BTC bought at the ask 100001, marked at the mid 100000):
   *   curve 20000 (10 d), 25000 (3 d), 21000 (2 h); trade +20 (no fees, 1 h ago).
   * gamma (breakout, $10k, 2 days old, younger than 7d and 30d), equity now 10000: curve 10000 (2 d), 10400 (6 h).
   */
  async function seed() {
    h.book("BTC", [["99999", "1"]], [["100001", "1"]]);
    now = h.clock.now();
    const alpha = await model("alpha", "10000", "trend", 40 * DAY);
    const beta = await model("beta", "20000", "trend", 40 * DAY);
    const gamma = await model("gamma", "10000", "breakout", 2 * DAY);
    await db
      .insert(equitySnapshots)
      .values([
        snapshot(alpha, 35 * DAY, "9000"),
        snapshot(alpha, 20 * DAY, "12000"),
        snapshot(alpha, 5 * DAY, "8000"),
        snapshot(alpha, 12 * HOUR, "11000"),
        snapshot(alpha, HOUR, "10500"),
        snapshot(beta, 10 * DAY, "20000"),
        snapshot(beta, 3 * DAY, "25000"),
        snapshot(beta, 2 * HOUR, "21000"),
        snapshot(gamma, 2 * DAY, "10000"),
        snapshot(gamma, 6 * HOUR, "10400"),
      ]);
    await db.insert(orders).values([trade(alpha, "300", "3", 10 * DAY), trade(alpha, "-100", "1", 3 * DAY), trade(alpha, "50", "0.5", 2 * HOUR), trade(beta, "20", "0", HOUR)]);
    await h.service.openPosition(beta, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "1" });
    return { alpha, beta, gamma };
  }
  const pick = (r: LeaderboardRow) => ({ name: r.name, startEquity: r.startEquity, equity: r.equity, pnl: r.pnl, returnPct: r.returnPct, maxDrawdown: r.maxDrawdown, trades: r.trades, wins: r.wins });
  const board = async (window: string) => new Map((await get<LeaderboardRow[]>(`/api/leaderboard?window=${window}`)).map((r) => [r.name, pick(r)]));

  it("each window: start value (first snapshot inside it, else the capital), end value, P&L in $ and %, drawdown inside it, trades closed inside it", async () => {
    await seed();
    const all = await board("all");
    // All time: against the initial capital; drawdown over the whole curve: 12000 → 8000 = 1/3.
    expect(all.get("alpha")).toEqual({ name: "alpha", startEquity: "10000", equity: "10000", pnl: "0", returnPct: 0, maxDrawdown: expect.closeTo(1 / 3, 12), trades: 3, wins: 2 });
    // beta: −0.01 of 20000 is −0.00005% (truncated to 4 decimals: 0); curve 20000 → 25000 → 21000: 4000 / 25000.
    expect(all.get("beta")).toEqual({ name: "beta", startEquity: "20000", equity: "19999.99", pnl: "-0.01", returnPct: 0, maxDrawdown: 0.16, trades: 1, wins: 1 });

    const month = await board("30d");
    // alpha from 12000 (20 d ago; the 9000 of 35 d ago is before the window): −2000 = −16.6666%; 12000 → 8000.
    expect(month.get("alpha")).toEqual({ name: "alpha", startEquity: "12000", equity: "10000", pnl: "-2000", returnPct: -16.6666, maxDrawdown: expect.closeTo(1 / 3, 12), trades: 3, wins: 2 });
    // gamma is two days old: against its capital.
    expect(month.get("gamma")).toMatchObject({ startEquity: "10000", pnl: "0", returnPct: 0, maxDrawdown: 0, trades: 0, wins: 0 });

    const week = await board("7d");
    // alpha from 8000 (5 d): +2000 = +25%; inside the week 8000 → 11000 → 10500: 500 / 11000; trades −100 and +50.
    expect(week.get("alpha")).toEqual({ name: "alpha", startEquity: "8000", equity: "10000", pnl: "2000", returnPct: 25, maxDrawdown: expect.closeTo(500 / 11000, 12), trades: 2, wins: 1 });
    // beta from 25000 (3 d): −5000.01 = −20.00004% → −20; 25000 → 21000: 0.16.
    expect(week.get("beta")).toEqual({ name: "beta", startEquity: "25000", equity: "19999.99", pnl: "-5000.01", returnPct: -20, maxDrawdown: 0.16, trades: 1, wins: 1 });

    const day = await board("24h");
    // alpha from 11000 (12 h): −1000 = −9.0909%; gamma from 10400 (6 h; it existed before the window): −400 = −3.8461%.
    expect(day.get("alpha")).toMatchObject({ startEquity: "11000", pnl: "-1000", returnPct: -9.0909, trades: 1, wins: 1 });
    expect(day.get("beta")).toMatchObject({ startEquity: "21000", pnl: "-1000.01", returnPct: -4.7619 });
    expect(day.get("gamma")).toMatchObject({ startEquity: "10400", pnl: "-400", returnPct: -3.8461 });

    // Sorted by P&L in dollars, largest first.
    expect((await get<LeaderboardRow[]>("/api/leaderboard?window=7d&sort=pnl")).map((r) => `${r.rank}:${r.name}`)).toEqual(["1:alpha", "2:gamma", "3:beta"]);
  });

  it("per variant: money summed exactly, P&L % weighted by the start values, the mean return beside it, best and worst model", async () => {
    const { alpha, beta, gamma } = await seed();
    const week = await get<VariantAggregate[]>("/api/leaderboard/variants?window=7d");
    expect(week).toEqual([
      // breakout: gamma alone, younger than the week: nothing moved.
      {
        variant: "breakout",
        kind: "rule",
        models: 1,
        startEquity: "10000",
        equity: "10000",
        pnl: "0",
        pnlPct: 0,
        meanReturnPct: 0,
        realizedPnl: "0",
        fees: "0",
        trades: 0,
        winRate: null,
        worstDrawdown: 0,
        bestModel: { id: gamma, name: "gamma", returnPct: 0 },
        worstModel: { id: gamma, name: "gamma", returnPct: 0 },
      },
      // trend: 8000 + 25000 = 33000 → 10000 + 19999.99 = 29999.99: −3000.01 = −9.0909% (weighted),
      // while the mean of +25% and −20% is +2.5%; realized before fees (−100 + 1) + (50 + 0.5) + 20 = −28.5, fees 1.5;
      // 2 wins in 3 trades; the deeper drawdown is beta's 0.16.
      {
        variant: "trend",
        kind: "rule",
        models: 2,
        startEquity: "33000",
        equity: "29999.99",
        pnl: "-3000.01",
        pnlPct: -9.0909,
        meanReturnPct: 2.5,
        realizedPnl: "-28.5",
        fees: "1.5",
        trades: 3,
        winRate: 2 / 3,
        worstDrawdown: 0.16,
        bestModel: { id: alpha, name: "alpha", returnPct: 25 },
        worstModel: { id: beta, name: "beta", returnPct: -20 },
      },
    ]);
    // Over all time trend's −0.01 on 30000 truncates to 0%, level with breakout: ties by name.
    expect((await get<VariantAggregate[]>("/api/leaderboard/variants")).map((v) => [v.variant, v.pnl, v.pnlPct])).toEqual([
      ["breakout", "0", 0],
      ["trend", "-0.01", 0],
    ]);
    const bad = await app.request("/api/leaderboard/variants?window=1h");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("window:");
  });
});
