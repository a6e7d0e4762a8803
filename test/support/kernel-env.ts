import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPgDatabase, type DriverName } from "./databases.js";

/**
 * The environment of a kernel test on `driver`, over `base`: a fresh PGlite directory or a fresh
 * PostgreSQL database, each removed by a cleanup pushed onto `cleanups`.
 */
export async function kernelEnvironment(driver: DriverName, cleanups: Array<() => unknown>, base: Record<string, string> = {}): Promise<Record<string, string>> {
  const env = { ...base };
  if (driver === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "autonome-kernel-"));
    env.AUTONOME_DATA_DIR = dir;
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  } else {
    const { url, drop } = await createPgDatabase();
    env.DATABASE_URL = url;
    cleanups.push(drop);
  }
  return env;
}
