/**
 * The one source of domain time, with timers on that same time. The composition root picks
 * it: the wall clock for paper and live trading, the feed's recorded clock for a replay, so the
 * scheduler, cooldowns, time exits and the exit engine all agree on what time it is. Deadlines
 * on I/O (an LLM call, an SSE ping, a graceful shutdown) are wall time and do not use it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` every `ms` of this clock's time until the returned function is called. */
  every(ms: number, fn: () => void): Cancel;
  /** Calls `fn` once, `ms` of this clock's time from now, unless canceled first. */
  after(ms: number, fn: () => void): Cancel;
}

export type Cancel = () => void;

/** Node fires a longer timer (or a NaN one) at once: a longer interval would be a hot loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function checkTimer(ms: number): void {
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new RangeError(`a timer needs a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${ms}`);
  }
}

/** Wall time. Its timers do not keep the process alive: the HTTP server does that. */
export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, fn) {
    checkTimer(ms);
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  after(ms, fn) {
    checkTimer(ms);
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

interface ManualTimer {
  due: number;
  /** Repeats every `period` ms; one-shot when null. */
  period: number | null;
  fn: () => void;
  seq: number;
}

/**
 * A clock that only moves when told to: for tests, backfills and replays (the replay feed sets
 * it to each update's recorded time). Moving it fires the timers that fell due, in due order;
 * a jump over several periods fires a repeating timer once, not once per missed period.
 */
export class ManualClock implements Clock {
  private readonly timers = new Set<ManualTimer>();
  private seq = 0;
  /** The earliest due time of any timer (Infinity: none): setting the clock before it costs nothing. */
  private nextDue = Infinity;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
    this.fire();
  }

  advance(ms: number): number {
    this.set(this.current + ms);
    return this.current;
  }

  every(ms: number, fn: () => void): Cancel {
    checkTimer(ms);
    return this.add({ due: this.current + ms, period: ms, fn, seq: ++this.seq });
  }

  after(ms: number, fn: () => void): Cancel {
    checkTimer(ms);
    return this.add({ due: this.current + ms, period: null, fn, seq: ++this.seq });
  }

  /** Timers waiting (for tests). */
  get pending(): number {
    return this.timers.size;
  }

  /** One-shot timers pending: in a backtest, the orders waiting out their simulated latency. */
  get waiting(): number {
    let n = 0;
    for (const t of this.timers) if (t.period === null) n++;
    return n;
  }

  /** When the earliest one-shot timer falls due (undefined: none). */
  get nextWaiting(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers) if (t.period === null && (next === undefined || t.due < next)) next = t.due;
    return next;
  }

  /** When the earliest timer falls due (undefined: no timer). */
  get next(): number | undefined {
    return this.nextDue === Infinity ? undefined : this.nextDue;
  }

  private add(t: ManualTimer): Cancel {
    this.timers.add(t);
    if (t.due < this.nextDue) this.nextDue = t.due;
    return () => void this.timers.delete(t);
  }

  /**
   * Sets the clock to `ms` (never back) and fires only the earliest timer due by then, by due time
   * and then the order the timers were set; false when none is due. A backtest moves its clock
   * this way, letting each timer's work settle before the next one fires: timers falling due
   * together would otherwise race, and which of them came first (a position opened in the very
   * instant funding is paid) would depend on how many awaits each one's work took on the way.
   */
  fireNext(ms: number): boolean {
    if (ms > this.current) this.current = ms;
    if (this.current < this.nextDue) return false;
    let first: ManualTimer | undefined;
    for (const t of this.timers) if (t.due <= this.current && (!first || t.due < first.due || (t.due === first.due && t.seq < first.seq))) first = t;
    if (first) this.fireTimer(first);
    this.nextDue = Infinity;
    for (const t of this.timers) if (t.due < this.nextDue) this.nextDue = t.due;
    return first !== undefined;
  }

  private fireTimer(t: ManualTimer): void {
    if (t.period === null) this.timers.delete(t);
    else t.due += Math.ceil((this.current - t.due + 1) / t.period) * t.period;
    t.fn();
  }

  private fire(): void {
    // A replay sets the clock on every update: most of them fall before any timer.
    if (this.current < this.nextDue) return;
    const due = [...this.timers].filter((t) => t.due <= this.current).sort((a, b) => a.due - b.due || a.seq - b.seq);
    for (const t of due) {
      if (!this.timers.has(t)) continue; // canceled by an earlier one
      this.fireTimer(t);
    }
    let next = Infinity;
    for (const t of this.timers) if (t.due < next) next = t.due;
    this.nextDue = next;
  }
}
