import { formatUsd } from "../../core/money.js";

/**
 * A variant's entry policy: rules the tools enforce on every entry of a model running that
 * variant, so what its philosophy promises (a probability gate, Kelly sizing, a leverage cap, a
 * time exit) holds whatever the model writes. Pure: exact integers in (ticks, lots,
 * micro-dollars), a verdict out; the tool layer reads the account and the book and acts on it.
 */

export interface EntryPolicy {
  /** Entries whose confidence (the model's win probability, 0-100) is below this are refused. */
  minConfidence?: number;
  /**
   * Kelly sizing: an entry may risk (entry to stop x quantity) at most `fraction` of the Kelly
   * fraction of equity, and never more than `maxRiskPct` % of equity; a larger quantity is
   * reduced to that size, and an entry without an edge is refused.
   */
  kelly?: { fraction: number; maxRiskPct: number };
  /** Highest leverage of an entry (the account's risk limits and the market's maximum still apply). */
  maxLeverage?: number;
  /** Minutes to the time exit of an entry that sets none. */
  timeExitMinutes?: number;
}

/** Why an entry was refused: a snake_case code and a sentence the model can act on. */
export interface PolicyRefusal {
  code: string;
  message: string;
}

/** One entry as the policy sees it. */
export interface PolicedEntry {
  symbol: string;
  side: "LONG" | "SHORT";
  confidence: number;
  leverage: number;
  /** The quantity asked for, in lots. */
  lots: number;
  /** The price the entry is expected to fill at (the ask for a long, the bid for a short), in ticks; undefined without a book. */
  entryTicks: number | undefined;
  /** The stop and target that will apply (the request's, else the open position's), in ticks. */
  stopTicks: number | null;
  targetTicks: number | null;
  equity: bigint;
  /** Micro-dollars the whole entry loses per tick of price, per lot (notional of 1 tick x 1 lot). */
  microPerTickLot: bigint;
  minLots: number;
}

export interface KellySizing {
  /** Probability in basis points of one (6000 = 60%). */
  probabilityBps: number;
  /** The Kelly fraction of equity, in basis points (may be above the cap). */
  kellyBps: bigint;
  /** What the entry may lose at its stop, micro-dollars: min(fraction x Kelly, cap) x equity. */
  riskBudget: bigint;
  /** The largest quantity within the budget, in lots. */
  maxLots: number;
  /** The quantity that goes out: the request's, or maxLots when it asked for more. */
  lots: number;
}

export type PolicyVerdict = { ok: true; lots: number; kelly: KellySizing | null } | { ok: false; refusal: PolicyRefusal };

const refuse = (code: string, message: string): PolicyVerdict => ({ ok: false, refusal: { code, message } });

/** A number with at most 2 decimals in hundredths (0.25 -> 25n); the policy constants are written that way. */
function hundredths(v: number): bigint {
  return BigInt(Math.round(v * 100));
}

/**
 * Checks an entry against the policy and sizes it. The Kelly fraction of a bet that wins
 * `reward` with probability p and loses `risk` otherwise is f* = p - (1 - p) x risk / reward;
 * the budget is min(fraction x f*, maxRiskPct %) of equity, and the quantity is the most lots
 * whose loss at the stop (lots x stop distance) fits in it. All in integers, rounded down.
 */
export function checkEntry(policy: EntryPolicy, e: PolicedEntry, variant: string): PolicyVerdict {
  if (policy.minConfidence !== undefined && e.confidence < policy.minConfidence) {
    return refuse(
      "confidence_below_threshold",
      `${variant} enters only with a confidence (win probability) of at least ${policy.minConfidence}; ${e.symbol} came with ${e.confidence}: hold it, or enter when the odds are better`,
    );
  }
  if (policy.maxLeverage !== undefined && e.leverage > policy.maxLeverage) {
    return refuse("variant_max_leverage", `${variant} uses leverage up to ${policy.maxLeverage}; ${e.symbol} asked for ${e.leverage}`);
  }
  if (!policy.kelly) return { ok: true, lots: e.lots, kelly: null };

  if (e.stopTicks === null || e.targetTicks === null) {
    return refuse("kelly_needs_stop_and_target", `${variant} sizes every entry by Kelly from its stop and target: ${e.symbol} needs both a stopLoss and a profitTarget`);
  }
  if (e.entryTicks === undefined) return refuse("no_price", `${e.symbol} has no price yet to size the entry from`);
  const long = e.side === "LONG";
  const risk = BigInt(long ? e.entryTicks - e.stopTicks : e.stopTicks - e.entryTicks);
  const reward = BigInt(long ? e.targetTicks - e.entryTicks : e.entryTicks - e.targetTicks);
  // A stop or target on the wrong side is the trading service's refusal (it names the price); no sizing to do here.
  if (risk <= 0n || reward <= 0n) return { ok: true, lots: e.lots, kelly: null };

  const p = BigInt(Math.round(e.confidence * 100)); // basis points of one
  const edge = p * reward - (10_000n - p) * risk; // f* = edge / (10,000 x reward)
  if (edge <= 0n) {
    return refuse(
      "no_edge",
      `${variant} trades only with an edge: at a win probability of ${e.confidence}% the ${e.symbol} reward of ${reward} ticks against a risk of ${risk} ticks gives a Kelly fraction of 0 or less; widen the target, tighten the stop, or hold`,
    );
  }
  const kellyBps = edge / reward;
  // fraction x f* x equity = fraction_hundredths / 100 x edge / (10,000 x reward) x equity
  const kellyBudget = (hundredths(policy.kelly.fraction) * edge * e.equity) / (100n * 10_000n * reward);
  const capBudget = (hundredths(policy.kelly.maxRiskPct) * e.equity) / 10_000n;
  const riskBudget = kellyBudget < capBudget ? kellyBudget : capBudget;
  const perLot = risk * e.microPerTickLot;
  const maxLots = riskBudget <= 0n ? 0 : Number(riskBudget / perLot);
  if (maxLots < e.minLots) {
    return refuse(
      "kelly_size_below_minimum",
      `${variant}'s Kelly size for ${e.symbol} allows a loss of at most $${formatUsd(riskBudget)} at the stop, less than the market's minimum quantity would lose there; tighten the stop or hold`,
    );
  }
  const lots = Math.min(e.lots, maxLots);
  return { ok: true, lots, kelly: { probabilityBps: Number(p), kellyBps, riskBudget, maxLots, lots } };
}
