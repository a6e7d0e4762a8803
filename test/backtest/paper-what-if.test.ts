import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { BacktestResult } from "../../src/backtest/types.js";
import { backtestCommand } from "../../src/cli/backtest.js";
import { ManualClock } from "../../src/core/clock.js";
import { usd } from "../../src/core/money.js";
import type { SyntheticFeed } from "../../src/feeds/synthetic/index.js";

const FROM = Date.parse("2026-11-01T00:00:00Z");
const HOURS = 3;

describe("what-if of a recorded paper day", () => {
  const dir = mkdtempSync(join(tmpdir(), "autonome-paper-day-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("replays the models' real decisions over the stored candles, once as the baseline and once with the new execution", { timeout: 300_000 }, async () => {
    // A paper-trading installation lives through three hours (its built-in rule models trade).
    const env = { AUTONOME_DATA_DIR: join(dir, "data"), AUTONOME_SEED: "11", PORT: "1", LOG_LEVEL: "silent" };
    const config = loadConfig(env);
    const clock = new ManualClock(FROM);
    const paper = await createAutonome(config, pino({ level: "silent" }), clock);
    await paper.start();
    const feed = paper.feed as SyntheticFeed;
    for (let t = FROM + 1000; t <= FROM + HOURS * 3_600_000; t += 1000) {
      clock.set(t);
      await paper.settle();
      feed.advanceTo(t);
      await paper.settle();
    }
    const ids = (await paper.services.listModels()).map((m) => m.id);
    const trades = await paper.services.trades(undefined, 500);
    await paper.stop();
    expect(trades.length).toBeGreaterThan(0);

    const out = join(dir, "what-if");
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await backtestCommand(config, {
        whatIf: "paper",
        from: new Date(FROM).toISOString(),
        to: new Date(FROM + HOURS * 3_600_000).toISOString(),
        models: ids.join(","),
        fees: "2,25",
        out,
        json: true,
        feed: "synthetic",
        seed: "42",
        bookInterval: "1s",
        interval: "5m",
      });
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const whatIf = JSON.parse(readFileSync(join(out, "result.json"), "utf8")) as BacktestResult;
    const baseline = JSON.parse(readFileSync(join(out, "baseline", "result.json"), "utf8")) as BacktestResult;
    expect(whatIf.baseline!.result.hash).toBe(baseline.hash);
    expect(whatIf.feed.kind).toBe("replay");
    // The recorded decisions, replayed in both runs: the same entries, at the same times.
    expect(baseline.decisions!.length).toBeGreaterThan(0);
    expect(whatIf.decisions).toEqual(baseline.decisions);
    const entries = (r: BacktestResult) => r.models.map((m) => m.trades.map((t) => [t.symbol, t.side, t.quantity, t.openedAt]));
    expect(entries(whatIf)).toEqual(entries(baseline));
    // Every model's entries in the replay are decisions it really made that day (the same symbols).
    const paperSymbols = new Set(trades.map((t) => t.symbol));
    for (const t of baseline.models.flatMap((m) => m.trades)) expect(paperSymbols.has(t.symbol)).toBe(true);
    expect(whatIf.execution.takerFeeBps).toBe(25);
    const fees = (r: BacktestResult) => r.models.reduce((s, m) => s + usd(m.metrics.fees), 0n);
    expect(fees(whatIf)).toBeGreaterThan(fees(baseline));
  });
});
