import type { CycleSummary, DomainEvent } from "../events/events.js";
import type { FollowWalletsHealth } from "../follow/wallet-health.js";

/**
 * Whether the arena is well, beyond "the process answers": `degraded` with a reason for each
 * thing that is wrong now, `ok` when nothing is. No I/O and no clock of its own: it follows the
 * domain events it is shown (runs, closes) and is handed the rest (the scheduler's state, each
 * market's last book update, the time) when asked.
 */

export type HealthReasonCode = "cycle_overrun" | "runs_skipped" | "model_failing" | "feed_stale" | "close_failing" | "follow_wallets_failing";

export interface HealthReason {
  code: HealthReasonCode;
  /** One readable line: what is wrong and the figures behind it. */
  message: string;
  modelId?: string;
  symbol?: string;
  /** The position whose close keeps failing. */
  positionId?: string;
}

export interface HealthState {
  status: "ok" | "degraded";
  /** Empty when ok; otherwise one entry per problem, in the order of the codes above. */
  reasons: HealthReason[];
}

export interface HealthThresholds {
  /** A model whose last this many runs all failed (error or timeout) is failing. */
  failedRuns: number;
  /** A triggered close that failed this many times in a row, on a position still open, keeps failing. */
  closeFailures: number;
  /** A market whose book has not updated for this long (domain time) is stale. */
  feedStaleMs: number;
  /** A follow model whose every wallet failed more than this many reads in a row reads nothing. Default 5. */
  followFailedPolls?: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: Readonly<Omit<HealthThresholds, "feedStaleMs">> = Object.freeze({ failedRuns: 3, closeFailures: 3, followFailedPolls: 5 });

/** What the monitor is handed at each check. */
export interface HealthInputs {
  /** Domain time now. */
  now: number;
  scheduler: {
    intervalMs: number;
    enabled: boolean;
    lastFinishedCycle: CycleSummary | null;
    /** Wall ms the cycle in progress has run, null when none is. */
    cycleRunningMs: number | null;
  };
  /** Each market's last book update, domain epoch ms (0: none yet). */
  books: ReadonlyArray<{ symbol: string; ts: number }>;
  /** The follow models the follow engine read last round, with their wallets' failed reads in a row. */
  follow?: readonly FollowWalletsHealth[];
}

interface CloseTrouble {
  modelId: string;
  symbol: string;
  attempts: number;
  reason: string;
  trigger: string;
}

export class HealthMonitor {
  /** Consecutive failed runs per model (absent: its last run was ok, or it has not run). */
  private readonly failing = new Map<string, { runs: number; error: string | null }>();
  /** Failed triggered closes per position still open. */
  private readonly closes = new Map<string, CloseTrouble>();

  constructor(
    private readonly thresholds: HealthThresholds,
    /** Domain time when the process started: a market with no book at all is stale once this is feedStaleMs ago. */
    private readonly startedAt: number,
  ) {
    if (!(thresholds.failedRuns >= 1 && thresholds.closeFailures >= 1 && thresholds.feedStaleMs > 0 && (thresholds.followFailedPolls ?? 5) >= 1)) {
      throw new RangeError("health thresholds must be positive");
    }
  }

  /** Follows one domain event (every event may be shown; the ones that do not matter are ignored). */
  observe(e: DomainEvent): void {
    switch (e.type) {
      case "InvocationFinished": {
        const status = e.invocation.status;
        if (status === "ok") this.failing.delete(e.modelId);
        else if (status === "error" || status === "timeout") {
          const error = typeof e.invocation.error === "string" ? e.invocation.error : null;
          this.failing.set(e.modelId, { runs: (this.failing.get(e.modelId)?.runs ?? 0) + 1, error });
        }
        return;
      }
      case "CloseFailed":
        this.closes.set(e.positionId, { modelId: e.modelId, symbol: e.symbol, attempts: e.attempt, reason: e.reason, trigger: e.closeTrigger });
        return;
      case "PositionClosed":
        this.closes.delete(e.position.id);
        return;
      case "AccountReset":
        for (const [id, c] of this.closes) if (c.modelId === e.modelId) this.closes.delete(id);
        this.failing.delete(e.modelId);
        return;
      default:
        return;
    }
  }

  /** A model paused (or deleted) is no longer expected to run: its failed runs stop counting. */
  forgetModel(modelId: string): void {
    this.failing.delete(modelId);
  }

  check(inputs: HealthInputs): HealthState {
    const reasons: HealthReason[] = [];
    const s = inputs.scheduler;
    const last = s.lastFinishedCycle;
    if (s.enabled && s.intervalMs > 0 && s.cycleRunningMs !== null && s.cycleRunningMs > s.intervalMs) {
      reasons.push({ code: "cycle_overrun", message: `the cycle in progress has run ${s.cycleRunningMs} ms, longer than the ${s.intervalMs} ms interval` });
    } else if (last?.overran) {
      const missed = last.missedTicks > 0 ? `; ${last.missedTicks} interval${last.missedTicks === 1 ? "" : "s"} missed` : "";
      reasons.push({ code: "cycle_overrun", message: `the last cycle took ${last.durationMs} ms against a ${last.intervalMs} ms interval${missed}` });
    }
    if (last && (last.skipped > 0 || last.stale > 0)) {
      const parts = [
        last.skipped > 0 ? `${last.skipped} model${last.skipped === 1 ? "" : "s"} skipped (still running from an earlier cycle)` : null,
        last.stale > 0 ? `${last.stale} stale run${last.stale === 1 ? "" : "s"} cleared` : null,
      ];
      reasons.push({ code: "runs_skipped", message: `the last cycle: ${parts.filter(Boolean).join(", ")}` });
    }
    for (const [modelId, f] of [...this.failing].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (f.runs < this.thresholds.failedRuns) continue;
      reasons.push({ code: "model_failing", modelId, message: `its last ${f.runs} runs failed${f.error ? ` (latest: ${f.error})` : ""}` });
    }
    // A market with no book yet counts from the start, or from the feed's first book of any market
    // (a replay's clock stands at zero until its first update, then jumps to recorded time).
    const firstBook = Math.min(...inputs.books.filter((b) => b.ts > 0).map((b) => b.ts));
    for (const b of inputs.books) {
      const since = b.ts > 0 ? b.ts : Math.max(this.startedAt, Number.isFinite(firstBook) ? firstBook : this.startedAt);
      const age = inputs.now - since;
      if (age <= this.thresholds.feedStaleMs) continue;
      reasons.push({ code: "feed_stale", symbol: b.symbol, message: b.ts > 0 ? `no book update for ${Math.round(age / 1000)} s` : `no book since the start, ${Math.round(age / 1000)} s ago` });
    }
    for (const [positionId, c] of [...this.closes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (c.attempts < this.thresholds.closeFailures) continue;
      reasons.push({ code: "close_failing", modelId: c.modelId, symbol: c.symbol, positionId, message: `the ${c.trigger} close failed ${c.attempts} times (${c.reason}); still retrying` });
    }
    // A follow model none of whose wallets can be read copies nothing, however well the rest runs.
    const polls = this.thresholds.followFailedPolls ?? 5;
    for (const m of inputs.follow ?? []) {
      if (m.wallets.length === 0 || !m.wallets.every((w) => w.failures > polls)) continue;
      const fewest = Math.min(...m.wallets.map((w) => w.failures));
      const latest = m.wallets.reduce((a, b) => ((b.errorAt ?? 0) > (a.errorAt ?? 0) ? b : a));
      const which = m.wallets.length === 1 ? "its wallet" : `all ${m.wallets.length} of its wallets`;
      reasons.push({ code: "follow_wallets_failing", modelId: m.modelId, message: `${which} failed the last ${fewest} reads${latest.error ? ` (latest: ${latest.error})` : ""}` });
    }
    return { status: reasons.length === 0 ? "ok" : "degraded", reasons };
  }
}
