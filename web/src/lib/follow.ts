import type { ModelView, SignalSummaryView, SignalView } from "../api/types.ts";
import { multiplyDecimal, subtractDecimal } from "./decimal.ts";
import { cents } from "./prediction.ts";

/**
 * Follow models (FT: paper strategies copying Polymarket wallets) in words: each skip reason the
 * engine records as a sentence, a model's signals counted by decision and reason, the slippage
 * of a copy against the trader's price in cents (exact: decimal strings, never a float), and a
 * model's sizing and filters as a reader would say them.
 */

export type FollowSettings = NonNullable<ModelView["follow"]>;
export type FollowSizing = FollowSettings["sizing"];
export type FollowFilters = FollowSettings["filters"];

/** Every skip reason the follow engine records (README, "Follow models"), as a short sentence. */
const REASONS: Record<string, string> = {
  signal_too_old: "Seen too long after the trade (older than the maximum signal age).",
  unknown_market: "The market is not one this server knows.",
  market_closed: "The market had closed or resolved.",
  price_out_of_range: "The trader's price was outside the price filter.",
  below_min_trade: "The trade was smaller than the minimum trade in dollars.",
  category_filtered: "The market's category is not among the chosen ones.",
  keyword_filtered: "The market's question has none of the keywords.",
  resolves_too_soon: "The market resolves sooner than the minimum hours to its end.",
  resolves_too_late: "The market resolves later than the maximum hours to its end.",
  trader_record_unavailable: "The trader's record could not be read.",
  trader_record_too_short: "The trader has too few resolved markets.",
  trader_win_rate_too_low: "The trader's win rate is below the minimum.",
  no_edge: "Kelly sizing found no edge at this price.",
  insufficient_capital: "Not enough cash left in the account.",
  below_min_size: "The bet was below the market's minimum size.",
  no_follower_position: "A sell of a token the model does not hold.",
  slippage_exceeded: "Nothing on the book within the maximum slippage.",
};

/** A skip reason in words; `risk_rejected:<check>` names the risk check; an unlisted code is shown as the code. */
export function reasonText(reason: string | undefined): string {
  if (!reason) return "";
  const known = REASONS[reason];
  if (known) return known;
  const risk = /^risk_rejected:(?:risk_)?(.+)$/.exec(reason);
  if (risk) return `Refused by the risk check ${risk[1]!.replace(/_/g, " ")}.`;
  return `Refused: ${reason}.`;
}

/** The reasons with a sentence (for tests and for a legend). */
export const KNOWN_REASONS: readonly string[] = Object.keys(REASONS);

export interface SignalCounts {
  total: number;
  copied: number;
  skipped: number;
  pending: number;
  /** Skips by reason, most frequent first (ties by reason name). */
  byReason: Array<{ reason: string; count: number }>;
  /** Copied out of decided (copied + skipped; pending ones are not decided yet); null before any decision. */
  copyRate: { copied: number; decided: number } | null;
  /** Signals indexed by the Data API after later trades (known from the API's summary). */
  late?: number;
}

/** Counts signals by decision and skips by reason. */
export function countSignals(signals: readonly SignalView[]): SignalCounts {
  let copied = 0;
  let skipped = 0;
  let pending = 0;
  const reasons = new Map<string, number>();
  for (const s of signals) {
    if (s.decision === "copied") copied++;
    else if (s.decision === "pending") pending++;
    else {
      skipped++;
      const r = s.reason ?? "unknown";
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
  }
  const byReason = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const decided = copied + skipped;
  return { total: signals.length, copied, skipped, pending, byReason, copyRate: decided === 0 ? null : { copied, decided } };
}

/** Every signal of a model as the API counts them (GET /api/models/:id/signals/summary), in the shape countSignals gives. */
export function summaryCounts(s: SignalSummaryView): SignalCounts {
  const byReason = Object.entries(s.byReason)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const decided = s.copied + s.skipped;
  return { total: decided + s.pending, copied: s.copied, skipped: s.skipped, pending: s.pending, byReason, copyRate: decided === 0 ? null : { copied: s.copied, decided }, late: s.late };
}

/** The copy rate as "67%" (rounded half up to a whole percent, in integers); "—" before any decision. */
export function copyRateText(rate: SignalCounts["copyRate"]): string {
  if (!rate) return "—";
  return `${Math.floor((rate.copied * 200 + rate.decided) / (rate.decided * 2))}%`;
}

/**
 * What the copy cost beyond the trader's price, in cents a share: positive when worse for us (a
 * buy filled above the trader's price, a sell below it). Null without a fill price.
 */
export function slippageCents(side: "BUY" | "SELL", traderPrice: string, fillPrice: string | undefined): string | null {
  if (fillPrice === undefined) return null;
  const diff = side === "BUY" ? subtractDecimal(fillPrice, traderPrice) : subtractDecimal(traderPrice, fillPrice);
  return diff === null ? null : multiplyDecimal(diff, "100");
}

/** "+1.5¢", "-0.5¢", "0¢"; "—" when unknown. */
export function slippageText(c: string | null): string {
  if (c === null) return "—";
  const trimmed = c.includes(".") ? c.replace(/\.?0+$/, "") : c;
  const zero = /^-?0$/.test(trimmed);
  return `${zero ? "0" : trimmed.startsWith("-") ? trimmed : `+${trimmed}`}¢`;
}

/** The delay from the trade to when the model saw it: "850 ms", "4.2 s", "3m 05s", "2h 10m". */
export function delayText(tradedAt: string, seenAt: string): string {
  const ms = Date.parse(seenAt) - Date.parse(tradedAt);
  if (!Number.isFinite(ms)) return "—";
  const neg = ms < 0;
  const a = Math.abs(ms);
  const body =
    a < 1000
      ? `${a} ms`
      : a < 60_000
        ? `${(Math.floor(a / 100) / 10).toFixed(1)} s`
        : a < 3_600_000
          ? `${Math.floor(a / 60_000)}m ${String(Math.floor((a % 60_000) / 1000)).padStart(2, "0")}s`
          : `${Math.floor(a / 3_600_000)}h ${String(Math.floor((a % 3_600_000) / 60_000)).padStart(2, "0")}m`;
  return neg ? `-${body}` : body;
}

/** "0x1234…abcd". */
export function shortAddress(wallet: string): string {
  return wallet.length > 12 ? `${wallet.slice(0, 6)}…${wallet.slice(-4)}` : wallet;
}

const bets = (s: { minBet?: string; maxBet?: string }) => [s.minBet !== undefined ? `at least $${s.minBet}` : null, s.maxBet !== undefined ? `at most $${s.maxBet}` : null].filter(Boolean).join(", ");

/** "$10 a trade", "0.1 × the trader's dollars", "0.25 × Kelly on the trader's win rate", with the bet bounds. */
export function sizingText(s: FollowSizing): string {
  const base = s.mode === "fixed" ? `$${s.usd} a trade` : s.mode === "proportional" ? `${s.ratio} × the trader's dollars` : `${s.fraction} × Kelly on the trader's win rate`;
  const b = bets(s);
  return b ? `${base} (${b})` : base;
}

/** Each filter as a phrase; an empty list when it copies everything. */
export function filterPhrases(f: FollowFilters): string[] {
  const out: string[] = [];
  if (f.priceMin !== undefined && f.priceMax !== undefined) out.push(`price ${cents(f.priceMin)}–${cents(f.priceMax)}`);
  else if (f.priceMin !== undefined) out.push(`price ≥ ${cents(f.priceMin)}`);
  else if (f.priceMax !== undefined) out.push(`price ≤ ${cents(f.priceMax)}`);
  if (f.minTradeUsd !== undefined) out.push(`trades of $${f.minTradeUsd} or more`);
  if (f.categories?.length) out.push(`categories: ${f.categories.join(", ")}`);
  if (f.keywords?.length) out.push(`keywords: ${f.keywords.join(", ")}`);
  if (f.minHoursToEnd !== undefined && f.maxHoursToEnd !== undefined) out.push(`ends in ${f.minHoursToEnd}–${f.maxHoursToEnd} h`);
  else if (f.minHoursToEnd !== undefined) out.push(`ends in ≥ ${f.minHoursToEnd} h`);
  else if (f.maxHoursToEnd !== undefined) out.push(`ends in ≤ ${f.maxHoursToEnd} h`);
  if (f.minTraderResolved !== undefined) out.push(`trader with ≥ ${f.minTraderResolved} resolved markets`);
  if (f.minTraderWinRate !== undefined) out.push(`trader win rate ≥ ${Math.round(f.minTraderWinRate * 1000) / 10}%`);
  return out;
}

/** The filters in one line. */
export function filtersText(f: FollowFilters): string {
  const p = filterPhrases(f);
  return p.length === 0 ? "no filters: every trade" : p.join(" · ");
}

/** "5 min", "30 s", "1.5 h". */
export function signalAgeText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
