import { formatRatio } from "./decimal.js";
import { MICRO_PER_USD, type Micro } from "./money.js";

/**
 * Performance metrics of a model, pure functions of its equity snapshots and closed trades.
 *
 * Ratios are floats: they are statistics, not money, and the API serves them as JSON numbers
 * (null when undefined). The one money figure, expectancy, is an exact decimal string.
 */

export interface EquityPoint {
  ts: number; // epoch ms
  equity: number; // dollars; a float is fine for ratios
}

export interface ClosedTrade {
  realizedPnl: Micro;
}

export interface ModelMetrics {
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number | null;
  winRate: number | null;
  profitFactor: number | null;
  /** Mean realized P&L per trade in dollars, decimal string with 6 places (exact, rounded half away from zero). */
  expectancy: string | null;
  trades: number;
}

/** Below this many snapshots a ratio is noise, so it is reported as undefined. */
export const MIN_POINTS_FOR_RATIOS = 30;
/** Crypto trades every day: a year is 365 days of snapshots. */
export const YEAR_MS = 365 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * The shortest curve, first to last snapshot, that a ratio is annualised from (Sharpe, Sortino,
 * and the annual growth of Calmar); a shorter one has none (null, shown as "—" or "n/a").
 *
 * Why a span and not a count of snapshots: an annualised Sharpe ratio estimated from returns over
 * a span of T has a standard error of about sqrt(year / T) (Lo 2002, independent returns, a
 * small ratio per period), whatever the snapshot spacing: more frequent snapshots give more
 * returns, each scaled up less. That is about 94 over an hour, 19 over a day, 8 over six days and
 * 3.5 over a month, against true values of a few units: a figure such as -293 from an hour of
 * minute snapshots says only that the hour was short. Annual growth compounds the span's return
 * year/T times (8,760 for an hour), which is worse. About a week is the least that keeps the
 * noise within the order of the figures themselves.
 *
 * Six days rather than seven: the ratios the API and the prompts show are of curves inside a
 * window of seven days, whose first snapshot falls up to an hour after the window opens (rows
 * older than a day are rolled up to the hour) and whose last is up to a minute old; a model that
 * traded the whole week must have its ratios, with slack for a snapshot missed at either end.
 */
export const MIN_SPAN_FOR_RATIOS_MS = 6 * DAY_MS;

function sorted(points: readonly EquityPoint[]): EquityPoint[] {
  return points.slice().sort((a, b) => a.ts - b.ts);
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Per-period simple returns and the annualisation factor sqrt(periods per year), where the
 * period is the median spacing of the snapshots: snapshots are taken every minute and rolled
 * up hourly then daily, and the median is robust to the odd missed or extra snapshot. Null
 * below MIN_POINTS_FOR_RATIOS snapshots or a span shorter than MIN_SPAN_FOR_RATIOS_MS.
 */
function returnSeries(points: readonly EquityPoint[]): { returns: number[]; annualise: number } | null {
  if (points.length < MIN_POINTS_FOR_RATIOS) return null;
  const s = sorted(points);
  if (!annualisable(s[0]!.ts, s[s.length - 1]!.ts)) return null;
  const returns: number[] = [];
  const gaps: number[] = [];
  for (let i = 1; i < s.length; i++) {
    const prev = s[i - 1]!;
    const cur = s[i]!;
    // A return from zero or negative equity means nothing: no ratio rather than a wrong one.
    if (!(prev.equity > 0) || !Number.isFinite(cur.equity)) return null;
    returns.push(cur.equity / prev.equity - 1);
    gaps.push(cur.ts - prev.ts);
  }
  const period = median(gaps);
  if (!(period > 0)) return null;
  return { returns, annualise: Math.sqrt(YEAR_MS / period) };
}

/** True when a curve from `first` to `last` (epoch ms) is long enough to annualise (see MIN_SPAN_FOR_RATIOS_MS). */
export function annualisable(first: number, last: number): boolean {
  return last - first >= MIN_SPAN_FOR_RATIOS_MS;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * True when the spread is zero or only float noise around a steady return: a perfectly steady
 * equity curve would otherwise report a ratio in the trillions.
 */
function negligible(spread: number, avg: number): boolean {
  return !(spread > 0) || spread <= Math.abs(avg) * 1e-9;
}

/** Annualised Sharpe ratio (risk-free rate 0, sample standard deviation); null below 30 points, over less than six days, or with no variance. */
export function sharpeRatio(points: readonly EquityPoint[]): number | null {
  const series = returnSeries(points);
  if (!series) return null;
  const { returns, annualise } = series;
  const avg = mean(returns);
  const variance = returns.reduce((acc, r) => acc + (r - avg) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  return negligible(sd, avg) ? null : (avg / sd) * annualise;
}

/**
 * Annualised Sortino ratio: mean return over the downside deviation (target 0, root mean square
 * of the negative returns over all periods). Null below 30 points, over less than six days, or
 * when no period lost money.
 */
export function sortinoRatio(points: readonly EquityPoint[]): number | null {
  const series = returnSeries(points);
  if (!series) return null;
  const { returns, annualise } = series;
  const avg = mean(returns);
  const downside = Math.sqrt(returns.reduce((acc, r) => acc + Math.min(r, 0) ** 2, 0) / returns.length);
  return negligible(downside, avg) ? null : (avg / downside) * annualise;
}

/**
 * Deepest fall from a running peak, as a fraction of that peak (0.25 = 25%). Equity that drops
 * through zero counts as 1 (everything lost). Null without any snapshot.
 */
export function maxDrawdown(points: readonly EquityPoint[]): number | null {
  if (points.length === 0) return null;
  let peak = -Infinity;
  let worst = 0;
  for (const p of sorted(points)) {
    if (p.equity > peak) peak = p.equity;
    if (peak > 0) worst = Math.max(worst, Math.min(1, (peak - p.equity) / peak));
  }
  return worst;
}

/**
 * Trade statistics from closed trades. A trade with zero P&L is neither a win nor a loss but
 * counts in the win rate's denominator (it did not win). Profit factor is gross profit over
 * gross loss, null when nothing was lost (it would be infinite).
 */
export function tradeStats(trades: readonly ClosedTrade[]): Pick<ModelMetrics, "winRate" | "profitFactor" | "expectancy" | "trades"> {
  return tradeStatsOf(tradeTotals(trades));
}

/**
 * What the trade statistics need of the closed trades, exact: a database can sum these for
 * every model at once instead of sending every trade.
 */
export interface TradeTotals {
  trades: number;
  wins: number;
  /** Sum of the positive P&L. */
  grossProfit: Micro;
  /** Sum of the negative P&L, as a positive amount. */
  grossLoss: Micro;
  /** Sum of all P&L. */
  total: Micro;
}

export function tradeTotals(trades: readonly ClosedTrade[]): TradeTotals {
  const totals: TradeTotals = { trades: trades.length, wins: 0, grossProfit: 0n, grossLoss: 0n, total: 0n };
  for (const t of trades) {
    totals.total += t.realizedPnl;
    if (t.realizedPnl > 0n) {
      totals.wins++;
      totals.grossProfit += t.realizedPnl;
    } else if (t.realizedPnl < 0n) {
      totals.grossLoss -= t.realizedPnl;
    }
  }
  return totals;
}

/** The trade statistics from their totals (see tradeStats). */
export function tradeStatsOf(t: TradeTotals): Pick<ModelMetrics, "winRate" | "profitFactor" | "expectancy" | "trades"> {
  if (t.trades === 0) return { winRate: null, profitFactor: null, expectancy: null, trades: 0 };
  return {
    winRate: t.wins / t.trades,
    // Sums stay exact as bigint; only the final ratio becomes a float.
    profitFactor: t.grossLoss === 0n ? null : Number(t.grossProfit) / Number(t.grossLoss),
    expectancy: formatRatio(t.total, BigInt(t.trades) * MICRO_PER_USD, 6),
    trades: t.trades,
  };
}

/** The metrics of the equity curve alone (see modelMetrics). */
export function curveMetrics(points: readonly EquityPoint[]): Pick<ModelMetrics, "sharpe" | "sortino" | "maxDrawdown"> {
  return { sharpe: sharpeRatio(points), sortino: sortinoRatio(points), maxDrawdown: maxDrawdown(points) };
}

export function modelMetrics(points: readonly EquityPoint[], trades: readonly ClosedTrade[]): ModelMetrics {
  return { ...curveMetrics(points), ...tradeStats(trades) };
}
