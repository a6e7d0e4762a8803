/**
 * Wall time the database kept us waiting: the time during which at least one call was in flight
 * (overlapping calls count once), and how many calls there were. Always on: two reads of a
 * monotonic clock per call, nothing next to a query. A backtest reports it as its database share.
 */
export interface DatabaseUsage {
  /** Milliseconds with at least one call in flight, a call still running included. */
  readonly busyMs: number;
  readonly calls: number;
}

export class DatabaseMeter implements DatabaseUsage {
  private inFlight = 0;
  private since = 0;
  private done = 0;
  private count = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get busyMs(): number {
    return this.done + (this.inFlight > 0 ? this.now() - this.since : 0);
  }

  get calls(): number {
    return this.count;
  }

  /** A call starts (pair it with exactly one `leave`). */
  enter(): void {
    if (this.inFlight++ === 0) this.since = this.now();
  }

  leave(): void {
    if (--this.inFlight === 0) this.done += this.now() - this.since;
  }

  /** Counts one call, in flight until the returned function is called (again: nothing). */
  begin(): () => void {
    this.count++;
    this.enter();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.leave();
    };
  }

  /** Counts `call` as one call, in flight until its promise settles. */
  measure<T>(call: () => Promise<T>): Promise<T> {
    const end = this.begin();
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      end();
      throw error;
    }
    return promise.finally(end);
  }
}
