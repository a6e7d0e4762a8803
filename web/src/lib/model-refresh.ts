import type { QueryClient } from "@tanstack/react-query";

/**
 * What each action on the model page changes, by query-key head (see api/queries.ts). The
 * event stream would refresh these too, but only after its round trip: invalidating right
 * away makes the page show the action's effect at once, and also when the stream is down.
 */
const AFFECTED = {
  status: ["models", "leaderboard", "scheduler"],
  close: ["positions", "trades", "models", "leaderboard", "analytics", "equity", "orders"],
  exitPlan: ["positions", "orders"],
  reset: ["positions", "trades", "models", "leaderboard", "analytics", "equity", "orders", "invocations"],
  // Adopting the exchange's state rewrites positions and cash (a ledger entry) and may end a halt.
  reconcile: ["positions", "trades", "models", "leaderboard", "analytics", "equity", "orders", "live"],
} as const;

export type ModelAction = keyof typeof AFFECTED;

export function refreshAfter(client: QueryClient, action: ModelAction): Promise<void> {
  const heads: readonly string[] = AFFECTED[action];
  return client.invalidateQueries({ predicate: (q) => heads.includes(String(q.queryKey[0])) });
}
