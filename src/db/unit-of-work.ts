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

/**
 * Every state change is one transaction, and the events describing it are written in that
 * same transaction and published only after it commits. Writers are serialised inside the
 * process, so outbox ids become visible in order (a reader resuming "after id N" never skips
 * an event that committed late) and in-memory state is updated by one writer at a time.
 */
export class UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(
    readonly db: Db,
    private readonly bus: EventBus,
    /** Send NOTIFY wake-ups for other processes (pointless on embedded PGlite, which no other process can open). */
    private readonly notify = true,
    /** Who writes (this process): stored on each event, so the outbox tail of every other process knows it is foreign. */
    readonly writer: string | null = null,
  ) {}

  run<T>(work: (tx: Tx, ctx: UnitContext) => Promise<T>): Promise<T> {
    this.queued++;
    const next = this.tail.then(() => this.execute(work)).finally(() => this.queued--);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs `fn` in the units' order but outside any transaction: it sees every change queued
   * before it committed, and nothing queued after it has started (reads of in-memory state that
   * must fall at the same place as a unit's would).
   */
  turn<T>(fn: () => T | Promise<T>): Promise<T> {
    this.queued++;
    const next = this.tail.then(fn).finally(() => this.queued--);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** True while a unit is queued or running. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /** Resolves once every unit queued so far has finished (a backtest steps only on a quiet kernel). */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }

  private async execute<T>(work: (tx: Tx, ctx: UnitContext) => Promise<T>): Promise<T> {
    let published: BusEvent[] = [];
    const commits: Array<() => void> = [];
    const result = await this.db.transaction(async (tx) => {
      const pending: DomainEvent[] = [];
      const value = await work(tx, { emit: (e) => pending.push(e), onCommit: (fn) => commits.push(fn) });
      published = await appendEvents(tx, pending, this.notify, this.writer);
      return value;
    });
    for (const fn of commits) fn();
    for (const e of published) this.bus.publish(e);
    return result;
  }
}
