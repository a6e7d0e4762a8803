import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { HaltView, LiveStatusView, LiveSwitchState } from "../api/types.ts";
import { fullTime, time } from "../lib/format.ts";
import { ConfirmButton, ErrorBox } from "./ui.tsx";

type Action = "halt" | "resume";
type Outcome = { action: "halt"; view: HaltView } | { action: "resume"; view: LiveSwitchState };

/** What a thrown or lifted kill switch changes besides its own state (orders canceled, models refused). */
const AFFECTED = ["live", "orders", "models", "leaderboard"];

/** The halt's answer: how many open orders it canceled, and each one it could not (still on the exchange). */
function HaltOutcome({ view }: { view: HaltView }) {
  return (
    <div className="stack-tight" data-testid="halt-result">
      <div className="small">
        Live trading halted at <span title={fullTime(view.changedAt)}>{time(view.changedAt)}</span>: {view.canceledOrders} open order{view.canceledOrders === 1 ? "" : "s"} canceled.
      </div>
      {view.failures.length > 0 && (
        <div className="error-box" role="alert">
          <strong>
            {view.failures.length} order{view.failures.length === 1 ? "" : "s"} could not be canceled and may still be on the exchange; cancel {view.failures.length === 1 ? "it" : "them"} on Lighter:
          </strong>
          <ul>
            {view.failures.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The form behind "Halt all live trading": what it does, an optional reason, and the confirmation. */
function HaltForm({ onHalt, onCancel }: { onHalt: (reason: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onHalt(reason.trim());
  };
  return (
    <form className="halt-form" role="alertdialog" aria-label="Halt all live trading?" onSubmit={submit} data-testid="halt-form">
      <div>
        <strong>Halt all live trading?</strong> The open orders of every live model are canceled on the exchange (stops and targets protecting a position may stay), and no new position is opened until
        someone resumes. Exits still go out, so a stop can still close a position.
      </div>
      <label className="form-field">
        <span>
          Reason <span className="muted">(optional, shown with the halt)</span>
        </span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoComplete="off" placeholder="e.g. exchange incident" />
      </label>
      <div className="row">
        <button type="submit" className="danger">
          Halt now
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The kill switch's controls: halt everything live (with a reason) or resume, and what the last action did. */
export function LiveKillSwitch({ status }: { status: LiveStatusView }) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [pending, setPending] = useState<Action | null>(null);
  const [error, setError] = useState<{ action: Action; error: unknown } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const act = async (action: Action, run: () => Promise<Outcome>) => {
    setPending(action);
    setError(null);
    setOutcome(null);
    try {
      const done = await run();
      const { halted, reason, changedAt } = done.view;
      client.setQueryData<LiveStatusView>(["live"], (old) => (old ? { ...old, halted, reason, changedAt } : old));
      setOutcome(done);
    } catch (e) {
      setError({ action, error: e });
    } finally {
      setPending(null);
      await client.invalidateQueries({ predicate: (q) => AFFECTED.includes(String(q.queryKey[0])) });
    }
  };

  const halt = (reason: string) => {
    setAsking(false);
    void act("halt", async () => ({ action: "halt", view: await send<HaltView>("POST", "/live/halt", reason ? { reason } : {}) }));
  };
  const resume = () => void act("resume", async () => ({ action: "resume", view: await send<LiveSwitchState>("POST", "/live/resume") }));

  return (
    <div className="stack-tight">
      {asking ? (
        <HaltForm onHalt={halt} onCancel={() => setAsking(false)} />
      ) : (
        <div className="row">
          {status.halted ? (
            <ConfirmButton className="primary" confirm="Resume live trading? Live models may open positions again." onConfirm={resume} disabled={pending !== null} testId="live-resume">
              {pending === "resume" ? "Resuming…" : "Resume live trading"}
            </ConfirmButton>
          ) : (
            <button type="button" className="danger" disabled={pending !== null} onClick={() => setAsking(true)} data-testid="live-halt">
              {pending === "halt" ? "Halting…" : "Halt all live trading"}
            </button>
          )}
        </div>
      )}
      {outcome?.action === "halt" && <HaltOutcome view={outcome.view} />}
      {outcome?.action === "resume" && (
        <div className="gain small" data-testid="resume-result">
          Live trading resumed at <span title={fullTime(outcome.view.changedAt)}>{time(outcome.view.changedAt)}</span>: live models may open positions again.
        </div>
      )}
      {error && <ErrorBox error={error.error} what={error.action === "halt" ? "Live trading was not halted" : "Live trading was not resumed"} />}
    </div>
  );
}
