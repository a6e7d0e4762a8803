import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { and, eq, sql } from "drizzle-orm";
import { ledger, orders, venueOrders } from "../../src/db/schema.js";
import { parseScaled } from "../../src/core/decimal.js";
import { AppError } from "../../src/core/errors.js";
import { DEFAULT_MARKETS, findMarket, lotsToQuantity, notional, ticksToPrice, type MarketSpec } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import type { RiskLimits } from "../../src/trading/risk/limits.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

/**
 * For random limits and random sequences of orders and price moves, every order the service
 * accepts leaves the account within every configured limit. The limits are checked here from
 * the database rows and the book alone, with this file's own arithmetic, not the engine's.
 */

type Sym = "BTC" | "ETH" | "SOL";
type Aim = "exposure" | "risk" | "reserve";
type Step =
  | { kind: "open"; symbol: Sym; side: "LONG" | "SHORT"; units: number; leverage: number; stopBps: number | null; aim: Aim | null; jitterBps: number }
  | { kind: "close"; symbol: Sym }
  | { kind: "move"; symbol: Sym; bps: number };

const SYMBOLS: Sym[] = ["BTC", "ETH", "SOL"];
/** Start mids and order units (about $250, $200 and $100). */
const START: Record<Sym, number> = { BTC: 500_000, ETH: 200_000, SOL: 100_000 }; // ticks: 50,000 / 2,000 / 100
const UNIT_LOTS: Record<Sym, number> = { BTC: 500, ETH: 1000, SOL: 1000 };
/**
 * Half the spread, as a share of the mid: wide (0.3%), so that what a fill costs at once (the
 * spread to the mark, the fee) moves the limits by far more than one lot.
 */
const HALF_SPREAD_BPS = 30;
const FEE_BPS = 6;
const CAPITAL = 10_000;

const symbol = fc.constantFrom(...SYMBOLS);
const open = fc.record({
  kind: fc.constant("open" as const),
  symbol,
  side: fc.constantFrom("LONG" as const, "SHORT" as const),
  units: fc.integer({ min: 1, max: 30 }),
  leverage: fc.constantFrom(1, 2, 3, 5, 10),
  stopBps: fc.option(fc.integer({ min: 40, max: 800 }), { freq: 6, nil: null }),
  aim: fc.constantFrom(null, "exposure" as const, "risk" as const, "reserve" as const),
  jitterBps: fc.integer({ min: -150, max: 150 }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: open },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close" as const), symbol }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("move" as const), symbol, bps: fc.integer({ min: -600, max: 600 }) }) },
);

/** Limits as a person would write them, some with 2 decimals; a mix of tight and loose (fast-check favours the first of each list). */
const limits: fc.Arbitrary<RiskLimits> = fc.record({
  maxLeverage: fc.constantFrom(10, 5, 20, 3.5, 7.25, 2),
  maxGrossExposure: fc.constantFrom(3, 1.75, 6, 1, 0.5),
  maxRiskPerTradePct: fc.constantFrom(2, 1, 3.33, 6, 0.5, 0.25),
  requireStop: fc.boolean(),
  minCashReservePct: fc.constantFrom(10, 0, 25.5, 60),
  maxOpenPositions: fc.integer({ min: 1, max: 3 }),
  oneActionPerSymbolPerRun: fc.boolean(),
  flipCooldownMinutes: fc.constantFrom(0, 15),
  maxDailyLossPct: fc.constantFrom(5, 30, 2, 0.5),
  maxTotalLossPct: fc.constantFrom(20, 30, 3, 0.5),
});

/** An exact limit as an integer of hundredths, from the decimal text of the number. */
const cents = (v: number): bigint => parseScaled(v, 2);

const halfSpread = (mid: number) => Math.round((mid * HALF_SPREAD_BPS) / 10_000);

function setBook(h: Harness, s: Sym, mid: number) {
  const m = findMarket(DEFAULT_MARKETS, s)!;
  // One deep level each side: every order fills at the best price, in one fill; the mid stays `mid`.
  h.book(s, [[ticksToPrice(m, mid - halfSpread(mid)), "100000"]], [[ticksToPrice(m, mid + halfSpread(mid)), "100000"]]);
}

interface Snapshot {
  equity: bigint;
  /** Open positions' notional at the mark, and the margin they hold. */
  exposure: bigint;
  margin: bigint;
  positions: Array<{ symbol: string; side: "LONG" | "SHORT"; lots: bigint; cost: bigint; leverageCenti: bigint; stop: number | null; market: MarketSpec }>;
}

/** The account from the database: cash from the ledger, positions from the OPEN rows, marked at the mids this test set. */
async function snapshot(h: Harness, modelId: string, mids: Record<Sym, number>): Promise<Snapshot> {
  const db = h.t.database.db;
  const [cash] = await db
    .select({ s: sql<string>`sum(${ledger.amount})::text` })
    .from(ledger)
    .where(eq(ledger.modelId, modelId));
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.modelId, modelId), eq(orders.status, "OPEN")));
  let equity = usd(cash!.s);
  let exposure = 0n;
  let margin = 0n;
  const positions: Snapshot["positions"] = [];
  for (const r of rows) {
    const m = findMarket(DEFAULT_MARKETS, r.symbol)!;
    const lots = parseScaled(r.quantity, m.sizeDecimals);
    const cost = usd(r.entryCost);
    const atMark = notional(m, mids[r.symbol as Sym], lots);
    equity += r.side === "LONG" ? atMark - cost : cost - atMark;
    exposure += atMark;
    const leverage = parseScaled(r.leverage, 2);
    margin += (cost * 100n + leverage - 1n) / leverage; // notional / leverage, rounded up
    const stop = r.exitPlan?.stop ? Number(parseScaled(r.exitPlan.stop, m.priceDecimals)) : null;
    positions.push({ symbol: r.symbol, side: r.side, lots, cost, leverageCenti: parseScaled(r.leverage, 2), stop, market: m });
  }
  return { equity, exposure, margin, positions };
}

/**
 * Lots that put the order right at one limit (then off by `jitterBps`), so the runs probe the
 * boundaries rather than land far from them. Floats are fine here: this only picks a size;
 * whether the result is within the limits is checked exactly.
 */
function aimedLots(st: Extract<Step, { kind: "open" }>, l: RiskLimits, before: Snapshot, m: MarketSpec, mid: number, stop: number | null): number | null {
  if (st.aim === null) return null;
  const long = st.side === "LONG";
  const perLot = (ticks: number) => Number(notional(m, ticks, 1)) / 1e6; // dollars
  const entry = perLot(long ? mid + halfSpread(mid) : mid - halfSpread(mid));
  const mark = perLot(mid);
  const costNow = Math.abs(entry - mark) + (entry * FEE_BPS) / 10_000; // equity lost per lot at the fill
  const E = Number(before.equity) / 1e6;
  let lots: number;
  if (st.aim === "exposure") {
    lots = (l.maxGrossExposure * E - Number(before.exposure) / 1e6) / (Math.max(entry, mark) + l.maxGrossExposure * costNow);
  } else if (st.aim === "risk") {
    if (stop === null || before.positions.some((p) => p.symbol === st.symbol)) return null;
    const r = l.maxRiskPerTradePct / 100;
    lots = (r * E) / (Math.abs(entry - perLot(stop)) + r * costNow);
  } else {
    const keep = 1 - l.minCashReservePct / 100;
    lots = (keep * E - Number(before.margin) / 1e6) / (keep * costNow + entry / st.leverage);
  }
  const aimed = Math.floor(lots * (1 + st.jitterBps / 10_000));
  return aimed >= m.minBaseLots ? aimed : null;
}

/** Every limit the property is about, checked on the account right after an accepted order. */
function assertWithinLimits(l: RiskLimits, before: Snapshot, after: Snapshot, touched: string, label: string) {
  const E = after.equity;
  expect(E > 0n, `${label}: equity ${E}`).toBe(true);
  // Circuit breaker: the account was within its total loss when the order was accepted.
  const capital = BigInt(CAPITAL) * 1_000_000n;
  expect((capital - before.equity) * 10_000n <= capital * cents(l.maxTotalLossPct), `${label}: total loss`).toBe(true);
  // Open positions.
  expect(after.positions.length, `${label}: open positions`).toBeLessThanOrEqual(l.maxOpenPositions);
  const { exposure, margin } = after;
  // Gross exposure at the mark within the multiple of equity.
  expect(exposure * 100n <= E * cents(l.maxGrossExposure), `${label}: exposure ${exposure} vs equity ${E} x ${l.maxGrossExposure}`).toBe(true);
  // Cash reserve: equity not held as margin.
  expect((E - margin) * 10_000n >= E * cents(l.minCashReservePct), `${label}: reserve ${E - margin} of ${E}`).toBe(true);
  const p = after.positions.find((x) => x.symbol === touched)!;
  expect(p, `${label}: the touched position`).toBeDefined();
  // Leverage of the position the order opened or scaled.
  expect(p.leverageCenti <= cents(l.maxLeverage), `${label}: leverage ${p.leverageCenti}`).toBe(true);
  // Risk of the whole position at its stop.
  if (l.requireStop) expect(p.stop, `${label}: a stop`).not.toBeNull();
  if (p.stop !== null) {
    const atStop = notional(p.market, p.stop, p.lots);
    const loss = p.side === "LONG" ? p.cost - atStop : atStop - p.cost;
    expect((loss < 0n ? 0n : loss) * 10_000n <= E * cents(l.maxRiskPerTradePct), `${label}: risk ${loss} vs ${E} x ${l.maxRiskPerTradePct}%`).toBe(true);
  }
}

describe.each(DRIVERS)("risk limits hold after every accepted order on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h.dispose());

  it("no sequence of accepted orders breaches leverage, exposure, per-trade risk, reserve or open positions", async () => {
    const outcomes = { accepted: 0, aimed: 0, refusedByRisk: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(limits, fc.array(step, { minLength: 4, maxLength: 18 }), async (l, steps) => {
        const modelId = await h.model(String(CAPITAL), l);
        const mids = { ...START };
        for (const s of SYMBOLS) setBook(h, s, mids[s]);
        const runId = `run-${modelId}`;
        for (const [i, st] of steps.entries()) {
          const label = `step ${i} ${JSON.stringify(st)} limits ${JSON.stringify(l)}`;
          if (st.kind === "move") {
            mids[st.symbol] = Math.max(1000, Math.round((mids[st.symbol] * (10_000 + st.bps)) / 10_000));
            setBook(h, st.symbol, mids[st.symbol]);
            await h.exits.idle();
            continue;
          }
          if (st.kind === "close") {
            await h.service.closePosition(modelId, st.symbol);
            continue;
          }
          const m = findMarket(DEFAULT_MARKETS, st.symbol)!;
          const mid = mids[st.symbol];
          const before = await snapshot(h, modelId, mids);
          const stop = st.stopBps === null ? undefined : ticksToPrice(m, Math.round((mid * (10_000 + (st.side === "LONG" ? -st.stopBps : st.stopBps))) / 10_000));
          const [sent] = await h.t.database.db
            .select({ n: sql<number>`count(*)::int` })
            .from(venueOrders)
            .where(eq(venueOrders.modelId, modelId));
          // Half the orders come from a model's run (one action per symbol applies), half from a person.
          const origin = i % 2 === 0 ? { source: "model" as const, runId } : undefined;
          const lots = aimedLots(st, l, before, m, mid, stop === undefined ? null : Number(parseScaled(stop, m.priceDecimals))) ?? st.units * UNIT_LOTS[st.symbol];
          const req = { symbol: st.symbol, side: st.side, quantity: lotsToQuantity(m, lots), leverage: String(st.leverage), ...(stop ? { exitPlan: { stop } } : {}) };
          const result = await h.service.openPosition(modelId, req, origin ? { origin } : {}).catch((e: unknown) => e);
          await h.exits.idle();
          if (result instanceof AppError) {
            if (result.code.startsWith("risk_")) {
              outcomes.refusedByRisk.set(result.code, (outcomes.refusedByRisk.get(result.code) ?? 0) + 1);
              const [after] = await h.t.database.db
                .select({ n: sql<number>`count(*)::int` })
                .from(venueOrders)
                .where(eq(venueOrders.modelId, modelId));
              expect(after!.n, `${label}: a refused order is never sent`).toBe(sent!.n);
            }
            continue;
          }
          if (result instanceof Error) throw result;
          outcomes.accepted++;
          assertWithinLimits(l, before, await snapshot(h, modelId, mids), st.symbol, label);
          if (st.aim !== null) outcomes.aimed++;
        }
        for (const s of SYMBOLS) await h.service.closePosition(modelId, s);
      }),
      { numRuns: 100, seed: 3_2026 },
    );
    // The property must not hold vacuously: orders were accepted, many of them sized right at a
    // limit, and most limits refused some.
    const seen = JSON.stringify({ ...outcomes, refusedByRisk: [...outcomes.refusedByRisk] });
    expect(outcomes.accepted, seen).toBeGreaterThan(80);
    expect(outcomes.aimed, seen).toBeGreaterThan(25);
    expect(outcomes.refusedByRisk.size, seen).toBeGreaterThanOrEqual(8);
  }, 240_000);
});
