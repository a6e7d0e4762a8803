import { createHash } from "node:crypto";
import type { Level } from "../../core/book.js";
import { OUTCOME_PAYOUT_TICKS, toOutcomeTick } from "../../core/instrument.js";
import type { Rng } from "../../core/rng.js";
import type { PredictionMarketInput } from "../../prediction/prediction-market.js";

/**
 * The synthetic prediction markets' process, pure: which markets exist, how their
 * probabilities drift, what their books look like, and how they end. Seeded, so the same seed
 * and the same step times give the same markets, books and winners.
 */

interface Template {
  readonly slug: string;
  readonly question: (n: number, minutes: number) => string;
  readonly outcomes: readonly string[];
  readonly category: string;
  readonly minutes: readonly number[];
}

const TEMPLATES: readonly Template[] = [
  { slug: "btc-up-or-down", question: (_n, m) => `Bitcoin up or down over the next ${m} minutes?`, outcomes: ["Up", "Down"], category: "crypto", minutes: [5, 15, 60] },
  { slug: "eth-above-open", question: (_n, m) => `Will ETH trade above its opening price ${m} minutes from now?`, outcomes: ["Yes", "No"], category: "crypto", minutes: [15, 30] },
  { slug: "rain-tomorrow", question: (n) => `Will it rain in the synthetic city #${n} tomorrow?`, outcomes: ["Yes", "No"], category: "weather", minutes: [20, 45] },
  { slug: "top-gainer", question: (_n, m) => `Which coin gains the most over the next ${m} minutes?`, outcomes: ["BTC", "ETH", "SOL"], category: "crypto", minutes: [30, 60] },
];

export interface SyntheticPredictionMarket {
  readonly meta: PredictionMarketInput;
  /** Probability of each outcome (sums to 1). */
  probs: number[];
  /** Price ticks per tick of the book (100 = 0.01, 10 near the extremes). */
  tickTicks: number;
  /** open → closed at endDate → resolved `resolveDelayMs` later. */
  phase: "open" | "closed" | "resolved";
}

function hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A market of the `index`-th kind, created at `createdAt`: ids from the seed, the index and the time, so a restart never reuses one. */
export function newSyntheticMarket(seed: string, index: number, createdAt: number, rng: Rng): SyntheticPredictionMarket {
  const t = TEMPLATES[index % TEMPLATES.length]!;
  const minutes = t.minutes[rng.int(0, t.minutes.length - 1)]!;
  const conditionId = `0x${hex(`${seed}:${index}:${createdAt}`)}`;
  const outcomes = t.outcomes.map((outcome) => ({ outcome, tokenId: BigInt(`0x${hex(`${conditionId}:${outcome}`)}`).toString() }));
  // Start near even odds, tilted a little.
  const raw = t.outcomes.map(() => 1 + rng.next());
  const sum = raw.reduce((a, b) => a + b, 0);
  return {
    meta: {
      conditionId,
      question: t.question(index, minutes),
      slug: `${t.slug}-${minutes}m-${index}`,
      status: "open",
      endDate: createdAt + minutes * 60_000,
      tickSize: "0.01",
      minOrderSize: "5",
      negRisk: t.outcomes.length > 2,
      category: t.category,
      outcomes,
      source: "synthetic",
    },
    probs: raw.map((r) => r / sum),
    tickTicks: 100,
    phase: "open",
  };
}

/**
 * One step of the probabilities: a random walk on the log-odds of each outcome, renormalized.
 * Volatility grows as the end nears, as real short markets do.
 */
export function stepProbabilities(m: SyntheticPredictionMarket, rng: Rng, now: number, intervalMs: number): void {
  const left = Math.max(1, m.meta.endDate - now);
  const sd = Math.min(0.5, 0.04 * Math.sqrt(intervalMs / 1000) * Math.sqrt(Math.max(1, 600_000 / left)));
  const logits = m.probs.map((p) => Math.log(p) + sd * rng.normal());
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  // Never exactly 0 or 1: the book needs a price inside (0, 1).
  m.probs = exps.map((e) => Math.min(0.995, Math.max(0.005, e / sum)));
}

/** The tick the market should have now: 0.001 near the extremes (as Polymarket's markets change), else 0.01. */
export function wantedTick(m: SyntheticPredictionMarket): number {
  return m.probs.some((p) => p < 0.04 || p > 0.96) ? 10 : 100;
}

const LEVELS = 5;

/** A book around the outcome's probability: `LEVELS` levels a side one tick apart, a tick's spread each way, seeded sizes (lots of 0.01 share). */
export function outcomeBook(prob: number, tickTicks: number, rng: Rng): { bids: Level[]; asks: Level[] } {
  const mid = prob * OUTCOME_PAYOUT_TICKS;
  const bestBid = toOutcomeTick(mid - tickTicks / 2, tickTicks, "SELL");
  const bestAsk = Math.max(bestBid + tickTicks, toOutcomeTick(mid + tickTicks / 2, tickTicks, "BUY"));
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < LEVELS; i++) {
    const b = bestBid - i * tickTicks;
    const a = bestAsk + i * tickTicks;
    if (b >= tickTicks) bids.push([b, rng.int(20, 1500) * 100]);
    if (a <= OUTCOME_PAYOUT_TICKS - tickTicks) asks.push([a, rng.int(20, 1500) * 100]);
  }
  return { bids, asks };
}

/** The winner, drawn by the final probabilities (a market priced at 70% resolves its way 7 times in 10). */
export function drawWinner(m: SyntheticPredictionMarket, rng: Rng): string {
  let u = rng.next();
  for (let i = 0; i < m.probs.length; i++) {
    u -= m.probs[i]!;
    if (u < 0) return m.meta.outcomes[i]!.outcome;
  }
  return m.meta.outcomes[m.meta.outcomes.length - 1]!.outcome;
}
