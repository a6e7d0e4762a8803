import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import { useHealth } from "../api/queries.ts";
import type { AccountView, ModelView } from "../api/types.ts";
import { usd } from "../lib/format.ts";
import { refreshAfter, type ModelAction } from "../lib/model-refresh.ts";
import { ConfirmButton, ErrorBox } from "./ui.tsx";

/**
 * Pause or resume the model; in simulation, reset a paper model's account to the initial capital.
 * A halted model is not resumed here (the server refuses, and its message is shown): a person
 * adopts the exchange's state instead (model-live.tsx).
 */
export function ModelActions({ model }: { model: ModelView }) {
  const client = useQueryClient();
  const health = useHealth();
  const [pending, setPending] = useState<ModelAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const active = model.status === "active";
  const halted = model.status === "halted";
  const path = `/models/${encodeURIComponent(model.id)}`;

  const act = async (action: ModelAction, run: () => Promise<string>) => {
    setPending(action);
    setError(null);
    setNotice(null);
    try {
      setNotice(await run());
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
      await refreshAfter(client, action);
    }
  };

  const toggle = () =>
    act("status", async () => {
      const updated = await send<ModelView>("PATCH", path, { status: active ? "paused" : "active" });
      client.setQueryData(["models", model.id], updated);
      return updated.status === "active" ? "Resumed: the scheduler runs it on the next cycle." : "Paused: the scheduler skips it; its positions keep their exit plans.";
    });

  const reset = () =>
    act("reset", async () => {
      const account = await send<AccountView>("POST", `/sim/accounts/${encodeURIComponent(model.id)}/reset`);
      return `Account reset: equity ${usd(account.equity)}, positions closed.`;
    });

  return (
    <div className="model-actions">
      <div className="row">
        <button
          type="button"
          data-testid="model-status-toggle"
          className={active ? "" : "primary"}
          disabled={pending !== null}
          onClick={() => void toggle()}
          title={halted ? "A halted model trades again once the exchange's state is adopted (below)" : active ? "The scheduler stops running this model" : "The scheduler runs this model again"}
        >
          {pending === "status" ? (active ? "Pausing…" : "Resuming…") : active ? "Pause" : "Resume"}
        </button>
        {health.data?.mode === "simulation" && model.venue.kind === "sim" && (
          <ConfirmButton className="danger" confirm="Close every position and reset the account to its initial capital?" onConfirm={() => void reset()} disabled={pending !== null}>
            {pending === "reset" ? "Resetting…" : "Reset account"}
          </ConfirmButton>
        )}
      </div>
      {error !== null && <ErrorBox error={error} what="Action failed" />}
      {notice && <div className="muted small">{notice}</div>}
    </div>
  );
}
