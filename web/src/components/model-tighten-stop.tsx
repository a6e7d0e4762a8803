import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { PositionView } from "../api/types.ts";
import { checkNewStop } from "../lib/exit-plan.ts";
import { refreshAfter } from "../lib/model-refresh.ts";
import { ErrorBox } from "./ui.tsx";

/**
 * Moves a position's stop towards the price. A widening is refused here, with the reason,
 * before the server is asked; whatever the server still refuses (the price moved, the tick)
 * is shown as it answers.
 */
export function ModelTightenStop({ modelId, position }: { modelId: string; position: PositionView }) {
  const client = useQueryClient();
  const [input, setInput] = useState("");
  const [refusal, setRefusal] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const long = position.side === "LONG";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const check = checkNewStop({ side: position.side, currentStop: position.exitPlan?.stop, markPrice: position.markPrice, input });
    if (!check.ok) {
      setRefusal(check.reason);
      return;
    }
    setRefusal(null);
    setPending(true);
    try {
      const updated = await send<PositionView>("PATCH", `/models/${encodeURIComponent(modelId)}/positions/${encodeURIComponent(position.symbol)}/exit-plan`, { stop: check.stop });
      setDone(`Stop now ${updated.exitPlan?.stop ?? check.stop}`);
      setInput("");
      await refreshAfter(client, "exitPlan");
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="model-stop-form" onSubmit={(e) => void submit(e)}>
      <div className="row">
        <input
          aria-label={`New stop for ${position.symbol}`}
          inputMode="decimal"
          placeholder="new stop"
          value={input}
          onChange={(e) => {
            setInput(e.target.value);
            setRefusal(null);
          }}
          size={9}
        />
        <button type="submit" disabled={pending || input.trim() === ""} title={long ? "A long's stop may only move up" : "A short's stop may only move down"}>
          {pending ? "Saving…" : "Tighten"}
        </button>
      </div>
      {refusal && (
        <div className="field-error" role="alert">
          {refusal}
        </div>
      )}
      {error !== null && <ErrorBox error={error} what="Stop not changed" />}
      {done && <div className="muted small">{done}</div>}
    </form>
  );
}
