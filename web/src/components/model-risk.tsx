import type { ModelView } from "../api/types.ts";
import { ratioPct } from "../lib/format.ts";
import { failureRate, riskLabel, riskValue, toolFailureRate } from "../lib/model-risk.ts";
import { Card, Stat } from "./ui.tsx";

/** The risk limits in force for this model (its overrides over the defaults). */
export function ModelRiskLimits({ model }: { model: ModelView }) {
  const entries = Object.entries(model.risk ?? {});
  return (
    <Card title="Risk limits">
      {entries.length === 0 ? (
        <p className="muted">No risk limits reported.</p>
      ) : (
        <dl className="model-kv">
          {entries.map(([k, v]) => (
            <div key={k}>
              <dt>{riskLabel(k)}</dt>
              <dd className="num">{riskValue(k, v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

/** How reliably the model's scheduler runs and tool calls went. */
export function ModelRunStats({ model }: { model: ModelView }) {
  const r = model.runs ?? { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 };
  const rate = failureRate(r);
  const toolRate = toolFailureRate(r);
  return (
    <Card title="Runs">
      <div className="stats">
        <Stat label="Runs" value={r.runs} />
        <Stat label="Failed runs" value={r.failedRuns} className={r.failedRuns > 0 ? "loss" : ""} />
        <Stat label="Run failure rate" value={ratioPct(rate)} className={rate ? "loss" : ""} />
        <Stat label="Tool calls" value={r.toolCalls} />
        <Stat label="Failed tool calls" value={r.failedToolCalls} className={r.failedToolCalls > 0 ? "loss" : ""} title="Rejected by a risk rule or the venue, or malformed" />
        <Stat label="Tool failure rate" value={ratioPct(toolRate)} className={toolRate ? "loss" : ""} />
      </div>
    </Card>
  );
}
