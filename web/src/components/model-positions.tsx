import { useState } from "react";
import { usePositions } from "../api/queries.ts";
import { ModelCloseOutcomes } from "./model-close-outcomes.tsx";
import type { CloseOutcome } from "./model-close-position.tsx";
import { ModelPositionRow } from "./model-position-row.tsx";
import { Card, Empty, ErrorBox, Loading } from "./ui.tsx";

/** The model's open positions, with a manual close and a stop tightener on each. */
export function ModelPositions({ modelId }: { modelId: string }) {
  const q = usePositions(modelId);
  const [outcomes, setOutcomes] = useState<CloseOutcome[]>([]);
  const record = (o: CloseOutcome) => setOutcomes((prev) => [o, ...prev.filter((x) => x.symbol !== o.symbol)]);

  return (
    <Card title={`Open positions${q.data ? ` (${q.data.length})` : ""}`} className="span-all">
      <ModelCloseOutcomes outcomes={outcomes} onDismiss={() => setOutcomes([])} />
      {q.isPending ? (
        <Loading what="positions" />
      ) : q.error ? (
        <ErrorBox error={q.error} what="Open positions" />
      ) : (
        <>
          <div className="table-wrap">
            <table data-testid="positions">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>Side</th>
                  <th className="num">Quantity</th>
                  <th className="num">Lev.</th>
                  <th className="num">Entry</th>
                  <th className="num">Mark</th>
                  <th className="num">Unrealized P&L</th>
                  <th className="num" title="The stop, and its distance from the mark: percent of the mark / dollars the position would give back at the stop">
                    Stop / distance
                  </th>
                  <th className="num">Target</th>
                  <th>Invalidation</th>
                  <th>Opened</th>
                  <th>Tighten stop</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {q.data.length === 0 && (
                  <tr>
                    <td colSpan={13} className="model-empty-cell">
                      <Empty title="No open positions">The model opens positions on its scheduler runs; a paused model opens none until it is resumed.</Empty>
                    </td>
                  </tr>
                )}
                {q.data.map((p) => (
                  <ModelPositionRow key={p.id} modelId={modelId} position={p} onCloseOutcome={record} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}
