import type { MirrorMetrics } from "../api/types.ts";
import { fullTime, pct, pnlClass, ratioPct, usd } from "../lib/format.ts";
import { bps, countSummary, latency, pp, reasonBreakdown, slippageClass } from "../lib/mirrors.ts";
import { Card, Empty, Stat } from "./ui.tsx";

/** A mirror's figures over a window: outcomes and their reasons, latency, slippage, and how closely the follower tracked. */
export function MirrorMetricsView({ metrics }: { metrics: MirrorMetrics }) {
  const c = metrics.counts;
  const reasons = reasonBreakdown(c);
  const t = metrics.tracking;
  return (
    <div className="grid mirror-metrics" data-testid="mirror-metrics">
      <Card title="Outcomes" testId="mirror-outcomes">
        <div className="stats">
          <Stat label="Signals" value={c.signals} />
          <Stat label="Filled" value={c.filled} className={c.filled > 0 ? "gain" : ""} />
          <Stat label="Partial" value={c.partial} className={c.partial > 0 ? "warn" : ""} />
          <Stat label="Skipped" value={c.skipped} className={c.skipped > 0 ? "warn" : ""} />
          <Stat label="Failed" value={c.failed} className={c.failed > 0 ? "loss" : ""} />
          <Stat label="In flight" value={c.inFlight} title="Pending, being sent, or resting on the book" />
          <Stat label="Fill rate" value={ratioPct(metrics.fillRate)} title="Filled or partly filled, of the executions that finished" />
        </div>
        <div className="muted small mirror-summary">{countSummary(c)}</div>
        {reasons.length === 0 ? (
          c.signals > 0 && <div className="muted small">Every finished signal was copied: no reason to report.</div>
        ) : (
          <div className="table-wrap">
            <table data-testid="mirror-reasons">
              <thead>
                <tr>
                  <th>Not copied because</th>
                  <th className="num">Count</th>
                  <th className="num" title="Of all signals in the window">
                    Share
                  </th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((r) => (
                  <tr key={r.reason} data-reason={r.reason} title={r.help}>
                    <td>{r.label}</td>
                    <td className="num">{r.count}</td>
                    <td className="num">{ratioPct(r.share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Latency and slippage" testId="mirror-latency">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>From the source&apos;s fill</th>
                <th className="num">p50</th>
                <th className="num">p95</th>
                <th className="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["to order sent", metrics.latencyMs.sent],
                  ["to fill committed", metrics.latencyMs.filled],
                ] as const
              ).map(([label, p]) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td className="num">{latency(p.p50)}</td>
                  <td className="num">{latency(p.p95)}</td>
                  <td className="num">{latency(p.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="stats mirror-stats">
          <Stat
            label="Slippage, mean"
            value={bps(metrics.slippageBps.mean, { signed: true })}
            className={slippageClass(metrics.slippageBps.mean)}
            title="Against the source's fill price; positive is worse"
          />
          <Stat label="Slippage, p95" value={bps(metrics.slippageBps.p95, { signed: true })} className={slippageClass(metrics.slippageBps.p95)} />
          {metrics.traderSlippageBps.count > 0 && (
            <>
              <Stat
                label="vs trader, mean"
                value={bps(metrics.traderSlippageBps.mean, { signed: true })}
                className={slippageClass(metrics.traderSlippageBps.mean)}
                title="Against the followed wallet's own price (the source is a follow model); positive is worse"
              />
              <Stat label="vs trader, p95" value={bps(metrics.traderSlippageBps.p95, { signed: true })} className={slippageClass(metrics.traderSlippageBps.p95)} />
            </>
          )}
        </div>
      </Card>
      <Card title="Tracking" testId="mirror-tracking">
        {t.sourceReturnPct === null && t.followerReturnPct === null ? (
          <Empty title="Not enough history">The returns are compared once both accounts have equity snapshots in the window (one a minute).</Empty>
        ) : (
          <div className="stats">
            <Stat label="Source return" value={pct(t.sourceReturnPct, { signed: true })} className={pnlClass(t.sourceReturnPct)} />
            <Stat label="Follower return" value={pct(t.followerReturnPct, { signed: true })} className={pnlClass(t.followerReturnPct)} />
            <Stat label="Difference" value={pp(t.returnDiffPct)} className={pnlClass(t.returnDiffPct)} title="Follower return minus source return, percentage points" />
            <Stat label="Tracking error" value={pp(t.trackingErrorPct)} title="Standard deviation of the difference of their returns between snapshots, percentage points" />
          </div>
        )}
      </Card>
      <Card title="P&L vs the source" testId="mirror-pnl">
        <div className="table-wrap">
          <table data-testid="mirror-pnl-table">
            <thead>
              <tr>
                <th title={`Positions opened since ${fullTime(metrics.pnl.since)}`}>Positions since the mirror began</th>
                <th className="num">Opened</th>
                <th className="num">Cost</th>
                <th className="num">P&amp;L</th>
                <th className="num" title="P&L over the cost of the positions">
                  Return
                </th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["Source", metrics.pnl.source],
                  ["Follower", metrics.pnl.follower],
                ] as const
              ).map(([who, p]) => (
                <tr key={who} title={`Realized ${usd(p.realizedPnl, { signed: true })}, unrealized ${usd(p.unrealizedPnl, { signed: true })}`}>
                  <td>{who}</td>
                  <td className="num">{p.positions}</td>
                  <td className="num">{usd(p.cost)}</td>
                  <td className={`num ${pnlClass(p.pnl)}`}>{usd(p.pnl, { signed: true })}</td>
                  <td className={`num ${pnlClass(p.returnPct)}`}>{pct(p.returnPct, { signed: true })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="muted small">
          Follower minus source: {usd(metrics.pnl.pnlDiff, { signed: true })}, {pp(metrics.pnl.returnDiffPct)}
        </div>
      </Card>
    </div>
  );
}
