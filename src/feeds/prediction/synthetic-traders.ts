import type { Rng } from "../../core/rng.js";
import { formatScaled } from "../../core/decimal.js";
import type { SyntheticPredictionMarket } from "./synthetic-markets.js";

/**
 * Wallets that trade the synthetic prediction markets, so follow models have someone to copy on
 * `npm start` without network. Each has a style; their fills are what the Data API would show.
 * Pure: the feed steps them with its seeded RNG.
 */
export interface SyntheticTrader {
  readonly wallet: string;
  readonly style: "momentum" | "contrarian" | "noise";
  /** Chance to act on one market at one step. */
  readonly activity: number;
}

export const SYNTHETIC_TRADERS: readonly SyntheticTrader[] = [
  { wallet: "0x5157e7000000000000000000000000000000000a", style: "momentum", activity: 0.01 },
  { wallet: "0x5157e7000000000000000000000000000000000b", style: "contrarian", activity: 0.01 },
  { wallet: "0x5157e7000000000000000000000000000000000c", style: "noise", activity: 0.006 },
];

export interface SyntheticFill {
  readonly seq: number;
  readonly wallet: string;
  readonly conditionId: string;
  readonly tokenId: string;
  readonly outcome: string;
  readonly side: "BUY" | "SELL";
  /** Decimal strings, as the Data API serves them. */
  readonly price: string;
  readonly size: string;
  readonly tradedAt: number;
  readonly txHash: string;
}

/** A trader's shares per token, so it only sells what it holds. */
export type Holdings = Map<string, number>;

/**
 * What one trader does on one open market at one step, given the market's probabilities now and
 * a step ago: nothing, buy the outcome its style likes at the ask, or sell what it holds at the bid.
 */
export function traderMove(
  t: SyntheticTrader,
  m: SyntheticPredictionMarket,
  before: readonly number[],
  books: ReadonlyArray<{ bestBid: number | undefined; bestAsk: number | undefined }>,
  held: Holdings,
  rng: Rng,
): { index: number; side: "BUY" | "SELL"; priceTicks: number; lots: number } | null {
  if (rng.next() >= t.activity) return null;
  const moves = m.probs.map((p, i) => p - (before[i] ?? p));
  const pick = (by: (i: number) => number) => m.probs.map((_, i) => i).reduce((a, b) => (by(b) > by(a) ? b : a), 0);
  const index = t.style === "momentum" ? pick((i) => moves[i]!) : t.style === "contrarian" ? pick((i) => -moves[i]!) : rng.int(0, m.probs.length - 1);
  const token = m.meta.outcomes[index]!.tokenId;
  const holding = held.get(token) ?? 0;
  // A holder takes profit or cuts now and then; otherwise it adds.
  const selling = holding > 0 && rng.next() < 0.35;
  const book = books[index]!;
  const priceTicks = selling ? book.bestBid : book.bestAsk;
  if (priceTicks === undefined) return null;
  const lots = selling ? holding : rng.int(10, 300) * 100;
  return { index, side: selling ? "SELL" : "BUY", priceTicks, lots };
}

/** A fill as decimal strings: price in 10^-4 dollars, size in 10^-2 shares. */
export function fillOf(seq: number, t: SyntheticTrader, m: SyntheticPredictionMarket, move: { index: number; side: "BUY" | "SELL"; priceTicks: number; lots: number }, at: number): SyntheticFill {
  const o = m.meta.outcomes[move.index]!;
  return {
    seq,
    wallet: t.wallet,
    conditionId: m.meta.conditionId,
    tokenId: o.tokenId,
    outcome: o.outcome,
    side: move.side,
    price: formatScaled(BigInt(move.priceTicks), 4),
    size: formatScaled(BigInt(move.lots), 2),
    tradedAt: at,
    txHash: `0x${seq.toString(16).padStart(64, "0")}`,
  };
}
