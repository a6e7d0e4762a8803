import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LlmCallRetention } from "../../src/agents/llm/recording-retention.js";
import { loadPaperDay } from "../../src/backtest/paper-day.js";
import type { Db } from "../../src/db/client.js";
import { candles } from "../../src/db/schema.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { seedModel, seedRun } from "../support/llm-calls.js";

/**
 * A what-if of a paper span whose recorded LLM calls the retention setting deleted: it says so,
 * naming the setting and since when calls are kept, rather than missing at a step or reporting
 * calls that were never recorded.
 */

const DAY = 86_400_000;
const MIN = 60_000;
const FROM = Date.parse("2026-11-01T00:00:00Z");
const TO = FROM + 120 * MIN;
const ISO = (ms: number) => new Date(ms).toISOString();

describe.each(DRIVERS)("a what-if of a paper span with pruned LLM recordings on %s", (driver) => {
  let t: TestDatabase;
  let db: Db;
  let dir: string;
  beforeEach(async () => {
    t = await openTestDatabase(driver);
    db = t.database.db;
    dir = mkdtempSync(join(tmpdir(), "autonome-paper-pruned-"));
    await seedModel(db, "oracle");
    // A run every half hour, one call each, and the candles the day is replayed over.
    for (let i = 0; i < 4; i++) await seedRun(db, { id: `run-${i}`, modelId: "oracle", at: FROM + i * 30 * MIN, calls: [FROM + i * 30 * MIN + 1000] });
    await db.insert(candles).values(
      Array.from({ length: 121 }, (_, i) => ({
        symbol: "BTC",
        interval: "1m" as const,
        openTime: new Date(FROM + i * MIN),
        open: "100000",
        high: "100010",
        low: "99990",
        close: "100000",
        volume: "1",
      })),
    );
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  });

  /** The retention pass of a one-day setting with the clock at `cutoff` plus a day. */
  const pruneBefore = (cutoff: number) => new LlmCallRetention({ db, days: 1, now: () => cutoff + DAY, logger: pino({ level: "silent" }) }).prune();
  const day = (from: number, llm: "auto" | "replay") => loadPaperDay(db, { from, to: TO, models: ["oracle"], intervalMs: 5 * MIN, dir: join(dir, `day-${from}-${llm}`), llm });

  it("nothing pruned: every run is answered from its recording, with no note", async () => {
    const loaded = await day(FROM, "replay");
    expect(loaded.llmRuns.map((r) => r.at)).toEqual([0, 1, 2, 3].map((i) => FROM + i * 30 * MIN));
    expect(loaded.notes).toEqual([]);
  });

  it("the first half pruned: the span fails naming the setting and since when calls are kept; a span from then on replays", async () => {
    const cutoff = FROM + 45 * MIN;
    expect((await pruneBefore(cutoff)).deleted).toBe(2);
    for (const llm of ["auto", "replay"] as const) {
      await expect(day(FROM, llm)).rejects.toThrow(
        `the recorded LLM calls of "oracle" cover only part of ${ISO(FROM)} to ${ISO(TO)}: LLM calls recorded before ${ISO(cutoff)} were deleted by the retention setting (AUTONOME_LLM_CALLS_RETENTION_DAYS); start the what-if at ${ISO(cutoff)} or later (--from)`,
      );
    }
    const later = await day(cutoff, "replay");
    expect(later.llmRuns.map((r) => r.at)).toEqual([FROM + 60 * MIN, FROM + 90 * MIN]);
    expect(later.notes).toEqual([]);
  });

  it("all of it pruned: --llm replay fails naming the setting; without it, the tool calls are replayed and a note says why", async () => {
    const cutoff = TO + MIN;
    expect((await pruneBefore(cutoff)).deleted).toBe(4);
    await expect(day(FROM, "replay")).rejects.toThrow(
      `--llm replay: no recorded LLM call of "oracle" is left between ${ISO(FROM)} and ${ISO(TO)}: LLM calls recorded before ${ISO(cutoff)} were deleted by the retention setting (AUTONOME_LLM_CALLS_RETENTION_DAYS); replay a span from ${ISO(cutoff)} on, or leave out --llm replay to replay their tool calls instead`,
    );
    const auto = await day(FROM, "auto");
    expect(auto.llmRuns).toEqual([]);
    expect(auto.notes).toEqual([
      `LLM calls recorded before ${ISO(cutoff)} were deleted by the retention setting (AUTONOME_LLM_CALLS_RETENTION_DAYS): the tool calls of "oracle" are replayed instead of their model's answers`,
    ]);
  });

  it("a span never recorded, with nothing pruned, keeps the message it had: no word of retention", async () => {
    await seedModel(db, "silent");
    await seedRun(db, { id: "unrecorded", modelId: "silent", at: FROM + 10 * MIN, calls: [] });
    const error = await loadPaperDay(db, { from: FROM, to: TO, models: ["silent"], intervalMs: 5 * MIN, dir: join(dir, "silent"), llm: "replay" }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`--llm replay: no LLM call of "silent" was recorded between ${ISO(FROM)} and ${ISO(TO)}`);
    expect((error as Error).message).not.toContain("retention");
  });
});
