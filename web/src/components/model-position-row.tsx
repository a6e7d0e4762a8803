import type { PositionView } from "../api/types.ts";
import { fullTime, num, pct, time, usd } from "../lib/format.ts";
import { stopDistance } from "../lib/exit-plan.ts";
import { ModelClosePosition, type CloseOutcome } from "./model-close-position.tsx";
import { ModelTightenStop } from "./model-tighten-stop.tsx";
import { InstrumentName } from "./instrument-name.tsx";
import { Pnl } from "./ui.tsx";

/** One open position: its figures, its exit plan and how far the stop is, and what can be done to it. */
export function ModelPositionRow({ modelId, position: p, onCloseOutcome }: { modelId: string; position: PositionView; onCloseOutcome: (o: CloseOutcome) => void }) {
  const plan = p.exitPlan;
  const dist = stopDistance({ side: p.side, quantity: p.quantity, markPrice: p.markPrice, stop: plan?.stop });
  return (
    <tr data-symbol={p.symbol}>
      <td>
        <InstrumentName symbol={p.symbol} instrument={p.instrument} />
      </td>
      <td>
        <span className={`badge side-${p.side.toLowerCase()}`}>{p.side}</span>
      </td>
      <td className="num">{num(p.quantity)}</td>
      <td className="num">{num(p.leverage, 2)}×</td>
      <td className="num">{num(p.entryPrice)}</td>
      <td className="num">{num(p.markPrice)}</td>
      <td className="num">
        <Pnl value={p.unrealizedPnl} />
      </td>
      <td className="num" title={dist ? `${num(dist.price)} from the mark${dist.crossed ? ": the mark is at or beyond the stop" : ""}` : "No stop set"}>
        {plan?.stop ? num(plan.stop) : <span className="muted">no stop</span>}
        {dist && (
          <div className={`small ${dist.crossed ? "loss" : "muted"}`}>
            {pct(dist.pct)} / {usd(dist.usd)}
          </div>
        )}
      </td>
      <td className="num">{num(plan?.target)}</td>
      <td className="model-invalidation">
        {plan?.invalidation || plan?.invalidationPrice ? (
          <>
            {plan.invalidationPrice && <span className="num">{num(plan.invalidationPrice)} </span>}
            {plan.invalidation && (
              <span className="muted" title={plan.invalidation}>
                {plan.invalidation}
              </span>
            )}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td title={fullTime(p.openedAt)}>{time(p.openedAt)}</td>
      <td>
        <ModelTightenStop modelId={modelId} position={p} />
      </td>
      <td>
        <ModelClosePosition modelId={modelId} symbol={p.symbol} onOutcome={onCloseOutcome} />
      </td>
    </tr>
  );
}
