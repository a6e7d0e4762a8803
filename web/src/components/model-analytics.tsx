import { useAnalytics } from "../api/queries.ts";
import { ANNUALISED_NA, duration, pct, pnlClass, ratio, ratioPct, usd } from "../lib/format.ts";
import { Card, Empty, ErrorBox, Loading, Pnl, Stat } from "./ui.tsx";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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
            <Stat label="Sharpe" value={ratio(q.data.sharpe)} title={`Mean return over its volatility, annualised from the equity curve; ${ANNUALISED_NA}`} />
            <Stat label="Sortino" value={ratio(q.data.sortino)} title={`Like Sharpe, counting only downside volatility; ${ANNUALISED_NA}`} />
            <Stat label="Calmar" value={ratio(q.data.calmar)} title={`Annualised return over the maximum drawdown; ${ANNUALISED_NA}`} />
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
            <Stat
              label="Current streak"
              value={
                q.data.currentWinStreak > 0 ? (
                  <span className="gain">{plural(q.data.currentWinStreak, "win")}</span>
                ) : q.data.currentLossStreak > 0 ? (
                  <span className="loss">{plural(q.data.currentLossStreak, "loss", "losses")}</span>
                ) : (
                  "—"
                )
              }
            />
            <Stat
              label="Average R"
              value={ratio(q.data.averageR)}
              className={pnlClass(q.data.averageR, 2)}
              title={`Realized P&L over the risk at the first stop, over ${q.data.rTrades} trades; ${q.data.rExcluded} without a stop left out`}
            />
            <Stat label="Long" value={pct(q.data.longPct, { places: 0 })} title="Share of the trades that were long" />
            <Stat
              label="Trade size, median"
              value={usd(q.data.sizeDistribution?.median)}
              title={
                q.data.sizeDistribution
                  ? `Entry value: ${usd(q.data.sizeDistribution.min)} to ${usd(q.data.sizeDistribution.max)}, middle half ${usd(q.data.sizeDistribution.p25)}–${usd(q.data.sizeDistribution.p75)}`
                  : undefined
              }
            />
            <Stat
              label="Hold time, median"
              value={duration(q.data.holdTimeDistribution?.median)}
              title={[
                q.data.holdTimeDistribution ? `middle half ${duration(q.data.holdTimeDistribution.p25)}–${duration(q.data.holdTimeDistribution.p75)}` : null,
                q.data.holdTimeBuckets.map((b) => `${b.label}: ${b.trades}`).join(", "),
              ]
                .filter(Boolean)
                .join("; ")}
            />
            <Stat
              label="Confidence vs P&L"
              value={q.data.decisionQuality.spearman === null ? "—" : ratio(q.data.decisionQuality.spearman)}
              title={
                q.data.decisionQuality.spearman === null
                  ? `Needs ${q.data.decisionQuality.minTrades} trades with a stated confidence (${q.data.decisionQuality.trades} so far)`
                  : `Rank correlation (Spearman) of the confidence stated at entry with the trade's P&L over ${q.data.decisionQuality.trades} trades; Pearson ${ratio(q.data.decisionQuality.pearson)}`
              }
            />
          </div>
        </>
      )}
    </Card>
  );
}
