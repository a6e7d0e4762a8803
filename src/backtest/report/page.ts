/**
 * The backtest report: one self-contained HTML page (inline CSS, inline SVG charts drawn here, an
 * optional hover script), opened offline. Pure: the same result gives the same bytes.
 */
import type { BacktestResult } from "../types.js";
import { renderComparison } from "./comparison.js";
import { reportFigures, type ReportFigures } from "./figures.js";
import { escapeHtml, formatDate } from "./format.js";
import { renderHeader } from "./header.js";
import { CSS, MARKER_DEFS, SCRIPT } from "./style.js";
import { renderChart } from "./svg-chart.js";
import { renderMetricsTable, renderTradeTables } from "./tables.js";

/** The initial capital every model shares, drawn as a reference line; none when they differ. */
function sharedCapital(result: BacktestResult): number | undefined {
  const capitals = new Set(result.models.map((m) => m.metrics.initialCapital));
  if (capitals.size !== 1) return undefined;
  const value = Number([...capitals][0]);
  return Number.isFinite(value) ? value : undefined;
}

function performance(result: BacktestResult, figures: ReportFigures): string {
  const legend = result.models.map((m, i) => ({ colour: i, label: m.name }));
  const capital = sharedCapital(result);
  const equity = renderChart({
    label: "Equity of every model",
    unit: "usd",
    span: figures.span,
    series: figures.equity.map((c) => ({ colour: c.model, label: c.name, points: c.points })),
    reference: capital,
    legend,
  });
  const drawdown = renderChart({
    label: "Drawdown of every model, percent below its running peak",
    unit: "percent",
    span: figures.span,
    size: "small",
    topAtZero: true,
    series: figures.drawdown.map((c) => ({ colour: c.model, label: c.name, points: c.points })),
  });
  return (
    `<section><h2>Equity</h2><p class="note">Dollars, every model${capital === undefined ? "" : "; the dotted line is the initial capital"}.</p>` +
    equity +
    '<h3>Drawdown</h3><p class="note">Percent below each model’s running peak.</p>' +
    drawdown +
    "</section>"
  );
}

function symbolSection(result: BacktestResult, figures: ReportFigures): string {
  const charts = figures.symbols.map((s) => {
    const traders = [...new Set(s.trades.map((t) => t.model))];
    const chart = renderChart({
      label: `${s.symbol} mid price with every trade's entry and exit`,
      unit: "price",
      span: figures.span,
      series: [],
      backdrop: s.prices,
      backdropLabel: `${s.symbol} mid`,
      trades: s.trades,
      legend: [{ colour: "muted", label: `${s.symbol} mid` }, ...traders.map((i) => ({ colour: i, label: result.models[i]!.name }))],
    });
    const count = s.trades.length;
    return `<div data-symbol="${escapeHtml(s.symbol)}"><h3>${escapeHtml(s.symbol)} <span class="note">${count} trade${count === 1 ? "" : "s"}</span></h3>${chart}</div>`;
  });
  return `<section><h2>Prices and trades</h2>${charts.join("")}</section>`;
}

export function renderReport(result: BacktestResult): string {
  const figures = reportFigures(result);
  const baseline = result.baseline?.result;
  const span = baseline ? { from: Math.min(figures.span.from, baseline.from), to: Math.max(figures.span.to, baseline.to) } : figures.span;
  const title = `Backtest ${formatDate(result.from)} → ${formatDate(result.to)} · ${result.hash.slice(0, 12)}`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>${MARKER_DEFS}<main>` +
    renderHeader(result) +
    `<section><h2>Metrics</h2>${renderMetricsTable(result.models, { from: result.from, to: result.to })}</section>` +
    performance(result, figures) +
    (figures.comparison ? renderComparison(result, figures.comparison, span) : "") +
    symbolSection(result, figures) +
    `<section><h2>Trades</h2>${renderTradeTables(result.models)}</section>` +
    `</main><script>${SCRIPT}</script></body></html>`
  );
}
