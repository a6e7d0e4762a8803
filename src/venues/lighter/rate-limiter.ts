import { systemClock } from "../../core/clock.js";

/**
 * Lighter counts requests over a rolling minute (60 on a standard account, per IP and per L1
 * address). This limiter keeps the times of the last `limit` requests and makes a caller wait
 * until the oldest of them is a full window old, so no window ever holds more than `limit`.
 * Wall time on purpose: the exchange counts in real time whatever clock the engine runs on.
 */
export class RateLimiter {
  private readonly stamps: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => systemClock.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`rate limit must be a positive whole number of requests, got ${limit}`);
  }

  /** Resolves when one more request may go out; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** How many requests may go out right now without waiting. */
  available(): number {
    this.expire();
    return this.limit - this.stamps.length;
  }

  /** The exchange said "too many requests": count the window as full for its whole length. */
  backOff(): void {
    const t = this.now();
    this.stamps.length = 0;
    for (let i = 0; i < this.limit; i++) this.stamps.push(t);
  }

  private async take(): Promise<void> {
    for (;;) {
      this.expire();
      if (this.stamps.length < this.limit) break;
      await this.sleep(this.stamps[0]! + this.windowMs - this.now());
    }
    this.stamps.push(this.now());
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.stamps.length > 0 && this.stamps[0]! <= cutoff) this.stamps.shift();
  }
}
