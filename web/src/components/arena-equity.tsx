import { useMemo, useState } from "react";
import { useEquityCurves } from "../api/queries.ts";
import type { LeaderboardWindow } from "../api/types.ts";
import { aggregateSeries, ARENA_CURVE_POINTS, bucketFor, modelSeries, spanOf, type Unit } from "../lib/curves.ts";
import { EquityChart } from "./equity-chart.tsx";
import { Card, Empty, ErrorBox, Loading, Segmented } from "./ui.tsx";

const UNITS = [
  { value: "usd", label: "USD" },
  { value: "pct", label: "%" },
] as const;

export { ARENA_CURVE_POINTS };

/** Every model's equity over the window (optionally one strategy's models), with the strategies' aggregate lines. */
export function ArenaEquity({ window, variant }: { window: LeaderboardWindow; variant: string }) {
  const [unit, setUnit] = useState<Unit>("pct");
  const [aggregates, setAggregates] = useState(true);
  const curves = useEquityCurves(window, ARENA_CURVE_POINTS);

  const shown = useMemo(() => (curves.data ?? []).filter((c) => !variant || c.strategy === variant), [curves.data, variant]);
  const series = useMemo(() => {
    // one time grid for all lines keeps the chart's x axis to ~ARENA_CURVE_POINTS slots (see bucketFor)
    const bucket = bucketFor(spanOf(shown), ARENA_CURVE_POINTS);
    // colours follow the full list, so a model keeps its colour when the filter changes
    const all = modelSeries(curves.data ?? [], unit, bucket);
    const ids = new Set(shown.map((c) => c.modelId));
    const lines = all.filter((s) => ids.has(s.id) && s.points.length > 0);
    return aggregates ? [...lines, ...aggregateSeries(shown, unit, ARENA_CURVE_POINTS, bucket)] : lines;
  }, [curves.data, shown, unit, aggregates]);

  const actions = (
    <>
      <label className="row small muted" title="Dashed: the mean return (in %) or the total equity (in USD) of each strategy that two or more models run">
        <input type="checkbox" checked={aggregates} onChange={(e) => setAggregates(e.target.checked)} /> Strategy aggregates
      </label>
      <Segmented label="Chart unit" value={unit} options={UNITS} onChange={setUnit} />
    </>
  );

  return (
    <Card title={unit === "pct" ? "Return over the window" : "Equity"} actions={actions}>
      {curves.isPending ? (
        <Loading what="equity curves" />
      ) : curves.error && !curves.data ? (
        <ErrorBox error={curves.error} what="Equity curves" />
      ) : series.length === 0 ? (
        <Empty title="No equity snapshots in this window yet">Models record their equity once a minute; wait for the next snapshot or pick a longer window.</Empty>
      ) : (
        <EquityChart series={series} unit={unit} testId="equity-chart" />
      )}
    </Card>
  );
}
