import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../src/venues/lighter/rate-limiter.js";

/**
 * A virtual clock for the limiter's injected `now` and `sleep`: time moves only when the test
 * advances it, and a sleeper wakes exactly at its deadline. Between steps every pending promise
 * continuation runs (setImmediate comes after the whole microtask queue), so what the test reads
 * is the limiter's settled state at that instant.
 */
function virtualClock() {
  let t = 0;
  let seq = 0;
  const timers: { at: number; seq: number; wake: () => void }[] = [];
  const sleeps: number[] = [];
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleeps.push(ms);
        timers.push({ at: t + ms, seq: seq++, wake });
      }),
    /** Every duration the limiter asked to sleep. */
    sleeps,
    pendingSleeps: () => timers.length,
    settle,
    /** Moves the clock to `target`, waking each sleeper at its own deadline on the way. */
    async advanceTo(target: number): Promise<void> {
      await settle();
      for (let steps = 0; ; steps++) {
        // A limiter that keeps sleeping without letting anyone through would spin here forever.
        if (steps > 10_000) throw new Error("the limiter keeps sleeping without progress");
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers[0];
        if (!next || next.at > target) break;
        timers.shift();
        t = Math.max(t, next.at);
        next.wake();
        await settle();
      }
      t = Math.max(t, target);
      await settle();
    },
    /** Runs until nobody sleeps any more. */
    async runAll(): Promise<void> {
      await settle();
      for (let steps = 0; timers.length > 0; steps++) {
        if (steps > 10_000) throw new Error("the limiter keeps sleeping without progress");
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        await this.advanceTo(timers[0]!.at);
      }
    },
  };
}

/** Acquires and records, per caller, the virtual time at which it was let through. */
function tracked(limiter: RateLimiter, clock: { now: () => number }) {
  const grantedAt: (number | undefined)[] = [];
  const order: number[] = [];
  const acquire = (): Promise<void> => {
    const id = grantedAt.length;
    grantedAt.push(undefined);
    return limiter.acquire().then(() => {
      grantedAt[id] = clock.now();
      order.push(id);
    });
  };
  return { grantedAt, order, acquire };
}

/** The largest number of grants inside any half-open window [s, s + windowMs) that starts at a grant. */
function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (const s of times) max = Math.max(max, times.filter((x) => x >= s && x < s + windowMs).length);
  return max;
}

describe("RateLimiter", () => {
  it("lets `limit` callers through at once, holds the rest until the oldest grant is a full window old", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(3, 1_000, clock.now, clock.sleep);
    const { grantedAt, acquire } = tracked(limiter, clock);
    for (let i = 0; i < 5; i++) void acquire();

    await clock.advanceTo(0);
    expect(grantedAt).toEqual([0, 0, 0, undefined, undefined]);
    expect(limiter.available()).toBe(0);

    // The first three grants (at 0) stay in the window until 0 + 1000.
    await clock.advanceTo(999);
    expect(grantedAt.slice(3)).toEqual([undefined, undefined]);

    await clock.advanceTo(1_000);
    expect(grantedAt).toEqual([0, 0, 0, 1_000, 1_000]);
    expect(maxInAnyWindow(grantedAt as number[], 1_000)).toBe(3);
    // Grants at 1000, 1000 in the window (0 left at exactly 1000): one slot free.
    expect(limiter.available()).toBe(1);
  });

  it("staggered grants free their slots one by one, each a window after it was taken", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(2, 1_000, clock.now, clock.sleep);
    const { grantedAt, acquire } = tracked(limiter, clock);
    void acquire(); // t=0
    await clock.advanceTo(400);
    void acquire(); // t=400
    void acquire(); // waits for the grant at 0 to leave: t=1000
    void acquire(); // waits for the grant at 400 to leave: t=1400
    await clock.advanceTo(1_399);
    expect(grantedAt).toEqual([0, 400, 1_000, undefined]);
    await clock.advanceTo(1_400);
    expect(grantedAt).toEqual([0, 400, 1_000, 1_400]);
  });

  it("serves callers in the order they called, including ones that arrive while others wait", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(1, 1_000, clock.now, clock.sleep);
    const { grantedAt, order, acquire } = tracked(limiter, clock);
    void acquire(); // 0: granted at 0
    void acquire(); // 1: waits until 1000
    await clock.advanceTo(500);
    void acquire(); // 2: arrived at 500 behind caller 1: 2000
    void acquire(); // 3: 3000
    await clock.runAll();
    expect(order).toEqual([0, 1, 2, 3]);
    expect(grantedAt).toEqual([0, 1_000, 2_000, 3_000]);
  });

  it("many simultaneous callers come out in call order", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(2, 100, clock.now, clock.sleep);
    const { order, grantedAt, acquire } = tracked(limiter, clock);
    for (let i = 0; i < 9; i++) void acquire();
    await clock.runAll();
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Two per 100 ms: 0,0,100,100,200,200,300,300,400.
    expect(grantedAt).toEqual([0, 0, 100, 100, 200, 200, 300, 300, 400]);
  });

  it("available() counts the free slots of the current window", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(3, 1_000, clock.now, clock.sleep);
    expect(limiter.available()).toBe(3);
    await limiter.acquire(); // at 0
    expect(limiter.available()).toBe(2);
    await clock.advanceTo(300);
    await limiter.acquire(); // at 300
    expect(limiter.available()).toBe(1);
    await clock.advanceTo(999);
    expect(limiter.available()).toBe(1);
    await clock.advanceTo(1_000); // the grant at 0 leaves
    expect(limiter.available()).toBe(2);
    await clock.advanceTo(1_300); // the grant at 300 leaves
    expect(limiter.available()).toBe(3);
  });

  it("backOff() counts the window as full for its whole length from the moment it is called", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(3, 1_000, clock.now, clock.sleep);
    await clock.advanceTo(100);
    await limiter.acquire();
    expect(limiter.available()).toBe(2);

    await clock.advanceTo(200);
    limiter.backOff();
    expect(limiter.available()).toBe(0);

    const { grantedAt, acquire } = tracked(limiter, clock);
    void acquire();
    void acquire();
    await clock.advanceTo(1_199);
    expect(limiter.available()).toBe(0);
    expect(grantedAt).toEqual([undefined, undefined]);
    // 200 + 1000: the whole window has passed; the earlier grant at 100 does not hold it longer.
    await clock.advanceTo(1_200);
    expect(grantedAt).toEqual([1_200, 1_200]);
    expect(limiter.available()).toBe(1);
  });

  it("backOff() while callers already wait pushes them to the end of the new window", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter(1, 1_000, clock.now, clock.sleep);
    const { grantedAt, acquire } = tracked(limiter, clock);
    void acquire(); // 0
    void acquire(); // would be 1000
    await clock.advanceTo(500);
    limiter.backOff(); // the window now runs from 500 to 1500
    await clock.runAll();
    expect(grantedAt).toEqual([0, 1_500]);
  });

  it("a sleep that fails fails that caller only: the callers behind it are still served in order", async () => {
    let t = 0;
    let failNext = true;
    let calls = 0;
    const limiter = new RateLimiter(
      1,
      1_000,
      () => t,
      (ms) => {
        if (++calls > 100) return Promise.reject(new Error("the limiter keeps sleeping without progress"));
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error("timer broke"));
        }
        t += ms;
        return Promise.resolve();
      },
    );
    await limiter.acquire(); // t=0
    const second = limiter.acquire();
    const third = limiter.acquire();
    await expect(second).rejects.toThrow("timer broke");
    await third;
    expect(t).toBe(1_000);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("refuses a limit of %s", (limit) => {
    expect(() => new RateLimiter(limit)).toThrow(RangeError);
  });

  it("accepts a limit of 1", () => {
    expect(new RateLimiter(1).available()).toBe(1);
  });

  it("property: for random arrival times no window holds more than the limit, callers keep their order, and nobody waits longer than needed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 25 }),
        async (limit, windowMs, gaps) => {
          const clock = virtualClock();
          const limiter = new RateLimiter(limit, windowMs, clock.now, clock.sleep);
          const { grantedAt, order, acquire } = tracked(limiter, clock);
          const arrivals: number[] = [];
          let at = 0;
          for (const gap of gaps) {
            at += gap;
            await clock.advanceTo(at);
            arrivals.push(at);
            void acquire();
          }
          await clock.runAll();

          const times = grantedAt as number[];
          expect(times.every((x) => x !== undefined)).toBe(true);
          expect(maxInAnyWindow(times, windowMs)).toBeLessThanOrEqual(limit);
          expect(order).toEqual(arrivals.map((_, i) => i));
          // Greedy FIFO: caller i goes at the first moment it has arrived, its predecessor has gone,
          // and the grant `limit` places earlier has left the window.
          const expected: number[] = [];
          for (let i = 0; i < arrivals.length; i++) {
            expected.push(Math.max(arrivals[i]!, i > 0 ? expected[i - 1]! : 0, i >= limit ? expected[i - limit]! + windowMs : 0));
          }
          expect(times).toEqual(expected);
          // The limiter never spins: every sleep it asks for is a positive wait.
          expect(clock.sleeps.every((ms) => ms > 0)).toBe(true);
          expect(clock.pendingSleeps()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
