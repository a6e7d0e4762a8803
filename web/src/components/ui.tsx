import { useState, type ReactNode } from "react";
import { ApiError } from "../api/client.ts";
import { pct, pnlClass, usd } from "../lib/format.ts";

/** What to do when there is nothing to show yet. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

/** An error in words (the API's message when there is one), never a blank area. */
export function ErrorBox({ error, what }: { error: unknown; what?: string }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError && error.status > 0 ? ` (${error.status} ${error.code})` : "";
  return (
    <div className="error-box" role="alert">
      {what ? <strong>{what}: </strong> : null}
      {message}
      {code}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return <div className="loading">Loading{what ? ` ${what}` : ""}…</div>;
}

export function Card({ title, actions, children, className, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${className ?? ""}`} data-testid={testId}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

/** A labelled figure in a stats grid. */
export function Stat({ label, value, className, title }: { label: string; value: ReactNode; className?: string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${className ?? ""}`}>{value}</div>
    </div>
  );
}

/** Dollars coloured by sign. */
export function Pnl({ value, signed = true }: { value: string | null | undefined; signed?: boolean }) {
  return <span className={pnlClass(value)}>{usd(value, { signed })}</span>;
}

/** A percentage coloured by sign. */
export function PnlPct({ value }: { value: number | null | undefined }) {
  return <span className={pnlClass(value)}>{pct(value, { signed: true })}</span>;
}

/** A row of mutually exclusive choices (windows, intervals, units). */
export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: readonly T[] | ReadonlyArray<{ value: T; label: string }>;
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((o) => {
        const v = typeof o === "string" ? o : o.value;
        const text = typeof o === "string" ? o : o.label;
        return (
          <button key={v} type="button" className={v === value ? "on" : ""} aria-pressed={v === value} onClick={() => onChange(v)}>
            {text}
          </button>
        );
      })}
    </div>
  );
}

/** A button that asks "are you sure?" in place before acting. */
export function ConfirmButton({
  children,
  confirm,
  onConfirm,
  disabled,
  className,
  testId,
}: {
  children: ReactNode;
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)} data-testid={testId}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={confirm}>
      <span>{confirm}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
