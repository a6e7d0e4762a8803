import { createHash } from "node:crypto";
import { and, asc, count, eq, gte, lte, sql } from "drizzle-orm";
import { calmarRatio } from "../core/analytics.js";
import { downsampleLttb } from "../core/downsample.js";
import { curveMetrics, tradeStats, type EquityPoint } from "../core/metrics.js";
import { formatUsd, usd, type Micro } from "../core/money.js";
import type { Db } from "../db/client.js";
import { candles, equitySnapshots, invocations, ledger, models, orders } from "../db/schema.js";
import type { BacktestMetrics, BacktestModelResult, BacktestTrade } from "./types.js";

/**
 * What a finished backtest leaves in its database, read back as the result: every figure comes
 * from the rows the trading service wrote, the same rows paper trading writes.
 */

/** Points kept per equity curve and price series: plenty for a chart, small for a report. */
const CURVE_POINTS = 2000;

export interface CollectOptions {
  from: number;
  to: number;
  symbols: readonly string[];
  /** Each model's equity at the end (marked to the last mid), dollars as an exact string. */
  finalEquity: (modelId: string) => string;
}

export interface Collected {
  models: BacktestModelResult[];
  prices: Record<string, Array<{ t: number; price: string }>>;
  hash: string;
}

export async function collectResult(db: Db, options: CollectOptions): Promise<Collected> {
  const rows = await db.select().from(models).orderBy(asc(models.name));
  const hash = createHash("sha256");
  const results: BacktestModelResult[] = [];
  for (const m of rows) {
    const closed = await db
      .select()
      .from(orders)
      .where(and(eq(orders.modelId, m.id), eq(orders.status, "CLOSED")))
      // Ids are random: order by what the rows say, so equal runs list equal trades in equal order.
      .orderBy(asc(orders.closedAt), asc(orders.openedAt), asc(orders.symbol), asc(orders.quantity), asc(orders.exitPrice), asc(orders.realizedPnl));
    const open = await db
      .select()
      .from(orders)
      .where(and(eq(orders.modelId, m.id), eq(orders.status, "OPEN")))
      .orderBy(asc(orders.symbol));
    const entries = await db.select({ kind: ledger.kind, amount: ledger.amount, at: ledger.createdAt }).from(ledger).where(eq(ledger.modelId, m.id)).orderBy(asc(ledger.id));
    const curveRows = await db
      .select({ ts: equitySnapshots.ts, equity: equitySnapshots.equity })
      .from(equitySnapshots)
      .where(and(eq(equitySnapshots.modelId, m.id), eq(equitySnapshots.resolution, "1m")))
      .orderBy(asc(equitySnapshots.ts));
    const [runs] = await db
      .select({ total: count(), failed: sql<number>`count(*) filter (where ${invocations.status} <> 'ok')`.mapWith(Number) })
      .from(invocations)
      .where(eq(invocations.modelId, m.id));

    const trades: BacktestTrade[] = closed.map((t) => ({
      symbol: t.symbol,
      side: t.side,
      quantity: t.quantity,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice ?? t.entryPrice,
      openedAt: t.openedAt.getTime(),
      closedAt: (t.closedAt ?? t.updatedAt).getTime(),
      realizedPnl: t.realizedPnl ?? "0",
      fees: t.fees,
      funding: formatUsd(usd(t.funding)),
      closeTrigger: t.closeTrigger,
    }));
    const finalEquity = options.finalEquity(m.id);
    const curve = curveRows.map((r) => ({ t: r.ts.getTime(), equity: r.equity }));
    const fees = entries.filter((e) => e.kind === "FEE").reduce((sum, e) => sum - usd(e.amount), 0n);
    // A FUNDING entry is the cash change itself: positive received, negative paid.
    const funding = entries.filter((e) => e.kind === "FUNDING").reduce((sum, e) => sum + usd(e.amount), 0n);
    const metrics = modelMetrics({
      initialCapital: m.initialCapital,
      finalEquity,
      curve,
      trades,
      fees,
      funding,
      exposure: exposure([...trades.map((t) => [t.openedAt, t.closedAt] as const), ...open.map((p) => [p.openedAt.getTime(), options.to] as const)], options.from, options.to),
    });

    hash.update(`M|${m.name}|${m.kind}|${m.strategy}|${m.initialCapital}|${finalEquity}\n`);
    // Funding is in the hash through its ledger entries (L lines): the trade lines stay as they were.
    for (const t of trades)
      hash.update(`T|${m.name}|${t.symbol}|${t.side}|${t.quantity}|${t.entryPrice}|${t.exitPrice}|${t.openedAt}|${t.closedAt}|${t.realizedPnl}|${t.fees}|${t.closeTrigger ?? ""}\n`);
    for (const p of open) hash.update(`P|${m.name}|${p.symbol}|${p.side}|${p.quantity}|${p.entryPrice}|${p.openedAt.getTime()}\n`);
    for (const e of entries) hash.update(`L|${m.name}|${e.kind}|${e.amount}|${e.at.getTime()}\n`);

    results.push({
      name: m.name,
      kind: m.kind === "llm" ? "llm" : "rule",
      strategy: m.strategy,
      metrics,
      equity: downsampleLttb(
        curve,
        CURVE_POINTS,
        (p) => p.t,
        (p) => Number(p.equity),
      ),
      trades,
      openPositions: open.map((p) => ({ symbol: p.symbol, side: p.side, quantity: p.quantity, entryPrice: p.entryPrice, openedAt: p.openedAt.getTime(), funding: formatUsd(usd(p.funding)) })),
      runs: { total: Number(runs?.total ?? 0), failed: runs?.failed ?? 0 },
    });
  }
  return { models: results, prices: await prices(db, options), hash: hash.digest("hex") };
}

async function prices(db: Db, options: CollectOptions): Promise<Record<string, Array<{ t: number; price: string }>>> {
  const out: Record<string, Array<{ t: number; price: string }>> = {};
  for (const symbol of options.symbols) {
    const rows = await db
      .select({ openTime: candles.openTime, close: candles.close })
      .from(candles)
      .where(and(eq(candles.symbol, symbol), eq(candles.interval, "1m"), gte(candles.openTime, new Date(options.from)), lte(candles.openTime, new Date(options.to))))
      .orderBy(asc(candles.openTime));
    const series = rows.map((r) => ({ t: r.openTime.getTime(), price: r.close }));
    out[symbol] = downsampleLttb(
      series,
      CURVE_POINTS,
      (p) => p.t,
      (p) => Number(p.price),
    );
  }
  return out;
}

interface MetricsInput {
  initialCapital: string;
  finalEquity: string;
  curve: Array<{ t: number; equity: string }>;
  trades: BacktestTrade[];
  fees: Micro;
  /** Net funding, received positive (absent: none booked). */
  funding?: Micro;
  exposure: number;
}

/** The report's figures of one model: money exact, ratios from the minute curve (see core/metrics.ts). */
export function modelMetrics(input: MetricsInput): BacktestMetrics {
  const points: EquityPoint[] = input.curve.map((p) => ({ ts: p.t, equity: Number(p.equity) }));
  const initial = usd(input.initialCapital);
  const final = usd(input.finalEquity);
  const stats = tradeStats(input.trades.map((t) => ({ realizedPnl: usd(t.realizedPnl) })));
  return {
    initialCapital: formatUsd(initial),
    finalEquity: formatUsd(final),
    // A ratio for display: money stays exact in the two figures it comes from.
    returnPct: initial > 0n ? Number(final - initial) / Number(initial) : null,
    ...curveMetrics(points),
    calmar: calmarRatio(points),
    ...stats,
    fees: formatUsd(input.fees),
    funding: formatUsd(input.funding ?? 0n),
    exposure: input.exposure,
  };
}

/** Share of [from, to] covered by at least one of the intervals. */
export function exposure(intervals: ReadonlyArray<readonly [number, number]>, from: number, to: number): number {
  if (!(to > from)) return 0;
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return covered / (to - from);
}
