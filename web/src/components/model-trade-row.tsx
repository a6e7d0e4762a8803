import type { TradeView } from "../api/types.ts";
import { duration, fullTime, num, time, usd } from "../lib/format.ts";
import { InstrumentName } from "./instrument-name.tsx";
import { Pnl } from "./ui.tsx";

/** What a close reason means, where it is not plain from its name. */
const TRIGGER_TITLES: Partial<Record<NonNullable<TradeView["closeTrigger"]>, string>> = {
  RESOLUTION: "The market resolved: the winning outcome's shares paid $1 each, the others $0",
};

/** A closed trade: entry to exit, net P&L, what closed it and how long it was held. */
export function ModelTradeRow({ trade: t }: { trade: TradeView }) {
  const held = Date.parse(t.closedAt) - Date.parse(t.openedAt);
  return (
    <tr data-trade-id={t.id}>
      <td>
        <InstrumentName symbol={t.symbol} instrument={t.instrument} />
      </td>
      <td>
        <span className={`badge side-${t.side.toLowerCase()}`}>{t.side}</span>
      </td>
      <td className="num">{num(t.quantity)}</td>
      <td className="num">{num(t.entryPrice)}</td>
      <td className="num">{num(t.exitPrice)}</td>
      <td className="num">
        <Pnl value={t.realizedPnl} />
      </td>
      <td className="num">{usd(t.fees)}</td>
      <td className="num">
        <Pnl value={t.funding} />
      </td>
      <td>
        {t.closeTrigger ? (
          <span className={`badge trigger-${t.closeTrigger.toLowerCase()}`} title={TRIGGER_TITLES[t.closeTrigger]}>
            {t.closeTrigger}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td title={fullTime(t.openedAt)}>{time(t.openedAt)}</td>
      <td title={fullTime(t.closedAt)}>{time(t.closedAt)}</td>
      <td className="num">{duration(held)}</td>
    </tr>
  );
}
