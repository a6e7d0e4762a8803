import { formatRatio, formatScaled } from "./decimal.js";
import { annualisable, maxDrawdown, MIN_POINTS_FOR_RATIOS, sharpeRatio, sortinoRatio, tradeStats, YEAR_MS, type EquityPoint } from "./metrics.js";
import { MICRO_DECIMALS, MICRO_PER_USD, type Micro } from "./money.js";
import { tradeProfile, type AnalyzedTrade, type TradeProfile } from "./trade-profile.js";

export type { AnalyzedTrade, TradeProfile };

/**
 * A model's full analytics, a pure function of its closed trades and its equity curve (no I/O,
 * no clock). Money stays exact: P&L is bigint micro-dollars and every money figure is a decimal
 * string; ratios and durations are JSON numbers, null when undefined.
 */

export interface TradeAnalytics extends TradeProfile {
  /** Null below 30 snapshots or six days of curve (MIN_SPAN_FOR_RATIOS_MS: shorter is noise), or without variance. */
  sharpe: number | null;
  /** Null like `sharpe`, or when no period lost money. */
  sortino: number | null;
  /** Annualized return of the curve over its max drawdown; null like `sharpe`, or without a drawdown. */
  calmar: number | null;
  maxDrawdown: number | null;
  profitFactor: number | null;
  expectancy: string | null;
  winRate: number | null;
  trades: number;
  wins: number;
  losses: number;
  /** Mean P&L of the winning trades (positive). */
  averageWin: string | null;
  /** Mean P&L of the losing trades (negative, as booked). */
  averageLoss: string | null;
  /** P&L of the best trade, when one won. */
  largestWin: string | null;
  /** P&L of the worst trade (negative), when one lost. */
  largestLoss: string | null;
  longestWinStreak: number;
  longestLossStreak: number;
  /** Wins in a row up to the latest trade (0 when the latest did not win). */
  currentWinStreak: number;
  /** Losses in a row up to the latest trade (0 when the latest did not lose). */
  currentLossStreak: number;
  averageHoldMsWinners: number | null;
  averageHoldMsLosers: number | null;
}

/**
 * Compound annual growth of the curve from its first to its last point: (last / first) raised to
 * (a year / the span) minus one. Null below MIN_POINTS_FOR_RATIOS points or a span shorter than
 * MIN_SPAN_FOR_RATIOS_MS (an hour's return compounded 8,760 times is noise), without a positive
 * start, or a finite result.
 */
export function annualizedReturn(points: readonly EquityPoint[]): number | null {
  if (points.length < MIN_POINTS_FOR_RATIOS) return null;
  let first = points[0]!;
  let last = points[0]!;
  for (const p of points) {
    if (p.ts < first.ts) first = p;
    if (p.ts >= last.ts) last = p;
  }
  const span = last.ts - first.ts;
  if (!annualisable(first.ts, last.ts) || !(first.equity > 0) || !(last.equity >= 0)) return null;
  const growth = Math.pow(last.equity / first.equity, YEAR_MS / span) - 1;
  return Number.isFinite(growth) ? growth : null;
}

/** Calmar ratio: annualized return over max drawdown; null when either is undefined or nothing was ever lost. */
export function calmarRatio(points: readonly EquityPoint[]): number | null {
  const annual = annualizedReturn(points);
  const dd = maxDrawdown(points);
  if (annual === null || dd === null || !(dd > 0)) return null;
  return annual / dd;
}

/** Mean of micro-dollar amounts as a dollar string (6 places, half away from zero). */
function meanUsd(sum: Micro, count: number): string | null {
  return count === 0 ? null : formatRatio(sum, BigInt(count) * MICRO_PER_USD, MICRO_DECIMALS);
}

function meanMs(sum: number, count: number): number | null {
  return count === 0 ? null : Math.round(sum / count);
}

/**
 * Analytics from closed trades (in any order: streaks follow close time, then input order) and
 * the equity curve. A trade with zero P&L is neither a win nor a loss: it counts in `trades` and
 * the win rate's denominator, and it ends both a winning and a losing streak.
 */
export function tradeAnalytics(trades: readonly AnalyzedTrade[], curve: readonly EquityPoint[]): TradeAnalytics {
  const ordered = trades.map((t, i) => ({ t, i })).sort((a, b) => a.t.closedAt - b.t.closedAt || a.i - b.i);
  let wins = 0;
  let losses = 0;
  let winSum = 0n;
  let lossSum = 0n;
  let largestWin: Micro | null = null;
  let largestLoss: Micro | null = null;
  let winHold = 0;
  let lossHold = 0;
  let winStreak = 0;
  let lossStreak = 0;
  let longestWinStreak = 0;
  let longestLossStreak = 0;
  for (const { t } of ordered) {
    const held = Math.max(0, t.closedAt - t.openedAt);
    if (t.realizedPnl > 0n) {
      wins++;
      winSum += t.realizedPnl;
      winHold += held;
      if (largestWin === null || t.realizedPnl > largestWin) largestWin = t.realizedPnl;
      winStreak++;
      lossStreak = 0;
    } else if (t.realizedPnl < 0n) {
      losses++;
      lossSum += t.realizedPnl;
      lossHold += held;
      if (largestLoss === null || t.realizedPnl < largestLoss) largestLoss = t.realizedPnl;
      lossStreak++;
      winStreak = 0;
    } else {
      winStreak = 0;
      lossStreak = 0;
    }
    longestWinStreak = Math.max(longestWinStreak, winStreak);
    longestLossStreak = Math.max(longestLossStreak, lossStreak);
  }
  const stats = tradeStats(trades);
  return {
    sharpe: sharpeRatio(curve),
    sortino: sortinoRatio(curve),
    calmar: calmarRatio(curve),
    maxDrawdown: maxDrawdown(curve),
    profitFactor: stats.profitFactor,
    expectancy: stats.expectancy,
    winRate: stats.winRate,
    trades: stats.trades,
    wins,
    losses,
    averageWin: meanUsd(winSum, wins),
    averageLoss: meanUsd(lossSum, losses),
    largestWin: largestWin === null ? null : formatScaled(largestWin, MICRO_DECIMALS),
    largestLoss: largestLoss === null ? null : formatScaled(largestLoss, MICRO_DECIMALS),
    longestWinStreak,
    longestLossStreak,
    currentWinStreak: winStreak,
    currentLossStreak: lossStreak,
    averageHoldMsWinners: meanMs(winHold, wins),
    averageHoldMsLosers: meanMs(lossHold, losses),
    ...tradeProfile(trades),
  };
}
