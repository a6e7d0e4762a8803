/**
 * The report's header: what was run (span, feed, decision interval, execution, LLM mode, hash)
 * and how the run went (updates, cycles, wall time, database share, simulated days per second).
 */
import { describeEntries, MARKET_ENTRIES } from "../../scheduler/entry-orders.js";
import type { BacktestFeedSpec, BacktestResult, ExecutionSpec } from "../types.js";
import { escapeHtml, formatBps, formatCount, formatDate, formatDateTime, formatDuration, formatNumber, formatPercent } from "./format.js";

export function describeFeed(feed: BacktestFeedSpec): string {
  if (feed.kind === "synthetic") return `synthetic, seed ${feed.seed}, a book update every ${formatDuration(feed.intervalMs)}`;
  const files = feed.files.map((f) => `${f.symbol} = ${f.path}`).join(", ");
  return `replay of ${feed.files.length} file${feed.files.length === 1 ? "" : "s"}${files ? `: ${files}` : ""}`;
}

export function describeExecution(e: ExecutionSpec): string {
  const latency = e.latency.minMs === e.latency.maxMs ? `${e.latency.minMs} ms` : `${e.latency.minMs}–${e.latency.maxMs} ms`;
  return `fees maker ${formatBps(e.makerFeeBps)}, taker ${formatBps(e.takerFeeBps)} · slippage +${formatBps(e.extraSlippageBps)} · latency ${latency} · ${describeEntries(e.entries ?? MARKET_ENTRIES)}`;
}

const LLM_MODES: Record<BacktestResult["llm"], string> = {
  off: "off (rule models only)",
  record: "record (live calls, answers recorded)",
  replay: "replay (recorded answers)",
};

const fact = (term: string, html: string) => `<div><dt>${term}</dt><dd>${html}</dd></div>`;
const stat = (term: string, text: string) => `<div><dt>${term}</dt><dd>${escapeHtml(text)}</dd></div>`;

/** The span as UTC dates, with the times when the run does not start and end on midnight. */
function describeSpan(from: number, to: number): string {
  const midnight = from % 86_400_000 === 0 && to % 86_400_000 === 0;
  const show = midnight ? formatDate : formatDateTime;
  return `${show(from)} → ${show(to)} UTC (${formatDuration(to - from)})`;
}

export function renderHeader(result: BacktestResult): string {
  const s = result.stats;
  const title = result.baseline ? "Backtest report: what-if run" : "Backtest report";
  const models = `${result.models.length} model${result.models.length === 1 ? "" : "s"}`;
  const symbols = result.symbols.length ? ` on ${result.symbols.map(escapeHtml).join(", ")}` : "";
  return (
    `<header><h1>${title}</h1><p class="sub">${escapeHtml(describeSpan(result.from, result.to))} · ${models}${symbols}</p>` +
    '<dl class="facts">' +
    fact("Feed", escapeHtml(describeFeed(result.feed))) +
    fact("Decision interval", escapeHtml(formatDuration(result.intervalMs))) +
    fact("Execution", escapeHtml(describeExecution(result.execution))) +
    fact("LLM mode", escapeHtml(LLM_MODES[result.llm] ?? result.llm)) +
    fact("Simulator seed", escapeHtml(String(result.seed))) +
    fact("Run hash", `<code>${escapeHtml(result.hash)}</code>`) +
    (result.baseline ? fact("Compared with", `baseline (${escapeHtml(result.baseline.label)}), <a href="#what-if">below</a>`) : "") +
    '</dl><dl class="stats">' +
    stat("Book updates", formatCount(s.updates)) +
    stat("Decision cycles", formatCount(s.cycles)) +
    stat("Wall time", formatDuration(s.wallMs)) +
    stat("Database share", `${formatPercent(s.databaseShare, 1)} (${formatDuration(s.databaseMs)})`) +
    stat("Simulated days / s", formatNumber(s.simulatedDaysPerSecond, s.simulatedDaysPerSecond < 10 ? 2 : 1)) +
    "</dl></header>"
  );
}
