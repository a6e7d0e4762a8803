import { useEffect, useState, type FormEvent } from "react";
import { useLocation, useSearch } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, send } from "../api/client.ts";
import { useLiveStatus, useStrategies } from "../api/queries.ts";
import type { ModelView } from "../api/types.ts";
import { checkModelForm, emptyModelForm, keyProblem, lighterKeyProblem, modelBody, VENUE_ERROR_FIELD, type ModelForm } from "../lib/form-model.ts";
import { parseFieldErrors, placeFieldErrors } from "../lib/form-errors.ts";
import { Card, ErrorBox, Loading, Segmented } from "../components/ui.tsx";
import { FormField } from "../components/form-field.tsx";
import { VenueFields } from "../components/add-model-venue.tsx";
import { findStrategy, strategyLabel } from "../lib/strategy-names.ts";

/** The inputs of this form, by the names the server gives fields in a 400. */
const FIELDS = [
  "name",
  "kind",
  "strategy",
  "initialCapital",
  "llm.baseUrl",
  "llm.model",
  "llm.apiKeyEnv",
  "llm.temperature",
  "llm.maxSteps",
  "venue",
  "venue.accountIndex",
  "venue.apiKeyIndex",
  "venue.privateKeyEnv",
] as const;

const LLM_KEYS: ReadonlySet<string> = new Set(["baseUrl", "model", "apiKeyEnv", "temperature", "maxSteps"]);
const VENUE_KEYS: ReadonlySet<string> = new Set(["accountIndex", "apiKeyIndex", "privateKeyEnv"]);

/**
 * `/models/new`: a rule model (a strategy) or an LLM model (a prompt variant and an OpenAI-compatible
 * endpoint), trading on paper or on a Lighter account (named by its index, its API key's index and
 * the environment variable holding that key: never the key). `?strategy=` preselects a strategy
 * or variant by its name or its original one (`/models/new?strategy=Apex`); variants are listed
 * with both ("aggressive-momentum (Apex)").
 */
export function AddModelPage() {
  const strategies = useStrategies();
  const live = useLiveStatus();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const search = useSearch();
  const [form, setForm] = useState<ModelForm>(emptyModelForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const choices = (strategies.data ?? []).filter((s) => s.kind === form.kind);
  const chosen = choices.find((s) => s.name === form.strategy);

  // A strategy named in the address (any of its names) is chosen once the list is there.
  const asked = new URLSearchParams(search).get("strategy");
  const [askedDone, setAskedDone] = useState(false);
  useEffect(() => {
    if (askedDone || !strategies.data) return;
    setAskedDone(true);
    const found = asked ? findStrategy(asked, strategies.data) : undefined;
    const kind = found?.kind;
    if (found && (kind === "rule" || kind === "llm")) setForm((f) => ({ ...f, kind, strategy: found.name }));
  }, [asked, askedDone, strategies.data]);

  // The strategy list depends on the kind: keep a valid choice selected.
  useEffect(() => {
    if (asked && !askedDone) return; // the asked-for strategy (and its kind) is being chosen: do not pick another first
    if (choices.length > 0 && !choices.some((s) => s.name === form.strategy)) setForm((f) => ({ ...f, strategy: choices[0]!.name }));
  }, [choices, form.strategy, asked, askedDone]);

  const set = <K extends keyof ModelForm>(key: K, value: ModelForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    const path = LLM_KEYS.has(key) ? `llm.${key}` : VENUE_KEYS.has(key) ? `venue.${key}` : key;
    if (errors[path]) setErrors(({ [path]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setOther([]);
    const found = checkModelForm(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    try {
      const model = await send<ModelView>("POST", "/models", modelBody(form));
      void client.invalidateQueries({ predicate: (q) => ["models", "leaderboard", "equity", "live"].includes(String(q.queryKey[0])) });
      navigate(`/models/${encodeURIComponent(model.id)}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const placed = placeFieldErrors(parseFieldErrors(err.message), FIELDS);
        setErrors(placed.byField);
        setOther(placed.other);
      } else if (err instanceof ApiError && err.code === "name_taken") {
        setErrors({ name: err.message });
      } else if (err instanceof ApiError && VENUE_ERROR_FIELD[err.code]) {
        // The Lighter account was checked and refused: the message goes under the input to fix.
        setErrors({ [VENUE_ERROR_FIELD[err.code]!]: `${err.message} (${err.code})` });
      } else {
        setFailure(err);
      }
    } finally {
      setSending(false);
    }
  };

  const keyWarning = form.kind === "llm" ? keyProblem(form.apiKeyEnv) : null;
  const lighterKeyWarning = form.venue === "lighter" ? lighterKeyProblem(form.privateKeyEnv) : null;

  return (
    <div className="stack">
      <h1>Add a model</h1>
      <Card>
        {strategies.isError && <ErrorBox error={strategies.error} what="Strategies" />}
        <form className="fields" onSubmit={(e) => void submit(e)} noValidate data-testid="add-model-form">
          <FormField label="Kind" error={errors.kind}>
            <Segmented
              label="Kind"
              value={form.kind}
              options={[
                { value: "rule", label: "Rule strategy" },
                { value: "llm", label: "LLM" },
              ]}
              onChange={(k) => set("kind", k)}
            />
          </FormField>
          <FormField label="Name" error={errors.name} hint="Shown on the leaderboard; unique.">
            <input value={form.name} onChange={(e) => set("name", e.target.value)} maxLength={100} autoComplete="off" />
          </FormField>
          <FormField label={form.kind === "llm" ? "Prompt variant" : "Strategy"} error={errors.strategy} hint={chosen?.description}>
            {strategies.isPending ? (
              <Loading what="strategies" />
            ) : (
              <select value={form.strategy} onChange={(e) => set("strategy", e.target.value)}>
                {choices.length === 0 && <option value="">None available</option>}
                {choices.map((s) => (
                  <option key={s.name} value={s.name}>
                    {strategyLabel(s.name, choices)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <VenueFields form={form} set={set} errors={errors} keyWarning={lighterKeyWarning} mode={live.data?.mode} />
          {form.venue === "sim" && (
            <FormField label="Initial capital (USD)" error={errors.initialCapital} hint="Empty for the server's default.">
              <input value={form.initialCapital} onChange={(e) => set("initialCapital", e.target.value)} inputMode="decimal" className="num-input" />
            </FormField>
          )}
          {form.kind === "llm" && (
            <fieldset className="llm-fields">
              <legend>LLM connection</legend>
              <FormField label="Base URL" error={errors["llm.baseUrl"]} hint="An OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://openrouter.ai/api/v1.">
                <input value={form.baseUrl} onChange={(e) => set("baseUrl", e.target.value)} inputMode="url" autoComplete="off" />
              </FormField>
              <FormField label="Model id" error={errors["llm.model"]} hint="As the server names it, e.g. llama3.1 or gpt-4o-mini.">
                <input value={form.model} onChange={(e) => set("model", e.target.value)} autoComplete="off" />
              </FormField>
              <FormField
                label={
                  <>
                    Name of the environment variable holding the API key <span className="muted">(optional)</span>
                  </>
                }
                error={errors["llm.apiKeyEnv"] ?? keyWarning ?? undefined}
                hint="The variable's NAME, e.g. OPENROUTER_API_KEY, set where the server runs. Never paste the key itself here. Leave empty for a local server without keys."
              >
                <input value={form.apiKeyEnv} onChange={(e) => set("apiKeyEnv", e.target.value)} autoComplete="off" spellCheck={false} placeholder="OPENROUTER_API_KEY" />
              </FormField>
              <div className="form-pair">
                <FormField label="Temperature (optional)" error={errors["llm.temperature"]} hint="0 to 2.">
                  <input value={form.temperature} onChange={(e) => set("temperature", e.target.value)} inputMode="decimal" />
                </FormField>
                <FormField label="Max steps (optional)" error={errors["llm.maxSteps"]} hint="Tool-call rounds per run, 1 to 50.">
                  <input value={form.maxSteps} onChange={(e) => set("maxSteps", e.target.value)} inputMode="numeric" />
                </FormField>
              </div>
            </fieldset>
          )}
          {other.length > 0 && (
            <div className="error-box" role="alert">
              {other.map((o) => (
                <div key={o}>{o}</div>
              ))}
            </div>
          )}
          <ErrorBox error={failure} what="The model was not created" />
          <div className="row">
            <button type="submit" className="primary" disabled={sending || strategies.isPending}>
              {sending ? "Creating…" : "Create model"}
            </button>
            <span className="muted small">
              {form.venue === "lighter" ? "It starts active: from the next cycle its orders go to Lighter, with real money." : "It starts active: the scheduler runs it in the next cycle."}
            </span>
          </div>
        </form>
      </Card>
    </div>
  );
}
