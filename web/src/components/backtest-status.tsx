import type { BacktestStatus } from "../api/types.ts";

/** queued, running, done, failed or canceled, coloured as the rest of the dashboard's badges. */
export function BacktestStatusBadge({ status }: { status: BacktestStatus }) {
  return (
    <span className={`badge bt-status-${status}`} data-testid="backtest-status">
      {status}
    </span>
  );
}
