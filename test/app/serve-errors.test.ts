import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { freePort } from "../support/server-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "autonome-serve-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `autonome serve` until it exits on its own (each case here must stop at start). */
async function serve(env: Record<string, string>): Promise<{ code: number | null; err: string; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: { ...process.env, AUTONOME_DATA_DIR: "memory://", LOG_LEVEL: "silent", AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (err += String(d)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, err, out };
}

/** The lines autonome printed on stderr about its configuration. */
const configLines = (err: string) => err.split("\n").filter((l) => l.trim() !== "");

describe("autonome serve stops at start with one line per bad variable", () => {
  it("lists every bad variable at once and exits 1", async () => {
    const r = await serve({
      PORT: "",
      LOG_LEVEL: "loud",
      AUTONOME_FEED_INTERVAL: "0",
      AUTONOME_TRADE_INTERVAL: "9999h",
      DATABASE_URL: "mysql://root:hunter2@db/app",
      AUTONOME_SEED: "1.5",
    });
    expect(r.code).toBe(1);
    const lines = configLines(r.err);
    expect(lines[0]).toBe("autonome: configuration: 6 bad variables:");
    const named = lines.slice(1).map((l) => l.trim().split(":")[0]);
    expect(named.sort()).toEqual(["AUTONOME_FEED_INTERVAL", "AUTONOME_SEED", "AUTONOME_TRADE_INTERVAL", "DATABASE_URL", "LOG_LEVEL", "PORT"]);
    expect(r.err).toContain('AUTONOME_TRADE_INTERVAL: "9999h" is longer than the maximum of 2147483647 ms');
    expect(r.err).not.toContain("hunter2");
    expect(r.out).not.toContain("autonome 0."); // no banner: it never started
  }, 90_000);

  it("a missing replay file stops the start, naming AUTONOME_REPLAY_FILES and the path", async () => {
    const missing = join(dir, "missing-btc.csv");
    const r = await serve({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: `BTC=${missing}`, PORT: String(await freePort()) });
    expect(r.code).toBe(1);
    expect(configLines(r.err)).toEqual([`autonome: configuration: AUTONOME_REPLAY_FILES: ${missing}: no such file`]);
  }, 90_000);

  it("a port in use stops the start with one line naming PORT and the port", async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)));
    try {
      const r = await serve({ PORT: String(port) });
      expect(r.code).toBe(1);
      const lines = configLines(r.err);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^autonome: configuration: PORT: port ${port} is already in use on 127\\.0\\.0\\.1 \\(EADDRINUSE\\)`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 90_000);

  it("an unreachable DATABASE_URL stops the start with one line naming DATABASE_URL, never the password", async () => {
    const closed = await freePort();
    const r = await serve({ DATABASE_URL: `postgres://autonome:hunter2@127.0.0.1:${closed}/autonome`, PORT: String(await freePort()) });
    expect(r.code).toBe(1);
    const lines = configLines(r.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^autonome: DATABASE_URL: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${closed}/autonome: .*ECONNREFUSED`));
    expect(r.err + r.out).not.toContain("hunter2");
  }, 90_000);
});

describe("openDatabase", () => {
  it("names DATABASE_URL and the server when it cannot connect, with the reason and without the password", async () => {
    const closed = await freePort();
    const url = `postgresql://me:s3cret@localhost:${closed}/trading`;
    const failure = await openDatabase({ url }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(new RegExp(`^DATABASE_URL: cannot connect to PostgreSQL at localhost:${closed}/trading: .*ECONNREFUSED`));
    expect(failure?.message).not.toContain("s3cret");
  });
});
