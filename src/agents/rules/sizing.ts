import { absBig, minBig, tryParseScaled } from "../../core/decimal.js";
import { lotsToQuantity, notional, type MarketSpec } from "../../core/market.js";
import { formatUsd, MICRO_DECIMALS } from "../../core/money.js";

/**
 * Fixed-fractional position sizing, in exact integers: risk `riskBps` of equity between the
 * entry and the stop, never commit more than `maxMarginBps` of the available margin, round the
 * size down to whole lots. Indicators are floats, but the quantity a strategy sends is computed
 * here from ticks, lots and micro-dollars only, so it is exactly what the market accepts.
 */

export interface SizingOptions {
  /** Equity risked between entry and stop, in basis points (100 = 1%). */
  riskBps: number;
  /** Leverage the position is opened with (whole number, capped by the market). */
  leverage: number;
  /** Share of the available margin one new position may use, in basis points. */
  maxMarginBps: number;
}

export const DEFAULT_SIZING: SizingOptions = { riskBps: 100, leverage: 3, maxMarginBps: 3000 };

export interface SizingInput {
  market: MarketSpec;
  equity: string;
  available: string;
  entryTicks: number;
  stopTicks: number;
  options: SizingOptions;
}

export type SizingResult = { ok: true; quantity: string; lots: bigint; leverage: number; riskUsd: string; notionalUsd: string } | { ok: false; reason: string };

export function effectiveLeverage(market: MarketSpec, options: SizingOptions): number {
  return Math.max(1, Math.min(Math.floor(options.leverage), market.maxLeverage));
}

export function sizePosition(input: SizingInput): SizingResult {
  const { market: m, options } = input;
  const equity = tryParseScaled(input.equity, MICRO_DECIMALS, "floor");
  const available = tryParseScaled(input.available, MICRO_DECIMALS, "floor");
  if (equity === null || available === null) return { ok: false, reason: "account equity is not readable" };
  if (equity <= 0n || available <= 0n) return { ok: false, reason: "no equity or margin available" };
  const distance = absBig(BigInt(input.entryTicks) - BigInt(input.stopTicks));
  if (distance === 0n) return { ok: false, reason: "stop is at the entry price" };

  const leverage = effectiveLeverage(m, options);
  const riskBudget = (equity * BigInt(Math.floor(options.riskBps))) / 10_000n;
  const riskPerLot = notional(m, distance, 1n);
  const lotsByRisk = riskBudget / riskPerLot;
  const marginBudget = (available * BigInt(Math.floor(options.maxMarginBps))) / 10_000n;
  const notionalPerLot = notional(m, input.entryTicks, 1n);
  const lotsByMargin = (marginBudget * BigInt(leverage)) / notionalPerLot;
  const lots = minBig(lotsByRisk, lotsByMargin);

  const positionNotional = notional(m, input.entryTicks, lots);
  if (lots < BigInt(m.minBaseLots)) {
    return {
      ok: false,
      reason: `size ${lotsToQuantity(m, lots)} is below the ${m.symbol} minimum of ${lotsToQuantity(m, m.minBaseLots)} (${lotsByRisk < lotsByMargin ? "risk budget" : "margin"} too small)`,
    };
  }
  if (positionNotional < m.minNotional) {
    return { ok: false, reason: `notional $${formatUsd(positionNotional)} is below the $${formatUsd(m.minNotional)} minimum` };
  }
  return {
    ok: true,
    quantity: lotsToQuantity(m, lots),
    lots,
    leverage,
    riskUsd: formatUsd(riskPerLot * lots),
    notionalUsd: formatUsd(positionNotional),
  };
}
