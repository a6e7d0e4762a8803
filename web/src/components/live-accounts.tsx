import { Link } from "wouter";
import type { LiveAccountView, ModelView } from "../api/types.ts";
import { StatusBadge } from "./status-badge.tsx";

/** Each live model's account (Lighter or Polymarket): which account and key, its model's status, and whether its key is linked or why not. */
export function LiveAccounts({ accounts, models }: { accounts: readonly LiveAccountView[]; models: ReadonlyMap<string, ModelView> }) {
  if (accounts.length === 0) {
    return (
      <div className="muted small" data-testid="live-accounts-empty">
        No live accounts: every model trades on paper. A model trades live when it is <Link href="/models/new">added</Link> with the Lighter venue, or as a Polymarket follower (the API's venue kind
        polymarket).
      </div>
    );
  }
  return (
    <div className="table-wrap">
      <table data-testid="live-accounts">
        <thead>
          <tr>
            <th>Model</th>
            <th>Venue</th>
            <th>Account</th>
            <th className="num">API key</th>
            <th>Status</th>
            <th>Link</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => {
            const model = models.get(a.modelId);
            return (
              <tr key={a.modelId} data-model-id={a.modelId}>
                <td>
                  <Link href={`/models/${encodeURIComponent(a.modelId)}`}>{model?.name ?? a.modelId.slice(0, 8)}</Link>
                </td>
                <td>{a.venue === "polymarket" ? "Polymarket" : "Lighter"}</td>
                <td className="wrap">{a.venue === "lighter" ? a.accountIndex : a.account.replace(/^Polymarket /, "")}</td>
                <td className="num">{a.apiKeyIndex ?? "—"}</td>
                <td>{model ? <StatusBadge status={model.status} reason={model.haltReason} /> : "—"}</td>
                <td className="wrap">{a.linked ? <span className="gain">linked</span> : <span className="loss">{a.problem ?? "not linked"}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
