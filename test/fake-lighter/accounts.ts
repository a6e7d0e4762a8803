import { divCeil, divRound } from "./decimal.js";
import { rawToMicro, type PerpMarketSpec } from "./markets.js";

/**
 * Accounts of the fake: USDC collateral in integer micro-USDC, one cross-margin position per
 * market, API keys with their nonces. Cost basis is kept in price ticks × lots, exact.
 */

export interface Position {
  /** Signed base lots: > 0 long, < 0 short. */
  lots: bigint;
  /** Cost basis of |lots| at the average entry, in price ticks × lots. */
  entryQuote: bigint;
  realizedPnlMicro: bigint;
  fundingPaidMicro: bigint;
  /** Initial margin fraction in 1e-4 (UpdateLeverage sets it). */
  imf: number;
  marginMode: 0 | 1;
}

export interface ApiKeyState {
  publicKey: string;
  nextNonce: number;
  registeredAt: number;
}

export interface Account {
  index: number;
  l1Address: string;
  collateralMicro: bigint;
  positions: Map<number, Position>;
  apiKeys: Map<number, ApiKeyState>;
  /** Scheduled cancel-all (ms), 0 when none. */
  cancelAllTime: number;
  totalOrderCount: number;
  createdAt: number;
  /** No margin checks (the market maker of setBook). */
  unlimited: boolean;
}

export function newAccount(index: number, now: number, unlimited = false): Account {
  return {
    index,
    l1Address: `0x${index.toString(16).padStart(40, "0")}`,
    collateralMicro: 0n,
    positions: new Map(),
    apiKeys: new Map(),
    cancelAllTime: 0,
    totalOrderCount: 0,
    createdAt: now,
    unlimited,
  };
}

export function positionOf(account: Account, market: PerpMarketSpec): Position {
  let p = account.positions.get(market.marketId);
  if (!p) {
    p = { lots: 0n, entryQuote: 0n, realizedPnlMicro: 0n, fundingPaidMicro: 0n, imf: market.defaultImf, marginMode: 0 };
    account.positions.set(market.marketId, p);
  }
  return p;
}

export interface FillEffect {
  before: { lots: bigint; entryQuote: bigint; imf: number };
  realizedMicro: bigint;
  signChanged: boolean;
}

const signum = (v: bigint): number => (v > 0n ? 1 : v < 0n ? -1 : 0);

/**
 * Applies a fill of `lots` at `priceTicks` (buy when !isAsk) to the position: weighted average
 * entry on increase, realized PnL on reduction, a new entry at the fill price when it flips.
 * Realized PnL goes to collateral (cross margin).
 */
export function applyFill(account: Account, market: PerpMarketSpec, isAsk: boolean, lots: bigint, priceTicks: number): FillEffect {
  const p = positionOf(account, market);
  const before = { lots: p.lots, entryQuote: p.entryQuote, imf: p.imf };
  const delta = isAsk ? -lots : lots;
  const px = BigInt(priceTicks);
  let realizedRaw = 0n;
  if (p.lots === 0n || signum(p.lots) === signum(delta)) {
    p.entryQuote += px * lots;
    p.lots += delta;
  } else {
    const open = p.lots < 0n ? -p.lots : p.lots;
    const closing = lots < open ? lots : open;
    const basis = closing === open ? p.entryQuote : (p.entryQuote * closing) / open;
    realizedRaw = p.lots > 0n ? px * closing - basis : basis - px * closing;
    p.entryQuote -= basis;
    p.lots += delta;
    if (lots > closing) p.entryQuote = px * (lots - closing);
  }
  const realizedMicro = rawToMicro(market, realizedRaw);
  p.realizedPnlMicro += realizedMicro;
  account.collateralMicro += realizedMicro;
  return { before, realizedMicro, signChanged: signum(before.lots) !== signum(p.lots) };
}

/** How much of an order on side `isAsk` would reduce the current position (0 when none). */
export function reducible(account: Account, marketId: number, isAsk: boolean): bigint {
  const lots = account.positions.get(marketId)?.lots ?? 0n;
  if (isAsk) return lots > 0n ? lots : 0n;
  return lots < 0n ? -lots : 0n;
}

export const absLots = (v: bigint): bigint => (v < 0n ? -v : v);

/** Average entry in ticks, rounded half up. */
export function avgEntryTicks(p: Position): bigint {
  const open = absLots(p.lots);
  return open === 0n ? 0n : divRound(p.entryQuote, open);
}

export function unrealizedMicro(market: PerpMarketSpec, p: Position, markTicks: number): bigint {
  const value = BigInt(markTicks) * absLots(p.lots);
  return rawToMicro(market, p.lots >= 0n ? value - p.entryQuote : p.entryQuote - value);
}

/** Margin at `fraction` (1e-4 units) of a notional given in ticks × lots, rounded up. */
export function marginMicro(market: PerpMarketSpec, raw: bigint, fraction: number): bigint {
  return divCeil(rawToMicro(market, raw) * BigInt(fraction), 10_000n);
}

export interface OpenOrderExposure {
  marketId: number;
  isAsk: boolean;
  price: number;
  remaining: bigint;
}

export interface MarginSummary {
  collateral: bigint;
  unrealized: bigint;
  positionInitial: bigint;
  positionMaintenance: bigint;
  orderInitial: bigint;
  /** collateral + unrealized − initial margin of positions and of resting orders. */
  available: bigint;
  totalAssetValue: bigint;
  positionValue: bigint;
}

export function marginSummary(account: Account, marketOf: (id: number) => PerpMarketSpec | undefined, markOf: (id: number) => number, openOrders: readonly OpenOrderExposure[]): MarginSummary {
  let unrealized = 0n;
  let positionInitial = 0n;
  let positionMaintenance = 0n;
  let positionValue = 0n;
  for (const [id, p] of account.positions) {
    const m = marketOf(id);
    if (!m || p.lots === 0n) continue;
    const mark = markOf(id);
    const value = BigInt(mark) * absLots(p.lots);
    unrealized += unrealizedMicro(m, p, mark);
    positionInitial += marginMicro(m, value, p.imf);
    positionMaintenance += marginMicro(m, value, m.maintenanceMf);
    positionValue += rawToMicro(m, value);
  }
  let orderInitial = 0n;
  for (const o of openOrders) {
    const m = marketOf(o.marketId);
    if (!m) continue;
    const p = account.positions.get(o.marketId);
    // Only the part that would open or extend a position needs margin.
    const opening = o.remaining - (p ? reducible(account, o.marketId, o.isAsk) : 0n);
    if (opening > 0n) orderInitial += marginMicro(m, BigInt(o.price) * opening, p?.imf ?? m.defaultImf);
  }
  const totalAssetValue = account.collateralMicro + unrealized;
  return {
    collateral: account.collateralMicro,
    unrealized,
    positionInitial,
    positionMaintenance,
    orderInitial,
    available: totalAssetValue - positionInitial - orderInitial,
    totalAssetValue,
    positionValue,
  };
}
