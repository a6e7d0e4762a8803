import { useMemo, useState } from "react";
import type { BacktestResult } from "../api/types.ts";
import { seriesColor } from "../lib/curves.ts";
import { EquityChart, type EquityChartSeries } from "./equity-chart.tsx";
import { Card, Empty, Segmented } from "./ui.tsx";

type Unit = "usd" | "pct";
const UNITS: ReadonlyArray<{ value: Unit; label: string }> = [
  { value: "usd", label: "USD" },
  { value: "pct", label: "%" },
];

/**
 * Every model's equity over the simulated span (the colours of the metrics table), in dollars
 * with the shared initial capital as a dashed line, or in percent of each model's capital.
 */
export function BacktestEquity({ result }: { result: BacktestResult }) {
  const [unit, setUnit] = useState<Unit>("usd");
  const series = useMemo<EquityChartSeries[]>(() => {
    const lines: EquityChartSeries[] = result.models.map((m, i) => {
      const capital = Number(m.metrics.initialCapital);
      return {
        id: m.name,
        name: m.name,
        color: seriesColor(i),
        points: m.equity.map((p) => ({ time: p.t, value: unit === "usd" ? Number(p.equity) : (Number(p.equity) / capital - 1) * 100 })),
      };
    });
    const capitals = new Set(result.models.map((m) => Number(m.metrics.initialCapital)));
    if (unit === "usd" && capitals.size === 1) {
      const [capital] = [...capitals];
      lines.push({
        id: "initial-capital",
        name: "Initial capital",
        color: "#8b949e",
        dashed: true,
        points: [
          { time: result.from, value: capital! },
          { time: result.to, value: capital! },
        ],
      });
    }
    return lines;
  }, [result, unit]);
  const empty = result.models.every((m) => m.equity.length === 0);
  return (
    <Card title="Equity" actions={<Segmented label="Equity unit" value={unit} options={UNITS} onChange={setUnit} />} testId="backtest-equity">
      {empty ? <Empty title="No equity points">The run recorded no equity snapshots.</Empty> : <EquityChart series={series} unit={unit} height={320} testId="backtest-equity-chart" />}
    </Card>
  );
}
