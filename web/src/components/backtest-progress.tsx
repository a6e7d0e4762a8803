import type { BacktestView } from "../api/types.ts";
import { duration, time } from "../lib/format.ts";

/**
 * Where a run is: a bar over the simulated span with the simulated time reached and the
 * estimated time left while it runs; the place in the queue's words before it starts.
 */
export function BacktestProgress({ backtest, wide = false }: { backtest: BacktestView; wide?: boolean }) {
  const p = backtest.progress;
  if (backtest.status === "queued") return <span className="muted">waiting for a free slot</span>;
  if (backtest.status === "running" && !p) return <span className="muted">starting…</span>;
  if (!p) return <span className="muted">—</span>;
  const percent = Math.round(p.fraction * 1000) / 10;
  const active = backtest.status === "running";
  return (
    <div className={wide ? "bt-progress wide" : "bt-progress"} data-testid="backtest-progress">
      <div className="bt-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Simulated time covered">
        <div className={`bt-bar-fill ${active ? "" : `bt-bar-${backtest.status}`}`} style={{ width: `${percent}%` }} />
      </div>
      <div className="bt-progress-text small">
        <span className="num">{percent.toFixed(1)}%</span>
        <span className="muted" title="Simulated time reached">
          {time(p.simTime)}
        </span>
        {active && <span className="muted">ETA {p.etaMs === null ? "—" : duration(p.etaMs)}</span>}
        {wide && (
          <span className="muted">
            {p.updates.toLocaleString()} updates · {p.updatesPerSecond.toLocaleString()}/s · {p.cycles} cycles
          </span>
        )}
      </div>
    </div>
  );
}
