import type { AutomaticCloseView } from "../api/types.ts";
import { fullTime, num, pnlClass, time, usd } from "../lib/format.ts";

/** A position the system closed for the model (stop, target, invalidation, time exit, liquidation): no run of the model, so it says why itself. */
export function ModelAutoClose({ close: c }: { close: AutomaticCloseView }) {
  return (
    <li className="model-decision model-auto-close" data-close-id={c.id} data-testid="auto-close">
      <div className="row">
        <strong title={fullTime(c.createdAt)}>{time(c.createdAt)}</strong>
        <span className="badge">system</span>
        <span className={`badge trigger-${c.closeTrigger.toLowerCase()}`}>{c.closeTrigger}</span>
        <span>
          <strong>{c.symbol}</strong> <span className={`badge side-${c.side.toLowerCase()}`}>{c.side}</span> {num(c.quantity)} closed at {num(c.exitPrice)}
        </span>
        <span className={pnlClass(c.realizedPnl)}>{usd(c.realizedPnl, { signed: true })}</span>
      </div>
      <p className="model-auto-close-reason">{c.reason}</p>
    </li>
  );
}
