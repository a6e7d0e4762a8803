import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { llmCallsPrunedBefore } from "../../src/agents/llm/recording-retention.js";
import { ManualClock } from "../../src/core/clock.js";
import { DRIVERS } from "../support/databases.js";
import { kernelEnvironment } from "../support/kernel-env.js";
import { seedModel, seedRun, storedCalls } from "../support/llm-calls.js";

/**
 * The server prunes recorded LLM calls on its own clock: once as it starts and every hour after,
 * by AUTONOME_LLM_CALLS_RETENTION_DAYS; with `off` it keeps them all.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");

describe.each(DRIVERS)("the server's retention of recorded LLM calls on %s", { timeout: 120_000 }, (driver) => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A paper server on `retention` whose clock the test moves, with a run recorded two days ago and one 23.5 hours ago. */
  async function server(retention: string) {
    const env = await kernelEnvironment(driver, cleanups, {
      LOG_LEVEL: "silent",
      AUTONOME_MIRRORS: "off",
      AUTONOME_PM_FEED: "off",
      AUTONOME_TRADE_INTERVAL: "0",
      AUTONOME_RUN_ON_START: "false",
      AUTONOME_LLM_CALLS_RETENTION_DAYS: retention,
    });
    const clock = new ManualClock(NOW);
    const k = await createAutonome(loadConfig(env), pino({ level: "silent" }), clock);
    cleanups.push(() => k.stop().catch(() => undefined));
    const db = k.database.db;
    await seedModel(db, "oracle");
    await seedRun(db, { id: "two-days", modelId: "oracle", at: NOW - 2 * DAY, calls: [NOW - 2 * DAY + 1000] });
    await seedRun(db, { id: "yesterday", modelId: "oracle", at: NOW - DAY + HOUR / 2, calls: [NOW - DAY + HOUR / 2 + 1000] });
    await k.start();
    await k.settle();
    return { k, db, clock };
  }

  it("prunes what is older than a day at start, and an hour later what has aged past it since", async () => {
    const { k, db, clock } = await server("1");
    expect(await storedCalls(db)).toEqual(["yesterday:1"]);
    expect(await llmCallsPrunedBefore(db)).toBe(NOW - DAY);

    clock.set(NOW + HOUR - 1);
    await k.settle();
    expect(await storedCalls(db)).toEqual(["yesterday:1"]);
    clock.set(NOW + HOUR);
    await k.settle();
    expect(await storedCalls(db)).toEqual([]);
    expect(await llmCallsPrunedBefore(db)).toBe(NOW + HOUR - DAY);
  });

  it("keeps every call with off", async () => {
    const { k, db, clock } = await server("off");
    clock.set(NOW + 3 * HOUR);
    await k.settle();
    expect(await storedCalls(db)).toEqual(["two-days:1", "yesterday:1"]);
    expect(await llmCallsPrunedBefore(db)).toBeNull();
  });
});
