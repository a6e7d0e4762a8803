import type { ModelForm } from "../lib/form-model.ts";
import { FormField } from "./form-field.tsx";
import { Segmented } from "./ui.tsx";

type Set = <K extends keyof ModelForm>(key: K, value: ModelForm[K]) => void;

/**
 * The add-model form's venue: paper (the default) or a Lighter account, named by its index, its
 * API key's index and the environment variable that holds the key on the server. The key itself
 * is never typed here.
 */
export function VenueFields({
  form,
  set,
  errors,
  keyWarning,
  mode,
}: {
  form: ModelForm;
  set: Set;
  errors: Record<string, string>;
  keyWarning: string | null;
  mode: "simulation" | "live" | undefined;
}) {
  return (
    <>
      <FormField
        label="Venue"
        error={errors.venue}
        hint={
          form.venue === "sim"
            ? "Paper: orders fill on the exchange simulator, no real money."
            : mode === "simulation"
              ? "Lighter: real orders with real money. This server runs in simulation mode, so it will refuse a Lighter model (live trading needs TRADING_MODE=live)."
              : "Lighter: real orders with real money, from the account below. Its capital is the account's collateral on Lighter."
        }
      >
        <Segmented
          label="Venue"
          value={form.venue}
          options={[
            { value: "sim", label: "Paper" },
            { value: "lighter", label: "Lighter (live)" },
          ]}
          onChange={(v) => set("venue", v)}
        />
      </FormField>
      {form.venue === "lighter" && (
        <fieldset className="llm-fields" data-testid="lighter-fields">
          <legend>Lighter account</legend>
          <div className="form-pair">
            <FormField label="Account index" error={errors["venue.accountIndex"]} hint="Your account's index on Lighter.">
              <input value={form.accountIndex} onChange={(e) => set("accountIndex", e.target.value)} inputMode="numeric" autoComplete="off" />
            </FormField>
            <FormField label="API key index" error={errors["venue.apiKeyIndex"]} hint="The index of the API key registered on that account (0 to 254).">
              <input value={form.apiKeyIndex} onChange={(e) => set("apiKeyIndex", e.target.value)} inputMode="numeric" autoComplete="off" />
            </FormField>
          </div>
          <FormField
            label="Name of the environment variable holding the API private key"
            error={errors["venue.privateKeyEnv"] ?? keyWarning ?? undefined}
            hint="The variable's NAME, e.g. LIGHTER_API_KEY, set where the server runs. The private key itself is never entered here, sent, stored or shown; the server reads it from that variable and checks it against the account."
          >
            <input value={form.privateKeyEnv} onChange={(e) => set("privateKeyEnv", e.target.value)} autoComplete="off" spellCheck={false} placeholder="LIGHTER_API_KEY" />
          </FormField>
        </fieldset>
      )}
    </>
  );
}
