import { Link } from "wouter";
import type { MirrorDetail } from "../api/types.ts";
import { fullTime, num, time, usd } from "../lib/format.ts";
import { latency, mirrorStatus, orderTypeText, sizingText } from "../lib/mirrors.ts";
import { MirrorActions } from "./mirror-actions.tsx";
import { Card, Pnl } from "./ui.tsx";
import { InstrumentName } from "./instrument-name.tsx";

const model = (id: string, name: string) => <Link href={`/models/${encodeURIComponent(id)}`}>{name}</Link>;

/** One mirror: who copies whom, how, its actions, and the follower's open positions. */
export function MirrorHeader({ mirror: m }: { mirror: MirrorDetail }) {
  const status = mirrorStatus(m);
  return (
    <Card className="span-all" testId="mirror-detail">
      <div className="model-header">
        <div>
          <h2 className="mirror-title">
            {model(m.sourceModelId, m.sourceName)} <span className="muted">→</span> {model(m.followerModelId, m.followerName)}
          </h2>
          <div className="row small">
            <span className={`badge ${status === "deleted" ? "" : status}`} data-testid="mirror-status">
              {status}
            </span>
            <span className="muted">
              {m.host ? `copied by ${m.host}` : status === "active" ? "no process holds it yet" : "not copying"} · since {time(m.createdAt)}
            </span>
          </div>
        </div>
        <MirrorActions mirror={m} remove />
      </div>
      {status === "deleted" && <div className="muted small">Deleted: nothing more is copied. The follower keeps its account and the positions below.</div>}
      <dl className="model-kv mirror-settings">
        <div>
          <dt>Order</dt>
          <dd>{orderTypeText(m)}</dd>
        </div>
        <div>
          <dt>Sizing</dt>
          <dd>{sizingText(m.sizing)}</dd>
        </div>
        <div>
          <dt>Minimum order</dt>
          <dd className="num">{usd(m.minNotional)}</dd>
        </div>
        <div>
          <dt>Oldest signal copied</dt>
          <dd className="num">{latency(m.maxSignalAgeMs)}</dd>
        </div>
        <div>
          <dt>Symbols</dt>
          <dd>{m.symbols === null ? "all" : m.symbols.join(", ")}</dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd title={fullTime(m.updatedAt)}>{time(m.updatedAt)}</dd>
        </div>
      </dl>
      <h3 className="mirror-positions-title">Follower&apos;s open positions ({m.followerPositions.length})</h3>
      {m.followerPositions.length === 0 ? (
        <div className="muted small">None: the follower holds what the source holds only once the source changes a position after the mirror was made.</div>
      ) : (
        <div className="table-wrap">
          <table data-testid="mirror-follower-positions">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Side</th>
                <th className="num">Quantity</th>
                <th className="num">Entry</th>
                <th className="num">Unrealized P&amp;L</th>
              </tr>
            </thead>
            <tbody>
              {m.followerPositions.map((p) => (
                <tr key={p.id} data-symbol={p.symbol}>
                  <td>
                    <InstrumentName symbol={p.symbol} instrument={p.instrument} />
                  </td>
                  <td className={p.side === "LONG" ? "gain" : "loss"}>{p.side}</td>
                  <td className="num">{num(p.quantity)}</td>
                  <td className="num">{num(p.entryPrice)}</td>
                  <td className="num">
                    <Pnl value={p.unrealizedPnl} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
