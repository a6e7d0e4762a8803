import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { api, startServer, startWorker, type ServerProcess, type WorkerProcess } from "../support/server-process.js";
import type { ModelView } from "../../src/app/services.js";
import { PERMISSIVE_LIMITS } from "../support/trading-harness.js";
import type { MirrorDetail } from "../../src/copy/mirror-service.js";

/**
 * Copy trading across processes on one PostgreSQL: workers and the server share the mirrors
 * through leases, crashes are settled from the database, and the database itself proves that no
 * signal was executed twice or missed.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(DRIVERS.includes("postgres"))("mirrors across processes on PostgreSQL", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function setup(serverEnv: Record<string, string> = {}) {
    const { url, drop } = await createPgDatabase(process.env.AUTONOME_TEST_PG_TEMPLATE);
    cleanups.push(drop);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const env = { DATABASE_URL: url, AUTONOME_TRADE_INTERVAL: "0", AUTONOME_MIRROR_LEASE: "1s", AUTONOME_FEED_INTERVAL: "200ms" };
    const server: ServerProcess = await startServer({ ...env, ...serverEnv });
    cleanups.push(() => server.kill());
    const models = (await api<ModelView[]>(server.url, "GET", "/api/models")).body;
    const source = models[0]!.id;
    // The source trades back and forth quickly: its own limits must not stand in the way (the followers keep the defaults).
    expect((await api(server.url, "PATCH", `/api/models/${source}`, { risk: PERMISSIVE_LIMITS })).status).toBe(200);
    const q = async <R>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as R[];
    const workers: WorkerProcess[] = [];
    const worker = async (extra: Record<string, string> = {}) => {
      const w = await startWorker({ ...env, ...extra });
      workers.push(w);
      cleanups.push(() => w.kill());
      return w;
    };
    const mirror = async (name: string, of = source) => {
      const r = await api<MirrorDetail>(server.url, "POST", "/api/mirrors", {
        sourceModelId: of,
        follower: { name, initialCapital: "100000" },
        sizing: { mode: "ratio", ratio: "1" },
        maxSlippageBps: 500,
        maxSignalAgeMs: 600_000,
      });
      expect(r.status).toBe(201);
      return r.body;
    };
    // Every entry carries a stop (the default risk limits require one), 10% away: it never fires here.
    const markets = (await api<Array<{ symbol: string; mid: string }>>(server.url, "GET", "/api/markets")).body;
    const mid = Number(markets.find((x) => x.symbol === "BTC")!.mid);
    const stop = (side: "LONG" | "SHORT") => (side === "LONG" ? mid * 0.9 : mid * 1.1).toFixed(1);
    const open = (side: "LONG" | "SHORT") => api(server.url, "POST", `/api/models/${source}/positions`, { symbol: "BTC", side, quantity: "0.01", exitPlan: { stop: stop(side) } });
    const trade = async (side: "LONG" | "SHORT", of = source) => {
      const open = await api(server.url, "POST", `/api/models/${of}/positions`, { symbol: "BTC", side, quantity: "0.01", exitPlan: { stop: stop(side) } });
      expect(open.status, JSON.stringify(open.body)).toBe(201);
      const close = await api(server.url, "POST", `/api/models/${of}/positions/close`, { symbols: ["BTC"] });
      expect(close.status).toBe(200);
    };
    /** Waits until every execution of the mirrors is done (or the deadline passes). */
    const drained = async (expected: number, ms = 60_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const [row] = await q<{ done: number; total: number }>(`select count(*) filter (where state = 'done')::int as done, count(*)::int as total from mirror_executions`);
        if ((row!.done >= expected && row!.done === row!.total) || Date.now() > deadline) return row!;
        await sleep(200);
      }
    };
    const listModels = async () => (await api<ModelView[]>(server.url, "GET", "/api/models")).body;
    return { server, source, q, worker, workers, mirror, trade, open, drained, models: listModels };
  }

  it("three workers and the server: 2,000 source fills become exactly one execution each, none missed, none doubled, through a worker crash", { timeout: 300_000 }, async () => {
    const s = await setup();
    // Four sources trading at once, each followed by one mirror: 2,000 fills in all.
    const sources = [s.source, ...(await s.models()).slice(1).map((m) => m.id)];
    const extra = await api<ModelView>(s.server.url, "POST", "/api/models", { name: "fourth", kind: "rule", strategy: "trend-following", risk: PERMISSIVE_LIMITS });
    sources.push(extra.body.id);
    for (const id of sources) expect((await api(s.server.url, "PATCH", `/api/models/${id}`, { risk: PERMISSIVE_LIMITS })).status).toBe(200);
    const mirrors = await Promise.all(sources.map((id, i) => s.mirror(`f${i}`, id)));
    await Promise.all([s.worker(), s.worker(), s.worker()]);
    const FILLS = Number(process.env.MIRROR_TEST_FILLS ?? 2000);
    const t0 = Date.now();
    await Promise.all(
      sources.map(async (id, k) => {
        for (let i = 0; i < FILLS / sources.length / 2; i++) {
          await s.trade("LONG", id);
          // Midway one worker dies without warning; its mirrors move once their leases lapse.
          if (k === 0 && i === Math.floor(FILLS / sources.length / 4)) await s.workers[0]!.kill();
        }
      }),
    );
    const t1 = Date.now();
    const counts = await s.drained(FILLS, 120_000);
    if (process.env.MIRROR_TEST_FILLS) console.log(`trades ${t1 - t0} ms, drained ${Date.now() - t1} ms`);
    expect(counts).toEqual({ done: FILLS, total: FILLS });
    // Asserted by the database: one execution per (signal, mirror), one key each.
    const [dups] = await s.q<{ n: number; keys: number; pairs: number }>(
      `select count(*)::int as n, count(distinct key)::int as keys, count(distinct (mirror_id, signal_id))::int as pairs from mirror_executions`,
    );
    expect(dups).toEqual({ n: FILLS, keys: FILLS, pairs: FILLS });
    // None missed: every position event of every source since its mirror exists has its execution.
    const missed = await s.q<{ n: number }>(
      `select count(*)::int as n from outbox o join mirrors m on m.source_model_id = o.model_id
       where o.type in ('PositionOpened','PositionScaled','PositionReduced','PositionClosed','ExitPlanUpdated')
         and o.id > (select min(signal_cursor) from mirrors)
         and not exists (select 1 from mirror_executions e where e.mirror_id = m.id and e.signal_id = o.id)`,
    );
    expect(missed[0]!.n).toBe(0);
    // No execution has more than one filled follower order.
    const doubled = await s.q<{ key: string; n: number }>(
      `select e.key, count(v.id)::int as n from mirror_executions e join venue_orders v on v.client_order_id like e.client_order_id || '%' and v.filled_quantity > 0
       group by e.key having count(v.id) > 1`,
    );
    expect(doubled).toEqual([]);
    const outcomes = await s.q<{ outcome: string; reason: string | null; n: number }>(`select outcome, reason, count(*)::int as n from mirror_executions group by outcome, reason order by n desc`);
    expect(outcomes[0], JSON.stringify(outcomes)).toMatchObject({ outcome: "filled" });
    expect(outcomes[0]!.n, JSON.stringify(outcomes)).toBeGreaterThan(FILLS * 0.9);
    // Every follower whose executions all filled ends flat, as its source.
    const open = await s.q<{ n: number }>(`select count(*)::int as n from orders where status = 'OPEN' and model_id in (select follower_model_id from mirrors)`);
    expect(open[0]!.n).toBeLessThanOrEqual(outcomes.filter((o) => o.outcome !== "filled").reduce((a, o) => a + o.n, 0));
    // The work was shared out among several processes.
    const hosts = await s.q<{ n: number }>(`select count(distinct claimed_by)::int as n from mirror_executions`);
    expect(hosts[0]!.n).toBeGreaterThan(1);
    expect(mirrors).toHaveLength(4);
  });

  for (const point of ["after_claim", "after_order"] as const) {
    it(
      `SIGKILL of a worker ${point === "after_claim" ? "between claim and order" : "between order and outcome"}: exactly one follower order, and the execution is finished by the next holder`,
      { timeout: 120_000 },
      async () => {
        // The server leaves mirrors to workers here, so the crashing worker surely holds it.
        const s = await setup({ AUTONOME_MIRRORS: "off" });
        const m = await s.mirror("crashy");
        const doomed = await s.worker({ AUTONOME_FAULT: point });
        await sleep(500);
        const open = await s.open("LONG");
        expect(open.status).toBe(201);
        expect(await doomed.exited).toBeNull(); // killed by its signal
        const [claimed] = await s.q<{ state: string; client_order_id: string | null }>(`select state, client_order_id from mirror_executions where mirror_id = $1`, [m.id]);
        expect(claimed!.state).toBe("claimed");
        // On the simulator the order, its fills and the execution's outcome are one transaction: killed
        // between the venue's execution and that commit, nothing of the order is left (the simulator's
        // memory of it died with the process). An order committed without its outcome (a venue that
        // answers after its row is written) is test/copy/mirror-transaction.test.ts's case.
        const before = await s.q<{ status: string }>(`select status from venue_orders where model_id = $1`, [m.followerModelId]);
        expect(before.map((o) => o.status)).toEqual([]);
        // The next worker takes the lapsed lease, finds the claim and settles it.
        await s.worker();
        await s.drained(1, 30_000);
        const [done] = await s.q<{ state: string; outcome: string; attempts: number; filled_quantity: string }>(
          `select state, outcome, attempts, filled_quantity from mirror_executions where mirror_id = $1`,
          [m.id],
        );
        expect(done).toMatchObject({ state: "done", outcome: "filled", attempts: 2 });
        const after = await s.q<{ status: string; quantity: string }>(`select status, quantity::text from venue_orders where model_id = $1`, [m.followerModelId]);
        expect(after).toEqual([{ status: "FILLED", quantity: "0.0100000000" }]);
        const positions = await s.q<{ quantity: string }>(`select quantity::text from orders where model_id = $1 and status = 'OPEN'`, [m.followerModelId]);
        expect(positions).toEqual([{ quantity: "0.0100000000" }]);
      },
    );
  }
});
