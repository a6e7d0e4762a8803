import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Builds web/dist as `npm start` does (skipped when it is newer than its sources). */
export async function buildDashboard(): Promise<void> {
  try {
    // CI=1: a missing vite is a failure here, not the start script's friendly skip.
    await promisify(execFile)(process.execPath, [join(ROOT, "web", "build.mjs")], { cwd: ROOT, env: { ...process.env, CI: "1" }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`building the dashboard failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
  if (!existsSync(join(ROOT, "web", "dist", "index.html"))) throw new Error("web/build.mjs finished but web/dist/index.html is missing");
}
