import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../support/server-process.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface DashboardServerOptions {
  /** Extra environment (e.g. AUTONOME_API_TOKEN). */
  env?: Record<string, string>;
}

/**
 * A real `autonome serve` process for the browser: its own port and fresh embedded database,
 * the synthetic feed with a fixed seed, and a scheduler interval long enough that models only
 * run when a test asks (POST /api/scheduler/run). It can be stopped and started again on the
 * same port and data directory, as a user's server restarts under an open page.
 */
export class DashboardServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), "autonome-browser-"));
  port = 0;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private out = "";

  private readonly env: Record<string, string>;

  constructor(options: DashboardServerOptions = {}) {
    this.env = { ...options.env };
  }

  /** The API token the server requires for writes, when it has one. */
  get token(): string | undefined {
    return this.env.AUTONOME_API_TOKEN;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process printed (the last 4,000 characters), for failure messages. */
  output(): string {
    return this.out.slice(-4000);
  }

  /**
   * Starts the process (on the same port and data directory after a stop) and waits until
   * /api/health answers; `env` adds to the environment from now on (e.g. a token on a restart).
   */
  async start(env: Record<string, string> = {}): Promise<void> {
    Object.assign(this.env, env);
    if (this.child) throw new Error("the server is already running");
    this.port ||= await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        AUTONOME_HOST: "127.0.0.1",
        AUTONOME_DATA_DIR: this.dataDir,
        AUTONOME_FEED: "synthetic",
        AUTONOME_SEED: "7",
        // An hour, and none at start: no cycle starts by itself during the suite.
        AUTONOME_TRADE_INTERVAL: "1h",
        AUTONOME_RUN_ON_START: "false",
        LOG_LEVEL: "warn",
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout!.on("data", (d) => (this.out += String(d)));
    child.stderr!.on("data", (d) => (this.out += String(d)));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    // Should the test process end without afterAll (a crash, a killed worker), take the server with it.
    const orphanGuard = () => child.kill("SIGKILL");
    process.once("exit", orphanGuard);
    child.once("exit", () => process.off("exit", orphanGuard));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = null;
        throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before answering:\n${this.output()}`);
      }
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`the server did not answer /api/health within 90 s:\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Stops the process and removes its data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A JSON request to the API (with the server's token, if it has one); throws with the body on an unexpected status. */
  async api<T>(method: string, path: string, body?: unknown, opts: { token?: string; expect?: number } = {}): Promise<T> {
    const token = opts.token ?? this.token;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const ok = opts.expect === undefined ? res.ok : res.status === opts.expect;
    if (!ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.api<T>("GET", path);
  }
}
