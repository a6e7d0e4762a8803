import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { ClosePositionsView } from "../api/types.ts";
import { refreshAfter } from "../lib/model-refresh.ts";
import { ConfirmButton } from "./ui.tsx";

export type CloseOutcome = { symbol: string; at: number } & ({ result: ClosePositionsView["results"][string] } | { error: unknown });

/**
 * Closes one position at the market after a confirmation. The row disappears once closed, so
 * the outcome is handed up to the table, which keeps showing it.
 */
export function ModelClosePosition({ modelId, symbol, onOutcome }: { modelId: string; symbol: string; onOutcome: (o: CloseOutcome) => void }) {
  const client = useQueryClient();
  const [pending, setPending] = useState(false);

  const close = async () => {
    setPending(true);
    try {
      const answer = await send<ClosePositionsView>("POST", `/models/${encodeURIComponent(modelId)}/positions/close`, { symbols: [symbol] });
      const result = answer.results[symbol] ?? { status: "rejected" as const, reason: "no answer for this symbol" };
      onOutcome({ symbol, at: Date.now(), result });
      await refreshAfter(client, "close");
    } catch (error) {
      onOutcome({ symbol, at: Date.now(), error });
    } finally {
      setPending(false);
    }
  };

  return (
    <ConfirmButton testId="close-position" className="danger" confirm={`Close ${symbol} at the market?`} onConfirm={() => void close()} disabled={pending}>
      {pending ? "Closing…" : "Close"}
    </ConfirmButton>
  );
}
