/**
 * The report's tables: every model's metrics in one table, and each model's trades (and the
 * positions still open at the end). Rows carry data attributes (`data-model`, `data-trades`) so a
 * reader, a test or the hover script can find them.
 */
import { annualisable } from "../../core/metrics.js";
import type { BacktestModelResult, BacktestTrade } from "../types.js";
import { colourClass } from "./svg-chart.js";
import { escapeHtml, formatCloseTime, formatCount, formatDateTime, formatMoney, formatNumber, formatPercent, formatQuantity, moneyHtml, NONE } from "./format.js";

/** "pos" or "neg" by the sign of a decimal string or a number (nothing for zero or missing). */
export function signClass(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return value > 0 ? "pos" : value < 0 ? "neg" : "";
  if (!/[1-9]/.test(value)) return "";
  return value.trim().startsWith("-") ? "neg" : "pos";
}

const cell = (text: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</td>`;
const moneyCell = (text: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${moneyHtml(text)}</td>`;

export function modelLabel(name: string, colour: number): string {
  return `<i class="sw ${colourClass(colour)}"></i>${escapeHtml(name)}`;
}

const METRIC_HEADS = ["Model", "Strategy", "Return", "Sharpe", "Sortino", "Calmar", "Max drawdown", "Win rate", "Profit factor", "Expectancy", "Trades", "Fees", "Funding", "Exposure", "Final equity"];

/** Every model's figures; `span` (the run's) says when the annualised ratios are left out for a run too short to annualise. */
export function renderMetricsTable(models: readonly BacktestModelResult[], span?: { from: number; to: number }): string {
  const rows = models.map((m, i) => {
    const x = m.metrics;
    return (
      `<tr data-model="${escapeHtml(m.name)}"><td>${modelLabel(m.name, i)}</td>` +
      cell(`${m.strategy}${m.kind === "llm" ? " (LLM)" : ""}`) +
      cell(formatPercent(x.returnPct, 2, true), signClass(x.returnPct)) +
      cell(formatNumber(x.sharpe)) +
      cell(formatNumber(x.sortino)) +
      cell(formatNumber(x.calmar)) +
      cell(formatPercent(x.maxDrawdown)) +
      cell(formatPercent(x.winRate, 1)) +
      cell(formatNumber(x.profitFactor)) +
      moneyCell(formatMoney(x.expectancy, true), signClass(x.expectancy)) +
      cell(formatCount(x.trades)) +
      moneyCell(formatMoney(x.fees)) +
      // Received positive, paid negative; a result from before funding shows "—".
      moneyCell(formatMoney(x.funding ?? null, true), signClass(x.funding ?? null)) +
      cell(formatPercent(x.exposure, 1)) +
      moneyCell(formatMoney(x.finalEquity)) +
      "</tr>"
    );
  });
  const head = METRIC_HEADS.map((h) => `<th>${h}</th>`).join("");
  // The dashes of a short run are not missing data: say why (core/metrics.ts, MIN_SPAN_FOR_RATIOS_MS).
  const short =
    span && !annualisable(span.from, span.to)
      ? `<p class="note" data-ratios="too-short">Sharpe, Sortino and Calmar are annualised: from a run of less than six days they would be noise, so they show ${NONE}.</p>`
      : "";
  return `<div class="tw"><table class="metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>${short}`;
}

const TRADE_HEADS = ["Symbol", "Side", "Quantity", "Entry", "Exit", "Opened (UTC)", "Closed", "P&amp;L", "Fees", "Funding", "Trigger"];

/**
 * One row per trade, kept compact (cells not closed, which HTML allows): a run may have thousands.
 * The close time shows the time of day alone when the trade closed on the day it opened.
 */
function tradeRow(t: BacktestTrade): string {
  const pnl = signClass(t.realizedPnl);
  const funding = signClass(t.funding ?? null);
  return (
    `<tr><td>${escapeHtml(t.symbol)}<td>${t.side === "LONG" ? "long" : "short"}<td>${escapeHtml(formatQuantity(t.quantity))}<td>${escapeHtml(formatQuantity(t.entryPrice))}` +
    `<td>${escapeHtml(formatQuantity(t.exitPrice))}<td>${formatDateTime(t.openedAt)}<td>${formatCloseTime(t.closedAt, t.openedAt)}` +
    `<td${pnl ? ` class="${pnl}"` : ""}>${escapeHtml(formatMoney(t.realizedPnl, true))}<td>${escapeHtml(formatMoney(t.fees))}` +
    `<td${funding ? ` class="${funding}"` : ""}>${escapeHtml(formatMoney(t.funding ?? null, true))}<td>${escapeHtml(t.closeTrigger ?? NONE)}</tr>`
  );
}

function openPositions(m: BacktestModelResult): string {
  if (m.openPositions.length === 0) return "";
  const rows = m.openPositions.map(
    (p) =>
      `<tr><td>${escapeHtml(p.symbol)}<td>${p.side === "LONG" ? "long" : "short"}<td>${escapeHtml(formatQuantity(p.quantity))}<td>${escapeHtml(formatQuantity(p.entryPrice))}<td>${formatDateTime(p.openedAt)}<td>${escapeHtml(formatMoney(p.funding ?? null, true))}</tr>`,
  );
  const head = ["Symbol", "Side", "Quantity", "Entry", "Opened (UTC)", "Funding"].map((h) => `<th>${h}</th>`).join("");
  return `<p class="note">Still open at the end (marked to the last mid, not closed):</p><div class="tw"><table class="open"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

/** Trade lists longer than this start folded, so the page opens on the charts, not on thousands of rows. */
const OPEN_UP_TO = 40;

export function renderTradeTables(models: readonly BacktestModelResult[]): string {
  return models
    .map((m, i) => {
      const x = m.metrics;
      const runs = `${formatCount(m.runs.total)} decision${m.runs.total === 1 ? "" : "s"}${m.runs.failed ? `, ${formatCount(m.runs.failed)} failed` : ""}`;
      const summary = `${modelLabel(m.name, i)} <span class="note">${formatCount(m.trades.length)} trade${m.trades.length === 1 ? "" : "s"} · final equity ${escapeHtml(formatMoney(x.finalEquity))} (${formatPercent(x.returnPct, 2, true)}) · ${runs}</span>`;
      const table = m.trades.length
        ? `<div class="tw"><table class="trades" data-trades="${i}" data-name="${escapeHtml(m.name)}"><thead><tr>${TRADE_HEADS.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${m.trades.map(tradeRow).join("")}</tbody></table></div>`
        : '<p class="note">No trades.</p>';
      return `<details${m.trades.length <= OPEN_UP_TO ? " open" : ""}><summary>${summary}</summary>${table}${openPositions(m)}</details>`;
    })
    .join("");
}
