import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { invalid, notFound } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Db } from "../db/client.js";
import type { BacktestApi } from "./backtest-api.js";
import { backtestRequestFromBody } from "./backtest-body.js";
import { startBacktestChild, type BacktestChild, type BacktestChildOptions, type BacktestExit } from "./backtest-child.js";
import { BacktestStore } from "./backtest-store.js";
import { backtestView, requestView, summaryOf, type BacktestDetailView, type BacktestRow, type BacktestView } from "./backtest-views.js";
import type { BacktestRequest } from "./request.js";
import type { BacktestProgress, BacktestResult } from "./types.js";

export const INTERRUPTED = "interrupted: the server stopped while it ran";

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What `POST /api/backtests/:id/what-if` may change: the execution around the held decisions. */
const WHAT_IF_FIELDS = ["execution", "seed", "risk"];

/** Progress is written to the row at most this often. */
const PROGRESS_EVERY_MS = 1_000;

/** `<data dir>/backtests`, or the OS temp dir's when the database lives in memory. */
export function backtestsDir(dataDir: string): string {
  return dataDir.startsWith("memory://") ? join(tmpdir(), "autonome-backtests") : resolve(dataDir, "backtests");
}

export interface BacktestJobsOptions {
  db: Db;
  /** Output folders go to `<dir>/<id>`. */
  dir: string;
  /** Runs at the same time; the rest wait in order (AUTONOME_BACKTEST_CONCURRENCY). */
  concurrency?: number;
  /** Wall time: when runs were asked for, started and ended. */
  now: () => number;
  logger: Logger;
  /** The runs' environment (default: this process's, so LLM key variables reach them). */
  env?: NodeJS.ProcessEnv;
  /** Relative file paths in requests are taken from here (default: the process's working directory). */
  cwd?: string;
  /** Starts a run's process (default: `autonome backtest --request` under tsx). */
  startChild?: (o: BacktestChildOptions) => BacktestChild;
}

interface Job {
  id: string;
  outDir: string;
  child?: BacktestChild;
  canceled: boolean;
  latest?: BacktestProgress;
  lastWrite: number;
  /** The row's writes for this run, one after the other (a start never lands after an end). */
  writes: Promise<void>;
}

/**
 * Backtests started from the API, each in a child process: queued in order, at most
 * `concurrency` running; their progress and end recorded in the backtests table, their output
 * (request.json, result.json, report.html) in a folder of their own.
 */
export class BacktestJobs implements BacktestApi {
  private readonly store: BacktestStore;
  private readonly queue: Job[] = [];
  private readonly running = new Map<string, Job>();
  private readonly concurrency: number;
  private lastCreated = 0;
  private stopping = false;

  constructor(private readonly d: BacktestJobsOptions) {
    this.store = new BacktestStore(d.db);
    this.concurrency = Math.max(1, d.concurrency ?? 1);
  }

  /** At start: runs a previous process left queued or running can never finish; they are failed, saying why. */
  async recover(): Promise<void> {
    const ids = await this.store.interruptAll(INTERRUPTED, new Date(this.d.now()));
    if (ids.length > 0) this.d.logger.warn({ backtests: ids }, "backtests interrupted by the last stop were marked failed");
  }

  async create(body: unknown): Promise<BacktestView> {
    const id = randomUUID();
    const outDir = join(this.d.dir, id);
    const request = await backtestRequestFromBody(body, {
      db: this.d.db,
      cwd: this.d.cwd ?? process.cwd(),
      defaultLlmFile: join(outDir, "llm-recording.jsonl"),
      baselineOf: (baseline) => this.resultFileOf(baseline),
    });
    // Strictly increasing, so "newest first" is the order they were asked for.
    this.lastCreated = Math.max(this.d.now(), this.lastCreated + 1);
    mkdirSync(outDir, { recursive: true });
    try {
      writeFileSync(join(outDir, "request.json"), `${JSON.stringify(request, null, 2)}\n`);
      await this.store.insert({ id, request, outDir, createdAt: new Date(this.lastCreated) });
    } catch (e) {
      rmSync(outDir, { recursive: true, force: true });
      throw e;
    }
    this.queue.push({ id, outDir, canceled: false, lastWrite: 0, writes: Promise.resolve() });
    this.pump();
    await this.running.get(id)?.writes;
    return backtestView(await this.row(id));
  }

  async whatIf(id: string, body: unknown): Promise<BacktestView> {
    const row = await this.row(id);
    const original = requestView(row.request as unknown as BacktestRequest);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body: must be a JSON object: {execution?, seed?, risk?: {<model name>: limits}}");
    const changes = body as Record<string, unknown>;
    const unknownFields = Object.keys(changes).filter((k) => !WHAT_IF_FIELDS.includes(k));
    if (unknownFields.length > 0) throw invalid(`${unknownFields.join(", ")}: a what-if changes only ${WHAT_IF_FIELDS.join(", ")} (the decisions, span and market stay those of backtest ${id})`);
    const risk = changes.risk;
    if (risk !== undefined && (typeof risk !== "object" || risk === null || Array.isArray(risk))) throw invalid("risk: must be an object of risk limits by model name");
    const names = new Set(original.models.map((m) => m.name));
    const strangers = Object.keys(risk ?? {}).filter((n) => !names.has(n));
    if (strangers.length > 0) throw invalid(`risk: backtest ${id} has no model ${strangers.map((n) => JSON.stringify(n)).join(", ")} (its models: ${[...names].join(", ")})`);
    const { databaseUrl: _masked, ...rest } = original;
    return this.create({
      ...rest,
      // A recording is not needed: the decisions come from the baseline.
      llm: { mode: "off" },
      // Fields left out keep the run's values, not the defaults: only what the body names changes.
      ...(changes.execution !== undefined ? { execution: isPlainObject(changes.execution) ? { ...original.execution, ...changes.execution } : changes.execution } : {}),
      ...(changes.seed !== undefined ? { seed: changes.seed } : {}),
      models: original.models.map((m) => ({ ...m, ...((risk as Record<string, unknown> | undefined)?.[m.name] !== undefined ? { risk: (risk as Record<string, unknown>)[m.name] } : {}) })),
      baseline: id,
    });
  }

  async list(): Promise<BacktestView[]> {
    return (await this.store.list()).map(backtestView);
  }

  async get(id: string): Promise<BacktestDetailView> {
    const row = await this.row(id);
    return { ...backtestView(row), result: row.status === "done" ? await this.readResult(row.outDir).catch(() => null) : null };
  }

  async report(id: string): Promise<string> {
    const row = await this.row(id);
    if (row.status !== "done")
      throw notFound(`backtest ${id} has no report: it is ${row.status}${row.status === "queued" || row.status === "running" ? " (the report is written when it is done)" : ""}`);
    try {
      return await readFile(join(row.outDir, "report.html"), "utf8");
    } catch {
      throw notFound(`backtest ${id}: its report.html is no longer in its folder`);
    }
  }

  async remove(id: string): Promise<BacktestView & { deleted: boolean }> {
    const row = await this.row(id);
    if (row.status === "queued" || row.status === "running") {
      await this.cancel(id);
      return { ...backtestView(await this.row(id)), deleted: false };
    }
    // Only the run's own folder (named by its id), whatever the row says.
    if (basename(row.outDir) === id) rmSync(row.outDir, { recursive: true, force: true });
    await this.store.delete(id);
    return { ...backtestView(row), deleted: true };
  }

  /** Stops every run (they are failed as interrupted) and starts no more; the database is still open. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    const jobs = [...this.running.values()];
    for (const job of jobs) job.child?.kill();
    await Promise.all(jobs.map((job) => job.child?.exited));
    await Promise.all(jobs.map((job) => job.writes));
    await this.store.interruptAll(INTERRUPTED, new Date(this.d.now()));
  }

  private async row(id: string): Promise<BacktestRow> {
    const row = await this.store.get(id);
    if (!row) throw notFound(`no backtest ${id}`);
    return row;
  }

  /** A done run's result.json, as a what-if's baseline; a 400 saying why when it cannot be one. */
  private async resultFileOf(id: string): Promise<string> {
    const row = await this.store.get(id);
    if (!row) throw invalid(`baseline: no backtest ${id}`);
    if (row.status !== "done") throw invalid(`baseline: backtest ${id} is ${row.status}; only a done run can be a baseline`);
    const file = join(row.outDir, "result.json");
    if (!existsSync(file)) throw invalid(`baseline: backtest ${id} no longer has its result.json`);
    return file;
  }

  private async readResult(outDir: string): Promise<BacktestResult> {
    return JSON.parse(await readFile(join(outDir, "result.json"), "utf8")) as BacktestResult;
  }

  private write(job: Job, what: string, f: () => Promise<unknown>): void {
    job.writes = job.writes.then(f).then(
      () => undefined,
      (e: unknown) => this.d.logger.error({ err: e, backtest: job.id }, `could not record a backtest's ${what}`),
    );
  }

  private async cancel(id: string): Promise<void> {
    const at = this.queue.findIndex((j) => j.id === id);
    if (at >= 0) this.queue.splice(at, 1);
    const job = this.running.get(id);
    if (!job) {
      await this.store.finished(id, { status: "canceled", at: new Date(this.d.now()) });
      return;
    }
    job.canceled = true;
    this.write(job, "cancel", () => this.store.finished(id, { status: "canceled", at: new Date(this.d.now()), ...(job.latest ? { progress: job.latest } : {}) }));
    job.child?.kill();
    await job.child?.exited;
    await job.writes;
  }

  /** Starts queued runs while slots are free; synchronous, so two callers never overfill the slots. */
  private pump(): void {
    while (!this.stopping && this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running.set(job.id, job);
      this.write(job, "start", () => this.store.started(job.id, new Date(this.d.now())));
      const start = this.d.startChild ?? startBacktestChild;
      job.child = start({ requestFile: join(job.outDir, "request.json"), outDir: job.outDir, env: this.d.env ?? process.env, onProgress: (p) => this.progress(job, p) });
      void job.child.exited.then((end) => this.ended(job, end));
    }
  }

  private progress(job: Job, p: BacktestProgress): void {
    job.latest = p;
    const now = this.d.now();
    if (now - job.lastWrite < PROGRESS_EVERY_MS) return;
    job.lastWrite = now;
    this.write(job, "progress", () => this.store.progress(job.id, p));
  }

  private ended(job: Job, end: BacktestExit): void {
    this.running.delete(job.id);
    this.pump();
    if (job.canceled || this.stopping) return;
    this.write(job, "end", async () => {
      const at = new Date(this.d.now());
      const progress = job.latest ? { progress: job.latest } : {};
      if (!end.ok) return this.store.finished(job.id, { status: "failed", at, error: end.error, ...progress });
      let result: BacktestResult;
      try {
        result = await this.readResult(job.outDir);
      } catch (e) {
        return this.store.finished(job.id, { status: "failed", at, error: `the run ended but its result.json could not be read: ${e instanceof Error ? e.message : String(e)}`, ...progress });
      }
      this.d.logger.info({ backtest: job.id, hash: result.hash, wallMs: result.stats.wallMs }, "backtest done");
      return this.store.finished(job.id, { status: "done", at, summary: summaryOf(result), ...progress });
    });
  }
}
