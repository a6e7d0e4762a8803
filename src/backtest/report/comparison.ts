/**
 * A what-if run beside its baseline (the same decisions, other execution): both runs' settings,
 * each model's key metrics in both runs with the difference (what-if minus baseline), and each
 * model's two equity curves on one chart, the baseline dashed.
 */
import type { BacktestModelResult, BacktestResult } from "../types.js";
import type { ModelComparison } from "./figures.js";
import { describeExecution } from "./header.js";
import { renderChart } from "./svg-chart.js";
import { modelLabel, signClass } from "./tables.js";
import { escapeHtml, formatCount, formatMoney, formatPercent, formatPoints, moneyHtml, NONE } from "./format.js";

interface MetricRow {
  key: string;
  label: string;
  show: (m: BacktestModelResult) => string;
  diff: (c: ModelComparison) => string;
  /** Whether a rise is good (green), bad (red) or neither. */
  rise: "good" | "bad" | "neutral";
  sign: (c: ModelComparison) => number | string | null;
}

const ROWS: MetricRow[] = [
  { key: "return", label: "Return", show: (m) => formatPercent(m.metrics.returnPct, 2, true), diff: (c) => formatPoints(c.returnDiff), rise: "good", sign: (c) => c.returnDiff },
  {
    key: "trades",
    label: "Trades",
    show: (m) => formatCount(m.metrics.trades),
    diff: (c) => (c.tradesDiff === null ? NONE : formatCount(c.tradesDiff, true)),
    rise: "neutral",
    sign: (c) => c.tradesDiff,
  },
  { key: "fees", label: "Fees", show: (m) => formatMoney(m.metrics.fees), diff: (c) => formatMoney(c.feesDiff, true), rise: "bad", sign: (c) => c.feesDiff },
  {
    key: "funding",
    label: "Funding",
    show: (m) => formatMoney(m.metrics.funding ?? null, true),
    diff: (c) => formatMoney(c.fundingDiff, true),
    rise: "good",
    sign: (c) => c.fundingDiff,
  },
  { key: "final-equity", label: "Final equity", show: (m) => formatMoney(m.metrics.finalEquity), diff: (c) => formatMoney(c.finalEquityDiff, true), rise: "good", sign: (c) => c.finalEquityDiff },
  { key: "max-drawdown", label: "Max drawdown", show: (m) => formatPercent(m.metrics.maxDrawdown), diff: (c) => formatPoints(c.maxDrawdownDiff), rise: "bad", sign: (c) => c.maxDrawdownDiff },
];

function diffClass(row: MetricRow, c: ModelComparison): string {
  const cls = signClass(row.sign(c));
  if (row.rise === "neutral" || !cls) return "";
  return row.rise === "good" ? cls : cls === "pos" ? "neg" : "pos";
}

/** Each cell's text is a formatted figure; only money has digits past the second decimal, which moneyHtml sets smaller. */
function modelRows(c: ModelComparison): string {
  const rows = ROWS.map((row) => {
    const cls = diffClass(row, c);
    return (
      `<tr data-metric="${row.key}"><td>${row.label}</td>` +
      `<td>${moneyHtml(c.baseline ? row.show(c.baseline) : NONE)}</td><td>${moneyHtml(c.whatIf ? row.show(c.whatIf) : NONE)}</td>` +
      `<td${cls ? ` class="${cls}"` : ""}>${moneyHtml(row.diff(c))}</td></tr>`
    );
  });
  return `<tbody data-model="${escapeHtml(c.name)}"><tr class="mh"><th colspan="4">${modelLabel(c.name, c.model)}</th></tr>${rows.join("")}</tbody>`;
}

export function renderComparison(result: BacktestResult, comparison: readonly ModelComparison[], span: { from: number; to: number }): string {
  const baseline = result.baseline;
  if (!baseline) return "";
  const baseName = `baseline (${baseline.label})`;
  const runs =
    '<div class="tw fit"><table class="cmp runs"><thead><tr><th>Run</th><th>Execution</th><th>Hash</th></tr></thead><tbody>' +
    `<tr><td>${escapeHtml(baseName)}</td><td class="l">${escapeHtml(describeExecution(baseline.result.execution))}</td><td class="l"><code>${escapeHtml(baseline.result.hash.slice(0, 16))}…</code></td></tr>` +
    `<tr><td>what-if</td><td class="l">${escapeHtml(describeExecution(result.execution))}</td><td class="l"><code>${escapeHtml(result.hash.slice(0, 16))}…</code></td></tr>` +
    "</tbody></table></div>";
  const head = `<thead><tr><th class="l">Model, metric</th><th>${escapeHtml(baseName)}</th><th>what-if</th><th>Difference</th></tr></thead>`;
  const table = `<div class="tw fit"><table class="cmp" data-comparison>${head}${comparison.map(modelRows).join("")}</table></div>`;
  const charts = comparison.map(
    (c) =>
      `<div><h3>${modelLabel(c.name, c.model)}</h3>` +
      renderChart({
        label: `Equity of ${c.name}: ${baseName} and what-if`,
        unit: "usd",
        span,
        size: "small",
        series: [
          { colour: c.model, label: baseName, points: c.equity.baseline, dashed: true },
          { colour: c.model, label: "what-if", points: c.equity.whatIf },
        ],
        legend: [
          { colour: c.model, label: baseName, dashed: true },
          { colour: c.model, label: "what-if" },
        ],
      }) +
      "</div>",
  );
  return (
    `<section id="what-if"><h2>What-if vs ${escapeHtml(baseName)}</h2>` +
    '<p class="note">The same decisions replayed with other execution. Differences are what-if minus baseline; returns and drawdowns in percentage points.</p>' +
    runs +
    table +
    `<div class="pair">${charts.join("")}</div></section>`
  );
}
