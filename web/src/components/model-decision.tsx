import { useState } from "react";
import type { InvocationView } from "../api/types.ts";
import { duration, fullTime, time } from "../lib/format.ts";
import { failedToolCalls } from "../lib/model-tool-call.ts";
import { ModelDecisionDetail } from "./model-decision-detail.tsx";
import { ModelToolCall } from "./model-tool-call.tsx";

/** One scheduler run of the model: when, how it went, what it said and did. */
export function ModelDecision({ invocation: inv }: { invocation: InvocationView }) {
  const [open, setOpen] = useState(false);
  const failed = failedToolCalls(inv.toolCalls);
  return (
    <li className={`model-decision ${inv.status !== "ok" && inv.status !== "running" ? "failed" : ""}`} data-invocation-id={inv.id}>
      <div className="row">
        <strong title={fullTime(inv.createdAt)}>{time(inv.createdAt)}</strong>
        <span className={`badge ${inv.status}`}>{inv.status}</span>
        <span className="muted small">{duration(inv.durationMs)}</span>
        {(inv.inputTokens !== null || inv.outputTokens !== null) && (
          <span className="muted small">
            {inv.inputTokens ?? "—"} in / {inv.outputTokens ?? "—"} out tokens
          </span>
        )}
        <span className="muted small">
          {inv.toolCalls.length} tool call{inv.toolCalls.length === 1 ? "" : "s"}
          {failed > 0 && <span className="loss"> ({failed} failed)</span>}
        </span>
        <span className="spacer" />
        <button type="button" className="small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide prompt & steps" : "Prompt & steps"}
        </button>
      </div>
      {inv.error && (
        <div className="error-box" role="note">
          {inv.error}
        </div>
      )}
      {inv.response ? <pre className="model-response">{inv.response}</pre> : inv.status === "running" ? <p className="muted small">Running…</p> : null}
      {inv.toolCalls.length > 0 && (
        <div className="model-tool-calls">
          {inv.toolCalls.map((c, i) => (
            <ModelToolCall key={i} call={c} />
          ))}
        </div>
      )}
      {open && <ModelDecisionDetail invocationId={inv.id} />}
    </li>
  );
}
