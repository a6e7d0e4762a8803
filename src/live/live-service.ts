import { rejected } from "../core/errors.js";
import type { KillSwitch, LiveSwitchState } from "./kill-switch.js";
import type { LiveAccounts, LiveRef } from "./live-accounts.js";
import type { ReconcileResult, Reconciler } from "./reconciler.js";

export interface LiveStatusView extends LiveSwitchState {
  mode: "simulation" | "live";
  accounts: Array<{
    modelId: string;
    venue: LiveRef["kind"];
    /** The exchange account, e.g. "Lighter account 281" or "Polymarket wallet 0x…". */
    account: string;
    /** Lighter's account and API key indexes. */
    accountIndex?: number;
    apiKeyIndex?: number;
    linked: boolean;
    problem: string | null;
  }>;
}

/** What the API offers about live trading: status, the kill switch, reconciliation, new live accounts. */
export interface LiveApi {
  status(): LiveStatusView;
  halt(reason: string | null): Promise<LiveSwitchState & { canceledOrders: number; failures: string[] }>;
  resume(): Promise<LiveSwitchState>;
  reconcile(modelId: string): Promise<ReconcileResult>;
  prepare(ref: LiveRef): Promise<{ initialCapital: string }>;
  registered(modelId: string, ref: LiveRef): Promise<void>;
}

/** For compositions without live trading (tests, benches): nothing is live, every live request is refused. */
export const NO_LIVE: LiveApi = {
  status: () => ({ mode: "simulation", halted: false, reason: null, changedAt: null, accounts: [] }),
  halt: () => Promise.reject(rejected("live_trading_unavailable", "live trading is not set up in this process")),
  resume: () => Promise.reject(rejected("live_trading_unavailable", "live trading is not set up in this process")),
  reconcile: (id) => Promise.reject(rejected("not_live", `model ${id} trades on the simulator: there is nothing to reconcile`)),
  prepare: () => Promise.reject(rejected("live_trading_unavailable", "live trading is not set up in this process")),
  registered: () => Promise.resolve(),
};

export class LiveService implements LiveApi {
  constructor(
    private readonly d: {
      mode: "simulation" | "live";
      accounts: LiveAccounts;
      killSwitch: KillSwitch;
      reconciler: Reconciler;
    },
  ) {}

  status(): LiveStatusView {
    return {
      mode: this.d.mode,
      ...this.d.killSwitch.view(),
      accounts: this.d.accounts.ids().map((modelId) => {
        const ref = this.d.accounts.refOf(modelId)!;
        const problem = this.d.accounts.problem(modelId) ?? null;
        const account = this.d.accounts.label(modelId) ?? ref.kind;
        const indexes = ref.kind === "lighter" ? { accountIndex: ref.accountIndex, apiKeyIndex: ref.apiKeyIndex } : {};
        return { modelId, venue: ref.kind, account, ...indexes, linked: problem === null, problem };
      }),
    };
  }

  halt(reason: string | null) {
    if (this.d.mode !== "live") return Promise.reject(rejected("live_trading_unavailable", "live trading is off (TRADING_MODE=simulation): there is nothing to halt"));
    return this.d.killSwitch.halt(reason);
  }

  resume() {
    if (this.d.mode !== "live") return Promise.reject(rejected("live_trading_unavailable", "live trading is off (TRADING_MODE=simulation): there is nothing to resume"));
    return this.d.killSwitch.resume();
  }

  /** Adopts the exchange's state for a halted (or any) live model; the answer shows what remains different. */
  reconcile(modelId: string): Promise<ReconcileResult> {
    if (!this.d.accounts.ids().includes(modelId)) return Promise.reject(rejected("not_live", `model ${modelId} trades on the simulator: there is nothing to reconcile`));
    return this.d.reconciler.adopt(modelId);
  }

  /** Checks a new live account and answers its capital (the exchange's collateral). */
  prepare(ref: LiveRef): Promise<{ initialCapital: string }> {
    return this.d.accounts.prepare(ref);
  }

  /** After the model's row committed: link its key, then compare it with the exchange at once. */
  async registered(modelId: string, ref: LiveRef): Promise<void> {
    await this.d.accounts.register(modelId, ref);
    await this.d.reconciler.check(modelId).catch(() => undefined);
  }
}
