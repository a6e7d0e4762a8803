import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";

/** The template module afresh (its per-process promise forgotten), as the next process would see it. */
async function freshModule(): Promise<typeof import("../../src/db/template.js")> {
  vi.resetModules();
  return import("../../src/db/template.js");
}

async function migrationsOf(database: Database): Promise<string[]> {
  const rows = await database.db.execute(sql`select hash from drizzle.__drizzle_migrations order by id`);
  return (rows as unknown as { rows: Array<{ hash: string }> }).rows.map((r) => r.hash);
}

async function tables(database: Database): Promise<string[]> {
  const rows = await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
  return (rows as unknown as { rows: Array<{ tablename: string }> }).rows.map((r) => r.tablename);
}

describe("the migrated template of throwaway databases", () => {
  const savedTmp = process.env.TMPDIR;
  let dir: string;
  const open: Database[] = [];

  beforeEach(() => {
    // A temporary directory of its own: other test processes share the real one's cache.
    dir = mkdtempSync(join(tmpdir(), "autonome-template-"));
    process.env.TMPDIR = dir;
  });
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(template: Blob): Promise<Database> {
    const database = await openDatabase({ dataDir: "memory://", loadDataDir: template });
    open.push(database);
    return database;
  }

  it("starts a database with every migration applied, as migrating a new one does, and caches itself for the next process", async () => {
    const { migratedTemplate, templateCacheFile } = await freshModule();
    expect(templateCacheFile().startsWith(dir)).toBe(true);
    const fromTemplate = await load(await migratedTemplate());
    const migrated = await openDatabase({ dataDir: "memory://" });
    open.push(migrated);
    await migrated.migrate();
    const expected = await migrationsOf(migrated);
    expect(expected.length).toBeGreaterThan(10);
    expect(await migrationsOf(fromTemplate)).toEqual(expected);
    expect(await tables(fromTemplate)).toEqual(await tables(migrated));
    // Migrating it is a no-op.
    await fromTemplate.migrate();
    expect(await migrationsOf(fromTemplate)).toEqual(expected);
    // The cache is a whole gzip archive (gunzip checks its length and CRC).
    expect(gunzipSync(readFileSync(templateCacheFile())).length).toBeGreaterThan(1_000_000);
  });

  it("loads the cached template in the next process instead of making one", async () => {
    const first = await freshModule();
    await first.migratedTemplate();
    // Mark the cached template: a database with one more table, written where the cache lives.
    const marked = await load(await first.migratedTemplate());
    await marked.db.execute(sql`create table cache_marker (id int)`);
    writeFileSync(first.templateCacheFile(), new Uint8Array(await (await marked.dump!("gzip")).arrayBuffer()));
    const next = await freshModule();
    expect(await tables(await load(await next.migratedTemplate()))).toContain("cache_marker");
  });

  it("makes the template anew when the cached file is damaged, and replaces the file", async () => {
    const { templateCacheFile } = await freshModule();
    const file = templateCacheFile();
    writeFileSync(file, Buffer.from("\x1f\x8bnot really an archive"));
    const { migratedTemplate } = await freshModule();
    const database = await load(await migratedTemplate());
    expect(await tables(database)).toContain("orders");
    expect(existsSync(file)).toBe(true);
    expect(gunzipSync(readFileSync(file)).length).toBeGreaterThan(1_000_000);
  });
});
