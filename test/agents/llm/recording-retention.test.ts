import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LlmCallRetention, llmCallsPrunedBefore } from "../../../src/agents/llm/recording-retention.js";
import type { Db } from "../../../src/db/client.js";
import { llmCalls } from "../../../src/db/schema.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../../support/databases.js";
import { seedModel, seedRun, storedCalls } from "../../support/llm-calls.js";

/**
 * Retention of the recorded LLM calls: a pass deletes the runs recorded before the window, whole,
 * in batches of a bounded number of rows, keeps the rest, and marks how far back calls are gone.
 */

const DAY = 86_400_000;
const MIN = 60_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");
const CUTOFF = NOW - 30 * DAY;

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe.each(DRIVERS)("retention of recorded LLM calls on %s", (driver) => {
  let t: TestDatabase;
  let db: Db;
  beforeEach(async () => {
    t = await openTestDatabase(driver);
    db = t.database.db;
    await seedModel(db, "oracle");
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("deletes the runs recorded before the window, every call of them, keeps the later ones, logs the count and marks the cutoff", async () => {
    await seedRun(db, { id: "old", modelId: "oracle", at: NOW - 40 * DAY, calls: [NOW - 40 * DAY + 1000, NOW - 40 * DAY + 2000] });
    await seedRun(db, { id: "older-by-a-minute", modelId: "oracle", at: CUTOFF - 2 * MIN, calls: [CUTOFF - MIN] });
    // Its first call before the cutoff and its second after: the run goes whole, never half of it.
    await seedRun(db, { id: "straddling", modelId: "oracle", at: CUTOFF - MIN, calls: [CUTOFF - 30_000, CUTOFF + 30_000] });
    // Exactly at the cutoff is inside the window.
    await seedRun(db, { id: "at-cutoff", modelId: "oracle", at: CUTOFF - 1000, calls: [CUTOFF, CUTOFF + 1000] });
    await seedRun(db, { id: "recent", modelId: "oracle", at: NOW - DAY, calls: [NOW - DAY + 1000, NOW - DAY + 2000, NOW - DAY + 3000] });
    const { logger, lines } = capturingLogger();

    const outcome = await new LlmCallRetention({ db, days: 30, now: () => NOW, logger }).prune();

    expect(await storedCalls(db)).toEqual(["at-cutoff:1", "at-cutoff:2", "recent:1", "recent:2", "recent:3"]);
    expect(outcome).toEqual({ deleted: 5, runs: 3, batches: 1, before: CUTOFF });
    expect(await llmCallsPrunedBefore(db)).toBe(CUTOFF);
    const line = lines.find((l) => l.deleted !== undefined);
    expect(line).toMatchObject({ deleted: 5, runs: 3, batches: 1, days: 30, before: new Date(CUTOFF).toISOString() });
    expect(line!.msg).toContain("pruned 5 recorded LLM call(s) older than 30 day(s)");

    // A second pass finds nothing: no batch, no line.
    const again = await new LlmCallRetention({ db, days: 30, now: () => NOW, logger }).prune();
    expect(again).toMatchObject({ deleted: 0, runs: 0, batches: 0 });
    expect(lines.filter((l) => l.deleted !== undefined)).toHaveLength(1);
  });

  it("deletes in batches of the oldest rows, each run whole in one batch, until nothing old is left", async () => {
    // Seven old runs of two calls each, in recording order, and one recent run.
    for (let i = 0; i < 7; i++) {
      const at = NOW - 60 * DAY + i * 10 * MIN;
      await seedRun(db, { id: `run-${i}`, modelId: "oracle", at, calls: [at + 1000, at + 2000] });
    }
    await seedRun(db, { id: "recent", modelId: "oracle", at: NOW - MIN, calls: [NOW - 30_000] });
    // What is left after each batch's transaction: never part of a run.
    const afterBatches: string[][] = [];
    const transaction = db.transaction.bind(db);
    vi.spyOn(db, "transaction").mockImplementation(async (work, config) => {
      const out = await transaction(work, config);
      afterBatches.push(await storedCalls(db));
      return out;
    });

    // Three rows a batch: the two calls of one run and the first of the next, whose second goes with it.
    const outcome = await new LlmCallRetention({ db, days: 30, now: () => NOW, logger: pino({ level: "silent" }), batchRows: 3 }).prune();

    expect(outcome).toEqual({ deleted: 14, runs: 7, batches: 4, before: CUTOFF });
    const runsLeft = (calls: string[]) => [...new Set(calls.map((c) => c.split(":")[0]))];
    expect(afterBatches.map(runsLeft)).toEqual([["recent", "run-2", "run-3", "run-4", "run-5", "run-6"], ["recent", "run-4", "run-5", "run-6"], ["recent", "run-6"], ["recent"]]);
    for (const left of afterBatches) expect(left.filter((c) => c.startsWith("run-")).length % 2).toBe(0);
    expect(await storedCalls(db)).toEqual(["recent:1"]);
  });

  it("keeps every row when nothing is older than the window, and marks nothing", async () => {
    await seedRun(db, { id: "recent", modelId: "oracle", at: NOW - 29 * DAY, calls: [NOW - 29 * DAY + 1000] });
    const outcome = await new LlmCallRetention({ db, days: 30, now: () => NOW, logger: pino({ level: "silent" }) }).prune();
    expect(outcome).toMatchObject({ deleted: 0, batches: 0 });
    expect(await storedCalls(db)).toEqual(["recent:1"]);
    expect(await llmCallsPrunedBefore(db)).toBeNull();
  });

  it("never moves the mark back: a longer window set later keeps the shorter one's cutoff", async () => {
    await seedRun(db, { id: "a", modelId: "oracle", at: NOW - 20 * DAY, calls: [NOW - 20 * DAY] });
    await seedRun(db, { id: "b", modelId: "oracle", at: NOW - 50 * DAY, calls: [NOW - 50 * DAY] });
    const quiet = pino({ level: "silent" });
    await new LlmCallRetention({ db, days: 10, now: () => NOW, logger: quiet }).prune();
    expect(await llmCallsPrunedBefore(db)).toBe(NOW - 10 * DAY);
    // A row older than the 30-day cutoff written after (a restored backup): the 30-day pass deletes it, the mark stays.
    await seedRun(db, { id: "c", modelId: "oracle", at: NOW - 40 * DAY, calls: [NOW - 40 * DAY] });
    await new LlmCallRetention({ db, days: 30, now: () => NOW, logger: quiet }).prune();
    expect(await storedCalls(db)).toEqual([]);
    expect(await llmCallsPrunedBefore(db)).toBe(NOW - 10 * DAY);
  });

  it("a pass asked for while one runs is that pass; stop() lets no batch start after it", async () => {
    for (let i = 0; i < 4; i++) await seedRun(db, { id: `run-${i}`, modelId: "oracle", at: NOW - 40 * DAY + i * MIN, calls: [NOW - 40 * DAY + i * MIN] });
    const retention = new LlmCallRetention({ db, days: 30, now: () => NOW, logger: pino({ level: "silent" }), batchRows: 1 });
    const transaction = db.transaction.bind(db);
    let stopping: Promise<void> | undefined;
    vi.spyOn(db, "transaction").mockImplementation(async (work, config) => {
      const out = await transaction(work, config);
      stopping ??= retention.stop(); // stopped during the first batch
      return out;
    });
    const first = retention.prune();
    expect(retention.prune()).toBe(first);
    const outcome = await first;
    await stopping;
    expect(outcome).toMatchObject({ deleted: 1, batches: 1 });
    expect(await db.select({ run: llmCalls.invocationId }).from(llmCalls)).toHaveLength(3);
  });

  it("refuses a window that is not a whole number of days", () => {
    const quiet = pino({ level: "silent" });
    expect(() => new LlmCallRetention({ db, days: 0, now: () => NOW, logger: quiet })).toThrow(/AUTONOME_LLM_CALLS_RETENTION_DAYS/);
    expect(() => new LlmCallRetention({ db, days: 1.5, now: () => NOW, logger: quiet })).toThrow(/whole number of days/);
  });
});
