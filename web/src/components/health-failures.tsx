import { Link } from "wouter";
import type { FailuresView } from "../api/types.ts";
import { fullTime, time } from "../lib/format.ts";
import { Empty } from "./ui.tsx";

function ModelLink({ id, names }: { id: string; names: ReadonlyMap<string, string> }) {
  return <Link href={`/models/${encodeURIComponent(id)}`}>{names.get(id) ?? id.slice(0, 8)}</Link>;
}

/** Failed runs and failed tool calls, newest first, each with its error. */
export function HealthFailures({ failures, names }: { failures: FailuresView; names: ReadonlyMap<string, string> }) {
  return (
    <div className="grid">
      <div>
        <h3>Failed runs</h3>
        {failures.runs.length === 0 ? (
          <Empty title="No failed runs">Every model run so far finished; a run that errors or times out is listed here with its error.</Empty>
        ) : (
          <ul className="failure-list" data-testid="failed-runs">
            {failures.runs.map((r) => (
              <li key={r.id} data-invocation-id={r.id}>
                <div className="row">
                  <ModelLink id={r.modelId} names={names} />
                  <span className={`badge ${r.status}`}>{r.status}</span>
                  <span className="spacer" />
                  <time className="muted small" dateTime={r.createdAt} title={fullTime(r.createdAt)}>
                    {time(r.createdAt)}
                  </time>
                </div>
                <div className="failure-error">{r.error ?? r.response ?? "No error text was recorded."}</div>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3>Failed tool calls</h3>
        {failures.toolCalls.length === 0 ? (
          <Empty title="No failed tool calls">Tool calls a model made that the trading system refused (for example a rejected order) appear here with the reason.</Empty>
        ) : (
          <ul className="failure-list" data-testid="failed-tool-calls">
            {failures.toolCalls.map((c, i) => (
              <li key={`${c.invocationId}-${c.createdAt}-${i}`}>
                <div className="row">
                  <ModelLink id={c.modelId} names={names} />
                  <span className="badge error">{c.type}</span>
                  <span className="spacer" />
                  <time className="muted small" dateTime={c.createdAt} title={fullTime(c.createdAt)}>
                    {time(c.createdAt)}
                  </time>
                </div>
                <div className="failure-error">{c.error}</div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
