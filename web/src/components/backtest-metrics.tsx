import type { BacktestSummary } from "../api/types.ts";
import { seriesColor } from "../lib/curves.ts";
import { ANNUALISED_NA, pnlClass, ratio, ratioPct, usd } from "../lib/format.ts";
import { Pnl, PnlPct } from "./ui.tsx";

/** Each model's figures over the run, best return first; the swatch is its line's colour on the chart. */
export function BacktestMetrics({ summary }: { summary: BacktestSummary }) {
  const rows = summary.models.map((m, i) => ({ ...m, color: seriesColor(i) })).sort((a, b) => (b.metrics.returnPct ?? -Infinity) - (a.metrics.returnPct ?? -Infinity));
  return (
    <div className="table-wrap">
      <table data-testid="backtest-metrics" className="bt-metrics">
        <thead>
          <tr>
            <th className="bt-metrics-name">Model</th>
            <th>Strategy</th>
            <th className="num">Final equity</th>
            <th className="num">Return</th>
            <th className="num" title="Largest fall from a peak of equity">
              Max DD
            </th>
            <th className="num" title={`Annualised from the run's equity curve; ${ANNUALISED_NA} (a run under six days)`}>
              Sharpe
            </th>
            <th className="num" title={`Like Sharpe, counting only downside volatility; ${ANNUALISED_NA}`}>
              Sortino
            </th>
            <th className="num" title={`Annualised return over the max drawdown; ${ANNUALISED_NA}`}>
              Calmar
            </th>
            <th className="num">Win rate</th>
            <th className="num">Profit factor</th>
            <th className="num" title="Mean realized P&L per trade">
              Expectancy
            </th>
            <th className="num">Trades</th>
            <th className="num">Fees</th>
            <th className="num" title="Share of the span with a position open">
              Exposure
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.name} data-model-name={m.name}>
              <td className="bt-metrics-name">
                <span className="legend-swatch" style={{ background: m.color }} />
                {m.name}
              </td>
              <td className="muted">{m.strategy}</td>
              <td className="num">{usd(m.metrics.finalEquity)}</td>
              <td className="num">
                <PnlPct value={m.metrics.returnPct === null ? null : m.metrics.returnPct * 100} />
              </td>
              <td className={`num ${pnlClass(m.metrics.maxDrawdown === null ? null : -m.metrics.maxDrawdown * 100, 1)}`}>{ratioPct(m.metrics.maxDrawdown)}</td>
              <td className="num">{ratio(m.metrics.sharpe)}</td>
              <td className="num">{ratio(m.metrics.sortino)}</td>
              <td className="num">{ratio(m.metrics.calmar)}</td>
              <td className="num">{ratioPct(m.metrics.winRate)}</td>
              <td className="num">{ratio(m.metrics.profitFactor)}</td>
              <td className="num">
                <Pnl value={m.metrics.expectancy} />
              </td>
              <td className="num">{m.metrics.trades}</td>
              <td className="num">{usd(m.metrics.fees)}</td>
              <td className="num">{ratioPct(m.metrics.exposure)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
