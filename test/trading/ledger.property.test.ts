import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq, sql } from "drizzle-orm";
import { fills, ledger, orders } from "../../src/db/schema.js";
import { formatScaled, parseScaled } from "../../src/core/decimal.js";
import { DEFAULT_MARKETS, findMarket, notional, ticksToPrice } from "../../src/core/market.js";
import { usd } from "../../src/core/money.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

type Action =
  | { kind: "open"; symbol: "BTC" | "ETH"; side: "LONG" | "SHORT"; units: number; leverage: number }
  | { kind: "close"; symbol: "BTC" | "ETH" }
  | { kind: "move"; symbol: "BTC" | "ETH"; pct: number; thin: boolean }
  /** A funding time: every open position on the symbol pays or receives quantity x mark x rate. */
  | { kind: "funding"; symbol: "BTC" | "ETH"; rate: string };

const START: Record<string, number> = { BTC: 50_000, ETH: 2_000 };
const UNIT: Record<string, string> = { BTC: "0.0137", ETH: "0.173" };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("open" as const),
    symbol: fc.constantFrom("BTC" as const, "ETH" as const),
    side: fc.constantFrom("LONG" as const, "SHORT" as const),
    units: fc.integer({ min: 1, max: 9 }),
    leverage: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ kind: fc.constant("close" as const), symbol: fc.constantFrom("BTC" as const, "ETH" as const) }),
  fc.record({ kind: fc.constant("move" as const), symbol: fc.constantFrom("BTC" as const, "ETH" as const), pct: fc.integer({ min: -400, max: 400 }), thin: fc.boolean() }),
  fc.record({
    kind: fc.constant("funding" as const),
    symbol: fc.constantFrom("BTC" as const, "ETH" as const),
    // Up to ±0.3% in steps of 1e-8 (a published rate's grid), odd digits included, zero too.
    rate: fc.integer({ min: -300_000, max: 300_000 }).map((n) => formatScaled(BigInt(n), 8)),
  }),
);

/** A book around `mid` with uneven sizes and prices, thin enough to make partial fills when asked. */
function setBook(h: Harness, symbol: string, mid: number, thin: boolean) {
  const m = findMarket(DEFAULT_MARKETS, symbol)!;
  const tick = 10 ** -m.priceDecimals;
  const levels = (dir: 1 | -1): Array<[string, string]> =>
    [1, 2, 3, 5, 8].map((k, i) => [(mid + dir * k * 7.3 * tick * (symbol === "BTC" ? 10 : 1)).toFixed(m.priceDecimals), thin ? (i === 0 ? UNIT[symbol]! : "0.0" + (i + 1)) : "50"]);
  h.book(symbol, levels(-1), levels(1));
}

describe.each(DRIVERS)("ledger invariants on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    // Random leverage, sizes and no stops: the ledger is under test here, not the risk limits.
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
  });
  afterAll(async () => h.dispose());

  it("cash = capital + realized - fees + funding and equity = cash + unrealized, exactly; every closed row adds up to the cent", async () => {
    let fundingTime = Date.parse("2026-01-01T08:00:00Z");
    let funded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 14 }), async (actions) => {
        const modelId = await h.model("25000");
        const mids: Record<string, number> = { ...START };
        for (const s of ["BTC", "ETH"]) setBook(h, s, mids[s]!, false);
        for (const a of actions) {
          if (a.kind === "move") {
            mids[a.symbol] = mids[a.symbol]! * (1 + a.pct / 10_000);
            setBook(h, a.symbol, mids[a.symbol]!, a.thin);
          } else if (a.kind === "funding") {
            fundingTime += 8 * 3_600_000;
            const paid = await h.service.settleFunding(modelId, a.symbol, fundingTime, a.rate, h.venue.mid(a.symbol)!);
            if (paid !== null) funded++;
          } else if (a.kind === "open") {
            const qty = (Number(UNIT[a.symbol]) * a.units).toFixed(findMarket(DEFAULT_MARKETS, a.symbol)!.sizeDecimals);
            await h.service.openPosition(modelId, { symbol: a.symbol, side: a.side, quantity: qty, leverage: String(a.leverage) }).catch(() => undefined);
          } else {
            await h.service.closePosition(modelId, a.symbol).catch(() => undefined);
          }
          await h.exits.idle();
          await checkInvariants(h, modelId);
        }
      }),
      { numRuns: 12, seed: 20261121 },
    );
    // The runs must have exercised what the invariants are about: full closes and partial reduces.
    const closed = await h.t.database.db.select().from(orders).where(eq(orders.status, "CLOSED"));
    expect(closed.some((r) => r.parentId === null)).toBe(true);
    expect(closed.some((r) => r.parentId !== null)).toBe(true);
    // ... and funding payments, both ways, some on positions that closed since.
    const paid = await h.t.database.db.select().from(ledger).where(eq(ledger.kind, "FUNDING"));
    expect(funded).toBe(paid.length);
    expect(paid.some((r) => usd(r.amount) > 0n) && paid.some((r) => usd(r.amount) < 0n)).toBe(true);
    expect(closed.some((r) => usd(r.funding) !== 0n)).toBe(true);
  });
});

async function checkInvariants(h: Harness, modelId: string) {
  const db = h.t.database.db;
  const account = h.accounts.get(modelId)!;
  const rows = await db.select().from(orders).where(eq(orders.modelId, modelId));
  const [feeSum] = await db
    .select({ s: sql<string>`coalesce(sum(${fills.fee}), 0)::text` })
    .from(fills)
    .where(eq(fills.modelId, modelId));
  const [cashSum] = await db
    .select({ s: sql<string>`sum(${ledger.amount})::text` })
    .from(ledger)
    .where(eq(ledger.modelId, modelId));
  const [fundingSum] = await db
    .select({ s: sql<string>`coalesce(sum(${ledger.amount}), 0)::text` })
    .from(ledger)
    .where(sql`${ledger.modelId} = ${modelId} and ${ledger.kind} = 'FUNDING'`);

  // Fees: every fill's fee is in the account, the ledger and (allocated) the rows.
  const fees = usd(feeSum!.s);
  expect(account.fees).toBe(fees);
  expect(usd(cashSum!.s)).toBe(account.cash);
  // Funding is its own term: in the ledger, the account and on the rows of the positions that paid it.
  const funding = usd(fundingSum!.s);
  expect(account.funding).toBe(funding);
  expect(account.cash).toBe(account.initialCapital + account.realizedPnl - account.fees + funding);
  expect(rows.reduce((s, r) => s + usd(r.funding), 0n)).toBe(funding);
  // The simulator's own cash (its margin checks) is the ledger's: its available equals the account's.
  const f0 = h.service.figures(account);
  expect(h.venue.available(modelId)).toBe(f0.available);

  // The orders table alone explains cash: closed rows' net P&L minus fees still riding on open rows, plus funding.
  const closedNet = rows.filter((r) => r.status === "CLOSED").reduce((s, r) => s + usd(r.realizedPnl!), 0n);
  const openFees = rows.filter((r) => r.status === "OPEN").reduce((s, r) => s + usd(r.entryFees), 0n);
  expect(account.cash).toBe(account.initialCapital + closedNet - openFees + funding);
  expect(rows.reduce((s, r) => s + usd(r.status === "OPEN" ? r.entryFees : r.fees), 0n)).toBe(fees);

  // Equity from the OPEN rows at the mid, computed here independently of the service.
  let unrealized = 0n;
  for (const r of rows.filter((x) => x.status === "OPEN")) {
    const m = findMarket(DEFAULT_MARKETS, r.symbol)!;
    const mid = h.venue.mid(r.symbol)!;
    const lots = parseScaled(r.quantity, m.sizeDecimals);
    unrealized += (r.side === "LONG" ? 1n : -1n) * (notional(m, mid, lots) - usd(r.entryCost));
  }
  const f = h.service.figures(account);
  expect(f.unrealizedPnl).toBe(unrealized);
  expect(f.equity).toBe(account.cash + unrealized);

  // realizedPnl = (exit - entry) x quantity x sign - fees, to the cent, on every closed row.
  for (const r of rows.filter((x) => x.status === "CLOSED")) {
    const scale = 10n ** 12n;
    const exit = parseScaled(r.exitPrice!, 12);
    const entry = parseScaled(r.entryPrice, 12);
    const qty = parseScaled(r.quantity, 10);
    const gross = ((exit - entry) * qty * (r.side === "LONG" ? 1n : -1n)) / (scale * 10n ** 4n); // micro-dollars
    const expected = gross - usd(r.fees);
    const diff = expected - usd(r.realizedPnl!);
    expect(diff < 0n ? -diff : diff, `row ${r.id}: ${ticksToPrice(findMarket(DEFAULT_MARKETS, r.symbol)!, 0)} ${r.realizedPnl} vs ${expected}`).toBeLessThan(10_000n);
  }
}
