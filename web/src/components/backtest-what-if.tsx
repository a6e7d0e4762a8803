import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import type { BacktestView } from "../api/types.ts";
import { checkWhatIfForm, placeBacktestErrors, whatIfBody, whatIfForm, type WhatIfForm } from "../lib/backtests.ts";
import { parseFieldErrors } from "../lib/form-errors.ts";
import { FormField } from "./form-field.tsx";
import { ErrorBox } from "./ui.tsx";

/**
 * A what-if of a done run: the same decisions replayed with the execution and seed given here
 * (prefilled with the run's own), as a new run compared with this one once done. The server's
 * field errors appear under their inputs; a started run is opened at once. Risk limits by model
 * are the API's (`risk` in the body): an input per limit per model would bury the few settings here.
 */
export function BacktestWhatIfForm({ backtest, onStarted, onClose }: { backtest: BacktestView; onStarted: (b: BacktestView) => void; onClose: () => void }) {
  const client = useQueryClient();
  const [form, setForm] = useState<WhatIfForm>(() => whatIfForm(backtest.request));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const set = (key: keyof WhatIfForm, value: string, field: string = key) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setOther([]);
    const found = checkWhatIfForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    try {
      const started = await send<BacktestView>("POST", `/backtests/${encodeURIComponent(backtest.id)}/what-if`, whatIfBody(form));
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

  // `quiet`: a second input of a field whose error the first one shows (the latency range).
  const input = (key: keyof WhatIfForm, label: string, opts: { hint?: string; field?: string; numeric?: boolean; quiet?: boolean } = {}) => (
    <FormField label={label} error={opts.quiet ? undefined : errors[opts.field ?? key]} {...(opts.hint ? { hint: opts.hint } : {})}>
      <input value={form[key]} onChange={(e) => set(key, e.target.value, opts.field)} inputMode={opts.numeric ? "numeric" : "decimal"} className="num-input" />
    </FormField>
  );

  return (
    <form className="fields bt-form bt-what-if-form" onSubmit={(e) => void submit(e)} noValidate data-testid="backtest-what-if-form">
      <p className="muted small">The same span, market and decisions as this run, replayed through the simulator with the execution below; the new run is compared with this one.</p>
      <div className="form-pair">
        {input("makerFeeBps", "Maker fee (bps)", { hint: "Negative for a rebate." })}
        {input("takerFeeBps", "Taker fee (bps)")}
      </div>
      <div className="form-pair">
        {input("slippageBps", "Extra slippage (bps)", { hint: "Against the trader on every taker fill." })}
        {input("seed", "Seed", { hint: "Draws the simulator's latency; the market stays this run's.", numeric: true })}
      </div>
      <div className="form-pair">
        {input("latencyMinMs", "Latency from (ms)", { field: "latency", numeric: true })}
        {input("latencyMaxMs", "Latency to (ms)", { field: "latency", numeric: true, quiet: true, hint: "Drawn from the seed for each order." })}
      </div>
      {other.length > 0 && (
        <div className="error-box" role="alert" data-testid="backtest-what-if-errors">
          {other.map((o) => (
            <div key={o}>{o}</div>
          ))}
        </div>
      )}
      <ErrorBox error={failure} what="The what-if was not started" />
      <div className="row">
        <button type="submit" className="primary" disabled={sending} data-testid="backtest-what-if-submit">
          {sending ? "Starting…" : "Start the what-if"}
        </button>
        <button type="button" onClick={onClose} disabled={sending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
