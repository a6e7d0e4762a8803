import { useEffect, useRef, useState } from "react";
import { onTokenRequest } from "../api/token.ts";

/** Asks for the API token when an action gets a 401; the token stays in this browser session only. */
export function TokenDialog() {
  const [resolve, setResolve] = useState<((t: string | null) => void) | null>(null);
  const [value, setValue] = useState("");
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    onTokenRequest(
      () =>
        new Promise<string | null>((r) => {
          setValue("");
          setResolve(() => r);
        }),
    );
  }, []);
  useEffect(() => {
    if (resolve) input.current?.focus();
  }, [resolve]);

  if (!resolve) return null;
  const done = (t: string | null) => {
    resolve(t);
    setResolve(null);
  };
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-label="API token"
        onSubmit={(e) => {
          e.preventDefault();
          done(value);
        }}
      >
        <h3>API token needed</h3>
        <p>This server requires its token (AUTONOME_API_TOKEN) for actions. Reading works without it. The token is kept for this browser session only.</p>
        <input ref={input} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} placeholder="token" aria-label="token" />
        <div className="actions">
          <button type="button" onClick={() => done(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!value.trim()}>
            Use token
          </button>
        </div>
      </form>
    </div>
  );
}
