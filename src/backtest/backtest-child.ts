import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BacktestProgress } from "./types.js";

/**
 * One backtest in a child process: `autonome backtest --request <file> --out <dir>`, as
 * bin/autonome.js runs the CLI (tsx over the sources, paths from this module's location). A run
 * that crashes, or runs out of memory, takes only itself down; the server reads its progress
 * from the JSON lines it prints on stderr and its end from its exit code. A server killed
 * outright takes its runs with it (parent-watch.ts).
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const MAIN = join(ROOT, "src", "cli", "main.ts");
/** Ends the run when this process is gone (see parent-watch.ts). */
const PARENT_WATCH = join(ROOT, "src", "backtest", "parent-watch.ts");

/** How long a canceled run may take to end after SIGTERM before it is killed outright. */
const KILL_AFTER_MS = 5_000;
/** The stderr kept for the error message (the last lines that are not progress). */
const TAIL_LINES = 40;

export interface BacktestChildOptions {
  requestFile: string;
  outDir: string;
  /** Passed whole, so the LLM key variables a model names reach the run. */
  env: NodeJS.ProcessEnv;
  onProgress: (progress: BacktestProgress) => void;
}

export type BacktestExit = { ok: true } | { ok: false; error: string };

export interface BacktestChild {
  /** Resolves once the process has ended (never rejects). */
  readonly exited: Promise<BacktestExit>;
  /** SIGTERM to the run (and what tsx started under it), SIGKILL if it is still there after a few seconds. */
  kill(): void;
}

/** The run's own last message (`autonome: <message>` and any lines after it), else how it ended. */
export function exitError(tail: readonly string[], code: number | null, signal: NodeJS.Signals | null): string {
  const at = tail.findLastIndex((l) => l.startsWith("autonome: "));
  if (at >= 0) return tail.slice(at).join("\n").slice("autonome: ".length).trim();
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const last = tail.filter((l) => l.trim() !== "").at(-1);
  return `the backtest process ${how}${last ? `: ${last.trim()}` : ""}`;
}

/** A stderr line as progress, or undefined when it is anything else. */
export function progressOf(line: string): BacktestProgress | undefined {
  if (!line.startsWith('{"progress"')) return undefined;
  try {
    const p = (JSON.parse(line) as { progress?: BacktestProgress }).progress;
    return p && typeof p.simTime === "number" && typeof p.fraction === "number" ? p : undefined;
  } catch {
    return undefined;
  }
}

export function startBacktestChild(o: BacktestChildOptions): BacktestChild {
  // Its own process group, so a cancel reaches tsx's node process under it too.
  const group = process.platform !== "win32";
  const child = spawn(TSX, ["--import", pathToFileURL(PARENT_WATCH).href, MAIN, "backtest", "--request", o.requestFile, "--out", o.outDir], {
    env: { ...o.env, AUTONOME_BACKTEST_PARENT_PID: String(process.pid) },
    stdio: ["ignore", "ignore", "pipe"],
    detached: group,
  });
  const tail: string[] = [];
  let partial = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      const p = progressOf(line);
      if (p) o.onProgress(p);
      else if (line.trim() !== "") {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    }
  });
  const exited = new Promise<BacktestExit>((resolve) => {
    child.once("error", (e) => resolve({ ok: false, error: `could not start the backtest process (${TSX}): ${e.message}` }));
    child.once("close", (code, signal) => {
      if (partial.trim() !== "" && !progressOf(partial)) tail.push(partial);
      resolve(code === 0 ? { ok: true } : { ok: false, error: exitError(tail, code, signal) });
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const signal = (s: NodeJS.Signals) => {
    if (ended || child.pid === undefined) return;
    try {
      if (group) process.kill(-child.pid, s);
      else child.kill(s);
    } catch {
      // already gone
    }
  };
  return {
    exited,
    kill() {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), KILL_AFTER_MS);
      timer.unref();
      void exited.then(() => clearTimeout(timer));
    },
  };
}
