import { randomUUID } from "node:crypto";
import { MAX_TIMER_MS, type Cancel, type Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { TradingTools } from "../agents/tools.js";
import type { DecisionContext } from "../agents/strategy.js";
import type { MarketIntelligence } from "../agents/intelligence.js";
import type { EntryOrderPolicy } from "./entry-orders.js";
import type { TradingService } from "../trading/trading-service.js";
import { cleanText } from "../agents/llm/model-output.js";
import { findVariant } from "../agents/llm/variants.js";
import { events, type CycleSummary, type CycleTrigger } from "../events/events.js";
import { InvocationLog, type FinishedRun, type RunStatus, type RunTelemetry } from "./invocation-log.js";
import { ModelTools } from "./model-tools.js";

export interface ScheduledModel {
  id: string;
  name: string;
  strategy: string;
  /** Absent means "rule" (the models table's kind). */
  kind?: "rule" | "llm";
  /** An llm model's settings as stored in models.config.llm (validated when its run starts). */
  llm?: unknown;
}

/**
 * What a run tells the invocation row beyond its tool calls. The decider fills it as it goes, so
 * a run that fails or times out still records the prompt, the steps so far and their tokens.
 */
export interface RunReport extends RunTelemetry {
  /** The run's invocation id, set by the scheduler: what the run's LLM calls are recorded under. */
  readonly invocationId?: string;
  /**
   * Set by the scheduler: writes the prompt into the running invocation at once, so it is stored
   * while the model thinks (and visible while the run is in progress) rather than after.
   */
  savePrompt?: (prompt: string) => void;
  /** The model's own words (an LLM's text); without it the row keeps the holding reason or a summary of the calls. */
  response?: string;
}

/** How a model decides: a rule strategy or an LLM agent, behind one call. */
export type Decider = (ctx: DecisionContext, tools: TradingTools, report: RunReport) => Promise<void>;

/** What the scheduler asks the application for, per model and run (metrics, competition, recentActions are optional). */
export type ContextParts = Pick<DecisionContext, "portfolio" | "markets"> & Partial<Pick<DecisionContext, "metrics" | "competition" | "recentActions" | "accountStats">>;

export interface SchedulerOptions {
  intervalMs: number;
  /** Per-model run timeout; the AbortSignal reaches the model. */
  runTimeoutMs?: number;
  /** A run still marked running after this long is failed and cleared. */
  staleAfterMs?: number;
  uow: UnitOfWork;
  service: TradingService;
  /** Domain time: the scheduler's cycles and every time it stamps (the replay's recorded time on a replay). */
  clock: Clock;
  logger?: Logger;
  activeModels: () => Promise<ScheduledModel[]>;
  decider: (model: ScheduledModel) => Decider | undefined;
  /** Computed once per cycle and shared by all models. */
  intelligence: (cycleId: string) => MarketIntelligence;
  endCycle?: () => void;
  /** The model's view; `cycleId` lets a source compute what all models share (standings) once per cycle. */
  context: (modelId: string, run: { cycleId: string; model: ScheduledModel }) => ContextParts | Promise<ContextParts>;
  /** Monotonic milliseconds for run durations and the stale limit (default performance.now): wall time even on a replay. */
  wall?: () => number;
  /** How long a timed-out run waits for a tool call in flight before it is recorded (default 5 s). */
  toolGraceMs?: number;
  /**
   * A first cycle when the scheduler starts rather than an interval later (AUTONOME_RUN_ON_START):
   * every active model (`all`), rule models only (`rules`), or none (`none`, the default here; the
   * server's default is `rules`). Nothing runs at start when the timer is off (interval 0).
   */
  runOnStart?: "all" | "rules" | "none";
  /** Resolves when the first cycle at start may run (every market has a book); default at once. */
  ready?: () => Promise<void>;
  /** The order type of models' entries (default: market orders). */
  entryOrders?: EntryOrderPolicy;
}

interface Running {
  invocationId: string;
  /** Domain time, stamped on the record. */
  startedAt: number;
  /** Elapsed-time reading at the start: how long a run has really been running (a replay's clock races ahead). */
  startedWall: number;
  abort: AbortController;
}

interface Run extends Running {
  model: ScheduledModel;
}

/**
 * Runs every active model in parallel on an interval. Each run has its own timeout so none
 * blocks the others, one invocation row records it with its tool calls, and a run stuck past
 * the stale limit is marked failed and cleared so the model runs again next cycle.
 */
export class Scheduler {
  private timer: Cancel | undefined;
  private readonly running = new Map<string, Running>();
  private cycle: Promise<void> | null = null;
  /** Ticks the interval started that have not finished (a tick may wait on the database before its cycle exists). */
  private readonly ticks = new Set<Promise<void>>();
  private last: { startedAt: number; finishedAt: number | null; models: number } | null = null;
  /** The last cycle that finished, as its `cycle` event told it. */
  private lastSummary: CycleSummary | null = null;
  /** Wall reading when the cycle in progress began (null: none). */
  private cycleStartedWall: number | null = null;
  /** Interval ticks that fell while the cycle in progress ran. */
  private missedTicks = 0;
  /** Runs of the cycle in progress cleared as stale. */
  private staleSeen = 0;
  /** Ends the first cycle's wait for the markets when the scheduler stops first. */
  private stopWaiting: (() => void) | undefined;
  private readonly logger: Logger;
  private readonly log: InvocationLog;
  /** When rows left "running" in the database were last looked for (null: not yet). */
  private lastSweep: number | null = null;

  private readonly wall: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.wall = opts.wall ?? (() => performance.now());
    this.logger = opts.logger ?? silentLogger;
    this.log = new InvocationLog(opts.uow, () => opts.clock.now());
  }

  /** Keeps the runs' rows and events of up to `cycles` cycles in memory (see InvocationLog.hold). */
  holdRecords(cycles: number): void {
    this.log.hold(cycles);
  }

  /** Writes the runs' rows and events kept so far. */
  flushRecords(): Promise<void> {
    return this.log.flush();
  }

  start(): void {
    if (this.timer || this.opts.intervalMs <= 0) return;
    // Node fires a longer (or NaN) interval every millisecond: a hot loop of cycles.
    if (!(this.opts.intervalMs <= MAX_TIMER_MS)) throw new RangeError(`the scheduler interval must be at most ${MAX_TIMER_MS} ms (Node's timer limit), got ${this.opts.intervalMs}`);
    this.timer = this.opts.clock.every(this.opts.intervalMs, () => this.track(this.tick()));
    const first = this.opts.runOnStart ?? "none";
    if (first !== "none") this.track(this.firstCycle(first));
  }

  /** Work the timer or start() began: busy and idle() count it until it ends; a failure is logged. */
  private track(work: Promise<void>): void {
    const tick = work.catch((e: unknown) => this.logger.error({ err: e }, "scheduler tick failed")).finally(() => this.ticks.delete(tick));
    this.ticks.add(tick);
  }

  /** The cycle at start: once the markets have books, unless stopped meanwhile or a cycle already began. */
  private async firstCycle(which: "all" | "rules"): Promise<void> {
    const ready = this.opts.ready;
    if (ready) {
      await new Promise<void>((resolve, reject) => {
        this.stopWaiting = resolve;
        ready().then(resolve, reject);
      });
      this.stopWaiting = undefined;
    }
    // Too late once a cycle has begun (a market slow to get its first book): the interval took over.
    if (!this.timer || this.cycle || this.last) return;
    // An LLM run costs money: by default a restart runs only the rule models at once.
    await this.startCycle("start", which === "rules" ? (m) => (m.kind ?? "rule") === "rule" : undefined);
  }

  /** Model runs in progress. */
  get runsInFlight(): number {
    return this.running.size;
  }

  /** True while a tick or a cycle is in progress. */
  get busy(): boolean {
    return this.cycle !== null || this.ticks.size > 0;
  }

  /** Resolves once no tick and no cycle is in progress (a backtest steps time only then). */
  async idle(): Promise<void> {
    while (this.busy) await Promise.allSettled([...this.ticks, this.cycle]);
  }

  async stop(): Promise<void> {
    this.timer?.();
    this.timer = undefined;
    this.stopWaiting?.();
    for (const r of this.running.values()) r.abort.abort(new Error("shutting down"));
    await this.cycle?.catch(() => undefined);
  }

  status() {
    return {
      intervalMs: this.opts.intervalMs,
      enabled: this.timer !== undefined,
      cycleInProgress: this.cycle !== null,
      lastCycle: this.last
        ? { startedAt: new Date(this.last.startedAt).toISOString(), finishedAt: this.last.finishedAt ? new Date(this.last.finishedAt).toISOString() : null, models: this.last.models }
        : null,
      /** The last finished cycle in full (what its `cycle` event said); null before the first. */
      lastFinishedCycle: this.lastSummary,
      /** How long the cycle in progress has really run (wall time), null when none is. */
      cycleRunningMs: this.cycleStartedWall === null ? null : Math.max(0, Math.round(this.wall() - this.cycleStartedWall)),
      // Runs in flight, oldest first; how long is wall time (a replay's recorded clock races ahead).
      running: [...this.running]
        .map(([modelId, r]) => ({ modelId, invocationId: r.invocationId, startedAt: new Date(r.startedAt).toISOString(), runningMs: Math.max(0, Math.round(this.wall() - r.startedWall)) }))
        .sort((a, b) => b.runningMs - a.runningMs || (a.modelId < b.modelId ? -1 : 1)),
    };
  }

  /**
   * What the interval does: clear runs stuck past the stale limit (even while a cycle is in
   * progress, which is exactly when they matter), then start a cycle unless one is running.
   */
  async tick(): Promise<void> {
    await this.clearStale();
    if (this.cycle) {
      // This interval's cycle does not happen: the one in progress overran it.
      this.missedTicks++;
      return;
    }
    await this.startCycle("interval");
  }

  /** One cycle now (`POST /api/scheduler/run`); a cycle already in progress is joined rather than doubled. */
  runCycle(): Promise<void> {
    return this.startCycle("manual");
  }

  private startCycle(trigger: CycleTrigger, only?: (m: ScheduledModel) => boolean): Promise<void> {
    if (this.cycle) return this.cycle;
    this.cycleStartedWall = this.wall();
    this.missedTicks = 0;
    this.staleSeen = 0;
    this.cycle = this.cycleBody(trigger, only).finally(() => {
      this.cycle = null;
      this.cycleStartedWall = null;
    });
    return this.cycle;
  }

  private async cycleBody(trigger: CycleTrigger, only?: (m: ScheduledModel) => boolean): Promise<void> {
    const startedAt = this.opts.clock.now();
    const startedWall = this.wall();
    const cycleId = randomUUID();
    await this.clearStale();
    const active = (await this.opts.activeModels()).filter((m) => !only || only(m));
    const models = active.filter((m) => !this.running.has(m.id));
    this.last = { startedAt, finishedAt: null, models: models.length };
    const outcomes: Array<RunStatus | "stale"> = [];
    try {
      const intelligence = this.opts.intelligence(cycleId);
      const runs: Run[] = models.map((model) => ({ model, invocationId: randomUUID(), startedAt: this.opts.clock.now(), startedWall: this.wall(), abort: new AbortController() }));
      await this.begin(runs);
      const settled = await Promise.allSettled(runs.map((r) => this.runModel(r, intelligence, cycleId)));
      for (const s of settled) outcomes.push(s.status === "fulfilled" ? s.value : "error");
    } catch (error) {
      // The runs never started (their rows could not be written): each counts as failed.
      for (let i = outcomes.length; i < models.length; i++) outcomes.push("error");
      throw error;
    } finally {
      this.opts.endCycle?.();
      const finishedAt = this.opts.clock.now();
      this.last = { startedAt, finishedAt, models: models.length };
      const durationMs = Math.max(0, Math.round(this.wall() - startedWall));
      const intervalMs = this.opts.intervalMs;
      const summary: CycleSummary = {
        cycleId,
        trigger,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        durationMs,
        intervalMs,
        models: models.length,
        ok: outcomes.filter((o) => o === "ok").length,
        failed: outcomes.filter((o) => o === "error" || o === "stale").length,
        timedOut: outcomes.filter((o) => o === "timeout").length,
        skipped: active.length - models.length,
        stale: this.staleSeen,
        missedTicks: this.missedTicks,
        overran: this.missedTicks > 0 || (intervalMs > 0 && durationMs > intervalMs),
      };
      this.lastSummary = summary;
      await this.announce(summary);
    }
  }

  /** The `cycle` event, through the outbox like every event; a failure to write it is only logged. */
  private async announce(cycle: CycleSummary): Promise<void> {
    try {
      await this.log.endCycle(events.cycleFinished({ modelId: "", cycle }));
    } catch (e) {
      this.logger.error({ err: e, cycleId: cycle.cycleId }, "could not record the cycle's event");
    }
  }

  /** Clears runs stuck past the stale limit (runs exist only within a cycle: the one in progress counts them). */
  private async clearStale(): Promise<void> {
    const limit = this.opts.staleAfterMs ?? 10 * 60_000;
    for (const [modelId, r] of this.running) {
      if (this.wall() - r.startedWall < limit) continue;
      r.abort.abort(new Error("stale run"));
      this.running.delete(modelId);
      this.staleSeen++;
      await this.record({
        modelId,
        invocationId: r.invocationId,
        startedAt: r.startedAt,
        durationMs: this.wall() - r.startedWall,
        status: "error",
        response: null,
        error: "stale: still running after the stale limit; cleared",
      });
    }
    await this.sweepAbandoned(limit);
  }

  /**
   * Rows still "running" in the database past the stale limit that no run of this process holds
   * (a process that stopped mid-run, a record that could not be written even as a failure) are
   * ended as errors, so every run ends with a status and counts. At most once per stale limit.
   */
  private async sweepAbandoned(limit: number): Promise<void> {
    const wall = this.wall();
    if (this.lastSweep !== null && wall - this.lastSweep < limit) return;
    this.lastSweep = wall;
    // The runs this process holds are never touched (on a replay, recorded time races past the limit while they run).
    const held = [...this.running.values()].map((r) => r.invocationId);
    const ended = await this.log
      .failAbandoned(this.opts.clock.now() - limit, held, "abandoned: still running after the stale limit with no run to finish it (the process stopped, or its record could not be written); cleared")
      .catch((e: unknown) => {
        this.logger.error({ err: e }, "could not clear abandoned invocations");
        return 0;
      });
    if (ended > 0) this.logger.warn({ count: ended }, "cleared abandoned invocations");
  }

  /** The cycle's invocation rows, all "running", in one statement: every model starts at once. */
  private async begin(runs: Run[]): Promise<void> {
    if (runs.length === 0) return;
    for (const r of runs) this.running.set(r.model.id, { invocationId: r.invocationId, startedAt: r.startedAt, startedWall: r.startedWall, abort: r.abort });
    try {
      await this.log.begin(runs.map((r) => ({ invocationId: r.invocationId, modelId: r.model.id, startedAt: r.startedAt })));
    } catch (error) {
      for (const r of runs) this.running.delete(r.model.id);
      throw error;
    }
  }

  /** Runs one model; resolves with how its run ended ("stale": cleared by the stale limit before it did). */
  private async runModel(run: Run, intelligence: MarketIntelligence, cycleId: string): Promise<RunStatus | "stale"> {
    const { model, invocationId, startedAt, startedWall, abort } = run;
    const decide = this.opts.decider(model);
    const timeoutMs = this.opts.runTimeoutMs ?? 120_000;
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    let promptSaved: Promise<boolean> = Promise.resolve(false);
    const report: RunReport = {
      invocationId,
      savePrompt: (prompt) => {
        promptSaved = this.log.savePrompt(invocationId, prompt, report.redact).then(
          () => true,
          () => false,
        );
      },
    };
    const tools = new ModelTools({
      service: this.opts.service,
      uow: this.opts.uow,
      modelId: model.id,
      invocationId,
      now: () => this.opts.clock.now(),
      signal: abort.signal,
      record: (row) => this.log.recordToolCall(row, report.redact),
      // An LLM variant's entry policy is enforced by the tools, so a replay of its calls meets it too.
      variant: model.kind === "llm" ? findVariant(model.strategy) : undefined,
      ...(this.opts.entryOrders ? { entryOrders: this.opts.entryOrders } : {}),
    });
    let status: RunStatus = "ok";
    let error: string | null = null;
    try {
      if (!decide) throw new Error(`unknown strategy "${model.strategy}"`);
      const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true }));
      const run = async () => {
        const parts = await this.opts.context(model.id, { cycleId, model });
        const ctx: DecisionContext = { modelId: model.id, now: this.opts.clock.now(), intelligence, signal: abort.signal, ...parts };
        await decide(ctx, tools, report);
      };
      await Promise.race([run(), aborted]);
    } catch (e) {
      // The run's own deadline (an LLM agent's timeout) is a timeout too, not a failure of the model.
      status = abort.signal.aborted || (e instanceof Error && e.name === "TimeoutError") ? "timeout" : "error";
      error = cleanText(e instanceof Error ? e.message : String(e), report.redact);
      this.logger.warn({ modelId: model.id, status, error }, "model run failed");
      abort.abort(e);
    } finally {
      clearTimeout(timer);
    }
    // A call already placing an order when time ran out is recorded with this run, not after it.
    await within(tools.idle(), this.opts.toolGraceMs ?? 5_000);
    // A stale-cleared run was already finished by clearStale.
    if (this.running.get(model.id)?.invocationId !== invocationId) return "stale";
    this.running.delete(model.id);
    const response = nonEmpty(report.response) ?? tools.held ?? summarize(tools.calls);
    // A prompt already stored is not written twice (it is the biggest field of the row).
    if (await within(promptSaved, this.opts.toolGraceMs ?? 5_000)) delete report.prompt;
    await this.record({ modelId: model.id, invocationId, startedAt, durationMs: this.wall() - startedWall, status, response, error, calls: tools.calls, report });
    return status;
  }

  /**
   * The run's finished row; when it cannot be written, the run still ends: marked "error" with
   * a short reason (counted as a failed run), the details in the log. Should that fail too (the
   * database is down), the row is ended by the sweep of abandoned runs once it is past the limit.
   */
  private async record(run: FinishedRun): Promise<void> {
    try {
      await this.log.finish(run);
    } catch (e) {
      this.logger.error({ err: e, modelId: run.modelId, invocationId: run.invocationId }, "could not record invocation; marking it failed");
      const cause = databaseErrorCode(e);
      const reason = `the run ended (${run.status}) but its record could not be written (${cause ? `database error ${cause}` : "error"}; details in the log)`;
      await this.log.fail(run, reason).catch((e2: unknown) => this.logger.error({ err: e2, modelId: run.modelId, invocationId: run.invocationId }, "could not mark the invocation failed"));
    }
  }
}

/** The SQLSTATE of a database error (drizzle wraps the driver's error as its cause), if there is one. */
function databaseErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Waits for `work`, at most `ms` (then undefined). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  clearTimeout(timer);
  return result;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text !== undefined && text.trim() !== "" ? text : undefined;
}

function summarize(calls: ModelTools["calls"]): string {
  if (calls.length === 0) return "no action";
  return calls.map((c) => `${c.tool}: ${c.result.ok ? "ok" : (c.result.error?.message ?? "some rejected")}`).join("; ");
}
