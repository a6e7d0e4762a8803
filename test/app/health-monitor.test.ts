import { describe, expect, it } from "vitest";
import { HealthMonitor, type HealthInputs } from "../../src/app/health-monitor.js";
import { events, type CycleSummary } from "../../src/events/events.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;

const cycle = (over: Partial<CycleSummary> = {}): CycleSummary => ({
  cycleId: "c1",
  trigger: "interval",
  startedAt: new Date(T0).toISOString(),
  finishedAt: new Date(T0 + 2000).toISOString(),
  durationMs: 2000,
  intervalMs: 5 * MINUTE,
  models: 3,
  ok: 3,
  failed: 0,
  timedOut: 0,
  skipped: 0,
  stale: 0,
  missedTicks: 0,
  overran: false,
  ...over,
});

/** A healthy moment: the timer on, the last cycle fine, both books updated a second ago. */
const inputs = (over: { now?: number; scheduler?: Partial<HealthInputs["scheduler"]>; books?: HealthInputs["books"] } = {}): HealthInputs => {
  const now = over.now ?? T0 + 10 * MINUTE;
  return {
    now,
    scheduler: { intervalMs: 5 * MINUTE, enabled: true, lastFinishedCycle: cycle(), cycleRunningMs: null, ...over.scheduler },
    books: over.books ?? [
      { symbol: "BTC", ts: now - 1000 },
      { symbol: "ETH", ts: now - 1000 },
    ],
  };
};

const monitor = () => new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 30_000 }, T0);
const run = (modelId: string, status: string, error: string | null = null) => events.invocationFinished({ modelId, invocation: { id: `i-${Math.random()}`, modelId, status, error } });
const closeFailed = (positionId: string, attempt: number) =>
  events.closeFailed({ modelId: "m1", positionId, symbol: "BTC", closeTrigger: "STOP", attempt, reason: "database_error", message: "the close failed; retrying", retryInMs: 100 * 2 ** attempt });
const position = (id: string) => ({ id, modelId: "m1", symbol: "BTC", side: "LONG", closeTrigger: "STOP" as const });

describe("health", () => {
  it("is ok with no reasons when nothing is wrong, and before the first cycle", () => {
    const m = monitor();
    expect(m.check(inputs())).toEqual({ status: "ok", reasons: [] });
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: null } }))).toEqual({ status: "ok", reasons: [] });
  });

  it("cycle_overrun: the last cycle took longer than the interval or missed one, or the cycle in progress has run longer than the interval", () => {
    const m = monitor();
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: cycle({ durationMs: 400_000, overran: true }) } }))).toEqual({
      status: "degraded",
      reasons: [{ code: "cycle_overrun", message: "the last cycle took 400000 ms against a 300000 ms interval" }],
    });
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: cycle({ durationMs: 650_000, missedTicks: 2, overran: true }) } })).reasons[0]!.message).toBe(
      "the last cycle took 650000 ms against a 300000 ms interval; 2 intervals missed",
    );
    // In progress: past the interval it is an overrun already; within it, not (the last one was fine).
    expect(m.check(inputs({ scheduler: { cycleRunningMs: 300_001 } })).reasons).toEqual([
      { code: "cycle_overrun", message: "the cycle in progress has run 300001 ms, longer than the 300000 ms interval" },
    ]);
    expect(m.check(inputs({ scheduler: { cycleRunningMs: 300_000 } })).status).toBe("ok");
    // A cycle run by hand while the timer is off overruns nothing.
    expect(m.check(inputs({ scheduler: { enabled: false, intervalMs: 0, cycleRunningMs: 10 * MINUTE } })).status).toBe("ok");
    // The next cycle within its interval: ok again.
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: cycle({ durationMs: 299_000 }) } })).status).toBe("ok");
  });

  it("runs_skipped: the last cycle skipped models still running, or cleared stale runs", () => {
    const m = monitor();
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: cycle({ skipped: 2 }) } })).reasons).toEqual([
      { code: "runs_skipped", message: "the last cycle: 2 models skipped (still running from an earlier cycle)" },
    ]);
    expect(m.check(inputs({ scheduler: { lastFinishedCycle: cycle({ skipped: 1, stale: 1, failed: 1, ok: 2 }) } })).reasons).toEqual([
      { code: "runs_skipped", message: "the last cycle: 1 model skipped (still running from an earlier cycle), 1 stale run cleared" },
    ]);
  });

  it("model_failing: from the third failed run in a row (errors and timeouts) until a run succeeds; a paused model is forgotten", () => {
    const m = monitor();
    m.observe(run("m1", "error", "boom"));
    m.observe(run("m1", "timeout", "timed out after 120000 ms"));
    m.observe(run("m2", "error"));
    expect(m.check(inputs()).status).toBe("ok"); // two in a row is not yet "keeps failing"
    m.observe(run("m1", "error", "provider answered 500"));
    expect(m.check(inputs())).toEqual({
      status: "degraded",
      reasons: [{ code: "model_failing", modelId: "m1", message: "its last 3 runs failed (latest: provider answered 500)" }],
    });
    m.observe(run("m1", "running")); // neither ends nor extends a streak
    m.observe(run("m1", "ok"));
    expect(m.check(inputs()).status).toBe("ok");
    // An ok run in between starts the count again.
    for (const s of ["error", "error", "ok", "error", "error"]) m.observe(run("m2", s));
    expect(m.check(inputs()).status).toBe("ok");
    m.observe(run("m2", "error"));
    expect(m.check(inputs()).reasons.map((r) => [r.code, r.modelId])).toEqual([["model_failing", "m2"]]);
    m.forgetModel("m2");
    expect(m.check(inputs()).status).toBe("ok");
  });

  it("feed_stale: a market whose book has not updated for longer than the limit; one with no book counts from the start or the feed's first book", () => {
    const m = monitor();
    const now = T0 + 10 * MINUTE;
    expect(
      m.check(
        inputs({
          now,
          books: [
            { symbol: "BTC", ts: now - 30_000 }, // exactly the limit: not stale
            { symbol: "ETH", ts: now - 45_000 },
          ],
        }),
      ),
    ).toEqual({ status: "degraded", reasons: [{ code: "feed_stale", symbol: "ETH", message: "no book update for 45 s" }] });
    // No book at all: 20 s after the start is fine, 40 s is not.
    expect(m.check(inputs({ now: T0 + 20_000, books: [{ symbol: "SOL", ts: 0 }] })).status).toBe("ok");
    expect(m.check(inputs({ now: T0 + 40_000, books: [{ symbol: "SOL", ts: 0 }] })).reasons).toEqual([{ code: "feed_stale", symbol: "SOL", message: "no book since the start, 40 s ago" }]);
    // A replay's clock jumps to recorded time with its first book: a market without one counts from that book.
    const replay = new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 30_000 }, 0);
    const recorded = Date.parse("2024-08-08T00:00:00Z");
    expect(
      replay.check(
        inputs({
          now: recorded + 5_000,
          books: [
            { symbol: "BTC", ts: recorded + 5_000 },
            { symbol: "ETH", ts: 0 },
          ],
        }),
      ).status,
    ).toBe("ok");
  });

  it("close_failing: a triggered close that failed three times on a position still open, until it closes or the account is reset", () => {
    const m = monitor();
    m.observe(closeFailed("p1", 1));
    m.observe(closeFailed("p1", 2));
    expect(m.check(inputs()).status).toBe("ok");
    m.observe(closeFailed("p1", 3));
    expect(m.check(inputs())).toEqual({
      status: "degraded",
      reasons: [{ code: "close_failing", modelId: "m1", symbol: "BTC", positionId: "p1", message: "the STOP close failed 3 times (database_error); still retrying" }],
    });
    m.observe(events.positionClosed({ modelId: "m1", position: position("p1") }));
    expect(m.check(inputs()).status).toBe("ok");
    for (let a = 1; a <= 4; a++) m.observe(closeFailed("p2", a));
    expect(m.check(inputs()).reasons.map((r) => r.positionId)).toEqual(["p2"]);
    m.observe(events.positionClosed({ modelId: "m1", position: position("other") })); // another position's close changes nothing
    expect(m.check(inputs()).status).toBe("degraded");
    m.observe(events.accountReset({ modelId: "m1", cash: "10000" }));
    expect(m.check(inputs()).status).toBe("ok");
  });

  it("lists every reason at once, in a fixed order", () => {
    const m = monitor();
    for (let i = 0; i < 3; i++) m.observe(run("m1", "error"));
    for (let a = 1; a <= 3; a++) m.observe(closeFailed("p1", a));
    const state = m.check(
      inputs({
        scheduler: { lastFinishedCycle: cycle({ durationMs: 400_000, overran: true, stale: 1 }) },
        books: [{ symbol: "BTC", ts: T0 }],
      }),
    );
    expect(state.status).toBe("degraded");
    expect(state.reasons.map((r) => r.code)).toEqual(["cycle_overrun", "runs_skipped", "model_failing", "feed_stale", "close_failing"]);
  });

  it("refuses thresholds that would make no sense", () => {
    expect(() => new HealthMonitor({ failedRuns: 0, closeFailures: 3, feedStaleMs: 1 }, 0)).toThrow(RangeError);
    expect(() => new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 0 }, 0)).toThrow(RangeError);
  });
});
