import { readToolCall, toolLabel } from "../lib/model-tool-call.ts";
import { fullTime, time } from "../lib/format.ts";

/** JSON on one line when short, indented when not. */
function json(value: unknown): string {
  const flat = JSON.stringify(value);
  return flat === undefined ? "—" : flat.length <= 100 ? flat : JSON.stringify(value, null, 2);
}

/** One tool call of a run: what the model asked for and what came of it, rejections first to the eye. */
export function ModelToolCall({ call }: { call: { type: string; metadata: unknown; createdAt: string } }) {
  const r = readToolCall(call.metadata);
  return (
    <div className={`model-tool-call ${r.failed ? "failed" : ""}`}>
      <div className="row">
        <span className="badge">{toolLabel(call.type)}</span>
        {r.ok !== null && <span className={`badge ${r.ok ? "ok" : "error"}`}>{r.ok ? "ok" : "failed"}</span>}
        <span className="spacer" />
        <span className="muted small" title={fullTime(call.createdAt)}>
          {time(call.createdAt)}
        </span>
      </div>
      {r.error && (
        <div className="model-rejection" role="note">
          <strong>{r.error.code}</strong>
          {r.error.message && <>: {r.error.message}</>}
        </div>
      )}
      {r.outcomes.length > 0 && (
        <ul className="model-outcomes">
          {r.outcomes.map((o, i) => (
            <li key={i} className={o.rejected ? "model-rejection" : ""}>
              {o.symbol && <strong>{o.symbol} </strong>}
              <span className={`badge ${o.status}`}>{o.status}</span>
              {o.reason && <span className={o.rejected ? "" : "muted"}> {o.reason}</span>}
              {o.message && <span>: {o.message}</span>}
              {o.details.length > 0 && <span className="muted small"> {o.details.map(([k, v]) => `${k} ${v}`).join(" · ")}</span>}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary className="muted small">Arguments</summary>
        <pre>{json(r.args)}</pre>
      </details>
    </div>
  );
}
