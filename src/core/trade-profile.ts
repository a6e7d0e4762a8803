import { absBig, divRound, formatScaled, tryParseScaled } from "./decimal.js";
import { MICRO_DECIMALS, type Micro } from "./money.js";
import { nearestRankQuantiles, pearson, spearman, type Quantiles } from "./stats.js";

/**
 * How a model trades, from its closed trades: risk taken per trade (R-multiples), the spread of
 * trade sizes and hold times, how often it goes long, and whether its stated confidence means
 * anything (does higher confidence come with better results?). Pure; money stays exact.
 */

export interface AnalyzedTrade {
  /** Net of the trade's fees, as on a CLOSED row. */
  realizedPnl: Micro;
  /** Epoch ms. */
  openedAt: number;
  /** Epoch ms. */
  closedAt: number;
  side?: "LONG" | "SHORT";
  /** Entry notional (cost basis) of the closed quantity, micro-dollars. */
  entryNotional?: Micro;
  /** Average entry price and closed quantity, decimal strings as on the row. */
  entryPrice?: string;
  quantity?: string;
  /** The first stop the position had (at its open, or the first one set after); null: it never had one. */
  initialStop?: string | null;
  /** The confidence (0–100) the model stated when it opened the position; null: none given. */
  confidence?: number | null;
}

/** Fewer trades with a stated confidence than this and the correlations are not reported. */
export const MIN_TRADES_FOR_DECISION_QUALITY = 10;

/** Hold-time buckets: a trade falls in the first whose bound it is below (the last has none). */
export const HOLD_BUCKETS: ReadonlyArray<{ label: string; belowMs: number | null }> = [
  { label: "<15m", belowMs: 15 * 60_000 },
  { label: "15m-1h", belowMs: 3_600_000 },
  { label: "1h-4h", belowMs: 4 * 3_600_000 },
  { label: "4h-1d", belowMs: 86_400_000 },
  { label: ">=1d", belowMs: null },
];

export interface TradeProfile {
  /** Mean R-multiple: realized P&L over the initial risk |entry − initial stop| × quantity. Null when no trade had a stop. */
  averageR: number | null;
  /** Trades the mean R is over. */
  rTrades: number;
  /** Trades left out of it: no stop, a stop at the entry (no risk), or no size recorded. */
  rExcluded: number;
  /** Share of the trades that were long, in % (0–100); null without trades. */
  longPct: number | null;
  /** Entry notional of the trades in dollars (decimal strings), nearest-rank quantiles; null without trades. */
  sizeDistribution: Quantiles<string> | null;
  /** Hold time in ms, nearest-rank quantiles; null without trades. */
  holdTimeDistribution: Quantiles<number> | null;
  holdTimeBuckets: Array<{ label: string; trades: number }>;
  decisionQuality: {
    /** Trades with a stated confidence at entry. */
    trades: number;
    minTrades: number;
    /** Correlations of confidence with realized P&L; null below minTrades or when either does not vary. */
    pearson: number | null;
    spearman: number | null;
  };
}

/** Enough decimals for any price or quantity here (averages carry 10). */
const SCALE = 12;

/** Realized P&L over |entry − stop| × quantity, or null when it cannot be said (no stop, no risk, no size). */
export function rMultiple(t: AnalyzedTrade): number | null {
  if (t.initialStop === null || t.initialStop === undefined || t.entryPrice === undefined || t.quantity === undefined) return null;
  const entry = tryParseScaled(t.entryPrice, SCALE, "half-up");
  const stop = tryParseScaled(t.initialStop, SCALE, "half-up");
  const qty = tryParseScaled(t.quantity, SCALE, "half-up");
  if (entry === null || stop === null || qty === null) return null;
  // Risk at scale 2·SCALE; P&L brought to the same scale; the ratio kept to 6 decimals.
  const risk = absBig(entry - stop) * absBig(qty);
  if (risk === 0n) return null;
  const pnl = t.realizedPnl * 10n ** BigInt(2 * SCALE - MICRO_DECIMALS);
  return Number(divRound(pnl * 1_000_000n, risk)) / 1_000_000;
}

export function tradeProfile(trades: readonly AnalyzedTrade[]): TradeProfile {
  const rs = trades.map(rMultiple).filter((r): r is number => r !== null);
  const sided = trades.filter((t) => t.side !== undefined);
  const sizes = trades
    .map((t) => t.entryNotional)
    .filter((n): n is Micro => n !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const holds = trades.map((t) => Math.max(0, t.closedAt - t.openedAt)).sort((a, b) => a - b);
  const sizeQ = nearestRankQuantiles(sizes);
  const confident = trades.filter((t): t is AnalyzedTrade & { confidence: number } => typeof t.confidence === "number" && Number.isFinite(t.confidence));
  const enough = confident.length >= MIN_TRADES_FOR_DECISION_QUALITY;
  const conf = confident.map((t) => t.confidence);
  const pnl = confident.map((t) => Number(t.realizedPnl) / 1e6);
  return {
    averageR: rs.length === 0 ? null : rs.reduce((a, b) => a + b, 0) / rs.length,
    rTrades: rs.length,
    rExcluded: trades.length - rs.length,
    longPct: sided.length === 0 ? null : (sided.filter((t) => t.side === "LONG").length / sided.length) * 100,
    sizeDistribution: sizeQ && {
      min: formatScaled(sizeQ.min, MICRO_DECIMALS),
      p25: formatScaled(sizeQ.p25, MICRO_DECIMALS),
      median: formatScaled(sizeQ.median, MICRO_DECIMALS),
      p75: formatScaled(sizeQ.p75, MICRO_DECIMALS),
      max: formatScaled(sizeQ.max, MICRO_DECIMALS),
    },
    holdTimeDistribution: nearestRankQuantiles(holds),
    holdTimeBuckets: HOLD_BUCKETS.map((b, i) => ({
      label: b.label,
      trades: holds.filter((h) => (i === 0 || h >= HOLD_BUCKETS[i - 1]!.belowMs!) && (b.belowMs === null || h < b.belowMs)).length,
    })),
    decisionQuality: {
      trades: confident.length,
      minTrades: MIN_TRADES_FOR_DECISION_QUALITY,
      pearson: enough ? pearson(conf, pnl) : null,
      spearman: enough ? spearman(conf, pnl) : null,
    },
  };
}
