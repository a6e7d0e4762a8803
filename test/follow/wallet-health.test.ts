import { describe, expect, it } from "vitest";
import { HealthMonitor } from "../../src/app/health-monitor.js";
import { followWalletView, WalletHealth } from "../../src/follow/wallet-health.js";

const T0 = Date.parse("2026-06-15T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const scheduler = { intervalMs: 0, enabled: false, lastFinishedCycle: null, cycleRunningMs: null };

describe("a follow model's wallet reads and the health they make", () => {
  it("counts failures in a row per wallet, reset by a good read; only what the last round read counts", () => {
    const h = new WalletHealth();
    h.ok("m1", "a", T0);
    h.failed("m1", "a", "down", T0 + 1);
    h.failed("m1", "a", "still down", T0 + 2);
    h.failed("m1", "b", "down", T0 + 2);
    expect(h.of("m1", "a")).toEqual({ lastOkAt: T0, lastError: { message: "still down", at: T0 + 2 }, failures: 2 });
    expect(h.snapshot()).toEqual([
      {
        modelId: "m1",
        wallets: [
          { wallet: "a", failures: 2, error: "still down", errorAt: T0 + 2 },
          { wallet: "b", failures: 1, error: "down", errorAt: T0 + 2 },
        ],
      },
    ]);
    h.ok("m1", "a", T0 + 3);
    expect(h.of("m1", "a")).toEqual({ lastOkAt: T0 + 3, lastError: { message: "still down", at: T0 + 2 }, failures: 0 });
    // The next round read only wallet b of m1 (a was removed; m2 is paused): a is kept, not counted.
    h.failed("m2", "c", "down", T0 + 3);
    h.roundRead(new Map([["m1", new Set(["b"])]]));
    expect(h.snapshot()).toEqual([{ modelId: "m1", wallets: [{ wallet: "b", failures: 1, error: "down", errorAt: T0 + 2 }] }]);
    expect(h.of("m2", "c")?.failures).toBe(1);
  });

  it("is degraded for a follow model only when every one of its wallets failed more than 5 reads in a row", () => {
    const monitor = new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 30_000 }, T0);
    const check = (follow: Parameters<HealthMonitor["check"]>[0]["follow"]) => monitor.check({ now: T0, scheduler, books: [], follow });
    const w = (wallet: string, failures: number, error: string | null = "HTTP 503", errorAt: number | null = T0) => ({ wallet, failures, error, errorAt });
    expect(check([{ modelId: "m1", wallets: [w("a", 5)] }])).toEqual({ status: "ok", reasons: [] });
    expect(check([{ modelId: "m1", wallets: [w("a", 9), w("b", 0, null, null)] }])).toEqual({ status: "ok", reasons: [] });
    expect(check([{ modelId: "m1", wallets: [] }])).toEqual({ status: "ok", reasons: [] });
    expect(check([{ modelId: "m1", wallets: [w("a", 6)] }])).toEqual({
      status: "degraded",
      reasons: [{ code: "follow_wallets_failing", modelId: "m1", message: "its wallet failed the last 6 reads (latest: HTTP 503)" }],
    });
    expect(check([{ modelId: "m2", wallets: [w("a", 8, "old", T0 - 5), w("b", 7, "timeout", T0)] }]).reasons).toEqual([
      { code: "follow_wallets_failing", modelId: "m2", message: "all 2 of its wallets failed the last 7 reads (latest: timeout)" },
    ]);
    const strict = new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 30_000, followFailedPolls: 1 }, T0);
    expect(strict.check({ now: T0, scheduler, books: [], follow: [{ modelId: "m1", wallets: [w("a", 2)] }] }).status).toBe("degraded");
    expect(() => new HealthMonitor({ failedRuns: 3, closeFailures: 3, feedStaleMs: 1, followFailedPolls: 0 }, 0)).toThrow(RangeError);
  });

  it("shows a wallet from its stored row and what this process saw: unread, ok, failing, and after a restart", () => {
    expect(followWalletView("a", undefined, undefined)).toEqual({ wallet: "a", status: "unread", lastPolledAt: null, lastOkAt: null, lastError: null, consecutiveFailures: 0 });
    // After a restart only the row is known: a good last read, or a failed one (at least one failure).
    expect(followWalletView("a", { lastPolledAt: new Date(T0), lastError: null }, undefined)).toEqual({
      wallet: "a",
      status: "ok",
      lastPolledAt: iso(T0),
      lastOkAt: iso(T0),
      lastError: null,
      consecutiveFailures: 0,
    });
    expect(followWalletView("a", { lastPolledAt: new Date(T0), lastError: "HTTP 500" }, undefined)).toEqual({
      wallet: "a",
      status: "failing",
      lastPolledAt: iso(T0),
      lastOkAt: null,
      lastError: { message: "HTTP 500", at: iso(T0) },
      consecutiveFailures: 1,
    });
    // This process's count wins; the last good read is kept while reads fail.
    const seen = { lastOkAt: T0, lastError: { message: "timeout", at: T0 + 2000 }, failures: 2 };
    expect(followWalletView("a", { lastPolledAt: new Date(T0 + 2000), lastError: "timeout" }, seen)).toEqual({
      wallet: "a",
      status: "failing",
      lastPolledAt: iso(T0 + 2000),
      lastOkAt: iso(T0),
      lastError: { message: "timeout", at: iso(T0 + 2000) },
      consecutiveFailures: 2,
    });
  });
});
