import type { EntryGate } from "../trading/trading-service.js";
import type { KillSwitch } from "./kill-switch.js";
import type { LiveAccounts } from "./live-accounts.js";

export interface EntryGateDeps {
  /** Halted models and why (kept current from the database's status changes). */
  halted: ReadonlyMap<string, string>;
  live: LiveAccounts;
  killSwitch: KillSwitch;
  /** Why the venue refuses entries on this market now (inactive, reduce-only), or null. */
  marketRefusal: (symbol: string) => string | null;
  /** Whether the market's feed is out of date (no new entries on a book we cannot see). */
  stale: (symbol: string) => boolean;
  staleMs: number;
}

/** Every reason an entry may not go out now, checked before the risk engine; exits are never gated. */
export function entryGate(d: EntryGateDeps): EntryGate {
  return (accountId, symbol) => {
    const halt = d.halted.get(accountId);
    if (halt !== undefined) return { code: "model_halted", message: `${accountId} is halted until a person reconciles it (POST /api/models/${accountId}/reconcile): ${halt}` };
    if (d.live.ids().includes(accountId)) {
      if (d.killSwitch.halted) return { code: "live_halted", message: "live trading is halted by the kill switch; POST /api/live/resume lifts it" };
      const problem = d.live.problem(accountId);
      if (problem) return { code: "live_trading_unavailable", message: problem };
      const refusal = d.marketRefusal(symbol);
      if (refusal) return { code: "market_closed", message: refusal };
    }
    if (d.stale(symbol)) return { code: "market_stale", message: `the ${symbol} book has not updated for more than ${d.staleMs} ms; no new entries until it does (exits are still watched)` };
    return null;
  };
}
