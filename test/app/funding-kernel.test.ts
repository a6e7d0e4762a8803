import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { ManualClock } from "../../src/core/clock.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { fundingPayments, ledger, orders } from "../../src/db/schema.js";
import { createSyntheticFeed } from "../../src/feeds/synthetic/index.js";
import { createPgDatabase, DRIVERS, type DriverName } from "../support/databases.js";
import { PERMISSIVE_LIMITS } from "../support/trading-harness.js";

const START = Date.parse("2026-03-02T07:58:00Z");
const FUNDING = Date.parse("2026-03-02T08:00:00Z");

/** The same kernel and database a restart would have: an embedded directory or a PostgreSQL database. */
async function storage(driver: DriverName): Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> {
  if (driver === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "autonome-funding-kernel-"));
    return { env: { AUTONOME_DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { url, drop } = await createPgDatabase(process.env.AUTONOME_TEST_PG_TEMPLATE);
  return { env: { DATABASE_URL: url, AUTONOME_DATA_DIR: "memory://" }, dispose: drop };
}

/** A kernel on the synthetic market (seed 7, 1-second books) whose clock the test moves, as a backtest does. */
async function kernel(env: Record<string, string>): Promise<{ k: Autonome; clock: ManualClock; stepTo: (t: number) => Promise<void> }> {
  const clock = new ManualClock(START);
  const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 7, clock, intervalMs: 1_000, timers: { setInterval: () => 0, clearInterval: () => undefined } });
  const k = await createAutonome(loadConfig({ ...env, AUTONOME_TRADE_INTERVAL: "0", AUTONOME_RUN_ON_START: "false", AUTONOME_SEED: "7" }), pino({ level: "silent" }), clock, { isolated: true, feed });
  await k.start();
  const stepTo = async (t: number) => {
    for (let at = clock.now() + 1_000; at <= t; at += 1_000) {
      clock.set(at);
      await k.settle();
      feed.advanceTo(at);
      await k.settle();
    }
  };
  return { k, clock, stepTo };
}

describe.each(DRIVERS)("funding in the kernel on %s", (driver) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("the synthetic feed's rate reaches the kernel's derivatives store, a paper position pays at 08:00, and a re-run over the same time pays nothing more", async () => {
    const store = await storage(driver);
    cleanups.push(store.dispose);
    const first = await kernel(store.env);
    let positionId: string;
    let paid: string;
    try {
      const model = await first.k.services.createModel({ name: "Funded", kind: "rule", strategy: "trend-following", initialCapital: "10000", risk: PERMISSIVE_LIMITS });
      await first.k.services.openPosition(model.id, { symbol: "BTC", side: "LONG", quantity: "0.05", leverage: "2" });
      positionId = first.k.service.account(model.id).positions.get("BTC")!.id;
      const announced = first.k.derivatives.derivatives("BTC")!;
      expect(announced).toMatchObject({ symbol: "BTC", nextFundingAt: FUNDING, fundingIntervalMs: 8 * 3_600_000 });

      await first.stepTo(FUNDING - 1_000);
      expect(await first.k.database.db.select().from(fundingPayments)).toEqual([]);
      await first.stepTo(FUNDING + 3_000);
      const rows = await first.k.database.db.select().from(ledger).where(eq(ledger.kind, "FUNDING"));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ modelId: model.id, positionId });
      expect(rows[0]!.createdAt.getTime()).toBe(FUNDING);
      paid = rows[0]!.amount;
      expect(paid).not.toBe("0.000000");
      const [payment] = await first.k.database.db.select().from(fundingPayments);
      expect(payment!.paymentId).toBe(`sim:BTC:${FUNDING}:${positionId}`);
      const [row] = await first.k.database.db.select().from(orders).where(eq(orders.id, positionId));
      expect(row!.funding).toBe(paid);
      const view = await first.k.services.getModel(model.id);
      expect(view.account.funding).toBe(paid.replace(/0+$/, "").replace(/\.$/, ""));
      const [position] = await first.k.services.positions(model.id);
      expect(position!.funding).toBe(view.account.funding);
    } finally {
      await first.k.stop();
    }

    // The same span again on the same database (a restart, a replay re-run): the time is found paid.
    const again = await kernel(store.env);
    try {
      await again.stepTo(FUNDING + 3_000);
      const rows = await again.k.database.db.select().from(ledger).where(eq(ledger.kind, "FUNDING"));
      expect(rows.map((r) => r.amount)).toEqual([paid]);
      const [row] = await again.k.database.db.select().from(orders).where(eq(orders.id, positionId));
      expect(row!.funding).toBe(paid);
    } finally {
      await again.k.stop();
    }
  });
});
