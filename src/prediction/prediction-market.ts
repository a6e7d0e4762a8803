import { parseScaled } from "../core/decimal.js";
import { OUTCOME_PRICE_DECIMALS, OUTCOME_SIZE_DECIMALS, tickSizeTicks, type OutcomeTickSize } from "../core/instrument.js";
import type { MarketSpec } from "../core/market.js";

/**
 * A prediction market (a Polymarket condition): a question with two or more outcomes, each an
 * outcome token traded on its own book. Pure data and the rules that follow from it.
 */
export type PredictionStatus = "open" | "closed" | "resolved";

export interface PredictionOutcome {
  readonly outcome: string;
  readonly tokenId: string;
  /** The token's market symbol here (readable, unique): its market's slug and the outcome. */
  readonly symbol: string;
}

export interface PredictionMarket {
  readonly conditionId: string;
  readonly question: string;
  readonly slug: string;
  status: PredictionStatus;
  /** The winning outcome, once resolved. */
  winner?: string;
  /** When the question is decided (epoch ms). */
  readonly endDate: number;
  tickSize: OutcomeTickSize;
  /** Minimum order size in shares (decimal string). */
  readonly minOrderSize: string;
  readonly negRisk: boolean;
  readonly category?: string;
  readonly outcomes: readonly PredictionOutcome[];
  /** Where the market came from: the synthetic feed, a replay file, Polymarket. */
  readonly source: "synthetic" | "replay" | "polymarket";
}

/** Input for a market before its tokens have symbols. */
export type PredictionMarketInput = Omit<PredictionMarket, "outcomes"> & { outcomes: ReadonlyArray<{ outcome: string; tokenId: string }> };

const SLUG_MAX = 56;
const OUTCOME_MAX = 20;

function symbolPart(text: string, max: number): string {
  const s = text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return s.length > 0 ? s : "X";
}

/**
 * The readable symbol of one outcome token: slug and outcome, e.g. `BTC-UPDOWN-5M-1781481600-UP`.
 * `taken` says whether a symbol is already another token's; a clash gets the token id's tail.
 */
export function outcomeSymbol(slug: string, outcome: string, tokenId: string, taken: (symbol: string) => boolean): string {
  const base = `${symbolPart(slug, SLUG_MAX)}-${symbolPart(outcome, OUTCOME_MAX)}`;
  if (!taken(base)) return base;
  return `${base}-${symbolPart(tokenId.slice(-6), 6)}`;
}

/** Why an input cannot be a market, or null. */
export function predictionMarketProblem(m: PredictionMarketInput): string | null {
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(m.conditionId)) return `conditionId "${m.conditionId}" must be 0x followed by hex digits`;
  if (m.outcomes.length < 2) return `market ${m.conditionId} needs at least two outcomes`;
  if (new Set(m.outcomes.map((o) => o.outcome)).size !== m.outcomes.length) return `market ${m.conditionId} names an outcome twice`;
  if (new Set(m.outcomes.map((o) => o.tokenId)).size !== m.outcomes.length) return `market ${m.conditionId} lists a token twice`;
  if (m.outcomes.some((o) => !/^[0-9]{1,80}$/.test(o.tokenId))) return `market ${m.conditionId}: token ids are decimal numbers`;
  if (tickSizeTicks(m.tickSize) === undefined) return `market ${m.conditionId}: tick size ${m.tickSize} is not one Polymarket uses`;
  try {
    if (parseScaled(m.minOrderSize, OUTCOME_SIZE_DECIMALS, "exact") <= 0n) return `market ${m.conditionId}: minOrderSize must be positive`;
  } catch {
    return `market ${m.conditionId}: minOrderSize "${m.minOrderSize}" must be a decimal with at most ${OUTCOME_SIZE_DECIMALS} decimals`;
  }
  if (m.status === "resolved" && (m.winner === undefined || !m.outcomes.some((o) => o.outcome === m.winner))) return `market ${m.conditionId} is resolved without a winner among its outcomes`;
  return null;
}

/** The market specs of a market's outcome tokens (one per outcome), as the book, the simulator and the trading service use them. */
export function outcomeSpecs(m: PredictionMarket): MarketSpec[] {
  const tickTicks = tickSizeTicks(m.tickSize)!;
  const minLots = Number(parseScaled(m.minOrderSize, OUTCOME_SIZE_DECIMALS, "exact"));
  return m.outcomes.map((o) => ({
    symbol: o.symbol,
    marketId: -1,
    sizeDecimals: OUTCOME_SIZE_DECIMALS,
    priceDecimals: OUTCOME_PRICE_DECIMALS,
    minBaseLots: minLots,
    minNotional: 0n,
    maxLeverage: 1,
    // A share is paid in full: nothing to maintain, nothing to liquidate.
    maintenanceMarginBps: 0,
    instrument: { kind: "outcome", conditionId: m.conditionId, tokenId: o.tokenId, outcome: o.outcome, tickTicks, accepting: m.status === "open" },
  }));
}
