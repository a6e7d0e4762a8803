import type { PredictionMarketView, SignalView } from "../api/types.ts";

/**
 * What a stream event changes in an answer already on the page, applied in place (no request):
 * a follow model's decided signal in its pages of signals, a prediction market's new status in
 * the markets list. Pure; null when the answer does not change.
 */

/** The stream's `prediction` event: a market closed, or resolved with its winner. */
export interface PredictionChange {
  action: "closed" | "resolved";
  conditionId: string;
  status: "closed" | "resolved";
  winner?: string;
}

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/**
 * Pages of a model's signals (newest first) with a signal just decided: its row replaced where
 * it is shown; put first when it is newer than every row shown (read after the first page was
 * fetched); otherwise left out (it is older than what is shown, on a page not loaded yet).
 */
export function withSignal(pages: readonly (readonly SignalView[])[], s: SignalView): SignalView[][] | null {
  for (const [i, page] of pages.entries()) {
    const at = page.findIndex((r) => r.id === s.id);
    if (at < 0) continue;
    if (JSON.stringify(page[at]) === JSON.stringify(s)) return null;
    return pages.map((p, j) => (j === i ? p.map((r, k) => (k === at ? s : r)) : [...p]));
  }
  const first = pages[0]?.[0];
  if (pages.length === 0 || (first !== undefined && !newer(s.id, first.id))) return null;
  return pages.map((p, j) => (j === 0 ? [s, ...p] : [...p]));
}

/** The markets list with a market's new status (and winner); null when the market is not listed or already says so. */
export function withPredictionChange(markets: readonly PredictionMarketView[], c: PredictionChange): PredictionMarketView[] | null {
  const wanted = c.conditionId.toLowerCase();
  const at = markets.findIndex((m) => m.conditionId.toLowerCase() === wanted);
  if (at < 0) return null;
  const m = markets[at]!;
  if (m.status === c.status && m.winner === c.winner) return null;
  // A resolved market's books are emptied: its prices are no longer any.
  const outcomes = c.status === "resolved" ? m.outcomes.map((o) => ({ ...o, bid: null, ask: null, mid: null })) : m.outcomes;
  const next: PredictionMarketView = { ...m, status: c.status, outcomes, ...(c.winner !== undefined ? { winner: c.winner } : {}) };
  return markets.map((x, i) => (i === at ? next : x));
}
