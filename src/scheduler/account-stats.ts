import { divRound } from "../core/decimal.js";
import { notional, type MarketSpec } from "../core/market.js";
import type { Micro } from "../core/money.js";
import type { OpenPosition } from "../trading/account.js";

/**
 * The account figures an LLM prompt shows beyond cash and equity, computed exactly (bigint
 * micro-dollars) and turned into percentages only at the end, for reading:
 *
 * - exposure: every open position's notional at the mark (at its entry where no mark is known);
 * - risk: what the open positions lose if every stop fills at its price, i.e. the distance from
 *   the average entry to the stop times the size, summed (a stop at or beyond break-even risks
 *   nothing, so it counts 0, not a negative amount); a position without a stop has no bounded
 *   risk and is listed apart;
 * - time in the market: the share of a window with at least one position open.
 */

export interface ExposureAndRisk {
  exposure: Micro;
  risk: Micro;
  /** Symbols of the open positions without a stop, in order. */
  unstopped: string[];
}

export function exposureAndRisk(positions: Iterable<OpenPosition>, market: (symbol: string) => MarketSpec | undefined, mark: (symbol: string) => number | undefined): ExposureAndRisk {
  let exposure = 0n;
  let risk = 0n;
  const unstopped: string[] = [];
  for (const p of positions) {
    const m = market(p.state.symbol);
    const px = mark(p.state.symbol);
    exposure += m && px !== undefined ? notional(m, px, p.state.lots) : p.state.cost;
    if (p.plan.stop === null || !m) {
      unstopped.push(p.state.symbol);
      continue;
    }
    const atStop = notional(m, p.plan.stop, p.state.lots);
    const loss = p.state.side === "LONG" ? p.state.cost - atStop : atStop - p.state.cost;
    if (loss > 0n) risk += loss;
  }
  unstopped.sort();
  return { exposure, risk, unstopped };
}

/** `part` as a percentage of `equity`, to the hundredth (half away from zero); null when equity is not positive. */
export function percentOfEquity(part: Micro, equity: Micro): number | null {
  if (equity <= 0n) return null;
  return Number(divRound(part * 10_000n, equity)) / 100;
}

/** When a position was open: from `openedAt` to `closedAt` (null: still open), epoch ms. */
export interface Holding {
  openedAt: number;
  closedAt: number | null;
}

/**
 * Percent of [from, to) with at least one position open (overlapping positions count once), to
 * the tenth; null when the window is empty.
 */
export function timeInMarketPct(holdings: readonly Holding[], from: number, to: number): number | null {
  if (!(to > from)) return null;
  const spans = holdings
    .map((h) => [Math.max(from, h.openedAt), Math.min(to, h.closedAt ?? to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = from;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return Math.round((covered / (to - from)) * 1000) / 10;
}
