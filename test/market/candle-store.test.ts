import { asc } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { computeIntelligence } from "../../src/agents/intelligence.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { CandleStore } from "../../src/market/candle-store.js";
import { backfillCandles, defaultStartMid } from "../../src/feeds/synthetic/index.js";
import { candles } from "../../src/db/schema.js";
import { countStatements } from "../support/count-statements.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";

const NOW = Date.parse("2026-05-01T12:34:56Z");

describe.each(DRIVERS)("candle history on %s", (driver) => {
  let t: TestDatabase;
  afterEach(async () => t?.dispose());

  it("a fresh database is backfilled so every indicator on every timeframe is defined on the first cycle", async () => {
    t = await openTestDatabase(driver);
    const store = new CandleStore(t.database.db, DEFAULT_MARKETS);
    await store.load(NOW, (m) => backfillCandles({ market: m, seed: 42, endMid: defaultStartMid(m), endTime: NOW }));
    const intel = computeIntelligence({ markets: [...DEFAULT_MARKETS], candles: (s, i) => store.get(s, i), now: NOW });
    for (const m of DEFAULT_MARKETS) {
      for (const tf of ["1m", "5m", "1h"] as const) {
        const x = intel.symbols[m.symbol]!.timeframes[tf];
        for (const [name, v] of Object.entries({ ema20: x.ema20, ema50: x.ema50, rsi14: x.rsi14, macd: x.macd, atr14: x.atr14 })) {
          expect(v.defined, `${m.symbol} ${tf} ${name}`).toBe(true);
        }
      }
      expect(store.get(m.symbol, "1m").at(-1)!.close).toBe(defaultStartMid(m));
    }
  });

  it("keeps closed minutes in the database: a restart loads them instead of backfilling again", async () => {
    t = await openTestDatabase(driver);
    const first = new CandleStore(t.database.db, DEFAULT_MARKETS);
    await first.load(NOW, () => null); // no history and no backfill (a replay feed)
    expect(first.get("BTC", "1m")).toEqual([]);
    const minute = Math.floor(NOW / 60_000) * 60_000;
    first.add("BTC", minute + 1_000, 970_000, 5);
    first.add("BTC", minute + 30_000, 971_000, 7);
    first.add("BTC", minute + 59_000, 969_500, 1);
    first.closeUpTo(minute + 60_000);
    await new Promise((r) => setTimeout(r, 100)); // the store writes closed candles in the background
    const second = new CandleStore(t.database.db, DEFAULT_MARKETS);
    let backfilled = false;
    await second.load(minute + 120_000, () => {
      backfilled = true;
      return [];
    });
    const [c] = second.get("BTC", "1m");
    expect(c).toMatchObject({ openTime: minute, open: 970_000, high: 971_000, low: 969_500, close: 969_500, volume: 13 });
    expect(backfilled).toBe(true); // only ETH and SOL, which had nothing stored
  });

  /** Three symbols' minutes, a turn of the event loop apart: each minute's updates close the previous minute of all three. */
  async function feedMinutes(store: CandleStore, minutes: number): Promise<void> {
    const start = Math.floor(NOW / 60_000) * 60_000;
    for (let i = 0; i <= minutes; i++) {
      for (const [k, m] of DEFAULT_MARKETS.entries()) store.add(m.symbol, start + i * 60_000 + 5_000, defaultStartMid(m) + ((i * 7 + k * 3) % 11) - 5, i % 4);
      await new Promise((r) => setImmediate(r));
    }
  }
  const stored = async (db: TestDatabase) => (await db.database.db.select().from(candles).orderBy(asc(candles.symbol), asc(candles.openTime))).map((r) => ({ ...r, openTime: r.openTime.getTime() }));

  it("writes the minutes that close together in one statement", async () => {
    t = await openTestDatabase(driver);
    const store = new CandleStore(t.database.db, DEFAULT_MARKETS);
    await store.load(NOW, () => null);
    const statements = countStatements(t.database.db);
    await feedMinutes(store, 5);
    await store.idle();
    statements.restore();
    expect(statements.count).toBe(5); // 5 closes of 3 symbols each
    expect(await stored(t)).toHaveLength(15);
  });

  it("held candles are the same rows, written when the hold fills and at flush()", async () => {
    t = await openTestDatabase(driver);
    const one = new CandleStore(t.database.db, DEFAULT_MARKETS);
    await one.load(NOW, () => null);
    await feedMinutes(one, 40);
    await one.idle();
    const written = await stored(t);
    await t.dispose();

    t = await openTestDatabase(driver);
    const held = new CandleStore(t.database.db, DEFAULT_MARKETS);
    await held.load(NOW, () => null);
    held.hold(50);
    const statements = countStatements(t.database.db);
    await feedMinutes(held, 40);
    await held.idle();
    expect(statements.count).toBe(2); // twice 51 candles reached the hold of 50 and were written; 18 are still held
    expect(held.busy).toBe(false);
    await held.flush();
    statements.restore();
    expect(statements.count).toBe(3);
    expect(await stored(t)).toEqual(written);
    expect(written).toHaveLength(120);
  });
});
