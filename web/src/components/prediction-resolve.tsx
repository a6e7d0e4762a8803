import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { PredictionMarketView } from "../api/types.ts";
import { ConfirmButton, ErrorBox } from "./ui.tsx";
import { FormField } from "./form-field.tsx";

/** What resolving changes: the market, every position in it (redeemed into trades), the accounts. */
const CHANGED = ["prediction-markets", "prediction-book", "positions", "trades", "models", "leaderboard", "analytics", "equity"];

/**
 * Simulation: resolve a market the simulator trades. Pick the winner, confirm in place; every
 * position in the market redeems at $1 a share for the winner, $0 for the others. The API's
 * refusal (another winner already, a real Polymarket market) is shown as it says it.
 */
export function PredictionResolve({ market }: { market: PredictionMarketView }) {
  const client = useQueryClient();
  const [winner, setWinner] = useState(market.outcomes[0]?.outcome ?? "");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ winner: string; redeemed: number } | null>(null);

  const resolve = async () => {
    setError(null);
    setDone(null);
    setSending(true);
    try {
      const r = await send<{ market: PredictionMarketView; redeemed: number }>("POST", `/sim/prediction-markets/${encodeURIComponent(market.conditionId)}/resolve`, { winner });
      setDone({ winner: r.market.winner ?? winner, redeemed: r.redeemed });
      client.setQueryData<PredictionMarketView[]>(["prediction-markets"], (old) => old?.map((m) => (m.conditionId === r.market.conditionId ? r.market : m)));
      void client.invalidateQueries({ predicate: (q) => CHANGED.includes(String(q.queryKey[0])) });
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="pm-resolve" data-testid="pm-resolve">
      <div className="row pm-form-row">
        <FormField label="Winner">
          <select value={winner} onChange={(e) => setWinner(e.target.value)} disabled={sending}>
            {market.outcomes.map((o) => (
              <option key={o.tokenId} value={o.outcome}>
                {o.outcome}
              </option>
            ))}
          </select>
        </FormField>
        <ConfirmButton
          confirm={`Resolve with "${winner}" winning? Every position redeems: $1 a share for ${winner}, $0 for the others.`}
          onConfirm={() => void resolve()}
          disabled={sending || !winner}
          className="primary"
          testId="pm-resolve-button"
        >
          {sending ? "Resolving…" : "Resolve"}
        </ConfirmButton>
      </div>
      <ErrorBox error={error} what="Not resolved" />
      {done && (
        <div className="model-close-ok" role="status">
          Resolved: <strong>{done.winner}</strong> won; {done.redeemed} position{done.redeemed === 1 ? "" : "s"} redeemed.
        </div>
      )}
    </div>
  );
}
