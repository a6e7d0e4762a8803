import { useState } from "react";
import { useTrades } from "../api/queries.ts";
import { ModelPager } from "./model-pager.tsx";
import { ModelTradeRow } from "./model-trade-row.tsx";
import { Card, Empty, ErrorBox, Loading } from "./ui.tsx";

const PAGE = 20;

/** Closed trades, newest first, a page at a time. */
export function ModelTrades({ modelId }: { modelId: string }) {
  const [offset, setOffset] = useState(0);
  const q = useTrades(modelId, PAGE, offset);
  const rows = q.data ?? [];
  return (
    <Card title="Trade history" className="span-all" actions={<ModelPager offset={offset} pageSize={PAGE} shown={rows.length} onOffset={setOffset} what="Trades" />}>
      {q.isPending ? (
        <Loading what="trades" />
      ) : q.error ? (
        <ErrorBox error={q.error} what="Trade history" />
      ) : (
        <div className="table-wrap">
          <table data-testid="trades">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Side</th>
                <th className="num">Quantity</th>
                <th className="num">Entry</th>
                <th className="num">Exit</th>
                <th className="num" title="Net of all fees of the position">
                  Realized P&L
                </th>
                <th className="num">Fees</th>
                <th className="num" title="Funding received (+) or paid (−) while the position was open; not in realized P&L">
                  Funding
                </th>
                <th>Closed by</th>
                <th>Opened</th>
                <th>Closed</th>
                <th className="num">Held for</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={12} className="model-empty-cell">
                    {offset === 0 ? (
                      <Empty title="No closed trades yet">A trade appears here when a position closes: by its stop, target, invalidation or time exit, or with its Close button above.</Empty>
                    ) : (
                      <Empty title="No older trades">Go back to newer trades.</Empty>
                    )}
                  </td>
                </tr>
              )}
              {rows.map((t) => (
                <ModelTradeRow key={t.id} trade={t} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
