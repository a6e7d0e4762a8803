import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { MIGRATIONS, openDatabase } from "./client.js";

let template: Promise<Blob> | undefined;
/** Bumped when the way a template is made changes, so no process loads one made the old way. */
const TEMPLATE_FORMAT = 1;
/** PGlite unpacks what it is given by its type. */
const TAR = "application/x-tar";

/**
 * An embedded database with every migration applied, as a tarball that a throwaway database (a
 * backtest's, a test's) starts from: PGlite's initdb costs 3–4 s, loading this about 1 s. Made
 * once per process, and kept in the system's temporary directory under a name that holds a hash
 * of the migrations and the PGlite version, so the next process (another `autonome backtest`)
 * loads it too and a changed schema or PGlite never loads an old one. The cache is only a
 * shortcut: when it cannot be read or written, the template is made here and nothing fails.
 */
export function migratedTemplate(): Promise<Blob> {
  template ??= loadOrMake().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

/** Where this version of the template is cached between processes. */
export function templateCacheFile(): string {
  return join(tmpdir(), `autonome-pglite-${cacheKey()}.tar.gz`);
}

async function loadOrMake(): Promise<Blob> {
  const file = templateCacheFile();
  try {
    // gunzip checks the archive's length and CRC: a damaged file is made anew, never loaded.
    return new Blob([gunzipSync(readFileSync(file))], { type: TAR });
  } catch {
    // Not made yet, unreadable or damaged: make it.
  }
  const database = await openDatabase({ dataDir: "memory://" });
  let dump: Blob;
  try {
    await database.migrate();
    dump = await database.dump!("gzip");
  } finally {
    await database.close();
  }
  try {
    // Written aside and renamed: a process reading the cache never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
    renameSync(partial, file);
  } catch {
    // A read-only temporary directory only costs the next process an initdb.
  }
  return dump;
}

/** The migrations' files (names and bytes) and the PGlite version: what a template depends on. */
function cacheKey(): string {
  const hash = createHash("sha256");
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const pkg = JSON.parse(readFileSync(join(dirname(pglite), "..", "package.json"), "utf8")) as { version: string };
  hash.update(`template ${TEMPLATE_FORMAT}, pglite ${pkg.version}\n`);
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else hash.update(`${prefix}${entry.name}\n`).update(readFileSync(join(dir, entry.name)));
    }
  };
  walk(MIGRATIONS, "");
  return hash.digest("hex").slice(0, 16);
}
