import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/server-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "autonome-cli-"));
let port = 0;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, AUTONOME_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("autonome CLI", () => {
  // PORT=0 is refused by the configuration: every test, even one run alone, needs a real port.
  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Eight CLI processes one after the other: a loaded 2-core machine needs more than the default 30 s.
  it("every command has --help", { timeout: 120_000 }, async () => {
    port = await freePort();
    for (const args of [[], ["serve"], ["migrate"], ["models"], ["models", "list"], ["models", "add"], ["models", "pause"], ["models", "resume"]]) {
      const r = cli([...args, "--help"]);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.out).toContain("Usage: autonome");
    }
  });

  it("adds, lists, pauses and resumes models against the embedded database; bad input exits non-zero naming the problem", async () => {
    port = await freePort(); // nothing listens there: the commands open the database directly
    const added = cli(["models", "add", "--name", "Cli Trend", "--strategy", "trend-following", "--capital", "2500"]);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/added Cli Trend \(([0-9a-f-]{36})\) with 2500 USD/);
    const id = /\(([0-9a-f-]{36})\)/.exec(added.out)![1]!;

    const list = cli(["models", "list", "--json"]);
    const models = JSON.parse(list.out) as Array<{ id: string; name: string; status: string }>;
    expect(models.map((m) => m.name).sort()).toEqual(["Breakout Hunter", "Cli Trend", "Mean Reverter", "Trend Follower"]);

    expect(cli(["models", "pause", id]).out).toContain("Cli Trend is paused");
    expect((JSON.parse(cli(["models", "list", "--json"]).out) as Array<{ id: string; status: string }>).find((m) => m.id === id)!.status).toBe("paused");
    expect(cli(["models", "resume", id]).out).toContain("Cli Trend is active");

    const badStrategy = cli(["models", "add", "--name", "X", "--strategy", "astrology"]);
    expect(badStrategy.code).toBe(1);
    expect(badStrategy.err).toContain("strategy");
    const duplicate = cli(["models", "add", "--name", "Cli Trend", "--strategy", "breakout"]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain("already exists");
    const badCapital = cli(["models", "add", "--name", "Y", "--strategy", "breakout", "--capital", "-5"]);
    expect(badCapital.code).toBe(1);
    expect(badCapital.err).toContain("--capital");
    const unknown = cli(["models", "pause", "00000000-0000-0000-0000-000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("does not exist");
    expect(JSON.parse(cli(["models", "list", "--json"]).out)).toHaveLength(4);
  }, 120_000);

  it("refuses to serve beyond loopback without a token, or on a Lighter it cannot read, with a clear message", () => {
    const open = cli(["serve"], { AUTONOME_HOST: "0.0.0.0" });
    expect(open.code).not.toBe(0);
    expect(open.err).toMatch(/AUTONOME_API_TOKEN|token/);
    const live = cli(["serve"], { TRADING_MODE: "live", AUTONOME_FEED: "lighter", LIGHTER_BASE_URL: "http://127.0.0.1:9" });
    expect(live.code).toBe(1);
    expect(live.err).toMatch(/LIGHTER_BASE_URL: could not read Lighter's markets from http:\/\/127\.0\.0\.1:9/);
    const bad = cli(["serve"], { AUTONOME_TRADE_INTERVAL: "soon" });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("AUTONOME_TRADE_INTERVAL");
  });
});
