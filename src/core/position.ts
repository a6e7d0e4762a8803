import { divRound, formatRatio } from "./decimal.js";
import type { LeverageCenti } from "./leverage.js";
import { notional, type MarketSpec } from "./market.js";
import { MICRO_DECIMALS, type Micro } from "./money.js";
import { sideSign, type Side } from "./types.js";

/**
 * An open position, kept as exact integers: the cost basis is the sum of the entry fills'
 * notional, so the average entry price is cost / quantity and never rounds.
 */
export interface PositionState {
  symbol: string;
  side: Side;
  lots: bigint;
  /** Entry notional of the lots still open, micro-dollars. */
  cost: Micro;
  /** Entry fees of the lots still open, micro-dollars (moved to the closed slice on exit). */
  entryFees: Micro;
  leverage: LeverageCenti;
}

export interface FillAmount {
  priceTicks: number;
  lots: number;
  fee: Micro;
}

/** What an exit fill closed: becomes a CLOSED row of the orders table. */
export interface ClosedSlice {
  lots: bigint;
  entryCost: Micro;
  exitNotional: Micro;
  /** Entry fees allocated to these lots plus the exit fees. */
  fees: Micro;
  /** Price P&L before fees. */
  grossPnl: Micro;
  /** grossPnl - fees. */
  realizedPnl: Micro;
}

/** Opens a position or scales into it on the same side (weighted average entry). */
export function applyEntryFill(market: MarketSpec, position: PositionState | null, side: Side, leverage: LeverageCenti, fill: FillAmount): PositionState {
  if (position && position.side !== side) throw new Error(`cannot add a ${side} fill to a ${position.side} position`);
  const fillNotional = notional(market, fill.priceTicks, fill.lots);
  if (!position) {
    return { symbol: market.symbol, side, lots: BigInt(fill.lots), cost: fillNotional, entryFees: fill.fee, leverage };
  }
  return {
    ...position,
    lots: position.lots + BigInt(fill.lots),
    cost: position.cost + fillNotional,
    entryFees: position.entryFees + fill.fee,
  };
}

/**
 * Reduces or closes a position with an exit fill. The cost basis and entry fees leave the
 * position in proportion to the lots closed (rounded to the micro-dollar, the rest stays),
 * so the sum of all slices equals what went in, exactly.
 */
export function applyExitFill(market: MarketSpec, position: PositionState, fill: FillAmount): { position: PositionState | null; closed: ClosedSlice } {
  const lots = BigInt(fill.lots);
  if (lots <= 0n || lots > position.lots) throw new Error(`exit of ${fill.lots} lots does not fit a position of ${position.lots}`);
  const full = lots === position.lots;
  const entryCost = full ? position.cost : divRound(position.cost * lots, position.lots);
  const entryFees = full ? position.entryFees : divRound(position.entryFees * lots, position.lots);
  const exitNotional = notional(market, fill.priceTicks, fill.lots);
  const grossPnl = sideSign(position.side) * (exitNotional - entryCost);
  const fees = entryFees + fill.fee;
  const closed: ClosedSlice = { lots, entryCost, exitNotional, fees, grossPnl, realizedPnl: grossPnl - fees };
  if (full) return { position: null, closed };
  return {
    position: { ...position, lots: position.lots - lots, cost: position.cost - entryCost, entryFees: position.entryFees - entryFees },
    closed,
  };
}

/** Merges consecutive slices of one close (several fills) into one. */
export function mergeSlices(a: ClosedSlice, b: ClosedSlice): ClosedSlice {
  return {
    lots: a.lots + b.lots,
    entryCost: a.entryCost + b.entryCost,
    exitNotional: a.exitNotional + b.exitNotional,
    fees: a.fees + b.fees,
    grossPnl: a.grossPnl + b.grossPnl,
    realizedPnl: a.realizedPnl + b.realizedPnl,
  };
}

export function unrealizedPnl(market: MarketSpec, position: PositionState, markTicks: number): Micro {
  return sideSign(position.side) * (notional(market, markTicks, position.lots) - position.cost);
}

/** Decimal places carried by average prices on the wire: exact to well under a cent per row. */
export const AVERAGE_PRICE_DECIMALS = 10;

/** Average price of `lots` that cost `micro` in total, as a decimal string. */
export function averagePrice(market: MarketSpec, micro: Micro, lots: bigint): string {
  if (lots === 0n) return "0";
  // price = micro / 10^6 USD / (lots / 10^sizeDecimals)
  return formatRatio(micro * 10n ** BigInt(market.sizeDecimals), lots * 10n ** BigInt(MICRO_DECIMALS), AVERAGE_PRICE_DECIMALS);
}

/**
 * Applies a fill of `orderSide` to whatever position the account has on the symbol: it
 * opens or scales the same side, reduces or closes the opposite one, and (when the fill is
 * larger than the position) opens the other side with the rest. Returns the closed slice if any.
 */
export function applyNettingFill(
  market: MarketSpec,
  position: PositionState | null,
  orderSide: "BUY" | "SELL",
  leverage: LeverageCenti,
  fill: FillAmount,
): { position: PositionState | null; closed: ClosedSlice | null } {
  const side: Side = orderSide === "BUY" ? "LONG" : "SHORT";
  if (!position || position.side === side) {
    return { position: applyEntryFill(market, position, side, leverage, fill), closed: null };
  }
  const lots = BigInt(fill.lots);
  if (lots <= position.lots) {
    const r = applyExitFill(market, position, fill);
    return { position: r.position, closed: r.closed };
  }
  // Split the fee in proportion to the lots on each side of the flip.
  const closingLots = Number(position.lots);
  const closingFee = divRound(fill.fee * position.lots, lots);
  const r = applyExitFill(market, position, { priceTicks: fill.priceTicks, lots: closingLots, fee: closingFee });
  const opened = applyEntryFill(market, null, side, leverage, {
    priceTicks: fill.priceTicks,
    lots: fill.lots - closingLots,
    fee: fill.fee - closingFee,
  });
  return { position: opened, closed: r.closed };
}
