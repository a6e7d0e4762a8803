import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseEntries, parseFees, parseFiles, parseLatency, progressLine } from "../../src/cli/backtest.js";
import type { BacktestResult } from "../../src/backtest/types.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "autonome-cli-backtest-"));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "backtest", ...args], {
    cwd: ROOT,
    // The live data directory must never be touched: it does not even exist.
    env: { ...process.env, AUTONOME_DATA_DIR: join(dir, "live-data"), LOG_LEVEL: "silent", PORT: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("autonome backtest", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const models = join(dir, "models.json");
  writeFileSync(models, JSON.stringify([{ name: "Trend", kind: "rule", strategy: "trend-following" }]));

  it("writes result.json and a report, prints the result with --json, and reruns it as a what-if", { timeout: 240_000 }, () => {
    const out = join(dir, "run");
    const r = cli(["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T01:00:00Z", "--models", models, "--seed", "5", "--out", out, "--json"]);
    expect(r.err).not.toMatch(/autonome:/);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as BacktestResult;
    const saved = JSON.parse(readFileSync(join(out, "result.json"), "utf8")) as BacktestResult;
    expect(printed.hash).toBe(saved.hash);
    expect(saved.models.map((m) => m.name)).toEqual(["Trend"]);
    expect(saved.feed).toEqual({ kind: "synthetic", seed: 5, intervalMs: 1000 });
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    // Not a terminal: progress comes as JSON lines on stderr, ending at the whole span.
    const progress = r.err
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { progress: { fraction: number } }).progress);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(existsSync(join(dir, "live-data"))).toBe(false);

    const whatIf = cli(["--what-if", join(out, "result.json"), "--fees", "2,40", "--out", join(dir, "what-if"), "--json"]);
    expect(whatIf.code).toBe(0);
    const w = JSON.parse(whatIf.out) as BacktestResult;
    expect(w.baseline!.result.hash).toBe(saved.hash);
    expect(w.execution.takerFeeBps).toBe(40);
    expect(w.decisions).toEqual(saved.decisions);
  });

  it.each([
    [["--to", "2026-11-01T01:00:00Z", "--models", "x"], "--from is required"],
    [["--from", "2026-11-01T02:00:00Z", "--to", "2026-11-01T01:00:00Z", "--models", "MODELS"], "to: must be after from"],
    [["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T01:00:00Z", "--models", "MODELS", "--feed", "csv"], '--feed: "csv" must be synthetic or replay'],
    [["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T01:00:00Z", "--models", "MODELS", "--feed", "replay"], "--feed replay needs --files"],
    [["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T01:00:00Z", "--models", "MODELS", "--interval", "often"], '--interval: "often"'],
    [["--what-if", "/nonexistent/result.json"], "--what-if: /nonexistent/result.json could not be read"],
  ])("%j exits 1 naming the problem", { timeout: 60_000 }, (args, needle) => {
    const r = cli(args.map((a) => (a === "MODELS" ? models : a)));
    expect(r.code).toBe(1);
    expect(r.err).toContain(needle);
  });
});

describe("backtest options", () => {
  it("reads fees, latency and files in both spellings, and refuses the rest", () => {
    expect(parseFees("2,6")).toEqual({ makerFeeBps: 2, takerFeeBps: 6 });
    expect(parseFees("maker=-1,taker=4.5")).toEqual({ makerFeeBps: -1, takerFeeBps: 4.5 });
    expect(() => parseFees("2")).toThrow("--fees");
    expect(() => parseFees("maker=2")).toThrow("--fees");
    expect(parseLatency("50")).toEqual({ minMs: 50, maxMs: 50 });
    expect(parseLatency("20-80")).toEqual({ minMs: 20, maxMs: 80 });
    expect(() => parseLatency("fast")).toThrow("--latency");
    expect(parseEntries("market")).toEqual({ type: "market" });
    expect(parseEntries("limit")).toEqual({ type: "limit", offsetBps: 0, expireAfterMs: 60_000 });
    expect(parseEntries("limit:2.5:120")).toEqual({ type: "limit", offsetBps: 2.5, expireAfterMs: 120_000 });
    expect(() => parseEntries("stop")).toThrow("--entries");
    expect(() => parseEntries("limit:x")).toThrow("--entries");
    expect(parseFiles("BTC=/a.csv,ETH=/b.csv")).toEqual([
      { symbol: "BTC", path: "/a.csv" },
      { symbol: "ETH", path: "/b.csv" },
    ]);
    expect(() => parseFiles("BTC")).toThrow("SYMBOL=path");
  });

  it("draws the bar from the progress: filled share, simulated time, rate and ETA", () => {
    const line = progressLine({ simTime: Date.parse("2026-11-01T12:00:00Z"), from: 0, to: 1, fraction: 0.5, updates: 10, updatesPerSecond: 12345, elapsedMs: 1000, etaMs: 90_000, cycles: 3 }, true);
    expect(line).toContain(`[${"#".repeat(15)}${"-".repeat(15)}]`);
    expect(line).toContain("50.0%");
    expect(line).toContain("2026-11-01T12:00Z");
    expect(line).toContain("12,345 updates/s");
    expect(line).toContain("ETA 1m30s");
  });
});
