import { describe, expect, it } from "vitest";
import { backtestView, type BacktestRow } from "../../src/backtest/backtest-views.js";
import { parseBacktestRequest } from "../../src/backtest/request.js";

/** What GET /api/backtests shows of a row: ISO times, progress in the API's words, never a database password. */
describe("backtest views", () => {
  const request = parseBacktestRequest({
    from: "2026-11-01T00:00:00Z",
    to: "2026-11-01T02:00:00Z",
    feed: { kind: "synthetic" },
    models: [{ name: "T", kind: "rule", strategy: "trend-following" }],
    databaseUrl: "postgres://trader:s3cret@db.example:5432/postgres",
  });
  const row = (patch: Partial<BacktestRow>): BacktestRow => ({
    id: "b1",
    status: "running",
    request: request as unknown as Record<string, unknown>,
    progress: null,
    summary: null,
    error: null,
    outDir: "/data/backtests/b1",
    createdAt: new Date("2026-12-02T10:00:00Z"),
    startedAt: new Date("2026-12-02T10:00:01Z"),
    finishedAt: null,
    ...patch,
  });

  it("masks a database password and gives times as ISO text", () => {
    const v = backtestView(row({}));
    expect(v.request.databaseUrl).toBe("postgres://trader:***@db.example:5432/postgres");
    expect(JSON.stringify(v)).not.toContain("s3cret");
    expect(v).toMatchObject({ request: { from: "2026-11-01T00:00:00.000Z", to: "2026-11-01T02:00:00.000Z" }, createdAt: "2026-12-02T10:00:00.000Z", finishedAt: null, reportUrl: null });
  });

  it("shows progress with the simulated time as ISO text, and the report once done", () => {
    const progress = { simTime: Date.parse("2026-11-01T01:00:00Z"), from: 0, to: 0, fraction: 0.5, updates: 10, updatesPerSecond: 5, elapsedMs: 2000, etaMs: 2000, cycles: 12 };
    const v = backtestView(row({ status: "done", progress, finishedAt: new Date("2026-12-02T10:00:05Z") }));
    expect(v.progress).toEqual({ simTime: "2026-11-01T01:00:00.000Z", fraction: 0.5, updates: 10, updatesPerSecond: 5, elapsedMs: 2000, etaMs: 2000, cycles: 12 });
    expect(v.reportUrl).toBe("/api/backtests/b1/report");
  });
});
