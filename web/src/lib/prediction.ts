import type { InstrumentView, PredictionMarketView } from "../api/types.ts";
import { multiplyDecimal, roundDecimal } from "./decimal.ts";

/**
 * Display of prediction markets: an outcome token's price (dollars per share, 0..1) read as
 * cents and as the market's probability, exactly (the price is on a tick of 0.01 to 0.0001, so
 * it is shown to the hundredth of a cent without a float); the time left to a market's end; a
 * position's or trade's token named by its market's question and its outcome.
 */

/** A price in dollars as hundredths of it ("0.615" → "61.5"), trailing zeros dropped; null when unreadable. */
function hundredths(price: string | null | undefined): string | null {
  if (price === null || price === undefined) return null;
  const scaled = multiplyDecimal(price, "100");
  const r = scaled === null ? null : roundDecimal(scaled, 2);
  if (r === null) return null;
  return r.replace(/\.?0+$/, "") || "0";
}

/** "61¢", "61.5¢", "0.05¢"; "—" for an empty side of the book. */
export function cents(price: string | null | undefined): string {
  const h = hundredths(price);
  return h === null ? "—" : `${h}¢`;
}

/** The price as the market's probability: "61%", "61.5%"; "—" for an empty side. */
export function probability(price: string | null | undefined): string {
  const h = hundredths(price);
  return h === null ? "—" : `${h}%`;
}

/** Decimals a price on this tick needs ("0.01" → 2, "0.001" → 3), at least 2. */
export function tickDecimals(tickSize: string): number {
  const frac = tickSize.split(".")[1]?.replace(/0+$/, "") ?? "";
  return Math.max(2, frac.length);
}

/** The time left to `endDate` from `nowMs`: "3d 4h", "2h 05m", "4m 05s", "45s", or "ended". */
export function timeLeft(endDate: string, nowMs: number): string {
  const end = Date.parse(endDate);
  if (!Number.isFinite(end)) return "—";
  const s = Math.floor((end - nowMs) / 1000);
  if (s <= 0) return "ended";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/**
 * Open markets first, as the API orders them (soonest end first); closed and resolved ones after,
 * the most recently ended first (the ones a user just watched end).
 */
export function splitMarkets(markets: readonly PredictionMarketView[]): { open: PredictionMarketView[]; ended: PredictionMarketView[] } {
  const open = markets.filter((m) => m.status === "open");
  const ended = markets.filter((m) => m.status !== "open").sort((a, b) => Date.parse(b.endDate) - Date.parse(a.endDate) || a.conditionId.localeCompare(b.conditionId));
  return { open, ended };
}

/** What a position's or trade's outcome token is, in words: its market's question (when listed) and the outcome. */
export interface OutcomeLabel {
  conditionId: string;
  /** Null when the market is not (or not yet) in the list. */
  question: string | null;
  outcome: string;
  /** The market's winner once resolved. */
  winner: string | null;
}

export function outcomeLabel(instrument: InstrumentView | undefined, markets: readonly PredictionMarketView[] | undefined): OutcomeLabel | null {
  if (!instrument || instrument.kind !== "outcome") return null;
  const market = markets?.find((m) => m.conditionId === instrument.conditionId);
  return { conditionId: instrument.conditionId, question: market?.question ?? null, outcome: instrument.outcome, winner: market?.winner ?? null };
}

/** The rows (positions or trades) of one market's tokens. */
export function rowsOfMarket<T extends { instrument?: InstrumentView }>(rows: readonly T[], conditionId: string): T[] {
  return rows.filter((r) => r.instrument?.kind === "outcome" && r.instrument.conditionId === conditionId);
}

/**
 * Where a refused buy's message belongs in the "Buy shares" form: the API's CLOB refusals about
 * the size or the balance (`invalid_order_min_size`, `invalid_order_not_enough_balance`) and a
 * 400 naming `quantity` go under the quantity, one naming `symbol` under the outcome, the rest above.
 */
export function buyErrorField(status: number, code: string, message: string): "quantity" | "symbol" | "" {
  if (/^invalid_order_(min_size|not_enough_balance)/.test(code) || (status === 400 && /^quantity:/.test(message))) return "quantity";
  if (status === 400 && /^symbol:/.test(message)) return "symbol";
  return "";
}
