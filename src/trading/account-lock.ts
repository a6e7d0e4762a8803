/**
 * One change at a time per account. A request's checks (risk limits, tighten-only stops, the
 * venue's reduce-only view) and its write must see one consistent state: without this, fifty
 * concurrent opens would all be checked against the same stale account before any of them
 * committed. Accounts do not wait for each other.
 */
export class AccountLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(accountId) ?? Promise.resolve();
    const next = before.then(work);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(accountId, tail);
    // The last one out removes the entry, so the map holds only accounts with work queued.
    void tail.then(() => {
      if (this.tails.get(accountId) === tail) this.tails.delete(accountId);
    });
    return next;
  }

  /** Whether the account has a change running or queued. */
  busy(accountId: string): boolean {
    return this.tails.has(accountId);
  }
}
