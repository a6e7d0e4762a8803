import { num } from "../lib/format.ts";
import type { CloseOutcome } from "./model-close-position.tsx";
import { ErrorBox, Pnl } from "./ui.tsx";

/** What the last manual closes did, per symbol, until dismissed. */
export function ModelCloseOutcomes({ outcomes, onDismiss }: { outcomes: CloseOutcome[]; onDismiss: () => void }) {
  if (outcomes.length === 0) return null;
  return (
    <div className="model-close-outcomes" aria-live="polite">
      {outcomes.map((o) =>
        "error" in o ? (
          <ErrorBox key={`${o.symbol}-${o.at}`} error={o.error} what={`Closing ${o.symbol} failed`} />
        ) : o.result.status === "rejected" ? (
          <div key={`${o.symbol}-${o.at}`} className="error-box" role="alert">
            <strong>{o.symbol} not closed: </strong>
            {o.result.reason ?? "rejected"}
          </div>
        ) : (
          <div key={`${o.symbol}-${o.at}`} className="model-close-ok">
            <strong>{o.symbol}</strong> {o.result.status === "partial" ? "partly closed" : "closed"}
            {o.result.exitPrice && <> at {num(o.result.exitPrice)}</>}
            {o.result.realizedPnl && (
              <>
                , realized <Pnl value={o.result.realizedPnl} />
              </>
            )}
          </div>
        ),
      )}
      <button type="button" className="small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
