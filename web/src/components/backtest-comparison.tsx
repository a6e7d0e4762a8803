import { Link } from "wouter";
import type { BacktestMetrics, BacktestResult } from "../api/types.ts";
import { compareWhatIf, executionText, type WhatIfComparison } from "../lib/backtests.ts";
import { pct, pnlClass, ratioPct, usd } from "../lib/format.ts";

interface Figure {
  key: string;
  label: string;
  show: (m: BacktestMetrics) => string;
  diff: (c: WhatIfComparison) => string;
  /** The colour of the difference: a rise is good (green) for return, bad for fees and drawdown, neither for trades. */
  tone: (c: WhatIfComparison) => string;
}

const invert = (cls: string) => (cls === "gain" ? "loss" : cls === "loss" ? "gain" : "");
const signedCount = (n: number | null) => (n === null ? "—" : n > 0 ? `+${n}` : String(n));

/** The report's key figures (src/backtest/report/comparison.ts), in the same order. */
const FIGURES: Figure[] = [
  { key: "return", label: "Return", show: (m) => (m.returnPct === null ? "—" : pct(m.returnPct * 100, { signed: true })), diff: (c) => pointsText(c.returnDiff), tone: (c) => pnlClass(c.returnDiff) },
  { key: "fees", label: "Fees", show: (m) => usd(m.fees), diff: (c) => usd(c.feesDiff, { signed: true }), tone: (c) => invert(pnlClass(c.feesDiff)) },
  { key: "trades", label: "Trades", show: (m) => String(m.trades), diff: (c) => signedCount(c.tradesDiff), tone: () => "" },
  { key: "max-drawdown", label: "Max drawdown", show: (m) => ratioPct(m.maxDrawdown, 2), diff: (c) => pointsText(c.maxDrawdownDiff), tone: (c) => invert(pnlClass(c.maxDrawdownDiff)) },
];

function pointsText(p: number | null): string {
  if (p === null) return "—";
  const s = pct(p, { signed: true });
  return s === "—" ? s : `${s.slice(0, -1)} pts`;
}

/** "What-if of <the baseline run>": shown on a what-if run from its request, before it is done. */
export function BacktestBaselineLink({ baselineId }: { baselineId: string | null }) {
  return (
    <div className="bt-baseline small" data-testid="backtest-baseline">
      What-if of{" "}
      {baselineId ? (
        <Link href={`/backtests/${encodeURIComponent(baselineId)}`} data-testid="backtest-baseline-link">
          backtest {baselineId.slice(0, 8)}
        </Link>
      ) : (
        "an earlier run"
      )}
      <span className="muted">: its decisions, replayed with the execution below.</span>
    </div>
  );
}

/**
 * A done what-if run beside its baseline: both runs' execution and each model's return, fees,
 * trades and max drawdown in both, with the difference (what-if minus baseline). Nothing for a
 * run that is no what-if.
 */
export function BacktestComparison({ result }: { result: BacktestResult }) {
  const rows = compareWhatIf(result);
  const base = result.baseline;
  if (!rows || !base) return null;
  return (
    <div className="stack" data-testid="backtest-comparison">
      <dl className="model-kv mirror-settings">
        <div>
          <dt>Baseline</dt>
          <dd>{executionText(base.result.execution)}</dd>
        </div>
        <div>
          <dt>What-if</dt>
          <dd>{executionText(result.execution)}</dd>
        </div>
      </dl>
      <div className="table-wrap">
        <table className="bt-metrics bt-comparison" data-testid="backtest-comparison-table">
          <thead>
            <tr>
              <th className="bt-metrics-name">Model, figure</th>
              <th className="num">Baseline</th>
              <th className="num">What-if</th>
              <th className="num" title="What-if minus baseline; returns and drawdowns in percentage points">
                Difference
              </th>
            </tr>
          </thead>
          {rows.map((c) => (
            <tbody key={c.name} data-model-name={c.name}>
              <tr className="bt-comparison-model">
                <th colSpan={4} className="bt-metrics-name">
                  {c.name}
                  {!c.baseline ? <span className="muted small"> (not in the baseline)</span> : !c.whatIf ? <span className="muted small"> (baseline only)</span> : null}
                </th>
              </tr>
              {FIGURES.map((f) => (
                <tr key={f.key} data-metric={f.key}>
                  <td>{f.label}</td>
                  <td className="num" data-run="baseline">
                    {c.baseline ? f.show(c.baseline) : "—"}
                  </td>
                  <td className="num" data-run="what-if">
                    {c.whatIf ? f.show(c.whatIf) : "—"}
                  </td>
                  <td className={`num ${f.tone(c)}`} data-run="difference">
                    {f.diff(c)}
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </div>
  );
}
