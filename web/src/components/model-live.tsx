import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import { useLiveStatus } from "../api/queries.ts";
import type { LiveAccountView, ModelView, ReconcileResult } from "../api/types.ts";
import { refreshAfter } from "../lib/model-refresh.ts";
import { Card, ConfirmButton, ErrorBox } from "./ui.tsx";

const ADOPT_CONFIRM =
  "Rewrite this model's positions and cash in the database to the exchange's (the cash change is recorded as a ledger entry), cancel orders on the exchange the database does not know, and let it trade again?";

/** Why the model is halted, what that means, and how a person ends it. */
function HaltNotice({ reason }: { reason: string | null }) {
  return (
    <div className="halt-notice" data-testid="halt-notice">
      <div>
        <strong>Halted:</strong> <span data-testid="halt-reason">{reason ?? "the exchange and the database disagree"}</span>
      </div>
      <p className="small">
        Nothing trades for this model until a person resolves it: the scheduler skips it and every new order is refused. Check the account on Lighter, then either put it back by hand until it matches
        what this page shows, or adopt the exchange&apos;s state.
      </p>
    </div>
  );
}

/** What the last reconciliation answered: nothing left to differ, or each difference that remains. */
function ReconcileOutcome({ result }: { result: ReconcileResult }) {
  if (result.differences.length === 0) {
    return (
      <div className="gain small" data-testid="reconcile-result">
        The database now holds the exchange&apos;s positions and cash{result.halted ? "; the model is still halted." : ": no differences remain, and the model trades again."}
      </div>
    );
  }
  return (
    <div className="error-box" data-testid="reconcile-result">
      <strong>Still different after adopting the exchange&apos;s state{result.halted ? " (the model stays halted)" : ""}:</strong>
      <ul>
        {result.differences.map((d) => (
          <li key={d}>{d}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A live (Lighter) model's account and link, and, when it is halted because its exchange and the
 * database disagree, the reason and the person's way out: adopting the exchange's state.
 */
export function ModelLive({ model }: { model: ModelView }) {
  const client = useQueryClient();
  const live = useLiveStatus();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ReconcileResult | null>(null);
  const halted = model.status === "halted";
  const venue = model.venue.kind === "lighter" ? model.venue : null;
  const pm = model.venue.kind === "polymarket" ? model.venue : null;
  const account = live.data?.accounts.find((a) => a.modelId === model.id);

  const adopt = async () => {
    setPending(true);
    setError(null);
    setResult(null);
    try {
      setResult(await send<ReconcileResult>("POST", `/models/${encodeURIComponent(model.id)}/reconcile`));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
      await refreshAfter(client, "reconcile");
    }
  };

  return (
    <Card title={halted ? "Halted: the exchange and the database disagree" : "Live account"} className={halted ? "card-halted" : ""} testId="model-live">
      {halted && <HaltNotice reason={model.haltReason} />}
      {venue && (
        <dl className="model-kv">
          <div>
            <dt>Venue</dt>
            <dd>Lighter (real orders)</dd>
          </div>
          <div>
            <dt>Account index</dt>
            <dd className="num">{venue.accountIndex}</dd>
          </div>
          <div>
            <dt>API key index</dt>
            <dd className="num">{venue.apiKeyIndex}</dd>
          </div>
          <KeyAndLink keyEnv={venue.privateKeyEnv} keyName="API private key" account={account} failed={live.isError} />
        </dl>
      )}
      {pm && (
        <dl className="model-kv">
          <div>
            <dt>Venue</dt>
            <dd>Polymarket CLOB (real orders)</dd>
          </div>
          <div>
            <dt>Wallet</dt>
            <dd className="wrap">{pm.funder ?? account?.account.replace(/^Polymarket /, "") ?? "the key's own address"}</dd>
          </div>
          <div>
            <dt>Signature type</dt>
            <dd>{["0 (EOA)", "1 (POLY_PROXY)", "2 (POLY_GNOSIS_SAFE)"][pm.signatureType]}</dd>
          </div>
          <KeyAndLink keyEnv={pm.privateKeyEnv} keyName="signing key" account={account} failed={live.isError} />
        </dl>
      )}
      {halted && (
        <div className="row">
          <ConfirmButton className="danger" confirm={ADOPT_CONFIRM} onConfirm={() => void adopt()} disabled={pending} testId="adopt-exchange-state">
            {pending ? "Adopting…" : "Adopt the exchange's state"}
          </ConfirmButton>
        </div>
      )}
      {result && <ReconcileOutcome result={result} />}
      <ErrorBox error={error} what="Adopting the exchange's state failed" />
    </Card>
  );
}

/** Where the server reads a live account's key (never the key), and whether the account is linked or why not. */
function KeyAndLink({ keyEnv, keyName, account, failed }: { keyEnv: string; keyName: string; account: LiveAccountView | undefined; failed: boolean }) {
  return (
    <>
      <div>
        <dt>Key read from</dt>
        <dd title={`The environment variable on the server that holds the ${keyName}; the key itself is never stored or shown`}>
          <code>${keyEnv}</code>
        </dd>
      </div>
      <div>
        <dt>Link</dt>
        <dd data-testid="model-live-link">{account ? account.linked ? <span className="gain">linked</span> : <span className="loss">{account.problem ?? "not linked"}</span> : failed ? "—" : "…"}</dd>
      </div>
    </>
  );
}
