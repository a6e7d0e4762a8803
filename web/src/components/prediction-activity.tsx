import { Link } from "wouter";
import { useModels, usePositions, useTrades } from "../api/queries.ts";
import type { PositionView, TradeView } from "../api/types.ts";
import { fullTime, num, time } from "../lib/format.ts";
import { cents, rowsOfMarket } from "../lib/prediction.ts";
import { Card, Empty, ErrorBox, Loading, Pnl } from "./ui.tsx";

/** How many of the newest trades (all models) are searched for this market's: the API has no market filter. */
const TRADES_SCANNED = 500;

function ModelLink({ id, names }: { id: string; names: Map<string, string> }) {
  return <Link href={`/models/${encodeURIComponent(id)}`}>{names.get(id) ?? id.slice(0, 8)}</Link>;
}

function Positions({ rows, names }: { rows: PositionView[]; names: Map<string, string> }) {
  if (rows.length === 0) return <Empty title="No open positions">No model holds shares of this market.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="pm-positions">
        <thead>
          <tr>
            <th>Model</th>
            <th>Outcome</th>
            <th className="num">Shares</th>
            <th className="num">Entry</th>
            <th className="num">Mark</th>
            <th className="num">Unrealized P&amp;L</th>
            <th>Opened</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id} data-position-id={p.id} data-model-id={p.modelId}>
              <td>
                <ModelLink id={p.modelId} names={names} />
              </td>
              <td>
                <strong>{p.instrument?.outcome ?? p.symbol}</strong>
              </td>
              <td className="num">{num(p.quantity, 2)}</td>
              <td className="num">{cents(p.entryPrice)}</td>
              <td className="num">{cents(p.markPrice)}</td>
              <td className="num">
                <Pnl value={p.unrealizedPnl} />
              </td>
              <td title={fullTime(p.openedAt)}>{time(p.openedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Trades({ rows, names }: { rows: TradeView[]; names: Map<string, string> }) {
  if (rows.length === 0) return <Empty title="No closed trades">Trades appear when a model sells its shares or the market resolves.</Empty>;
  return (
    <div className="table-wrap">
      <table data-testid="pm-trades">
        <thead>
          <tr>
            <th>Model</th>
            <th>Outcome</th>
            <th className="num">Shares</th>
            <th className="num">Entry</th>
            <th className="num">Exit</th>
            <th className="num">Realized P&amp;L</th>
            <th>Closed by</th>
            <th>Closed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id} data-trade-id={t.id} data-model-id={t.modelId}>
              <td>
                <ModelLink id={t.modelId} names={names} />
              </td>
              <td>
                <strong>{t.instrument?.outcome ?? t.symbol}</strong>
              </td>
              <td className="num">{num(t.quantity, 2)}</td>
              <td className="num">{cents(t.entryPrice)}</td>
              <td className="num">{cents(t.exitPrice)}</td>
              <td className="num">
                <Pnl value={t.realizedPnl} />
              </td>
              <td data-field="closeTrigger">{t.closeTrigger ? <span className={`badge trigger-${t.closeTrigger.toLowerCase()}`}>{t.closeTrigger}</span> : <span className="muted">—</span>}</td>
              <td title={fullTime(t.closedAt)}>{time(t.closedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The models' open positions and recent closed trades in this market's tokens. */
export function PredictionActivity({ conditionId }: { conditionId: string }) {
  const positions = usePositions();
  const trades = useTrades(undefined, TRADES_SCANNED);
  const models = useModels();
  const names = new Map((models.data ?? []).map((m) => [m.id, m.name]));
  return (
    <div className="grid">
      <Card title="Open positions">
        {positions.isPending ? (
          <Loading what="positions" />
        ) : positions.isError ? (
          <ErrorBox error={positions.error} what="Positions" />
        ) : (
          <Positions rows={rowsOfMarket(positions.data, conditionId)} names={names} />
        )}
      </Card>
      <Card title="Recent trades">
        {trades.isPending ? <Loading what="trades" /> : trades.isError ? <ErrorBox error={trades.error} what="Trades" /> : <Trades rows={rowsOfMarket(trades.data, conditionId)} names={names} />}
      </Card>
    </div>
  );
}
