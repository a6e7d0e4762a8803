import { useState, type ReactElement, type ReactNode } from "react";
import { cloneElement } from "react";

let lastFieldId = 0;

/**
 * An id unique on the page. Not React's useId: the production bundle runs on Preact
 * (web/vite.config.ts), whose useId gave an input mounted after the first render (the Lighter
 * account's, the LLM connection's) the id of an earlier one, so its label named another input.
 */
function useFieldId(): string {
  const [id] = useState(() => `field-${++lastFieldId}`);
  return id;
}

/**
 * A labelled input with its hint and its error underneath; the input is told which text
 * describes it (aria-describedby) and whether it is invalid.
 */
export function FormField({ label, hint, error, children }: { label: ReactNode; hint?: ReactNode; error?: string; children: ReactElement<Record<string, unknown>> }) {
  const id = useFieldId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, "aria-describedby": described, "aria-invalid": error ? true : undefined })}
      {hint && (
        <div id={`${id}-hint`} className="muted small">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
