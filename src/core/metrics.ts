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

/** The points oldest first: as they are when already in order (the curves are read ordered), else a sorted copy. */
function sorted(points: readonly EquityPoint[]): readonly EquityPoint[] {
  for (let i = 1; i < points.length; i++) if (points[i]!.ts < points[i - 1]!.ts) return points.slice().sort((a, b) => a.ts - b.ts);
  return points;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The resolutions equity snapshots are stored at (trading/equity.ts), finest first: a row a minute, rolled up to the hour after a day and to the day after 30. */
const RESOLUTIONS = [60_000, 3_600_000, DAY_MS] as const;

/**
 * The grid a curve's returns are taken on: the coarsest stored resolution its spacing reaches
 * (its widest gap, rounded down to a resolution), or null when every gap is under a minute.
 *
 * A window's curve mixes resolutions: over seven days, six of hourly rows and the last of minute
 * rows. Its returns must all be over one period: annualised by one factor, an hour's return read
 * as a minute's is scaled by sqrt(525,600) instead of sqrt(8,760) (sqrt(60) = 7.7 times). Most
 * snapshots of such a window are minute rows, so the median gap, and the factor, was the minute's:
 * on a random walk the 7d ratios read about 2.5 times too high, the 30d ones 4.5 times. The
 * coarsest resolution present is the finest grid every part of the curve has a point on.
 *
 * The widest gap rather than a label on each row: the curves come from several queries (the
 * leaderboard's, a prompt's, a backtest's) that carry no resolution, and a hole in a minute
 * curve (the app was down for an hour) is a return over an hour too: on a coarser grid it is
 * one period among equals rather than one minute's return 60 times too large.
 */
function gridOf(s: readonly EquityPoint[]): number | null {
  let widest = 0;
  for (let i = 1; i < s.length; i++) widest = Math.max(widest, s[i]!.ts - s[i - 1]!.ts);
  let step: number | null = null;
  for (const r of RESOLUTIONS) if (widest >= r) step = r;
  return step;
}

/**
 * The curve thinned to its last point in each bucket of `step` ms (buckets from the epoch, so
 * UTC hours and days as the roll-up's date_trunc): exactly the equity the roll-up stores for
 * that bucket, so rolling up another hour of minute rows (the roll-up runs hourly) leaves a
 * window's ratios as they were.
 * A curve with at most one point a bucket comes back as it is. `s` is sorted by time.
 */
function lastPerBucket(s: readonly EquityPoint[], step: number): EquityPoint[] {
  const out: EquityPoint[] = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (last && Math.floor(last.ts / step) === Math.floor(p.ts / step)) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/**
 * Per-period simple returns and the annualisation factor sqrt(periods per year), on one grid:
 * the curve is first thinned to its last point per bucket of its coarsest resolution (gridOf,
 * lastPerBucket), then the period is the median spacing of what is left, which is robust to the
 * odd missed or extra snapshot (and to the last bucket, which is still filling). Null below
 * MIN_POINTS_FOR_RATIOS snapshots, before or after thinning, or a span shorter than
 * MIN_SPAN_FOR_RATIOS_MS.
 *
 * Why resample rather than keep every return and weight each by its interval (mean and variance
 * per unit of time): that estimate is sound only if variance grows in proportion to time. Minute
 * returns of a marked-to-market account carry noise that does not (mark and funding ticks, price
 * bounce), and the last day's 1,440 minute returns would outnumber the week's 144 hourly ones,
 * so the volatility, and the ratio, would describe mostly the last day. On one grid every hour of
 * the window weighs the same, the ratio has one sampling frequency (its value depends on it when
 * returns are autocorrelated, Lo 2002), and Sortino's downside deviation keeps its usual meaning.
 * The minute detail of the last day is lost, which costs little: the error of an annualised
 * ratio depends on the span, not the spacing (see MIN_SPAN_FOR_RATIOS_MS).
 */
function returnSeries(points: readonly EquityPoint[]): { returns: number[]; annualise: number } | null {
  if (points.length < MIN_POINTS_FOR_RATIOS) return null;
  const all = sorted(points);
  if (!annualisable(all[0]!.ts, all[all.length - 1]!.ts)) return null;
  // A return from zero or negative equity means nothing: no ratio rather than a wrong one. Checked
  // on every snapshot, not only those kept on the grid: an account wiped out within an hour was wiped out.
  for (let i = 1; i < all.length; i++) if (!(all[i - 1]!.equity > 0) || !Number.isFinite(all[i]!.equity)) return null;
  const step = gridOf(all);
  const s = step === null ? all : lastPerBucket(all, step);
  if (s.length < MIN_POINTS_FOR_RATIOS) return null;
  const returns: number[] = [];
  const gaps: number[] = [];
  for (let i = 1; i < s.length; i++) {
    const prev = s[i - 1]!;
    const cur = s[i]!;
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
  return sharpeOf(returnSeries(points));
}

function sharpeOf(series: ReturnType<typeof returnSeries>): number | null {
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
  return sortinoOf(returnSeries(points));
}

function sortinoOf(series: ReturnType<typeof returnSeries>): number | null {
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
  // One pass to order and one return series for both ratios: a leaderboard computes this for every model.
  const all = sorted(points);
  const series = returnSeries(all);
  return { sharpe: sharpeOf(series), sortino: sortinoOf(series), maxDrawdown: maxDrawdown(all) };
}

export function modelMetrics(points: readonly EquityPoint[], trades: readonly ClosedTrade[]): ModelMetrics {
  return { ...curveMetrics(points), ...tradeStats(trades) };
}
