import type { Db, Tx } from "./client.js";
import type { BusEvent, EventBus } from "../events/bus.js";
import { appendEvents } from "./outbox.js";
import type { DomainEvent } from "../events/events.js";

export interface UnitContext {
  /** Records an event; it is written to the outbox in this transaction and published after commit. */
  emit(event: DomainEvent): void;
  /** Runs after commit, before the next unit starts: where in-memory state follows the database. */
  onCommit(fn: () => void): void;
}

export interface UnitOptions {
  /**
   * What the unit changes in memory (an account id). Units queued one after another whose groups
   * are all different may share one transaction, each in a savepoint of its own: a burst of stops
   * on ten accounts costs one commit rather than ten. A unit without a group runs alone.
   */
  group?: string;
}

type Work<T> = (tx: Tx, ctx: UnitContext) => Promise<T>;

/**
 * Work that rides in the transaction of units of a group (an account), after the unit's own
 * statements and before its events are written: see `UnitOfWork.ride`.
 */
export type Rider = (tx: Tx, ctx: UnitContext) => Promise<void>;

interface Queued {
  kind: "run" | "turn";
  group: string | undefined;
  fn: (tx: Tx, ctx: UnitContext) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What one unit of a shared transaction left: its value, or its error, and what to do once committed. */
type Outcome = { ok: true; value: unknown; commits: Array<() => void>; pending: DomainEvent[]; published: BusEvent[] } | { ok: false; error: unknown };

/** Units in one shared transaction at most (a burst of stops, fills of many accounts). */
const MAX_BATCH = 64;

/**
 * Every state change is one transaction, and the events describing it are written in that
 * same transaction and published only after it commits. Writers are serialised inside the
 * process, so outbox ids become visible in order (a reader resuming "after id N" never skips
 * an event that committed late) and in-memory state is updated by one writer at a time.
 *
 * Group commit: units that queued up behind a running one and change different accounts are
 * written in one transaction, each in its own savepoint, so one that fails rolls back alone and
 * rejects alone. Their in-memory updates (onCommit) run only once the shared transaction has
 * committed, in queue order; distinct groups are what makes that safe, since no unit of the
 * batch can read what another one's onCommit would have changed.
 */
export class UnitOfWork {
  private readonly queue: Queued[] = [];
  private queued = 0;
  private pumping: Promise<void> | null = null;
  private readonly riders = new Map<string, Set<Rider>>();

  constructor(
    readonly db: Db,
    private readonly bus: EventBus,
    /** Send NOTIFY wake-ups for other processes (pointless on embedded PGlite, which no other process can open). */
    private readonly notify = true,
    /** Who writes (this process): stored on each event, so the outbox tail of every other process knows it is foreign. */
    readonly writer: string | null = null,
  ) {}

  run<T>(work: Work<T>, options: UnitOptions = {}): Promise<T> {
    return this.enqueue<T>("run", options.group, work);
  }

  /**
   * Runs `fn` in the units' order but outside any transaction: it sees every change queued
   * before it committed, and nothing queued after it has started (reads of in-memory state that
   * must fall at the same place as a unit's would).
   */
  turn<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.enqueue<T>("turn", undefined, () => fn());
  }

  /**
   * Has `rider` run inside the transaction of every unit of `group` from now until the returned
   * function is called, after the unit's own statements, in its savepoint when it shares a
   * commit: what it writes commits or rolls back with the unit. How a caller that asks another
   * service for a change (copy trading asks the trading service for a follower's order) records
   * its own consequence of that change in the same commit, without that service knowing of it.
   * A rider sees units of the group it did not cause too; it must look at what the transaction
   * holds and do nothing when its business is not there. It must not run units itself.
   */
  ride(group: string, rider: Rider): () => void {
    let set = this.riders.get(group);
    if (!set) this.riders.set(group, (set = new Set()));
    set.add(rider);
    return () => {
      set.delete(rider);
      if (set.size === 0 && this.riders.get(group) === set) this.riders.delete(group);
    };
  }

  /** True while a unit is queued or running. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /** Resolves once every unit queued so far has finished (a backtest steps only on a quiet kernel). */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.pumping;
  }

  private enqueue<T>(kind: Queued["kind"], group: string | undefined, fn: Queued["fn"]): Promise<T> {
    this.queued++;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, group, fn, resolve: resolve as (v: unknown) => void, reject });
      this.pumping ??= this.pump();
    });
  }

  private async pump(): Promise<void> {
    // Work starts on a later microtask, never inside run() itself (as a promise chain would).
    await null;
    try {
      while (this.queue.length > 0) {
        const head = this.queue.shift()!;
        if (head.kind === "turn") await this.runTurn(head);
        else await this.runUnits(this.batchAfter(head));
      }
    } finally {
      this.pumping = null;
    }
  }

  /** The head and the run units queued right behind it whose groups are all distinct. */
  private batchAfter(head: Queued): Queued[] {
    const batch = [head];
    if (head.group === undefined) return batch;
    const groups = new Set([head.group]);
    while (batch.length < MAX_BATCH) {
      const next = this.queue[0];
      if (!next || next.kind !== "run" || next.group === undefined || groups.has(next.group)) break;
      groups.add(next.group);
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  private async runTurn(item: Queued): Promise<void> {
    try {
      const value = await (item.fn as () => unknown)();
      this.settle(item, { ok: true, value, commits: [], pending: [], published: [] });
    } catch (error) {
      this.settle(item, { ok: false, error });
    }
  }

  private async runUnits(batch: Queued[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction(async (tx) => {
        if (batch.length === 1) {
          const outcome = await this.execute(tx, batch[0]!);
          if (!outcome.ok) throw outcome.error; // a lone unit rolls the whole transaction back
          outcomes.push({ ...outcome, published: await appendEvents(tx, outcome.pending, this.notify, this.writer) });
          return;
        }
        for (const item of batch) {
          try {
            outcomes.push(await tx.transaction((sp) => this.execute(sp, item, true)));
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        // The events of every unit that held, in the units' order, in one statement: ids in that order.
        const written = await appendEvents(
          tx,
          outcomes.flatMap((o) => (o.ok ? o.pending : [])),
          this.notify,
          this.writer,
        );
        let next = 0;
        for (const [i, o] of outcomes.entries()) if (o.ok) outcomes[i] = { ...o, published: written.slice(next, (next += o.pending.length)) };
      });
    } catch (error) {
      // Nothing committed: every unit fails, with its own error when it had one.
      batch.forEach((item, i) => {
        const o = outcomes[i];
        this.settle(item, { ok: false, error: o && !o.ok ? o.error : error });
      });
      return;
    }
    batch.forEach((item, i) => this.settle(item, outcomes[i]!));
  }

  /** Runs one unit with its riders; in a savepoint (`nested`) a failure throws so the savepoint rolls back. Its events are written by the caller. */
  private async execute(tx: Tx, item: Queued, nested = false): Promise<Outcome> {
    const pending: DomainEvent[] = [];
    const commits: Array<() => void> = [];
    try {
      const ctx: UnitContext = { emit: (e) => pending.push(e), onCommit: (fn) => commits.push(fn) };
      const value = await item.fn(tx, ctx);
      const riders = item.group === undefined ? undefined : this.riders.get(item.group);
      if (riders) for (const rider of [...riders]) await rider(tx, ctx);
      return { ok: true, value, commits, pending, published: [] };
    } catch (error) {
      if (nested) throw error;
      return { ok: false, error };
    }
  }

  private settle(item: Queued, outcome: Outcome): void {
    this.queued--;
    if (!outcome.ok) {
      item.reject(outcome.error);
      return;
    }
    try {
      for (const fn of outcome.commits) fn();
      for (const e of outcome.published) this.bus.publish(e);
    } catch (error) {
      // Committed, but memory could not follow: the caller hears of it, the next unit still runs.
      item.reject(error);
      return;
    }
    item.resolve(outcome.value);
  }
}
