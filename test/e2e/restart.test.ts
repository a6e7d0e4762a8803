import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { api, startServer, type ServerProcess } from "../support/server-process.js";
import type { ModelView, PositionView, TradeView } from "../../src/app/services.js";

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** Where the child server keeps its data, and how the test reads it directly after a crash. */
async function storage(driver: string): Promise<{ env: Record<string, string>; query: () => Promise<{ q: Query; close: () => Promise<void> }>; dispose: () => Promise<void> }> {
  if (driver === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "autonome-restart-"));
    return {
      env: { AUTONOME_DATA_DIR: dir },
      query: async () => {
        const db = new PGlite(dir);
        return { q: async (s) => (await db.query<Record<string, unknown>>(s)).rows, close: () => db.close() };
      },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { url, drop } = await createPgDatabase();
  return {
    env: { DATABASE_URL: url },
    query: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return { q: async (s) => (await c.query(s)).rows, close: () => c.end() };
    },
    dispose: drop,
  };
}

const positionsOf = (list: PositionView[]) => list.map((p) => ({ id: p.id, symbol: p.symbol, side: p.side, quantity: p.quantity, entryPrice: p.entryPrice, exitPlan: p.exitPlan }));
const accountsOf = (list: ModelView[]) =>
  list.map((m) => ({ id: m.id, cash: m.account.cash, realizedPnl: m.account.realizedPnl, fees: m.account.fees, marginUsed: m.account.marginUsed, equity: m.account.equity }));

describe.each(DRIVERS)("crash and restart on %s", (driver) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("a SIGKILL mid-run loses no committed fill, doubles nothing; after restart equity and positions are identical and stops still fire", async () => {
    const store = await storage(driver);
    cleanups.push(store.dispose);
    // Phase 1: a busy server (fast feed, models every second, manual orders in flight) killed without warning.
    // No cycle at start: the manual ETH long below must be an entry, not a scale-in of a model's own.
    let server: ServerProcess = await startServer({ ...store.env, AUTONOME_TRADE_INTERVAL: "1s", AUTONOME_FEED_INTERVAL: "100ms", AUTONOME_RUN_ON_START: "false" });
    cleanups.push(() => server.kill());
    const models = (await api<ModelView[]>(server.url, "GET", "/api/models")).body;
    expect(models).toHaveLength(3);
    const [a, b] = models;
    const opened = await api(server.url, "POST", `/api/models/${a!.id}/positions`, { symbol: "ETH", side: "LONG", quantity: "0.5", leverage: 2, exitPlan: { stop: "3200" } });
    expect(opened.status).toBe(201);
    const inFlight = [
      api(server.url, "POST", `/api/models/${b!.id}/positions`, { symbol: "SOL", side: "SHORT", quantity: "3", leverage: 3, exitPlan: { stop: "260" } }),
      api(server.url, "POST", `/api/models/${a!.id}/positions`, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 5, exitPlan: { stop: "94000" } }),
      api(server.url, "POST", `/api/models/${a!.id}/positions/close`, { symbols: ["ETH"] }),
    ].map((p) => p.catch(() => null));
    await new Promise((r) => setTimeout(r, 60));
    await server.kill();
    await Promise.all(inFlight);

    // The database alone must be consistent: every position's quantity is the net of its fills,
    // every cash movement matches a fill, and no fill was recorded twice.
    {
      const { q, close } = await store.query();
      const dupes = await q("select venue, trade_id, count(*) from fills group by 1, 2 having count(*) > 1");
      expect(dupes).toEqual([]);
      const mismatched = await q(`
        select o.id from orders o
        where o.status = 'OPEN' and o.quantity <> (
          select coalesce(sum(case when (f.side = 'BUY') = (o.side = 'LONG') then f.quantity else -f.quantity end), 0)
          from fills f where f.position_id = o.id)`);
      expect(mismatched).toEqual([]);
      const feeGap = await q(`
        select f.id from fills f
        where not exists (select 1 from ledger l where l.fill_id = f.id and l.kind = 'FEE' and l.amount = -f.fee)`);
      expect(feeGap).toEqual([]);
      await close();
    }

    // Phase 2: restart quiet (the feed does not step on its own), pause the models, set a price.
    server = await startServer({ ...store.env, AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" });
    for (const m of models) expect((await api(server.url, "PATCH", `/api/models/${m.id}`, { status: "paused" })).status).toBe(200);
    expect((await api(server.url, "POST", "/api/sim/markets/BTC/move", { price: "100000" })).status).toBe(200);
    const stop = await api<{ position: PositionView }>(server.url, "POST", `/api/models/${b!.id}/positions`, {
      symbol: "BTC",
      side: "LONG",
      quantity: "0.02",
      leverage: 2,
      exitPlan: { stop: "98000", target: "105000" },
    });
    expect(stop.status).toBe(201);
    await new Promise((r) => setTimeout(r, 5_500)); // the market state is saved every 5 s as well as on moves
    const before = {
      accounts: accountsOf((await api<ModelView[]>(server.url, "GET", "/api/models")).body),
      positions: positionsOf((await api<PositionView[]>(server.url, "GET", "/api/positions")).body),
    };
    await server.kill();

    server = await startServer({ ...store.env, AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" });
    const after = {
      accounts: accountsOf((await api<ModelView[]>(server.url, "GET", "/api/models")).body),
      positions: positionsOf((await api<PositionView[]>(server.url, "GET", "/api/positions")).body),
    };
    expect(after).toEqual(before);

    // Stops keep firing after the restart: a gap through the stop closes at the market.
    expect((await api(server.url, "POST", "/api/sim/markets/BTC/move", { price: "97000" })).status).toBe(200);
    let trade: TradeView | undefined;
    for (let i = 0; i < 50 && !trade; i++) {
      await new Promise((r) => setTimeout(r, 100));
      trade = (await api<TradeView[]>(server.url, "GET", `/api/trades?modelId=${b!.id}`)).body.find((t) => t.id === stop.body.position.id);
    }
    expect(trade?.closeTrigger).toBe("STOP");
    expect(Number(trade!.exitPrice)).toBeLessThan(98000);
    expect(await server.stop()).toBe(0);
  }, 120_000);
});
