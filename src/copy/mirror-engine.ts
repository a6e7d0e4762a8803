import { eq } from "drizzle-orm";
import { systemClock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import type { Db } from "../db/client.js";
import { models } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { EventBus } from "../events/bus.js";
import type { RestoredState } from "../trading/restore.js";
import type { TradingService } from "../trading/trading-service.js";
import type { VenueOrderRow } from "../trading/order-recorder.js";
import { claimNext, reclaimStale, recordExecution, retryLater, takeInSignals, workingExecutions, type ExecutionPatch } from "./execution-queue.js";

/** How soon an execution whose order's fate is unknown (the venue did not answer) is looked at again. */
const RETRY_UNKNOWN_MS = 1000;
import { acquireLeases, heartbeat, leave, releaseLeases, renewLeases } from "./leases.js";
import type { ExecutionRow, MirrorRow } from "./mirror-store.js";
import { MirrorExecutor } from "./mirror-executor.js";

export interface MirrorEngineDeps {
  db: Db;
  uow: UnitOfWork;
  bus: EventBus;
  service: TradingService;
  /** This process, unique per run (host name, pid and a random suffix). */
  host: string;
  /** Reads accounts from the database (restoreAccounts over this process's markets). */
  loadAccounts(ids: string[]): Promise<RestoredState>;
  /** Puts a hosted follower's resting orders back on the paper venue. */
  restoreResting(rows: VenueOrderRow[]): void;
  /** Equity of a source model (proportional sizing), from this process's view of it. */
  sourceEquity(modelId: string): Promise<bigint>;
  /** Wall-clock ms: signal age and latencies are measured against the database's commit times. */
  wallNow?: () => number;
  leaseMs?: number;
  tickMs?: number;
  logger?: Logger;
  /** A follower was let go (its mirror deleted or taken over): the server adopts followers without a mirror. */
  released?(): void;
  /** Fault injection for the crash tests: called between claim and order, and between order and outcome. */
  faults?: { afterClaim?(row: ExecutionRow): void; afterOrder?(row: ExecutionRow): void };
}

interface Hosted {
  mirror: MirrorRow;
  running: Promise<void> | null;
  again: boolean;
  /**
   * Look for lapsed claims and resting orders before new work: when the mirror was just taken
   * over, after an unknown outcome, and on every tick; not on every signal (the hot path).
   */
  recover: boolean;
  /**
   * Nothing of this mirror is pending or claimed (the last claim found none, and nothing was
   * taken in since): the next signal taken in is next in line, so it is written claimed.
   */
  idle: boolean;
}

/**
 * Copy trading in one process: holds mirror leases, hosts their followers' accounts, turns each
 * source signal into exactly one execution and executes it. It wakes on the source's events
 * (the in-process bus, which the outbox tail also feeds with other processes' events) and on a
 * tick; it catches up from the outbox by id, never by time.
 */
export class MirrorEngine {
  private readonly hosted = new Map<string, Hosted>();
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly executor: MirrorExecutor;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private started = false;

  constructor(private readonly deps: MirrorEngineDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.leaseMs = deps.leaseMs ?? 10_000;
    this.executor = new MirrorExecutor({
      db: deps.db,
      uow: deps.uow,
      service: deps.service,
      sourceEquity: deps.sourceEquity,
      wallNow: deps.wallNow ?? (() => systemClock.now()),
      finish: (row, patch) => this.finish(row, patch),
      ...(deps.faults ? { faults: deps.faults } : {}),
      logger: this.logger,
    });
  }

  /** Mirrors this process executes now. */
  hostedMirrors(): string[] {
    return [...this.hosted.keys()];
  }

  async start(): Promise<void> {
    this.started = true;
    this.unsubscribe = this.deps.bus.subscribe((e) => {
      const source = e.modelId;
      if (e.type !== "position" || !source) return;
      for (const h of this.hosted.values()) if (h.mirror.sourceModelId === source) this.drain(h);
    });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Asks every hosted mirror to look for work now (a mirror was created or changed). */
  poke(): void {
    if (this.started) void this.tick();
  }

  /** Runs the lease round and drains until nothing is left (tests and shutdown). */
  async settle(): Promise<void> {
    await this.tick();
    for (let i = 0; i < 100; i++) {
      const busy = [...this.hosted.values()].map((h) => h.running).filter((r): r is Promise<void> => r !== null);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.ticking;
    await Promise.allSettled([...this.hosted.values()].map((h) => h.running));
    const ids = [...this.hosted.keys()];
    for (const h of this.hosted.values()) this.deps.service.unhost(h.mirror.followerModelId);
    this.hosted.clear();
    await releaseLeases(this.deps.db, this.deps.host, ids).catch((e: unknown) => this.logger.warn({ err: e }, "could not release mirror leases; they lapse on their own"));
    await leave(this.deps.db, this.deps.host).catch(() => undefined);
  }

  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) return this.ticking;
    this.ticking = this.round()
      .catch((e: unknown) => this.logger.warn({ err: e }, "mirror lease round failed; retrying on the next tick"))
      .finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async round(): Promise<void> {
    const held = await renewLeases(this.deps.db, this.deps.host, this.leaseMs);
    for (const [id, h] of this.hosted) {
      if (held.has(id)) continue;
      // Lost (deleted, or another process took it after a stall): stop trading its follower here.
      await h.running;
      this.hosted.delete(id);
      this.deps.service.unhost(h.mirror.followerModelId);
      this.logger.info({ mirrorId: id }, "mirror lease lost or mirror deleted; follower no longer hosted here");
      // Let go at once: a deleted mirror's follower is then an ordinary account the server trades.
      await releaseLeases(this.deps.db, this.deps.host, [id]);
      this.deps.released?.();
    }
    for (const [id, fresh] of held) {
      const h = this.hosted.get(id);
      if (h) {
        // Settings may have changed (PATCH from any process). The cursor only ever moves forward,
        // and only here: never back to a read older than our last move.
        h.mirror = { ...fresh, signalCursor: Math.max(fresh.signalCursor, h.mirror.signalCursor) };
        h.recover = true;
      }
    }
    const share = await heartbeat(this.deps.db, this.deps.host, this.leaseMs);
    // More than a fair share (a host joined): the newest go back, to be taken by the others.
    const excess = [...this.hosted.values()].sort((a, b) => b.mirror.createdAt.getTime() - a.mirror.createdAt.getTime()).slice(0, Math.max(0, this.hosted.size - share));
    for (const h of excess) {
      await h.running;
      this.hosted.delete(h.mirror.id);
      this.deps.service.unhost(h.mirror.followerModelId);
      await releaseLeases(this.deps.db, this.deps.host, [h.mirror.id]);
      this.logger.info({ mirrorId: h.mirror.id }, "mirror handed over to share the work with another process");
    }
    const taken = this.stopped ? [] : await acquireLeases(this.deps.db, this.deps.host, this.leaseMs, share - this.hosted.size);
    for (const m of taken) {
      try {
        await this.hostFollower(m);
        this.hosted.set(m.id, { mirror: m, running: null, again: false, recover: true, idle: false });
        this.logger.info({ mirrorId: m.id, follower: m.followerModelId }, "mirror lease taken; follower hosted here");
      } catch (error) {
        this.logger.error({ err: error, mirrorId: m.id }, "could not host a follower; giving its lease back");
        await releaseLeases(this.deps.db, this.deps.host, [m.id]);
      }
    }
    for (const h of this.hosted.values()) this.drain(h);
  }

  /** Reads the follower's account fresh from the database and starts trading it here. */
  private async hostFollower(m: MirrorRow): Promise<void> {
    const restored = await this.deps.loadAccounts([m.followerModelId]);
    const account = restored.accounts.get(m.followerModelId);
    if (!account) throw new Error(`follower ${m.followerModelId} has no account`);
    const [row] = await this.deps.db.select({ config: models.config }).from(models).where(eq(models.id, m.followerModelId));
    try {
      this.deps.service.risk.setLimits(m.followerModelId, (row?.config as { risk?: unknown } | undefined)?.risk);
    } catch (error) {
      this.logger.error({ modelId: m.followerModelId, err: error }, "stored risk limits are invalid; the follower keeps the defaults");
    }
    this.deps.service.host(account);
    this.deps.restoreResting(restored.restingOrders);
    for (const o of restored.unacknowledged) await this.deps.service.reconcileOrder(o);
  }

  private drain(h: Hosted): void {
    if (this.stopped) return;
    if (h.running) {
      h.again = true;
      return;
    }
    h.running = this.work(h)
      .catch((e: unknown) => this.logger.error({ err: e, mirrorId: h.mirror.id }, "mirror work failed; retrying on the next tick"))
      .finally(() => {
        h.running = null;
        if (h.again && !this.stopped) {
          h.again = false;
          this.drain(h);
        }
      });
  }

  private async work(h: Hosted): Promise<void> {
    const { db, host } = this.deps;
    h.again = false;
    // The hot path: nothing is waiting, so the first new signal is claimed as it is taken in. The
    // periodic look at lapsed claims and resting orders (recover, set on every tick) comes after it,
    // off the path to the order: while idle, every claim of the mirror since this host took it was
    // its own and is finished (claims at intake need the lease; claimNext finds nothing pending), so
    // that look finds nothing that stands before this signal, only resting orders to reap.
    const claimFirst = h.idle;
    let claimed: ExecutionRow | undefined;
    let signals = 0;
    for (let first = true; ; first = false) {
      const intake = await takeInSignals(db, h.mirror, host, 500, claimFirst && first ? this.leaseMs : undefined);
      // Lost the mirror (deleted, or taken over after a stall): the next round lets it go.
      if (!intake.held) return;
      h.mirror = { ...h.mirror, signalCursor: intake.cursor };
      signals += intake.signals;
      claimed ??= intake.claimed;
      if (!intake.more) break;
    }
    // A signal taken in but not claimed here is pending (ours, or another host's row): claimed in order below.
    if (signals > (claimed ? 1 : 0)) h.idle = false;
    // Claimed while nothing else was waiting: it is next in line, before any periodic look at lapsed claims
    // (which would count this live claim as one to wait for).
    if (claimed) {
      const done = await this.executor.run(h.mirror, claimed, false);
      if (!done) return this.later(h, claimed.id);
    }
    if (h.recover) {
      h.recover = false;
      h.idle = false;
      const stale = await reclaimStale(db, h.mirror.id, host, this.leaseMs);
      for (const row of stale.rows) {
        if (this.stopped) return;
        const done = await this.executor.run(h.mirror, row, true);
        // Still unknown: looked at again in a second; everything after it waits, in order.
        if (!done) return this.later(h, row.id);
      }
      if (stale.blocked) {
        h.recover = true;
        return;
      }
      for (const row of await workingExecutions(db, h.mirror.id)) await this.executor.reap(h.mirror, row);
    }
    if (h.idle) return;
    while (!this.stopped) {
      const row = await claimNext(db, h.mirror.id, host, this.leaseMs);
      if (!row) {
        h.idle = true;
        break;
      }
      const done = await this.executor.run(h.mirror, row, false);
      if (!done) return this.later(h, row.id);
    }
  }

  private async later(h: Hosted, executionId: number): Promise<void> {
    h.recover = true;
    h.idle = false;
    await retryLater(this.deps.db, executionId, RETRY_UNKNOWN_MS);
  }

  /** Records an execution's new state with its `mirror` event, in one transaction. */
  private async finish(row: ExecutionRow, patch: ExecutionPatch): Promise<ExecutionRow | undefined> {
    return this.deps.uow.run((tx, ctx) => recordExecution(tx, ctx, row.id, patch));
  }
}
