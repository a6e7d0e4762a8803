import type { ModelView } from "../api/types.ts";
import { usd } from "../lib/format.ts";
import { Card, Pnl, PnlPct, Stat } from "./ui.tsx";

/** The account now: what the model has, owes as margin, and has made. */
export function ModelAccount({ model }: { model: ModelView }) {
  const a = model.account;
  return (
    <Card title="Account">
      <div className="stats">
        <Stat label="Equity" value={usd(a.equity)} title="Cash plus unrealized P&L" />
        <Stat label="Return" value={<PnlPct value={a.returnPct} />} title={`Against the initial capital of ${usd(model.initialCapital)}`} />
        <Stat label="Cash" value={usd(a.cash)} title="Initial capital + realized P&L − fees + funding" />
        <Stat label="Available" value={usd(a.available)} title="Equity − margin used by positions and resting orders" />
        <Stat label="Margin used" value={usd(a.marginUsed)} />
        <Stat label="Unrealized P&L" value={<Pnl value={a.unrealizedPnl} />} />
        <Stat label="Realized P&L" value={<Pnl value={a.realizedPnl} />} title="Net of the fees of closed trades" />
        <Stat label="Fees" value={usd(a.fees)} />
        <Stat label="Funding" value={<Pnl value={a.funding} />} title="Funding received (+) or paid (−) on perpetual positions; not part of realized P&L" />
        <Stat label="Initial capital" value={usd(model.initialCapital)} />
      </div>
    </Card>
  );
}
