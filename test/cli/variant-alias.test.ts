import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/server-process.js";

/** `models add --llm --strategy <original name>` stores the descriptive name; `models list` shows both. */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "autonome-cli-alias-"));

function cli(args: string[], port: number) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, AUTONOME_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("autonome models with a variant's original name", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("adds an LLM model as Apex (any case), lists it under both names, and refuses an alias for a rule model", { timeout: 180_000 }, async () => {
    const port = await freePort(); // nothing listens there: the commands open the database directly
    const llm = ["--llm", "--base-url", "http://127.0.0.1:1/v1", "--model", "m"];
    const added = cli(["models", "add", "--name", "Cli Apex", "--strategy", "apex", ...llm], port);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/added Cli Apex \([0-9a-f-]{36}\)/);

    const json = JSON.parse(cli(["models", "list", "--json"], port).out) as Array<{ name: string; strategy: string }>;
    expect(json.find((m) => m.name === "Cli Apex")?.strategy).toBe("aggressive-momentum");
    const table = cli(["models", "list"], port).out.split("\n");
    expect(table.find((l) => l.includes("Cli Apex"))).toContain("aggressive-momentum (Apex)");
    // Rule models have no second name.
    expect(table.find((l) => l.includes("Trend Follower"))).toMatch(/ trend-following /);

    const rule = cli(["models", "add", "--name", "Rule Apex", "--strategy", "Apex"], port);
    expect(rule.code).toBe(1);
    expect(rule.err).toContain('unknown rule strategy "Apex"');
  });
});
