import { useMemo, useState } from "react";
import { useModelEquity } from "../api/queries.ts";
import type { EquityPoint, ModelView } from "../api/types.ts";
import { EquityChart } from "./equity-chart.tsx";
import { Card, Empty, ErrorBox, Loading, Segmented } from "./ui.tsx";

const WINDOWS = ["24h", "7d", "30d", "all"] as const;
type Window = (typeof WINDOWS)[number];

/** Chart coordinates only: the figures shown as text stay decimal strings. */
const toPoints = (points: EquityPoint[]) => points.map((p) => ({ time: Date.parse(p.ts), value: Number(p.equity) }));

/** The model's equity over a chosen window, with its initial capital as a dashed baseline. */
export function ModelEquity({ model }: { model: ModelView }) {
  const [window, setWindow] = useState<Window>("24h");
  const q = useModelEquity(model.id, window);
  const series = useMemo(() => {
    const points = toPoints(q.data ?? []);
    if (points.length === 0) return [];
    const first = points[0]!.time;
    const last = points[points.length - 1]!.time;
    const capital = Number(model.initialCapital);
    return [
      { id: model.id, name: model.name, points },
      {
        id: `${model.id}-capital`,
        name: "Initial capital",
        color: "#8b949e",
        dashed: true,
        points:
          first === last
            ? [{ time: first, value: capital }]
            : [
                { time: first, value: capital },
                { time: last, value: capital },
              ],
      },
    ];
  }, [q.data, model.id, model.name, model.initialCapital]);

  return (
    <Card title="Equity" actions={<Segmented label="Equity window" value={window} options={WINDOWS} onChange={setWindow} />}>
      {q.isPending ? (
        <Loading what="equity" />
      ) : q.error ? (
        <ErrorBox error={q.error} what="Equity curve" />
      ) : series.length === 0 ? (
        <Empty title="No equity snapshots in this window">The curve starts with the model's first account snapshot; try the “all” window or wait for the next scheduler cycle.</Empty>
      ) : (
        <EquityChart series={series} unit="usd" height={300} testId="equity-chart" />
      )}
    </Card>
  );
}
