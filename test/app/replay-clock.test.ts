import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { equitySnapshots, invocations } from "../../src/db/schema.js";

const dir = mkdtempSync(join(tmpdir(), "autonome-replay-clock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse("2024-08-08T00:00:00Z");
const HOURS = 6;

/** Six recorded hours of a BTC book, one update a minute. */
function recording(): string {
  const lines = ["exchange_ts_ms,update_id,is_snapshot,side,price,qty", `${T0},1,1,bid,60000.0,5`, `${T0},1,1,ask,60000.1,5`];
  for (let i = 1; i <= HOURS * 60; i++) {
    const px = (60000 + Math.round(200 * Math.sin(i / 30))).toFixed(1);
    lines.push(`${T0 + i * 60_000},${i + 1},0,bid,${px},5`, `${T0 + i * 60_000},${i + 1},0,ask,${(Number(px) + 0.1).toFixed(1)},5`);
  }
  const path = join(dir, "btc.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("one clock on a replay", () => {
  it("the scheduler's cycles, the runs' records and equity snapshots are stamped in recorded time", async () => {
    const autonome = await createAutonome(
      loadConfig({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: `BTC=${recording()}`, AUTONOME_REPLAY_SPEED: "max", AUTONOME_TRADE_INTERVAL: "30m", AUTONOME_DATA_DIR: "memory://" }),
      pino({ level: "silent" }),
    );
    try {
      await autonome.start();
      let runs: Array<{ createdAt: Date }> = [];
      // Wait for a few cycles of recorded time (the replay runs as fast as it can, and loops).
      for (let i = 0; i < 400 && runs.length < 6; i++) {
        await new Promise((r) => setTimeout(r, 25));
        runs = await autonome.database.db.select({ createdAt: invocations.createdAt }).from(invocations);
      }
      expect(runs.length).toBeGreaterThanOrEqual(6);
      const wallYear = new Date().getUTCFullYear();
      for (const r of runs) expect(r.createdAt.getUTCFullYear()).toBe(2024);
      const last = autonome.scheduler.status().lastCycle!;
      expect(new Date(last.startedAt).getUTCFullYear()).toBe(2024);
      expect(wallYear).not.toBe(2024);
      const snaps = await autonome.database.db.select({ ts: equitySnapshots.ts }).from(equitySnapshots);
      expect(snaps.length).toBeGreaterThan(0);
      for (const s of snaps) expect(s.ts.getUTCFullYear()).toBe(2024);
    } finally {
      await autonome.stop();
    }
  });
});
