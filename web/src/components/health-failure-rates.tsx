import { Link } from "wouter";
import type { ModelView } from "../api/types.ts";
import { ratioPct } from "../lib/format.ts";
import { Empty } from "./ui.tsx";

const rate = (failed: number, total: number) => (total > 0 ? failed / total : null);
const rateClass = (r: number | null) => (r === null || r === 0 ? "" : r >= 0.2 ? "loss" : "warn");

/** Each model's share of failed runs and failed tool calls, worst first. */
export function HealthFailureRates({ models }: { models: readonly ModelView[] }) {
  if (models.length === 0) return <Empty title="No models yet">Add a model and its runs are counted here.</Empty>;
  const rows = models
    .map((m) => {
      const runs = m.runs ?? { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 };
      return { m, runs, runRate: rate(runs.failedRuns, runs.runs), toolRate: rate(runs.failedToolCalls, runs.toolCalls) };
    })
    .sort((a, b) => (b.runRate ?? -1) - (a.runRate ?? -1) || (b.toolRate ?? -1) - (a.toolRate ?? -1) || a.m.name.localeCompare(b.m.name));
  return (
    <div className="table-wrap">
      <table data-testid="failure-rates">
        <thead>
          <tr>
            <th>Model</th>
            <th className="num">Runs</th>
            <th className="num">Failed runs</th>
            <th className="num">Run failure rate</th>
            <th className="num">Tool calls</th>
            <th className="num">Failed calls</th>
            <th className="num">Call failure rate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ m, runs, runRate, toolRate }) => (
            <tr key={m.id} data-model-id={m.id}>
              <td>
                <Link href={`/models/${encodeURIComponent(m.id)}`}>{m.name}</Link> <span className="muted small">{m.kind}</span>
              </td>
              <td className="num">{runs.runs}</td>
              <td className="num">{runs.failedRuns}</td>
              <td className={`num ${rateClass(runRate)}`}>{ratioPct(runRate)}</td>
              <td className="num">{runs.toolCalls}</td>
              <td className="num">{runs.failedToolCalls}</td>
              <td className={`num ${rateClass(toolRate)}`}>{ratioPct(toolRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
