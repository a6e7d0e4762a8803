/**
 * Copy trading in words and figures for the mirrors page and the leaderboard: statuses,
 * settings, outcomes and their reasons, and the live execution list. Pure, so each is unit tested.
 */
import type { ExecutionView, MirrorView, OutcomeCounts, Outcome, Reason, Sizing } from "../api/types.ts";
import { num, usd } from "./format.ts";

export { followerSources, mirrorStatus, type FollowerSource, type MirrorStatus } from "./mirror-sources.ts";

/** "proportional", "ratio 0.5×", "fixed $100.00", each with its per-order cap when it has one. */
export function sizingText(s: Sizing): string {
  const base = s.mode === "proportional" ? "proportional" : s.mode === "ratio" ? `ratio ${num(s.ratio, 6)}×` : `fixed ${usd(s.usd)}`;
  return s.maxNotional === undefined ? base : `${base}, at most ${usd(s.maxNotional)} an order`;
}

/** "IOC ±50 bps", "GTT ±50 bps, 60 s TTL": the order type and what bounds it. */
export function orderTypeText(m: Pick<MirrorView, "orderType" | "maxSlippageBps" | "ttlMs">): string {
  const ttl = m.ttlMs !== null && (m.orderType === "GTC" || m.orderType === "GTT") ? `, ${latency(m.ttlMs)} TTL` : "";
  return `${m.orderType} ±${m.maxSlippageBps} bps${ttl}`;
}

/** The outcomes an execution ends with, in the order the page lists them. */
export const OUTCOMES = ["filled", "partial", "skipped", "failed"] as const satisfies readonly Outcome[];

/** Why a signal was not (fully) copied, in plain words: the label and what it means. */
export const REASON_TEXT: Record<Reason, { label: string; help: string }> = {
  signal_too_old: { label: "signal too old", help: "the signal was older than maxSignalAgeMs when it was reached (a follower was down or lagging)" },
  below_min_size: { label: "below minimum size", help: "sized below the venue's lot or the mirror's minNotional" },
  slippage_exceeded: { label: "slippage exceeded", help: "the price moved past the slippage bound from the source's fill" },
  insufficient_capital: { label: "insufficient capital", help: "the follower had too little free margin" },
  symbol_not_allowed: { label: "symbol not allowed", help: "the symbol is not in the mirror's symbols" },
  mirror_paused: { label: "mirror paused", help: "the mirror was paused or deleted when the signal came" },
  risk_rejected: { label: "risk rejected", help: "the follower's own risk limits refused the order" },
  no_follower_position: { label: "no follower position", help: "a close or exit-plan change for a position the follower does not have" },
  venue_error: { label: "venue error", help: "the venue failed the order" },
  expired: { label: "expired", help: "a resting order reached its TTL and the reaper cancelled the rest" },
  market_closed: { label: "market closed", help: "the market took no orders (a prediction market closed or resolved): nothing was sent" },
  market_resolved: {
    label: "market resolved",
    help: "the source's position was redeemed by its market's resolution; the follower's is settled by the same resolution, not by an order (not counted against the fill rate)",
  },
};

const isReason = (r: string): r is Reason => Object.hasOwn(REASON_TEXT, r);

/** A reason code in words, with the check's or the venue's own code: "risk rejected (max_leverage)". */
export function reasonText(reason: string | null, detail: string | null = null): string | null {
  if (reason === null) return null;
  const label = isReason(reason) ? REASON_TEXT[reason].label : reason.replace(/_/g, " ");
  return detail && detail !== reason ? `${label} (${detail})` : label;
}

/** How an execution stands: its outcome once it has one, before that its state ("resting" for an order on the book). */
export function executionStatus(e: Pick<ExecutionView, "outcome" | "state">): string {
  if (e.outcome !== null) return e.outcome;
  return e.state === "working" ? "resting" : e.state === "claimed" ? "sending" : e.state;
}

export type Tone = "good" | "bad" | "warn" | "neutral";

/** Filled is good, failed bad, skipped or partly filled a warning, anything in flight neutral. */
export function outcomeTone(outcome: string | null): Tone {
  return outcome === "filled" ? "good" : outcome === "failed" ? "bad" : outcome === "skipped" || outcome === "partial" ? "warn" : "neutral";
}

/** "open LONG", "close SHORT", "exit plan LONG": what the source did. */
export function actionText(e: Pick<ExecutionView, "action" | "side">): string {
  return `${e.action.replace(/_/g, " ")} ${e.side}`;
}

/** A latency: "0.4 ms", "12 ms", "1.5 s"; "—" when there is none. */
export function latency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Basis points as a number or the API's decimal string: "12.3 bps", signed ("+12.3 bps") when asked. */
export function bps(value: number | string | null | undefined, opts: { signed?: boolean } = {}): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return "—";
  const s = n.toFixed(1);
  const zero = Number(s) === 0;
  return `${opts.signed && n > 0 && !zero ? "+" : ""}${zero ? "0.0" : s} bps`;
}

/** Slippage against the source: paying more is a loss (red), less a gain. */
export function slippageClass(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const n = Number(Number(value).toFixed(1));
  return !Number.isFinite(n) || n === 0 ? "" : n > 0 ? "loss" : "gain";
}

/** Percentage points (a difference of two returns): "+0.12 pp". */
export function pp(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const s = value.toFixed(2);
  return `${value > 0 && Number(s) !== 0 ? "+" : ""}${Number(s) === 0 ? "0.00" : s} pp`;
}

export interface ReasonRow {
  reason: string;
  label: string;
  help: string;
  count: number;
  /** Of all signals in the window, 0..1. */
  share: number;
}

/** The reasons behind what was not copied, most frequent first (ties by name), each with its share of the signals. */
export function reasonBreakdown(c: Pick<OutcomeCounts, "signals" | "byReason">): ReasonRow[] {
  return Object.entries(c.byReason)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({
      reason,
      label: reasonText(reason)!,
      help: isReason(reason) ? REASON_TEXT[reason].help : "",
      count,
      share: c.signals === 0 ? 0 : count / c.signals,
    }));
}

/** "12 signals: 9 filled, 1 partial, 2 skipped" (the outcomes that occurred), or "no signals". */
export function countSummary(c: OutcomeCounts): string {
  if (c.signals === 0) return "no signals";
  const parts = [...OUTCOMES.map((o) => [c[o], o] as const), [c.inFlight, "in flight"] as const].filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return `${c.signals} signal${c.signals === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/** Newest first, as the API lists them: by signal, then by execution id (both numeric strings). */
function newerFirst(a: Pick<ExecutionView, "signalId" | "id">, b: Pick<ExecutionView, "signalId" | "id">): number {
  const big = (x: string) => (/^\d+$/.test(x) ? BigInt(x) : 0n);
  const d = big(b.signalId) - big(a.signalId) || big(b.id) - big(a.id);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/**
 * The list after a streamed execution: its earlier version replaced (or dropped when it no
 * longer matches the outcome filter), newest first, at most `max`. The same list comes back
 * when nothing changes, so a stream of other mirrors' executions renders nothing.
 */
export function upsertExecution(list: readonly ExecutionView[], e: ExecutionView, outcome: Outcome | "", max: number): ExecutionView[] {
  const matches = outcome === "" || e.outcome === outcome;
  const at = list.findIndex((x) => x.id === e.id);
  if (!matches && at === -1) return list as ExecutionView[];
  const rest = at === -1 ? [...list] : [...list.slice(0, at), ...list.slice(at + 1)];
  if (matches) rest.push(e);
  return rest.sort(newerFirst).slice(0, max);
}

/** Whether a stream event's data is an execution of `mirrorId`. */
export function isExecutionOf(data: unknown, mirrorId: string): data is ExecutionView {
  if (data === null || typeof data !== "object") return false;
  const d = data as Record<string, unknown>;
  return d.mirrorId === mirrorId && typeof d.id === "string" && typeof d.signalId === "string";
}
