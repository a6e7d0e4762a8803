import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import { fundingPayments, ledger, orders } from "../../src/db/schema.js";
import { tradeView } from "../../src/app/views.js";
import { DerivativesStore } from "../../src/market/derivatives-store.js";
import { FundingSettler } from "../../src/trading/funding-settler.js";
import { restoreAccounts } from "../../src/trading/restore.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

const H8 = 8 * 3_600_000;
/** The first funding time after the harness's clock (2026-01-01T00:00Z): 08:00 UTC. */
const T1 = Date.parse("2026-01-01T08:00:00Z");

/** A BTC book whose mid is exactly 50,000.0 (500,000 ticks). */
function btcAt50k(h: Harness) {
  h.book("BTC", [["49999.9", "5"]], [["50000.1", "5"]]);
}

async function fundingRows(h: Harness, modelId: string) {
  return (await h.t.database.db.select().from(ledger).where(eq(ledger.modelId, modelId))).filter((r) => r.kind === "FUNDING");
}

async function positionRow(h: Harness, id: string) {
  const [row] = await h.t.database.db.select().from(orders).where(eq(orders.id, id));
  return row!;
}

describe.each(DRIVERS)("simulated funding payments on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("at a positive rate the long pays the short quantity x mark x rate: ledger, account, position row and simulator agree", async () => {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const long = await h.model("10000");
    const short = await h.model("10000");
    btcAt50k(h);
    await h.service.openPosition(long, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "2" });
    await h.service.openPosition(short, { symbol: "BTC", side: "SHORT", quantity: "0.01", leverage: "2" });
    const cashBefore = h.accounts.get(long)!.cash;
    const availableBefore = h.venue.available(long)!;

    // 0.01 BTC x 50,000 x 0.01% = $0.05.
    expect(await h.service.settleFunding(long, "BTC", T1, "0.0001", h.venue.mid("BTC")!)).toBe(-50_000n);
    expect(await h.service.settleFunding(short, "BTC", T1, "0.0001", h.venue.mid("BTC")!)).toBe(50_000n);

    const a = h.accounts.get(long)!;
    expect(a.funding).toBe(-50_000n);
    expect(a.cash).toBe(cashBefore - 50_000n);
    expect(a.cash).toBe(a.initialCapital + a.realizedPnl - a.fees + a.funding);
    expect(h.accounts.get(short)!.funding).toBe(50_000n);
    // The simulator's margin checks see the same cash.
    expect(h.venue.available(long)).toBe(availableBefore - 50_000n);
    expect(h.service.figures(a).funding).toBe(-50_000n);

    const [entry] = await fundingRows(h, long);
    expect(entry).toMatchObject({ amount: "-0.050000", positionId: a.positions.get("BTC")!.id });
    expect(entry!.createdAt.getTime()).toBe(T1);
    const posId = a.positions.get("BTC")!.id;
    const [payment] = await h.t.database.db.select().from(fundingPayments).where(eq(fundingPayments.modelId, long));
    expect(payment).toMatchObject({ venue: "sim", paymentId: `sim:BTC:${T1}:${posId}`, symbol: "BTC", amount: "-0.050000" });
    expect((await positionRow(h, posId)).funding).toBe("-0.050000");
    expect(a.positionFunding.get(posId)).toBe(-50_000n);
    const events = h.bus.filter((e) => e.type === "account" && (e.data as { action?: string }).action === "funding");
    expect(events.map((e) => [e.modelId, (e.data as { amount: string }).amount])).toEqual([
      [long, "-0.05"],
      [short, "0.05"],
    ]);
  });

  it("a funding time is paid once: asking again, or a restarted settler at the same time, pays nothing more", async () => {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    btcAt50k(h);
    await h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.02", leverage: "2" });
    const derivatives = new DerivativesStore(DEFAULT_MARKETS);
    // A negative rate: shorts pay longs. 0.02 BTC x 50,000 x 0.02% = $0.20.
    derivatives.update({ symbol: "BTC", ts: h.clock.now(), fundingRate: "-0.0002", fundingIntervalMs: H8, nextFundingAt: T1 });
    const settler = () => new FundingSettler({ markets: DEFAULT_MARKETS, derivatives, mark: (s) => h.venue.mid(s), service: h.service, now: () => h.clock.now() });
    const first = settler();
    expect(first.tick()).toBeNull(); // before the funding time
    h.clock.set(T1 + 400);
    await first.tick();
    expect(first.tick()).toBeNull(); // taken: the next one is 16:00
    // A restart: a settler that never saw this time, at the same moment, books nothing.
    await settler().tick();
    expect(await h.service.settleFunding(id, "BTC", T1, "-0.0002", h.venue.mid("BTC")!)).toBeNull();
    const rows = await fundingRows(h, id);
    expect(rows.map((r) => r.amount)).toEqual(["-0.200000"]);
    expect(h.accounts.get(id)!.funding).toBe(-200_000n);

    // The next time, at 16:00, is paid at the rate the feed reports then.
    derivatives.update({ symbol: "BTC", ts: T1 + 1_000, fundingRate: "0.0001", fundingIntervalMs: H8, nextFundingAt: T1 + H8 });
    h.clock.set(T1 + H8);
    await first.tick();
    expect((await fundingRows(h, id)).map((r) => r.amount)).toEqual(["-0.200000", "0.100000"]);

    // A restart from the database: funding, cash and the position's running funding are what they were.
    const restored = (await restoreAccounts(h.t.database.db, DEFAULT_MARKETS)).accounts.get(id)!;
    const live = h.accounts.get(id)!;
    expect(restored.funding).toBe(-100_000n);
    expect(restored.cash).toBe(live.cash);
    expect(restored.positionFunding.get(live.positions.get("BTC")!.id)).toBe(-100_000n);
  });

  it("the closed trade carries its funding; realized P&L stays price less fees", async () => {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    btcAt50k(h);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "2" });
    const posId = h.accounts.get(id)!.positions.get("BTC")!.id;
    await h.service.settleFunding(id, "BTC", T1, "0.0001", 500_000);
    await h.service.settleFunding(id, "BTC", T1 + H8, "0.00005", 500_000);
    // Half is reduced: the slice carries no funding, the position's row keeps it all.
    h.book("BTC", [["50999.9", "5"]], [["51000.1", "5"]]);
    await h.service.reducePosition(id, "BTC", 500, "MANUAL");
    await h.service.closePosition(id, "BTC");
    const rows = await h.t.database.db.select().from(orders).where(eq(orders.modelId, id));
    const last = rows.find((r) => r.id === posId)!;
    const slice = rows.find((r) => r.parentId === posId)!;
    expect(last.status).toBe("CLOSED");
    // -$0.05 then -$0.025.
    expect(last.funding).toBe("-0.075000");
    expect(slice.funding).toBe("0.000000");
    // Bought at 50,000.1, sold at 50,999.9: 0.005 x 999.8 = $4.999 each half, no fees.
    expect(last.realizedPnl).toBe("4.999000");
    expect(tradeView(last)).toMatchObject({ realizedPnl: "4.999", funding: "-0.075" });
    const a = h.accounts.get(id)!;
    expect(a.cash).toBe(usd("10000") + usd("9.998") - usd("0.075"));
  });

  it("a reset starts funding over with the rest of the account", async () => {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    btcAt50k(h);
    await h.service.openPosition(id, { symbol: "BTC", side: "SHORT", quantity: "0.01", leverage: "2" });
    await h.service.settleFunding(id, "BTC", T1, "0.0001", 500_000);
    expect(h.accounts.get(id)!.funding).toBe(50_000n);
    await h.service.resetAccount(id);
    const a = h.accounts.get(id)!;
    expect([a.funding, a.cash]).toEqual([0n, usd("10000")]);
    const restored = (await restoreAccounts(h.t.database.db, DEFAULT_MARKETS)).accounts.get(id)!;
    expect([restored.funding, restored.cash]).toEqual([0n, usd("10000")]);
  });

  it("nothing is paid without a position, at a zero amount, or for a market the feed reports no funding for", async () => {
    h = await createHarness(driver, { takerFeeBps: 0, makerFeeBps: 0 }, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("10000");
    btcAt50k(h);
    h.book("ETH", [["2999.99", "50"]], [["3000.01", "50"]]);
    await h.service.openPosition(id, { symbol: "ETH", side: "LONG", quantity: "0.1", leverage: "2" });
    expect(await h.service.settleFunding(id, "BTC", T1, "0.0001", 500_000)).toBeNull();
    expect(await h.service.settleFunding(id, "ETH", T1, "0", 300_000)).toBeNull();
    await expect(h.service.settleFunding(id, "ETH", T1, "0.5%", 300_000)).rejects.toThrow(/funding rate "0.5%"/);
    const derivatives = new DerivativesStore(DEFAULT_MARKETS);
    derivatives.update({ symbol: "BTC", ts: h.clock.now(), fundingRate: "0.0003", fundingIntervalMs: H8, nextFundingAt: T1 });
    const settler = new FundingSettler({ markets: DEFAULT_MARKETS, derivatives, mark: (s) => h.venue.mid(s), service: h.service, now: () => h.clock.now() });
    h.clock.set(T1);
    await settler.tick();
    expect(await fundingRows(h, id)).toEqual([]);
    expect(h.accounts.get(id)!.funding).toBe(0n);
  });
});
