import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import { useModels } from "../api/queries.ts";
import type { BacktestView, ModelView } from "../api/types.ts";
import { backtestBody, checkBacktestForm, emptyBacktestForm, INTERVALS, placeBacktestErrors, usesLlm, type BacktestForm } from "../lib/backtests.ts";
import { parseFieldErrors } from "../lib/form-errors.ts";
import { BacktestFiles } from "./backtest-files.tsx";
import { FormField } from "./form-field.tsx";
import { ErrorBox, Loading, Segmented } from "./ui.tsx";

/** The installation's models a backtest can run (a follower copies its source and decides nothing). */
function ModelPicker({ models, chosen, onChange }: { models: readonly ModelView[]; chosen: readonly string[]; onChange: (ids: string[]) => void }) {
  const toggle = (id: string) => onChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
  if (models.length === 0) return <div className="muted">No rule or LLM models here yet: add one first.</div>;
  return (
    <div className="bt-model-picker" role="group" aria-label="Models" data-testid="backtest-models">
      {models.map((m) => (
        <label key={m.id} className={chosen.includes(m.id) ? "bt-model on" : "bt-model"}>
          <input type="checkbox" checked={chosen.includes(m.id)} onChange={() => toggle(m.id)} />
          <span className="bt-model-name">{m.name}</span>
          <span className="muted small">
            {m.kind === "llm" ? "LLM · " : ""}
            {m.strategy}
          </span>
        </label>
      ))}
    </div>
  );
}

/**
 * A new backtest: its span, the market (the seeded synthetic feed or recorded files), the
 * installation's models to run, how often they decide, and the execution settings. The server's
 * field errors appear under their inputs; a started run is opened at once.
 */
export function BacktestFormCard({ onStarted }: { onStarted: (b: BacktestView) => void }) {
  const modelsQuery = useModels();
  const client = useQueryClient();
  const [form, setForm] = useState<BacktestForm>(() => emptyBacktestForm(new Date()));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const models = (modelsQuery.data ?? []).filter((m) => m.kind !== "mirror");

  const set = <K extends keyof BacktestForm>(key: K, value: BacktestForm[K], field: string = key) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setOther([]);
    const found = checkBacktestForm(form, models);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    try {
      const started = await send<BacktestView>("POST", "/backtests", backtestBody(form, models));
      void client.invalidateQueries({ queryKey: ["backtests"] });
      onStarted(started);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const placed = placeBacktestErrors(parseFieldErrors(err.message));
        setErrors(placed.byField);
        setOther(placed.other);
      } else setFailure(err);
    } finally {
      setSending(false);
    }
  };

  const bps = (key: "makerFeeBps" | "takerFeeBps" | "slippageBps", label: string, hint?: string) => (
    <FormField label={label} error={errors[key]} {...(hint ? { hint } : {})}>
      <input value={form[key]} onChange={(e) => set(key, e.target.value)} inputMode="decimal" className="num-input" />
    </FormField>
  );

  return (
    <form className="fields bt-form" onSubmit={(e) => void submit(e)} noValidate data-testid="backtest-form">
      <div className="form-pair">
        <FormField label="From" error={errors.from} hint="Your time zone.">
          <input type="datetime-local" value={form.from} onChange={(e) => set("from", e.target.value)} required />
        </FormField>
        <FormField label="To" error={errors.to}>
          <input type="datetime-local" value={form.to} onChange={(e) => set("to", e.target.value)} required />
        </FormField>
      </div>
      <FormField label="Market" error={errors.feed}>
        <Segmented
          label="Market"
          value={form.feed}
          options={[
            { value: "synthetic", label: "Synthetic" },
            { value: "replay", label: "Recorded files" },
          ]}
          onChange={(v) => set("feed", v)}
        />
      </FormField>
      <div className="form-pair">
        <FormField label="Seed" error={errors.seed} hint={form.feed === "synthetic" ? "Same seed, same market and fills." : "Draws the simulator's latency."}>
          <input value={form.seed} onChange={(e) => set("seed", e.target.value)} inputMode="numeric" className="num-input" />
        </FormField>
        {form.feed === "synthetic" && (
          <FormField label="Book every (ms)" error={errors.bookMs} hint="Time between synthetic books.">
            <input value={form.bookMs} onChange={(e) => set("bookMs", e.target.value)} inputMode="numeric" className="num-input" />
          </FormField>
        )}
      </div>
      {form.feed === "replay" && <BacktestFiles files={form.files} error={errors.files} onChange={(files) => set("files", files)} />}
      <FormField label="Models" error={errors.models} hint="Each runs with its strategy, capital and risk limits as they are here, on an account of its own.">
        {modelsQuery.isPending ? (
          <Loading what="models" />
        ) : modelsQuery.isError ? (
          <ErrorBox error={modelsQuery.error} what="Models" />
        ) : (
          <ModelPicker models={models} chosen={form.modelIds} onChange={(ids) => set("modelIds", ids, "models")} />
        )}
      </FormField>
      {usesLlm(form, models) && (
        <fieldset className="llm-fields">
          <legend>LLM calls</legend>
          <FormField label="Mode" error={errors.llm}>
            <Segmented
              label="LLM calls"
              value={form.llmMode}
              options={[
                { value: "record", label: "Call and record" },
                { value: "replay", label: "Replay a recording" },
              ]}
              onChange={(v) => set("llmMode", v, "llm")}
            />
          </FormField>
          <FormField label="Recording file (on the server)" hint={form.llmMode === "record" ? "Empty: in the backtest's own folder." : "A recording of an earlier run; a call it lacks stops the run."}>
            <input value={form.llmFile} onChange={(e) => set("llmFile", e.target.value, "llm")} autoComplete="off" spellCheck={false} />
          </FormField>
        </fieldset>
      )}
      <FormField label="Models decide every" error={errors.interval}>
        <select value={form.interval} onChange={(e) => set("interval", e.target.value)}>
          {INTERVALS.map((i) => (
            <option key={i.value} value={i.value}>
              {i.label}
            </option>
          ))}
        </select>
      </FormField>
      <fieldset className="llm-fields">
        <legend>Execution</legend>
        <div className="form-pair">
          {bps("makerFeeBps", "Maker fee (bps)")}
          {bps("takerFeeBps", "Taker fee (bps)")}
        </div>
        {bps("slippageBps", "Extra slippage (bps)", "Against the trader on every taker fill, on top of walking the book.")}
        <div className="form-pair">
          <FormField label="Latency from (ms)" error={errors.latency}>
            <input value={form.latencyMinMs} onChange={(e) => set("latencyMinMs", e.target.value, "latency")} inputMode="numeric" className="num-input" />
          </FormField>
          <FormField label="Latency to (ms)" hint="Drawn from the seed for each order.">
            <input value={form.latencyMaxMs} onChange={(e) => set("latencyMaxMs", e.target.value, "latency")} inputMode="numeric" className="num-input" />
          </FormField>
        </div>
      </fieldset>
      {other.length > 0 && (
        <div className="error-box" role="alert">
          {other.map((o) => (
            <div key={o}>{o}</div>
          ))}
        </div>
      )}
      <ErrorBox error={failure} what="The backtest was not started" />
      <div className="row">
        <button type="submit" className="primary" disabled={sending || modelsQuery.isPending}>
          {sending ? "Starting…" : "Start backtest"}
        </button>
        <span className="muted small">It runs on the server in a process of its own, into a throwaway database; this installation's accounts are not touched.</span>
      </div>
    </form>
  );
}
