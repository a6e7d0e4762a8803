import { useAnalytics } from "../api/queries.ts";
import { duration, pnlClass, ratio, ratioPct } from "../lib/format.ts";
import { Card, Empty, ErrorBox, Loading, Pnl, Stat } from "./ui.tsx";

/** Performance figures over the model's closed trades and equity curve. */
export function ModelAnalytics({ id }: { id: string }) {
  const q = useAnalytics(id);
  return (
    <Card title="Performance">
      {q.isPending ? (
        <Loading what="performance" />
      ) : q.error ? (
        <ErrorBox error={q.error} what="Performance figures" />
      ) : (
        <>
          {q.data.trades === 0 && <Empty title="No closed trades yet">Win rate, averages and streaks appear once the model closes its first trade.</Empty>}
          <div className="stats">
            <Stat label="Sharpe" value={ratio(q.data.sharpe)} title="Mean return over its volatility, from the equity curve" />
            <Stat label="Sortino" value={ratio(q.data.sortino)} title="Like Sharpe, counting only downside volatility" />
            <Stat label="Calmar" value={ratio(q.data.calmar)} title="Return over the maximum drawdown" />
            <Stat label="Max drawdown" value={ratioPct(q.data.maxDrawdown, 2)} className={pnlClass(q.data.maxDrawdown === null ? null : -q.data.maxDrawdown * 100, 2)} />
            <Stat label="Profit factor" value={ratio(q.data.profitFactor)} title="Gross profit over gross loss" />
            <Stat label="Expectancy" value={<Pnl value={q.data.expectancy} />} title="Mean realized P&L per trade" />
            <Stat label="Win rate" value={ratioPct(q.data.winRate)} title={`${q.data.wins} wins, ${q.data.losses} losses`} />
            <Stat label="Trades" value={`${q.data.trades} (${q.data.wins}W / ${q.data.losses}L)`} />
            <Stat label="Average win" value={<Pnl value={q.data.averageWin} />} />
            <Stat label="Average loss" value={<Pnl value={q.data.averageLoss} />} />
            <Stat label="Largest win" value={<Pnl value={q.data.largestWin} />} />
            <Stat label="Largest loss" value={<Pnl value={q.data.largestLoss} />} />
            <Stat label="Longest win streak" value={`${q.data.longestWinStreak} trades`} />
            <Stat label="Longest loss streak" value={`${q.data.longestLossStreak} trades`} />
            <Stat label="Avg hold, winners" value={duration(q.data.averageHoldMsWinners)} />
            <Stat label="Avg hold, losers" value={duration(q.data.averageHoldMsLosers)} />
          </div>
        </>
      )}
    </Card>
  );
}
