import { Link } from "wouter";
import { useStrategies, useVariantStandings } from "../api/queries.ts";
import type { LeaderboardWindow, StrategyView, VariantAggregate } from "../api/types.ts";
import { pct, pnlClass, ratioPct, usd } from "../lib/format.ts";
import { strategyLabel } from "../lib/strategy-names.ts";
import { Card, Empty, ErrorBox, Loading } from "./ui.tsx";

/** The window as the arena's cards name it. */
export const windowLabel = (window: LeaderboardWindow) => (window === "all" ? "all time" : `last ${window}`);

function Row({ v, strategies }: { v: VariantAggregate; strategies: readonly StrategyView[] | undefined }) {
  const dd = v.worstDrawdown;
  return (
    <tr data-testid="variant-row" data-variant={v.variant}>
      <td className="vs-name">{strategyLabel(v.variant, strategies)}</td>
      <td className="num">{v.models}</td>
      <td className={`num ${pnlClass(v.pnl)}`}>{usd(v.pnl, { signed: true })}</td>
      {/* The capital-weighted figure is the one shown: a $100k model moves it ten times a $10k one. */}
      <td className={`num ${pnlClass(v.pnlPct)}`} title={`Mean of the models' returns: ${pct(v.meanReturnPct, { signed: true })}`}>
        {pct(v.pnlPct, { signed: true })}
      </td>
      <td className="num">{ratioPct(v.winRate)}</td>
      <td className={`num ${pnlClass(dd === null ? null : -dd * 100, 1)}`}>{ratioPct(dd)}</td>
      <td>
        <Link href={`/models/${encodeURIComponent(v.bestModel.id)}`}>{v.bestModel.name}</Link>{" "}
        <span className={`small ${pnlClass(v.bestModel.returnPct)}`}>{pct(v.bestModel.returnPct, { signed: true })}</span>
      </td>
      <td className="muted">{v.kind}</td>
    </tr>
  );
}

/**
 * The arena's "By strategy" card: the leaderboard over the same window summed per strategy or
 * prompt variant (GET /api/leaderboard/variants), best P&L % first as the server orders it.
 */
export function VariantStandings({ window }: { window: LeaderboardWindow }) {
  const standings = useVariantStandings(window);
  const strategies = useStrategies();
  const rows = standings.data ?? [];
  return (
    <Card title={`By strategy · ${windowLabel(window)}`} testId="variant-standings">
      {standings.error && <ErrorBox error={standings.error} what="By strategy" />}
      {standings.isPending ? (
        <Loading what="the standings by strategy" />
      ) : rows.length === 0 ? (
        standings.error ? null : (
          <Empty title="No models yet">
            <Link href="/models/new">Add a model</Link>: each strategy or prompt variant that models run gets a row here.
          </Empty>
        )
      ) : (
        <div className="table-wrap">
          <table className="variant-standings">
            <thead>
              <tr>
                <th scope="col" className="vs-name">
                  Strategy
                </th>
                <th scope="col" className="num">
                  Models
                </th>
                <th scope="col" className="num" title="The models' P&L in the window summed: end value minus start value">
                  P&amp;L
                </th>
                <th scope="col" className="num" title="Weighted by capital: the summed P&L over the summed start values">
                  P&amp;L %
                </th>
                <th scope="col" className="num" title="All the models' wins over all their trades closed in the window">
                  Win rate
                </th>
                <th scope="col" className="num" title="The deepest of the models' drawdowns in the window">
                  Worst DD
                </th>
                <th scope="col" title="The model with the best return in the window">
                  Best model
                </th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <Row key={v.variant} v={v} strategies={strategies.data} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
