import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";

const SETTINGS = ["fsync", "full_page_writes", "synchronous_commit", "wal_init_zero"] as const;

async function settings(database: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of SETTINGS) {
    const result = (await database.db.execute(sql.raw(`show ${name}`))) as unknown as { rows: Array<Record<string, string>> };
    out[name] = result.rows[0]![name]!;
  }
  return out;
}

/**
 * An in-memory database is gone with the process: it skips the work that only crash safety needs,
 * among it zero-filling each new 16 MB log segment (in memory that fill grew the file in steps,
 * copying it each time: pauses of 0.2–0.5 s). A database in a directory keeps PGlite's defaults.
 */
describe("the embedded database's settings", () => {
  it("in memory: no syncs, no full pages, no synchronous commit, no zero-filled log segments", async () => {
    const database = await openDatabase({ dataDir: "memory://" });
    try {
      expect(await settings(database)).toEqual({ fsync: "off", full_page_writes: "off", synchronous_commit: "off", wal_init_zero: "off" });
    } finally {
      await database.close();
    }
  });

  it("in a directory: PGlite's own defaults (it starts every database without fsync)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-pglite-"));
    const database = await openDatabase({ dataDir: join(dir, "data") });
    try {
      expect(await settings(database)).toEqual({ fsync: "off", full_page_writes: "on", synchronous_commit: "on", wal_init_zero: "on" });
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
