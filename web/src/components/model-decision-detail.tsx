import { useInvocation } from "../api/queries.ts";
import { duration } from "../lib/format.ts";
import { readSteps } from "../lib/model-steps.ts";
import { ErrorBox, Loading } from "./ui.tsx";

/** A run in full: the prompt the model saw and each step it took (with the state update it was shown before the step). */
export function ModelDecisionDetail({ invocationId }: { invocationId: string }) {
  const q = useInvocation(invocationId);
  if (q.isPending) return <Loading what="the full run" />;
  if (q.error) return <ErrorBox error={q.error} what="Run details" />;
  const steps = readSteps(q.data.steps);
  return (
    <div className="model-decision-detail">
      <h3>Prompt</h3>
      {q.data.prompt ? <pre>{q.data.prompt}</pre> : <p className="muted small">No prompt recorded (a rule strategy decides without one).</p>}
      <h3>Steps</h3>
      {steps === null ? (
        q.data.steps == null ? (
          <p className="muted small">No steps recorded.</p>
        ) : (
          <pre>{JSON.stringify(q.data.steps, null, 2)}</pre>
        )
      ) : steps.length === 0 ? (
        <p className="muted small">No steps recorded.</p>
      ) : (
        <ol className="model-steps">
          {steps.map((s) => (
            <li key={s.step}>
              <div className="muted small">
                Step {s.step} · {duration(s.latencyMs)}
                {s.attempts !== null && s.attempts > 1 && ` · ${s.attempts} attempts`} · {s.inputTokens ?? "—"} in / {s.outputTokens ?? "—"} out tokens
                {s.finishReason && ` · ${s.finishReason}`}
              </div>
              {s.stateUpdate && (
                <details className="model-state-update" data-testid="model-state-update">
                  <summary className="muted small">The account as the model saw it before this step</summary>
                  <pre>{s.stateUpdate}</pre>
                </details>
              )}
              {s.text && <pre>{s.text}</pre>}
              {s.toolCalls.map((c, i) => (
                <div key={i} className={c.ok === false ? "model-rejection" : ""}>
                  <span className="badge">{c.tool}</span>{" "}
                  {c.ok === false ? <span className="badge error">{c.executed === false ? "not run" : "failed"}</span> : c.ok ? <span className="badge ok">ok</span> : null}
                  {c.error && <span> {c.error}</span>}
                  <pre>{JSON.stringify(c.args, null, 2)}</pre>
                </div>
              ))}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
