import { Link } from "wouter";
import type { BacktestView } from "../api/types.ts";
import { modelReturns, spanLength, spanText } from "../lib/backtests.ts";
import { pct, pnlClass, time } from "../lib/format.ts";
import { BacktestProgress } from "./backtest-progress.tsx";
import { BacktestStatusBadge } from "./backtest-status.tsx";
import { Empty } from "./ui.tsx";

/** Models listed per run; the rest are counted (the run's page shows them all). */
const SHOWN = 6;

/** Every backtest, newest first: status, span, progress while it runs, its models with each one's return once done. */
export function BacktestList({ backtests, selected }: { backtests: readonly BacktestView[]; selected: string | undefined }) {
  if (backtests.length === 0) {
    return (
      <Empty title="No backtests yet">
        Start one with the form above, with <code>POST /api/backtests</code>, or from the shell with <code>autonome backtest</code>.
      </Empty>
    );
  }
  return (
    <div className="table-wrap">
      <table data-testid="backtests" className="bt-list">
        <thead>
          <tr>
            <th>Status</th>
            <th>Span</th>
            <th>Progress</th>
            <th title="Each model's return once the run is done, best first">Models</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {backtests.map((b) => {
            const current = b.id === selected;
            const returns = modelReturns(b);
            return (
              <tr key={b.id} data-backtest-id={b.id} className={current ? "selected" : undefined} aria-current={current ? "true" : undefined}>
                <td className="bt-status-cell">
                  <BacktestStatusBadge status={b.status} />
                </td>
                <td>
                  <Link href={`/backtests/${encodeURIComponent(b.id)}`}>{spanText(b.request)}</Link>
                  <div className="muted small">
                    {spanLength(b.request)}
                    {b.request.baseline !== undefined && <span title="The decisions of an earlier run, replayed with other execution"> · what-if</span>}
                  </div>
                </td>
                <td className="bt-progress-cell">
                  <BacktestProgress backtest={b} />
                </td>
                <td className="bt-returns">
                  <ul>
                    {(returns.length > 0 ? returns : b.request.models.map((m) => ({ name: m.name, returnPct: undefined }))).slice(0, SHOWN).map((r) => (
                      <li key={r.name}>
                        <span className="bt-return-name">{r.name}</span>
                        {r.returnPct !== undefined && <span className={`num ${pnlClass(r.returnPct)}`}>{pct(r.returnPct, { signed: true })}</span>}
                      </li>
                    ))}
                    {b.request.models.length > SHOWN && <li className="muted small">and {b.request.models.length - SHOWN} more</li>}
                  </ul>
                </td>
                <td className="muted">{time(b.startedAt ?? b.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
