import { useState, type FormEvent, type ReactElement } from "react";
import { useLocation } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import type { ModelView } from "../api/types.ts";
import { buildFollowRequest, emptyFollowForm, followServerErrors, type FollowForm, type SizingMode } from "../lib/follow-form.ts";
import { FormField } from "./form-field.tsx";
import { Card, ErrorBox, Segmented } from "./ui.tsx";

const MODES: ReadonlyArray<{ value: SizingMode; label: string }> = [
  { value: "fixed", label: "Fixed $" },
  { value: "proportional", label: "Proportional" },
  { value: "kelly", label: "Kelly" },
];

/** Which form key an error path belongs to (so typing in an input clears its error). */
const PATH_OF: Partial<Record<keyof FollowForm, string>> = {
  usd: "sizing.usd",
  ratio: "sizing.ratio",
  fraction: "sizing.fraction",
  minBet: "sizing.minBet",
  maxBet: "sizing.maxBet",
  priceMin: "filters.priceMin",
  priceMax: "filters.priceMax",
  minTradeUsd: "filters.minTradeUsd",
  categories: "filters.categories",
  keywords: "filters.keywords",
  minHoursToEnd: "filters.minHoursToEnd",
  maxHoursToEnd: "filters.maxHoursToEnd",
  minTraderResolved: "filters.minTraderResolved",
  minTraderWinRate: "filters.minTraderWinRate",
  maxSignalAgeSec: "maxSignalAgeMs",
  mode: "sizing",
};

/**
 * "New follow model": its name, the wallets (one a line, each checked before sending), sizing,
 * filters, signal age, slippage and capital. The server's 400 shows each problem under its input.
 */
export function FollowFormCard() {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [form, setForm] = useState<FollowForm>(emptyFollowForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const set = <K extends keyof FollowForm>(key: K, value: FollowForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    const path = PATH_OF[key] ?? key;
    if (errors[path]) setErrors(({ [path]: _, ...rest }) => rest);
  };
  const input = (key: keyof FollowForm, props: Record<string, unknown> = {}): ReactElement<Record<string, unknown>> => (
    <input value={form[key]} onChange={(e) => set(key, e.target.value as FollowForm[typeof key])} {...props} />
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const built = buildFollowRequest(form);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await send<ModelView>("POST", "/models", built.body);
      await client.invalidateQueries({ queryKey: ["models"] });
      navigate("/follow");
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(followServerErrors(err.message));
      else setFailure(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card testId="ft-form">
      <form className="stack ft-form" onSubmit={submit} noValidate>
        {errors[""] && (
          <div className="error-box" role="alert">
            {errors[""]}
          </div>
        )}
        <ErrorBox error={failure} what="Not created" />
        <FormField label="Name" error={errors.name}>
          {input("name", { autoComplete: "off" })}
        </FormField>
        <FormField label="Wallets" hint="One Polymarket wallet a line: 0x and 40 hex digits." error={errors.wallets}>
          <textarea rows={3} value={form.wallets} onChange={(e) => set("wallets", e.target.value)} spellCheck={false} placeholder="0x…" />
        </FormField>

        <fieldset className="ft-fieldset">
          <legend>Sizing</legend>
          <div className="form-field">
            <span aria-hidden="true">Mode</span>
            <Segmented label="Sizing mode" value={form.mode} options={MODES} onChange={(v) => set("mode", v)} />
            {errors.sizing && (
              <div className="field-error" role="alert">
                {errors.sizing}
              </div>
            )}
          </div>
          <div className="form-pair">
            {form.mode === "fixed" && (
              <FormField label="Dollars a trade" error={errors["sizing.usd"]}>
                {input("usd", { inputMode: "decimal" })}
              </FormField>
            )}
            {form.mode === "proportional" && (
              <FormField label="Ratio of the trader's dollars" hint="0.1 = a tenth of what the trader put in" error={errors["sizing.ratio"]}>
                {input("ratio", { inputMode: "decimal" })}
              </FormField>
            )}
            {form.mode === "kelly" && (
              <FormField label="Kelly fraction" hint="0.25 = a quarter of the Kelly bet on the trader's win rate" error={errors["sizing.fraction"]}>
                {input("fraction", { inputMode: "decimal" })}
              </FormField>
            )}
            <FormField label="Minimum bet ($)" hint="optional" error={errors["sizing.minBet"]}>
              {input("minBet", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Maximum bet ($)" hint="optional" error={errors["sizing.maxBet"]}>
              {input("maxBet", { inputMode: "decimal" })}
            </FormField>
          </div>
        </fieldset>

        <fieldset className="ft-fieldset">
          <legend>Filters (all optional)</legend>
          <div className="form-pair">
            <FormField label="Lowest price ($)" hint="0.05 = 5¢" error={errors["filters.priceMin"]}>
              {input("priceMin", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Highest price ($)" hint="0.9 = 90¢" error={errors["filters.priceMax"]}>
              {input("priceMax", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Smallest trade ($)" hint="the trader's price × shares" error={errors["filters.minTradeUsd"]}>
              {input("minTradeUsd", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Categories" hint="comma-separated" error={errors["filters.categories"]}>
              {input("categories")}
            </FormField>
            <FormField label="Keywords" hint="comma-separated words of the question" error={errors["filters.keywords"]}>
              {input("keywords")}
            </FormField>
            <FormField label="Ends in at least (hours)" error={errors["filters.minHoursToEnd"]}>
              {input("minHoursToEnd", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Ends in at most (hours)" error={errors["filters.maxHoursToEnd"]}>
              {input("maxHoursToEnd", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Trader's resolved markets, at least" error={errors["filters.minTraderResolved"]}>
              {input("minTraderResolved", { inputMode: "numeric" })}
            </FormField>
            <FormField label="Trader's win rate, at least" hint="0.6 = 60%" error={errors["filters.minTraderWinRate"]}>
              {input("minTraderWinRate", { inputMode: "decimal" })}
            </FormField>
          </div>
        </fieldset>

        <fieldset className="ft-fieldset">
          <legend>Execution and account</legend>
          <div className="form-pair">
            <FormField label="Maximum signal age (seconds)" hint="a trade seen later is skipped as signal_too_old" error={errors.maxSignalAgeMs}>
              {input("maxSignalAgeSec", { inputMode: "numeric" })}
            </FormField>
            <FormField label="Maximum slippage ($ a share)" hint="0.02 = 2¢ over the trader's price" error={errors.maxSlippage}>
              {input("maxSlippage", { inputMode: "decimal" })}
            </FormField>
            <FormField label="Initial capital ($)" error={errors.initialCapital}>
              {input("initialCapital", { inputMode: "decimal" })}
            </FormField>
          </div>
        </fieldset>
        <div className="row">
          <button type="submit" className="primary" disabled={sending}>
            {sending ? "Creating…" : "Create follow model"}
          </button>
        </div>
      </form>
    </Card>
  );
}
