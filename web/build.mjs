// Builds the dashboard (web/dist) when it is missing or older than its sources: run by
// `npm install` (prepare) and `npm start` (prestart), so a fresh clone needs no extra command.
// `--force` always builds.
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const web = fileURLToPath(new URL(".", import.meta.url));
const root = join(web, "..");
const stamp = join(web, "dist", ".built");
const sources = [join(web, "src"), join(web, "index.html"), join(web, "vite.config.ts"), join(root, "package-lock.json"), join(root, "src", "app", "services.ts")];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), s.mtimeMs);
}

const force = process.argv.includes("--force");
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (!force && builtAt > changed && existsSync(join(web, "dist", "index.html"))) {
  process.exit(0);
}

let build;
try {
  ({ build } = await import("vite"));
} catch {
  console.error("dashboard: vite is not installed (run `npm install`); the API works without the dashboard.");
  process.exit(process.env.CI ? 1 : 0);
}
console.log("dashboard: building web/dist …");
await build({ configFile: join(web, "vite.config.ts"), logLevel: "warn" });
writeFileSync(stamp, new Date().toISOString());
console.log("dashboard: built");
