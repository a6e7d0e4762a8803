import { afterEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { equitySnapshots, fills, invocations, ledger, orders, outbox, toolCalls, venueOrders } from "../../src/db/schema.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { ModelTools } from "../../src/scheduler/model-tools.js";
import { restoreAccounts } from "../../src/trading/restore.js";
import { utcDay } from "../../src/trading/risk/risk-engine.js";
import { TradingService, type OpenRequest, type OrderOrigin } from "../../src/trading/trading-service.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const MINUTE = 60_000;

/** Every table an order could write to, counted. */
async function footprint(h: Harness) {
  const db = h.t.database.db;
  const n = async (t: typeof orders | typeof venueOrders | typeof fills | typeof ledger | typeof outbox) => Number((await db.select({ n: sql<number>`count(*)::int` }).from(t))[0]!.n);
  return { orders: await n(orders), venueOrders: await n(venueOrders), fills: await n(fills), ledger: await n(ledger), outbox: await n(outbox) };
}

/** The order is refused with `code` (a 422 whose message contains `says`), and nothing at all is written. */
async function refused(h: Harness, modelId: string, req: OpenRequest, code: string, says?: string, origin?: OrderOrigin) {
  const before = await footprint(h);
  const positions = JSON.stringify([...h.accounts.get(modelId)!.positions.values()], (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  const err = await h.service.openPosition(modelId, req, origin ? { origin } : {}).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${req.symbol} ${req.side} ${req.quantity} should be refused with ${code}`).toMatchObject({ status: 422, code });
  if (says) expect((err as Error).message).toContain(says);
  expect(await footprint(h)).toEqual(before);
  expect(JSON.stringify([...h.accounts.get(modelId)!.positions.values()], (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).toBe(positions);
}

async function accepted(h: Harness, modelId: string, req: OpenRequest, origin?: OrderOrigin) {
  const r = await h.service.openPosition(modelId, req, origin ? { origin } : {});
  expect(r.status).not.toBe("partial");
  return r;
}

const btcBook = (h: Harness) => h.book("BTC", [["49990", "5"]], [["50000", "5"]]); // mid 49,995
const ethBook = (h: Harness) => h.book("ETH", [["1999", "10"]], [["2000", "10"]]); // mid 1,999.5
const solBook = (h: Harness) => h.book("SOL", [["99.9", "1000"]], [["100", "1000"]]);

describe.each(DRIVERS)("risk limits on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  // A fee-free venue: the figures below are exact. A long fills at the ask (50,000) and is marked
  // at the mid (49,995), so each BTC bought costs $5 of equity at once.

  it("max leverage: 10x passes, 10.01x is refused; a model's own limit replaces the default", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    btcBook(h);
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "10.01", exitPlan: { stop: "49900" } }, "risk_max_leverage", "leverage 10.01x is above maxLeverage 10x");
    expect((await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "10", exitPlan: { stop: "49900" } })).status).toBe("filled");

    const cautious = await h.model(undefined, { maxLeverage: 3 });
    await refused(h, cautious, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "3.01", exitPlan: { stop: "49900" } }, "risk_max_leverage", "maxLeverage 3x");
    await accepted(h, cautious, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "3", exitPlan: { stop: "49900" } });
  });

  it("no stop is refused unless the model's limits say requireStop: false", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    btcBook(h);
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" }, "risk_stop_required", "requireStop");
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { target: "52000" } }, "risk_stop_required");
    const loose = await h.model(undefined, { requireStop: false });
    expect((await accepted(h, loose, { symbol: "BTC", side: "LONG", quantity: "0.01" })).position!.plan.stop).toBeNull();
  });

  it("max risk per trade: entry to stop x quantity up to 2% of equity after the fill passes, a tick more is refused", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    btcBook(h);
    // Equity after buying 0.1 at 50,000 marked at 49,995: 9,999.50; 2% of it is 199.99 = 0.1 x (50,000 - 48,000.1).
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "5", exitPlan: { stop: "48000" } }, "risk_max_risk_per_trade", "would lose $200 at its stop");
    const r = await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "5", exitPlan: { stop: "48000.1" } });
    expect(r.position!.plan.stop).toBe(480001);
    // A short's risk is above its entry (the bid).
    ethBook(h);
    const shorter = await h.model();
    // Short 1 ETH at 1,999 marked at 1,999.5: equity after 9,999.50; 2% = 199.99 = 1 x (2,198.99 - 1,999).
    await refused(h, shorter, { symbol: "ETH", side: "SHORT", quantity: "1", exitPlan: { stop: "2199" } }, "risk_max_risk_per_trade");
    await accepted(h, shorter, { symbol: "ETH", side: "SHORT", quantity: "1", exitPlan: { stop: "2198.99" } });
  });

  it("a scale-in inherits the position's stop, and the risk counts the whole resulting position", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    btcBook(h);
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "5", exitPlan: { stop: "49000" } }); // risks 100
    // 0.1 more alone would risk 100 as well, but the position of 0.2 would risk 200 > 2% of 9,999.
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.1" }, "risk_max_risk_per_trade", "scaled BTC position would lose $200");
    const r = await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.09" }); // 0.19 x 1,000 = 190
    expect(r.position!.state.lots).toBe(19_000n);
    expect(r.position!.plan.stop).toBe(490000);
    // A tighter stop on the scale-in lowers the whole position's risk: 0.29 x (50,000 - 49,400) = 174.
    const tighter = await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.1", exitPlan: { stop: "49400" } });
    expect(tighter.position!.plan.stop).toBe(494000);

    // A position opened without a stop (looser limits then) cannot be scaled without one under the defaults.
    const loose = await h.model(undefined, { requireStop: false });
    await accepted(h, loose, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    h.service.risk.setLimits(loose, undefined);
    await refused(h, loose, { symbol: "BTC", side: "LONG", quantity: "0.01" }, "risk_stop_required", "a scale-in inherits the position's stop");
    expect((await accepted(h, loose, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49500" } })).position!.plan.stop).toBe(495000);
  });

  it("max gross exposure: positions at the mark plus the order up to the multiple of equity after the fill", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model("10002", { maxGrossExposure: 2 });
    btcBook(h);
    // 0.4 at 50,000 = 20,000; equity after = 10,002 - 0.4 x 5 = 10,000: exactly 2x. One lot more is over.
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.40001", leverage: "10", exitPlan: { stop: "49600" } }, "risk_max_gross_exposure", "above maxGrossExposure 2x");
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.4", leverage: "10", exitPlan: { stop: "49600" } });
    // Every open position counts: $20 of ETH is now too much.
    ethBook(h);
    await refused(h, id, { symbol: "ETH", side: "LONG", quantity: "0.01", leverage: "10", exitPlan: { stop: "1990" } }, "risk_max_gross_exposure");
  });

  it("minimum cash reserve: equity not held as margin after the order stays at or above 10% of equity", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model("10009", { maxGrossExposure: 10 });
    btcBook(h);
    // 1.8 at 50,000 and 10x holds 9,000 of margin; equity after = 10,009 - 1.8 x 5 = 10,000; 1,000 left = 10%.
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "1.80001", leverage: "10", exitPlan: { stop: "49900" } }, "risk_min_cash_reserve", "below minCashReservePct 10%");
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "1.8", leverage: "10", exitPlan: { stop: "49900" } });
    const f = h.service.figures(h.accounts.get(id)!);
    expect(f.available * 10n).toBe(f.equity);
  });

  it("max open positions: resting entries count, a scale-in does not", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model(undefined, { maxOpenPositions: 2 });
    btcBook(h);
    ethBook(h);
    solBook(h);
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    await accepted(h, id, { symbol: "ETH", side: "LONG", quantity: "0.1", exitPlan: { stop: "1950" } });
    await refused(h, id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { stop: "95" } }, "risk_max_open_positions", "open position number 3, above maxOpenPositions 2");
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    expect((await h.service.closePosition(id, "ETH")).status).toBe("closed");
    const resting = await accepted(h, id, { symbol: "SOL", side: "LONG", quantity: "1", type: "LIMIT", price: "90", exitPlan: { stop: "85" } });
    expect(resting.status).toBe("resting");
    ethBook(h);
    await refused(h, id, { symbol: "ETH", side: "LONG", quantity: "0.1", exitPlan: { stop: "1950" } }, "risk_max_open_positions");
  });

  it("the daily loss breaker blocks entries and scale-ins beyond 5%, never closing or tightening; the next UTC day starts over", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model(undefined, { maxRiskPerTradePct: 10 });
    btcBook(h);
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.2", leverage: "5", exitPlan: { stop: "47000" } }); // the day starts at 10,000
    h.book("BTC", [["47495", "5"]], [["47505", "5"]]); // marked at 47,500: down 500, exactly 5%
    ethBook(h);
    await accepted(h, id, { symbol: "ETH", side: "LONG", quantity: "0.01", exitPlan: { stop: "1990" } }); // its spread takes the loss past 5%
    await refused(h, id, { symbol: "ETH", side: "LONG", quantity: "0.01" }, "risk_daily_loss_limit", "beyond maxDailyLossPct 5%");
    solBook(h);
    await refused(h, id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { stop: "99" } }, "risk_daily_loss_limit");
    // Tightening and closing stay allowed; widening is still refused by the exit plan's own rule.
    expect((await h.service.updateExitPlan(id, "BTC", { stop: "47100" })).plan.stop).toBe(471000);
    await expect(h.service.updateExitPlan(id, "BTC", { stop: "46000" })).rejects.toMatchObject({ code: "stop_would_widen" });
    expect((await h.service.closePosition(id, "ETH")).status).toBe("closed");
    expect((await h.service.closePosition(id, "BTC")).status).toBe("closed");
    await refused(h, id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { stop: "99" } }, "risk_daily_loss_limit");
    h.clock.advance(24 * 60 * MINUTE);
    solBook(h);
    expect((await accepted(h, id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { stop: "99" } })).status).toBe("filled");
  });

  it("the total loss breaker blocks new entries beyond its % of the initial capital, whatever the day", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model(undefined, { maxTotalLossPct: 4, maxDailyLossPct: 50, maxRiskPerTradePct: 10 });
    btcBook(h);
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.2", leverage: "5", exitPlan: { stop: "47000" } });
    h.book("BTC", [["47995", "5"]], [["48005", "5"]]); // down 400: exactly 4% of 10,000
    ethBook(h);
    await accepted(h, id, { symbol: "ETH", side: "LONG", quantity: "0.01", exitPlan: { stop: "1990" } });
    await refused(h, id, { symbol: "ETH", side: "LONG", quantity: "0.01" }, "risk_total_loss_limit", "beyond maxTotalLossPct 4%");
    expect((await h.service.updateExitPlan(id, "BTC", { stop: "47500" })).plan.stop).toBe(475000);
    expect((await h.service.closePosition(id, "BTC")).status).toBe("closed");
    h.clock.advance(24 * 60 * MINUTE);
    solBook(h);
    await refused(h, id, { symbol: "SOL", side: "LONG", quantity: "1", exitPlan: { stop: "99" } }, "risk_total_loss_limit");
  });

  it("flip cooldown: the other side of a closed symbol waits 15 minutes, the same side does not; a restart remembers", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    btcBook(h);
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    await h.service.closePosition(id, "BTC");
    const closedAt = h.clock.now();
    const short: OpenRequest = { symbol: "BTC", side: "SHORT", quantity: "0.01", exitPlan: { stop: "51000" } };
    await refused(h, id, short, "risk_flip_cooldown", "flipCooldownMinutes 15");

    // The memory is derived from the database: a restored account refuses the flip as well.
    const restored = await restoreAccounts(h.t.database.db, DEFAULT_MARKETS);
    expect(restored.accounts.get(id)!.lastClosed.get("BTC")).toEqual({ side: "LONG", closedAt });
    const quote = (s: string) => {
      const b = h.venue.l2(s);
      return b ? { bid: b.bestBid(), ask: b.bestAsk(), mid: b.marketMid() } : undefined;
    };
    const afterRestart = new TradingService({ uow: h.uow, venue: h.venue, clock: h.clock, accounts: restored.accounts, quote, takerFeeBps: 0 });
    await expect(afterRestart.openPosition(id, short)).rejects.toMatchObject({ code: "risk_flip_cooldown" });

    h.clock.set(closedAt + 15 * MINUTE - 2);
    btcBook(h); // +1 ms
    await refused(h, id, short, "risk_flip_cooldown");
    h.clock.set(closedAt + 15 * MINUTE - 1);
    btcBook(h); // exactly 15 minutes after the close
    expect((await accepted(h, id, short)).position!.state.side).toBe("SHORT");

    // Re-entering on the same side is not a flip.
    ethBook(h);
    await accepted(h, id, { symbol: "ETH", side: "LONG", quantity: "0.1", exitPlan: { stop: "1950" } });
    await h.service.closePosition(id, "ETH");
    await accepted(h, id, { symbol: "ETH", side: "LONG", quantity: "0.1", exitPlan: { stop: "1950" } });
  });

  it("a restart keeps the day's first equity snapshot as the daily breaker's reference", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model();
    const row = (ts: string, equity: string) => ({ modelId: id, resolution: "1m" as const, ts: new Date(ts), equity, cash: equity, unrealizedPnl: "0" });
    await h.t.database.db.insert(equitySnapshots).values([row("2025-12-31T23:59:00Z", "12000"), row("2026-01-01T00:00:00Z", "10600"), row("2026-01-01T00:01:00Z", "10000")]);
    const restored = await restoreAccounts(h.t.database.db, DEFAULT_MARKETS);
    expect(restored.accounts.get(id)!.dayStart).toEqual({ day: utcDay(Date.parse("2026-01-01T00:00:00Z")), equity: 10_600_000_000n });
    const quote = (s: string) => {
      const b = h.venue.l2(s);
      return b ? { bid: b.bestBid(), ask: b.bestAsk(), mid: b.marketMid() } : undefined;
    };
    const service = new TradingService({ uow: h.uow, venue: h.venue, clock: h.clock, accounts: restored.accounts, quote, takerFeeBps: 0 });
    btcBook(h);
    // 10,000 now against 10,600 at the day's start: down 5.66%.
    await expect(service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } })).rejects.toMatchObject({ code: "risk_daily_loss_limit" });
    // The live service saw 10,000 first today, so it lets the model trade.
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
  });

  it("manual orders pass the same limits as a model's, except one action per symbol per run", async () => {
    h = await createHarness(driver, { takerFeeBps: 0 });
    const id = await h.model(undefined, { maxLeverage: 2 });
    btcBook(h);
    const run: OrderOrigin = { source: "model", runId: "run-manual-vs-model" };
    for (const origin of [undefined, run]) {
      await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: "3", exitPlan: { stop: "49000" } }, "risk_max_leverage", undefined, origin);
      await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" }, "risk_stop_required", undefined, origin);
    }
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01", exitPlan: { stop: "49000" } });
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.service.updateExitPlan(id, "BTC", { stop: "49100" });
    await accepted(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" }, run);
    await refused(h, id, { symbol: "BTC", side: "LONG", quantity: "0.01" }, "risk_one_action_per_symbol", "this run already acted on BTC", run);
    await expect(h.service.updateExitPlan(id, "BTC", { stop: "49200" }, run)).rejects.toMatchObject({ status: 422, code: "risk_one_action_per_symbol" });
    expect((await h.service.updateExitPlan(id, "BTC", { stop: "49200" })).plan.stop).toBe(492000);
  });
});

describe.each(DRIVERS)("risk rejections reach the model through its tools on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  async function run(modelId: string, invocationId: string): Promise<ModelTools> {
    await h.t.database.db.insert(invocations).values({ id: invocationId, modelId, status: "running" });
    return new ModelTools({ service: h.service, uow: h.uow, modelId, invocationId, now: () => h.clock.now(), signal: new AbortController().signal });
  }
  const long = (symbol: string, quantity: string, stopLoss?: string) => ({ decisions: [{ symbol, side: "LONG" as const, quantity, leverage: 2, confidence: 60, ...(stopLoss ? { stopLoss } : {}) }] });
  const first = (r: { results: unknown[] }) => r.results[0] as { status: string; reason?: string; message?: string };

  it("one action per symbol per run: a second open or exit-plan change is refused, closing is not; a refused order is no action", async () => {
    h = await createHarness(driver);
    const id = await h.model();
    btcBook(h);
    ethBook(h);
    solBook(h);
    const tools = await run(id, "run-1");
    expect(first(await tools.createPosition(long("BTC", "0.01", "49000"))).status).toBe("filled");
    const again = await tools.createPosition(long("BTC", "0.01"));
    expect(again.ok).toBe(false);
    expect(first(again)).toMatchObject({ status: "rejected", reason: "risk_one_action_per_symbol" });
    expect(first(await tools.updateExitPlan({ updates: [{ symbol: "BTC", stopLoss: "49500" }] }))).toMatchObject({ status: "rejected", reason: "risk_one_action_per_symbol" });
    expect(first(await tools.closePosition({ symbols: ["BTC"] }))).toMatchObject({ status: "closed" });
    expect(first(await tools.createPosition(long("BTC", "0.01", "49000")))).toMatchObject({ status: "rejected", reason: "risk_one_action_per_symbol" });

    // A refusal by the risk engine is fed back, and the model may correct itself in the same run.
    const noStop = await tools.createPosition(long("SOL", "1"));
    expect(first(noStop)).toMatchObject({ status: "rejected", reason: "risk_stop_required" });
    expect(first(noStop).message).toContain("requireStop");
    expect(first(await tools.createPosition(long("SOL", "1", "95"))).status).toBe("filled");

    // The tool_calls rows record each refusal with its code and message.
    const rows = await h.t.database.db.select().from(toolCalls).where(eq(toolCalls.invocationId, "run-1"));
    const reasons = rows.map((r) => (r.metadata as { result: { results: Array<{ reason?: string }> } }).result.results[0]?.reason ?? "-");
    expect(reasons.sort()).toEqual(["-", "-", "-", "risk_one_action_per_symbol", "risk_one_action_per_symbol", "risk_one_action_per_symbol", "risk_stop_required"]);
    const refusal = rows.find((r) => JSON.stringify(r.metadata).includes("risk_stop_required"))!;
    expect(JSON.stringify(refusal.metadata)).toContain("no stop loss on SOL");

    // The next run starts afresh.
    const next = await run(id, "run-2");
    expect(first(await next.updateExitPlan({ updates: [{ symbol: "SOL", stopLoss: "96" }] })).status).toBe("updated");
    expect(first(await next.createPosition(long("ETH", "0.1", "1950"))).status).toBe("filled");
  });
});
