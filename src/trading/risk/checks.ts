import { divCeil, divFloor, formatScaled, parseScaled } from "../../core/decimal.js";
import { formatLeverage, type LeverageCenti } from "../../core/leverage.js";
import { formatUsd, type Micro } from "../../core/money.js";
import type { Side } from "../../core/types.js";
import type { RiskLimits } from "./limits.js";

/** Why the risk engine refused: a snake_case code (the API's error code) and a sentence naming the limit and the value. */
export interface RiskRejection {
  code: string;
  message: string;
}

export type RiskCheck<C> = (ctx: C) => RiskRejection | null;

/**
 * What the checks of an entry (a new position or a scale-in) look at: the account as it is
 * and as it will be right after the order fills, all in exact integers. The engine builds it;
 * the checks only compare.
 */
export interface EntryContext {
  limits: RiskLimits;
  now: number;
  symbol: string;
  side: Side;
  /** The order adds to an open position on the same side. */
  scaleIn: boolean;
  leverage: LeverageCenti;
  /** Equity now (cash + unrealized P&L at the mark). */
  equity: Micro;
  /** Equity right after the fill: less the fee and the spread between the fill and the mark. */
  equityAfter: Micro;
  initialCapital: Micro;
  /** Equity at the first look of the current UTC day; null when not known yet. */
  dayStartEquity: Micro | null;
  /** Margin held by positions and resting orders, and the margin this order will hold. */
  marginUsed: Micro;
  orderMargin: Micro;
  /** Open positions at the mark, resting entries and this order: notional after the order. */
  exposureAfter: Micro;
  /** Loss of the resulting position if its stop fills (entry to stop × quantity); null without a stop. */
  riskAtStop: Micro | null;
  /** Symbols with a position or a resting entry once this order is in. */
  openPositionsAfter: number;
  /** The last position closed on this symbol. */
  lastClosed: { side: Side; closedAt: number } | null;
  /** A model's run that already opened or changed this symbol (always false for manual orders). */
  actedThisRun: boolean;
}

/** What the checks of an exit-plan change look at (stops only tighten: exit-plan.ts enforces it). */
export interface ExitPlanContext {
  limits: RiskLimits;
  symbol: string;
  actedThisRun: boolean;
}

/** A limit written as a number with at most 2 decimals, in hundredths (2.5 -> 250n); percentages become basis points. */
export const hundredths = (v: number): bigint => parseScaled(v, 2, "exact");

/** `value` as a percentage of `of`, for messages only ("2.35%"); rounded away from the limit it is compared with. */
function pctOf(value: Micro, of: Micro, rounding: "up" | "down" = "up"): string {
  if (of <= 0n) return "n/a";
  const n = value * 1_000_000n;
  return `${formatScaled(rounding === "up" ? divCeil(n, of) : divFloor(n, of), 4)}%`;
}

const usd = (v: Micro) => `$${formatUsd(v)}`;

/** `part` ≤ `pct`% of `whole`, exactly (pct has at most 2 decimals). */
function withinPct(part: Micro, pct: number, whole: Micro): boolean {
  return part * 10_000n <= whole * hundredths(pct);
}

export const oneActionPerSymbolPerRun: RiskCheck<{ limits: RiskLimits; symbol: string; actedThisRun: boolean }> = (c) =>
  c.limits.oneActionPerSymbolPerRun && c.actedThisRun
    ? { code: "risk_one_action_per_symbol", message: `this run already acted on ${c.symbol}; one action per symbol per run (oneActionPerSymbolPerRun); closing stays allowed` }
    : null;

export const dailyLossBreaker: RiskCheck<EntryContext> = (c) => {
  if (c.dayStartEquity === null || c.dayStartEquity <= 0n) return null;
  const loss = c.dayStartEquity - c.equity;
  if (loss <= 0n || withinPct(loss, c.limits.maxDailyLossPct, c.dayStartEquity)) return null;
  return {
    code: "risk_daily_loss_limit",
    message: `today's loss ${usd(loss)} is ${pctOf(loss, c.dayStartEquity)} of the day's starting equity ${usd(c.dayStartEquity)}, beyond maxDailyLossPct ${c.limits.maxDailyLossPct}%: no new entries until the next UTC day (closing and tightening stops stay allowed)`,
  };
};

export const totalLossBreaker: RiskCheck<EntryContext> = (c) => {
  const loss = c.initialCapital - c.equity;
  if (loss <= 0n || withinPct(loss, c.limits.maxTotalLossPct, c.initialCapital)) return null;
  return {
    code: "risk_total_loss_limit",
    message: `the loss ${usd(loss)} is ${pctOf(loss, c.initialCapital)} of the initial capital ${usd(c.initialCapital)}, beyond maxTotalLossPct ${c.limits.maxTotalLossPct}%: no new entries (closing and tightening stops stay allowed)`,
  };
};

export const flipCooldown: RiskCheck<EntryContext> = (c) => {
  const last = c.lastClosed;
  if (c.scaleIn || !last || last.side === c.side) return null;
  const until = last.closedAt + c.limits.flipCooldownMinutes * 60_000;
  if (c.now >= until) return null;
  return {
    code: "risk_flip_cooldown",
    message: `a ${last.side} ${c.symbol} position closed at ${new Date(last.closedAt).toISOString()}; opening ${c.side} must wait flipCooldownMinutes ${c.limits.flipCooldownMinutes}, until ${new Date(until).toISOString()}`,
  };
};

export const maxLeverage: RiskCheck<EntryContext> = (c) =>
  BigInt(c.leverage) > hundredths(c.limits.maxLeverage) ? { code: "risk_max_leverage", message: `leverage ${formatLeverage(c.leverage)}x is above maxLeverage ${c.limits.maxLeverage}x` } : null;

export const stopRequired: RiskCheck<EntryContext> = (c) =>
  c.limits.requireStop && c.riskAtStop === null
    ? { code: "risk_stop_required", message: `no stop loss on ${c.symbol}: every entry needs one (requireStop); a scale-in inherits the position's stop` }
    : null;

export const maxRiskPerTrade: RiskCheck<EntryContext> = (c) => {
  if (c.riskAtStop === null || (c.equityAfter > 0n && withinPct(c.riskAtStop, c.limits.maxRiskPerTradePct, c.equityAfter))) return null;
  return {
    code: "risk_max_risk_per_trade",
    message: `the ${c.scaleIn ? "scaled " : ""}${c.symbol} position would lose ${usd(c.riskAtStop)} at its stop, ${pctOf(c.riskAtStop, c.equityAfter)} of equity ${usd(c.equityAfter)}, above maxRiskPerTradePct ${c.limits.maxRiskPerTradePct}%`,
  };
};

export const maxOpenPositions: RiskCheck<EntryContext> = (c) =>
  !c.scaleIn && c.openPositionsAfter > c.limits.maxOpenPositions
    ? { code: "risk_max_open_positions", message: `${c.symbol} would be open position number ${c.openPositionsAfter}, above maxOpenPositions ${c.limits.maxOpenPositions}` }
    : null;

export const maxGrossExposure: RiskCheck<EntryContext> = (c) => {
  if (c.equityAfter > 0n && c.exposureAfter * 100n <= c.equityAfter * hundredths(c.limits.maxGrossExposure)) return null;
  return {
    code: "risk_max_gross_exposure",
    message:
      c.equityAfter > 0n
        ? `gross exposure would be ${usd(c.exposureAfter)}, ${formatScaled(divCeil(c.exposureAfter * 10_000n, c.equityAfter), 4)}x equity ${usd(c.equityAfter)}, above maxGrossExposure ${c.limits.maxGrossExposure}x`
        : `gross exposure would be ${usd(c.exposureAfter)} with no equity left (${usd(c.equityAfter)}), above maxGrossExposure ${c.limits.maxGrossExposure}x`,
  };
};

export const minCashReserve: RiskCheck<EntryContext> = (c) => {
  const availableAfter = c.equityAfter - c.marginUsed - c.orderMargin;
  if (c.equityAfter > 0n && availableAfter * 10_000n >= c.equityAfter * hundredths(c.limits.minCashReservePct)) return null;
  return {
    code: "risk_min_cash_reserve",
    message: `available margin after the order would be ${usd(availableAfter)}, ${pctOf(availableAfter < 0n ? 0n : availableAfter, c.equityAfter, "down")} of equity ${usd(c.equityAfter)}, below minCashReservePct ${c.limits.minCashReservePct}%`,
  };
};

/**
 * The checks of an entry, in order: the circuit breakers and per-run rule first (they say the
 * most about why nothing may be opened now), then the order's own limits.
 */
export const ENTRY_CHECKS: ReadonlyArray<RiskCheck<EntryContext>> = [
  dailyLossBreaker,
  totalLossBreaker,
  oneActionPerSymbolPerRun,
  flipCooldown,
  maxLeverage,
  stopRequired,
  maxRiskPerTrade,
  maxOpenPositions,
  maxGrossExposure,
  minCashReserve,
];

export const EXIT_PLAN_CHECKS: ReadonlyArray<RiskCheck<ExitPlanContext>> = [oneActionPerSymbolPerRun];

/** The first check that refuses, or null. */
export function firstRejection<C>(checks: ReadonlyArray<RiskCheck<C>>, ctx: C): RiskRejection | null {
  for (const check of checks) {
    const r = check(ctx);
    if (r) return r;
  }
  return null;
}
