/**
 * How the reads of each followed wallet go: the last good read, the last failure and how many
 * reads in a row failed. In memory (the process that polls knows it; a restart starts counting
 * again, while the wallet's row keeps the last error: see the follow engine). Pure: the engine
 * reports each read with its time.
 */

export interface WalletReadState {
  /** Domain epoch ms of the last read that worked; null before one in this process. */
  lastOkAt: number | null;
  lastError: { message: string; at: number } | null;
  /** Reads in a row that failed (0 after a good one). */
  failures: number;
}

/** One follow model's wallets as the health check reads them. */
export interface FollowWalletsHealth {
  modelId: string;
  wallets: ReadonlyArray<{ wallet: string; failures: number; error: string | null; errorAt: number | null }>;
}

export class WalletHealth {
  /** Per model, every wallet read in this process (kept while a model is paused: its last error stays known). */
  private readonly models = new Map<string, Map<string, WalletReadState>>();
  /** The models and wallets the last round read: only they count for the health. */
  private current: ReadonlyMap<string, ReadonlySet<string>> | undefined;

  of(modelId: string, wallet: string): WalletReadState | undefined {
    return this.models.get(modelId)?.get(wallet);
  }

  ok(modelId: string, wallet: string, at: number): void {
    const s = this.state(modelId, wallet);
    s.lastOkAt = at;
    s.failures = 0;
  }

  failed(modelId: string, wallet: string, message: string, at: number): void {
    const s = this.state(modelId, wallet);
    s.lastError = { message, at };
    s.failures += 1;
  }

  /**
   * The models and wallets a whole round read: a model paused, deleted or no longer following a
   * wallet stops counting against the health.
   */
  roundRead(read: ReadonlyMap<string, ReadonlySet<string>>): void {
    this.current = read;
  }

  /** Every model the last round read with its wallets' failures in a row, by model id (every model read so far before a round ended). */
  snapshot(): FollowWalletsHealth[] {
    const out: FollowWalletsHealth[] = [];
    for (const [modelId, wallets] of this.models) {
      const read = this.current ? this.current.get(modelId) : new Set(wallets.keys());
      if (!read) continue;
      const states = [...wallets].filter(([wallet]) => read.has(wallet));
      out.push({ modelId, wallets: states.map(([wallet, s]) => ({ wallet, failures: s.failures, error: s.lastError?.message ?? null, errorAt: s.lastError?.at ?? null })) });
    }
    return out.sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
  }

  private state(modelId: string, wallet: string): WalletReadState {
    let wallets = this.models.get(modelId);
    if (!wallets) this.models.set(modelId, (wallets = new Map()));
    let s = wallets.get(wallet);
    if (!s) wallets.set(wallet, (s = { lastOkAt: null, lastError: null, failures: 0 }));
    return s;
  }
}

/** A followed wallet and how its reads go (GET /api/models/:id/wallets). */
export interface FollowWalletView {
  wallet: string;
  /** `ok`: its last read worked; `failing`: its last read failed; `unread`: not read yet. */
  status: "ok" | "failing" | "unread";
  /** The last read, good or not (ISO); null before the first. */
  lastPolledAt: string | null;
  /** The last read that worked; null when none is known (none yet, or the last before a restart failed). */
  lastOkAt: string | null;
  /** The last read that failed, kept after later good reads; null when none is known. */
  lastError: { message: string; at: string } | null;
  /** Reads in a row that failed: 0 when the last worked (counted since this process started, at least 1 when the stored last read failed). */
  consecutiveFailures: number;
}

/**
 * A wallet's view from its stored row (the last read and its error survive a restart) and what
 * this process saw of its reads (the last good one and the count of failures in a row).
 */
export function followWalletView(wallet: string, row: { lastPolledAt: Date | null; lastError: string | null } | undefined, seen: WalletReadState | undefined): FollowWalletView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const polledAt = row?.lastPolledAt ? row.lastPolledAt.getTime() : null;
  const storedError = row?.lastError ? { message: row.lastError, at: polledAt } : null;
  const lastOkAt = seen?.lastOkAt ?? (row && !row.lastError ? polledAt : null);
  const lastError = seen?.lastError ?? (storedError && storedError.at !== null ? { message: storedError.message, at: storedError.at } : null);
  const failures = seen ? seen.failures : storedError ? 1 : 0;
  return {
    wallet,
    status: polledAt === null && !seen ? "unread" : failures > 0 ? "failing" : "ok",
    lastPolledAt: iso(polledAt),
    lastOkAt: iso(lastOkAt),
    lastError: lastError ? { message: lastError.message, at: new Date(lastError.at).toISOString() } : null,
    consecutiveFailures: failures,
  };
}
