import { afterEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/db/client.js";
import { orders } from "../../src/db/schema.js";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { EventBus } from "../../src/events/bus.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { PredictionCatalog } from "../../src/prediction/prediction-catalog.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import { restoreAccounts } from "../../src/trading/restore.js";
import { TradingService } from "../../src/trading/trading-service.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import { DRIVERS } from "../support/databases.js";
import { createMirrorHarness, type MirrorHarness } from "../support/mirror-harness.js";
import { predictionHarness } from "../support/prediction-harness.js";

/**
 * "Capital locked": shares are paid in full, so a follower's buy must be covered by cash the
 * account really has. Beside the in-memory check (TradingService.open -> checkOrder, under this
 * process's AccountLock), the order row of an outcome-token buy is written only after the
 * account's row is locked and its free cash read afresh from the database
 * (src/trading/capital-lock.ts): a second process waits, then sees the first one's entry.
 */
const MARKET = (end: number): PredictionMarketInput => ({
  conditionId: `0x${"ee".repeat(32)}`,
  question: "Will it?",
  slug: "will-it",
  status: "open",
  endDate: end,
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  outcomes: [
    { outcome: "Yes", tokenId: "5001" },
    { outcome: "No", tokenId: "5002" },
  ],
  source: "synthetic",
});
const px = (d: string) => Math.round(Number(d) * 10_000);
const sh = (s: string) => Math.round(Number(s) * 100);

/** Entry cost of the account's open positions, from the database. */
async function committed(db: Database["db"], modelId: string): Promise<number> {
  const [row] = await db
    .select({ cost: sql<string>`coalesce(sum(${orders.entryCost}), 0)::text` })
    .from(orders)
    .where(and(eq(orders.modelId, modelId), eq(orders.status, "OPEN")));
  return Number(row!.cost);
}

describe.each(DRIVERS)("a follower's capital on %s", { timeout: 120_000 }, (driver) => {
  let h: MirrorHarness;
  let other: Database | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
    await h?.dispose();
  });

  // Two processes trading one account: what happens for a moment when a mirror's lease passes to
  // another process while its old holder is still sending (a stall past the lease), and what any
  // second writer of the account would do. Each process's own copy of the account would let both
  // $60 entries through ($120 of $100); the database's lock and fresh read refuse the second.
  // Processes only share PostgreSQL (a worker needs it), so this runs there.
  it.runIf(driver === "postgres")("two processes cannot together spend more than the account's cash", async () => {
    h = await createMirrorHarness(driver);
    const pm = await predictionHarness(h, h.services);
    await pm.market(MARKET(h.clock.now() + 86_400_000));
    pm.book("5001", [["0.38", "1000"]], [["0.40", "1000"]]);
    pm.book("5002", [["0.58", "1000"]], [["0.60", "1000"]]);
    const follower = await h.model("100");

    // The second process: its own connection, unit of work, room, simulator and trading service,
    // its markets and the follower's account read from the database, as a worker reads them.
    other = await openDatabase({ url: h.t.url! });
    const room = new MarketRoom({ markets: [] });
    const venue = new SimVenue({ clock: h.clock, markets: [] }, room);
    const catalog = new PredictionCatalog({ db: other.db, room, now: () => h.clock.now() });
    await catalog.load();
    const yes = catalog.symbolOf("5001")!;
    const no = catalog.symbolOf("5002")!;
    room.apply({ symbol: yes, ts: h.clock.now(), kind: "snapshot", bids: [[px("0.38"), sh("1000")]], asks: [[px("0.40"), sh("1000")]] });
    room.apply({ symbol: no, ts: h.clock.now(), kind: "snapshot", bids: [[px("0.58"), sh("1000")]], asks: [[px("0.60"), sh("1000")]] });
    const restored = await restoreAccounts(other.db, venue.markets(), [follower]);
    const service = new TradingService({ uow: new UnitOfWork(other.db, new EventBus()), venue, clock: h.clock, accounts: new Map(), quote: (s) => room.quote(s), paper: venue });
    service.host(restored.accounts.get(follower)!);
    service.risk.setLimits(follower, { maxRiskPerTradePct: 100, requireStop: false, maxGrossExposure: 1000, minCashReservePct: 0 });

    // $60 each, at the same time: 150 Yes at 0.40 here, 100 No at 0.60 there.
    const entry = (s: TradingService, symbol: string, quantity: string, price: string) =>
      s.openPosition(follower, { symbol, side: "LONG", quantity, type: "LIMIT", price, timeInForce: "IOC" }).then(
        () => "filled",
        (e: unknown) => (e as { code?: string }).code ?? "error",
      );
    const outcomes = await Promise.all([entry(h.service, yes, "150", "0.40"), entry(service, no, "100", "0.60")]);
    // What should hold: one of them is refused (insufficient_margin), and no more than $100 is committed.
    expect(await committed(h.t.database.db, follower)).toBeLessThanOrEqual(100);
    expect(outcomes.sort()).toEqual(["filled", "insufficient_margin"]);
  });

  // One process, no concurrency: a share is paid in full, but the in-memory `available` counts
  // unrealized gains (equity - margin, the perpetuals' rule). After Yes shares bought at 0.10 rise
  // to a 0.81 mid, a $100 account that spent $20 has $80 of cash: Polymarket would refuse a $100
  // buy, and so does the database's check.
  it("a paper follower cannot spend unrealized gains on fully paid shares", async () => {
    h = await createMirrorHarness(driver);
    const pm = await predictionHarness(h, h.services);
    await pm.market(MARKET(h.clock.now() + 86_400_000));
    const yes = pm.catalog.symbolOf("5001")!;
    const no = pm.catalog.symbolOf("5002")!;
    pm.book("5001", [["0.09", "1000"]], [["0.10", "1000"]]);
    pm.book("5002", [["0.19", "1000"]], [["0.20", "1000"]]);
    const follower = await h.model("100");
    await h.service.openPosition(follower, { symbol: yes, side: "LONG", quantity: "200", type: "LIMIT", price: "0.10", timeInForce: "IOC" });
    pm.book("5001", [["0.80", "1000"]], [["0.82", "1000"]]);
    // $80 of collateral is left; 500 No at 0.20 costs $100.
    await expect(h.service.openPosition(follower, { symbol: no, side: "LONG", quantity: "500", type: "LIMIT", price: "0.20", timeInForce: "IOC" })).rejects.toMatchObject({
      code: "insufficient_margin",
    });
    expect(await committed(h.t.database.db, follower)).toBeLessThanOrEqual(100);
  });
});
