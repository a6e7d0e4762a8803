import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import type { BacktestView } from "../api/types.ts";
import { checkWhatIfForm, placeWhatIfErrors, RISK_INPUTS, riskField, whatIfBody, whatIfForm, type RiskLimitName, type WhatIfForm } from "../lib/what-if-form.ts";
import { parseFieldErrors } from "../lib/form-errors.ts";
import { FormField } from "./form-field.tsx";
import { ErrorBox } from "./ui.tsx";

/**
 * A what-if of a done run: the same decisions replayed with the execution, seed, entry order
 * type and risk limits given here (prefilled with the run's own), as a new run compared with
 * this one once done. The server's field errors appear under their inputs; a started run is
 * opened at once. Each model's limits fold away (ten inputs a model would bury the execution),
 * and unfold by themselves when one of them is refused.
 */
/** The form's text inputs (the limits have their own setter). */
type TextKey = Exclude<keyof WhatIfForm, "risk">;

export function BacktestWhatIfForm({ backtest, onStarted, onClose }: { backtest: BacktestView; onStarted: (b: BacktestView) => void; onClose: () => void }) {
  const client = useQueryClient();
  const [form, setForm] = useState<WhatIfForm>(() => whatIfForm(backtest.request));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());

  const clear = (field: string) => {
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };
  const set = (key: TextKey, value: string, field: string = key) => {
    setForm((f) => ({ ...f, [key]: value }));
    clear(field);
  };
  const setLimit = (model: number, key: RiskLimitName, value: string) => {
    setForm((f) => ({ ...f, risk: f.risk.map((m, i) => (i === model ? { ...m, limits: { ...m.limits, [key]: value } } : m)) }));
    clear(riskField(model, key));
  };
  // A model's limits unfold when one of them has an error to show, and stay so until folded by hand.
  const showErrors = (found: Record<string, string>) => {
    setErrors(found);
    const refused = Object.keys(found).flatMap((k) => /^risk\.(\d+)\./.exec(k)?.[1] ?? []);
    if (refused.length > 0) setUnfolded((open) => new Set([...open, ...refused.map(Number)]));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setOther([]);
    const found = checkWhatIfForm(form);
    showErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    try {
      const started = await send<BacktestView>("POST", `/backtests/${encodeURIComponent(backtest.id)}/what-if`, whatIfBody(form, backtest.request));
      void client.invalidateQueries({ queryKey: ["backtests"] });
      onStarted(started);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const placed = placeWhatIfErrors(parseFieldErrors(err.message));
        showErrors(placed.byField);
        setOther(placed.other);
      } else setFailure(err);
    } finally {
      setSending(false);
    }
  };

  // `quiet`: a second input of a field whose error the first one shows (the latency range).
  const input = (key: TextKey, label: string, opts: { hint?: string; field?: string; numeric?: boolean; quiet?: boolean } = {}) => (
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
      <div className="form-pair">
        <FormField label="Entry orders" error={errors.entryType} hint="How the models' entries are placed; closes stay at the market.">
          <select value={form.entryType} onChange={(e) => set("entryType", e.target.value, "entryType")} data-testid="backtest-what-if-entries">
            <option value="market">Market orders</option>
            <option value="limit">Limit orders, post-only behind the touch</option>
          </select>
        </FormField>
      </div>
      {form.entryType === "limit" && (
        <div className="form-pair">
          {input("entryOffsetBps", "Limit offset (bps)", { hint: "Behind the best bid (a long) or ask (a short); 0 joins it." })}
          {input("entryExpireS", "Limit expires after (s)", { numeric: true, hint: "Canceled unfilled after this long." })}
        </div>
      )}
      <div className="bt-what-if-risk" data-testid="backtest-what-if-risk">
        <div className="muted small">Risk limits by model: empty keeps the default; the run&apos;s own are filled in.</div>
        {form.risk.map((m, i) => (
          <details
            key={m.name}
            open={unfolded.has(i)}
            onToggle={(e) => {
              const open = (e.currentTarget as HTMLDetailsElement).open;
              setUnfolded((s) => (open === s.has(i) ? s : open ? new Set([...s, i]) : new Set([...s].filter((x) => x !== i))));
            }}
            data-model-name={m.name}
          >
            <summary>Risk limits of {m.name}</summary>
            <div className="form-pair">
              {RISK_INPUTS.map((r) => (
                <FormField key={r.key} label={r.label} error={errors[riskField(i, r.key)]}>
                  {r.kind === "flag" ? (
                    <select value={m.limits[r.key]} onChange={(e) => setLimit(i, r.key, e.target.value)}>
                      <option value="">Default</option>
                      <option value="yes">Yes</option>
                      <option value="no">No</option>
                    </select>
                  ) : (
                    <input
                      value={m.limits[r.key]}
                      onChange={(e) => setLimit(i, r.key, e.target.value)}
                      inputMode={r.kind === "whole" ? "numeric" : "decimal"}
                      placeholder="default"
                      className="num-input"
                    />
                  )}
                </FormField>
              ))}
            </div>
          </details>
        ))}
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
