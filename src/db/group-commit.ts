import type { Tx } from "./client.js";
import type { UnitContext, UnitOfWork } from "./unit-of-work.js";

/**
 * Group commit for records that many runs write at once (tool-call rows, finished invocations):
 * whatever arrived by the time the unit of work's turn comes is written in one transaction, so
 * a hundred models answering in the same second cost one transaction instead of a hundred.
 * A lone record is written at once, as before. Each record still commits all or nothing; a
 * batch that fails is retried record by record, so one bad record never loses the others.
 */
export class GroupCommit<T> {
  private readonly queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private draining = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly write: (tx: Tx, ctx: UnitContext, items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // One turn of the event loop first: answers that arrived together (timers, sockets, an
      // embedded database that resolves in microtasks) all get to queue their records.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        let batch: typeof this.queue = [];
        try {
          await this.uow.run(async (tx, ctx) => {
            // Taken when the transaction starts: records that arrived while it waited its turn join it.
            batch = this.queue.splice(0, this.maxBatch);
            await this.write(
              tx,
              ctx,
              batch.map((b) => b.item),
            );
          });
          for (const b of batch) b.resolve();
        } catch (error) {
          // The transaction never started (the database is down): fail what is waiting rather than spin.
          if (batch.length === 0) batch = this.queue.splice(0, this.queue.length);
          if (batch.length <= 1) {
            for (const b of batch) b.reject(error);
            continue;
          }
          for (const b of batch) {
            await this.uow.run((tx, ctx) => this.write(tx, ctx, [b.item])).then(b.resolve, b.reject);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
