import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { invocations } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { TradingTools } from "../agents/tools.js";
import type { DecisionContext } from "../agents/strategy.js";
import type { MarketIntelligence } from "../agents/intelligence.js";
import type { TradingService } from "../trading/trading-service.js";
import { ModelTools } from "./model-tools.js";

export interface ScheduledModel {
  id: string;
  name: string;
  strategy: string;
}

/** How a model decides: a rule strategy or (later) an LLM agent, behind one call. */
export type Decider = (ctx: DecisionContext, tools: TradingTools) => Promise<void>;

export interface SchedulerOptions {
  intervalMs: number;
  /** Per-model run timeout; the AbortSignal reaches the model. */
  runTimeoutMs?: number;
  /** A run still marked running after this long is failed and cleared. */
  staleAfterMs?: number;
  uow: UnitOfWork;
  service: TradingService;
  now: () => number;
  logger?: Logger;
  activeModels: () => Promise<ScheduledModel[]>;
  decider: (model: ScheduledModel) => Decider | undefined;
  /** Computed once per cycle and shared by all models. */
  intelligence: (cycleId: string) => MarketIntelligence;
  endCycle?: () => void;
  context: (modelId: string) => Pick<DecisionContext, "portfolio" | "markets">;
}

interface Running {
  invocationId: string;
  startedAt: number;
  abort: AbortController;
}

/**
 * Runs every active model in parallel on an interval. Each run has its own timeout so none
 * blocks the others, one invocation row records it with its tool calls, and a run stuck past
 * the stale limit is marked failed and cleared so the model runs again next cycle.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, Running>();
  private cycle: Promise<void> | null = null;
  private last: { startedAt: number; finishedAt: number | null; models: number } | null = null;
  private readonly logger: Logger;

  constructor(private readonly opts: SchedulerOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  start(): void {
    if (this.timer || this.opts.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick().catch((e: unknown) => this.logger.error({ err: e }, "scheduler tick failed")), this.opts.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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
    };
  }

  /**
   * What the interval does: clear runs stuck past the stale limit (even while a cycle is in
   * progress, which is exactly when they matter), then start a cycle unless one is running.
   */
  async tick(): Promise<void> {
    await this.clearStale();
    if (!this.cycle) await this.runCycle();
  }

  /** One cycle now; a cycle already in progress is joined rather than doubled. */
  runCycle(): Promise<void> {
    if (this.cycle) return this.cycle;
    this.cycle = this.cycleBody().finally(() => {
      this.cycle = null;
    });
    return this.cycle;
  }

  private async cycleBody(): Promise<void> {
    const startedAt = this.opts.now();
    const cycleId = randomUUID();
    await this.clearStale();
    const models = (await this.opts.activeModels()).filter((m) => !this.running.has(m.id));
    this.last = { startedAt, finishedAt: null, models: models.length };
    try {
      const intelligence = this.opts.intelligence(cycleId);
      await Promise.allSettled(models.map((m) => this.runModel(m, intelligence)));
    } finally {
      this.opts.endCycle?.();
      this.last = { startedAt, finishedAt: this.opts.now(), models: models.length };
    }
  }

  private async clearStale(): Promise<void> {
    const limit = this.opts.staleAfterMs ?? 10 * 60_000;
    for (const [modelId, r] of this.running) {
      if (this.opts.now() - r.startedAt < limit) continue;
      r.abort.abort(new Error("stale run"));
      this.running.delete(modelId);
      await this.finish(modelId, r.invocationId, r.startedAt, "error", null, "stale: still running after the stale limit; cleared").catch(() => undefined);
    }
  }

  private async runModel(model: ScheduledModel, intelligence: MarketIntelligence): Promise<void> {
    const decide = this.opts.decider(model);
    const invocationId = randomUUID();
    const startedAt = this.opts.now();
    const abort = new AbortController();
    this.running.set(model.id, { invocationId, startedAt, abort });
    await this.opts.uow.run(async (tx) => {
      await tx.insert(invocations).values({ id: invocationId, modelId: model.id, status: "running", createdAt: new Date(startedAt) });
    });
    const timeoutMs = this.opts.runTimeoutMs ?? 120_000;
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const tools = new ModelTools({ service: this.opts.service, uow: this.opts.uow, modelId: model.id, invocationId, now: this.opts.now, signal: abort.signal });
    let status: "ok" | "error" | "timeout" = "ok";
    let error: string | null = null;
    try {
      if (!decide) throw new Error(`unknown strategy "${model.strategy}"`);
      const ctx: DecisionContext = { modelId: model.id, now: this.opts.now(), intelligence, signal: abort.signal, ...this.opts.context(model.id) };
      const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true }));
      await Promise.race([decide(ctx, tools), aborted]);
    } catch (e) {
      status = abort.signal.aborted ? "timeout" : "error";
      error = e instanceof Error ? e.message : String(e);
      this.logger.warn({ modelId: model.id, status, error }, "model run failed");
    } finally {
      clearTimeout(timer);
    }
    // A stale-cleared run was already finished by clearStale.
    if (this.running.get(model.id)?.invocationId !== invocationId) return;
    this.running.delete(model.id);
    const response = tools.held ?? summarize(tools.calls);
    await this.finish(model.id, invocationId, startedAt, status, response, error, tools.calls).catch((e: unknown) => this.logger.error({ err: e }, "could not record invocation"));
  }

  private async finish(modelId: string, invocationId: string, startedAt: number, status: "ok" | "error" | "timeout", response: string | null, error: string | null, calls: ModelTools["calls"] = []): Promise<void> {
    const finishedAt = this.opts.now();
    await this.opts.uow.run(async (tx, ctx) => {
      await tx
        .update(invocations)
        .set({ status, response, error, durationMs: finishedAt - startedAt, finishedAt: new Date(finishedAt), decisions: JSON.parse(JSON.stringify(calls)) })
        .where(eq(invocations.id, invocationId));
      ctx.emit({ type: "invocation", modelId, data: { id: invocationId, modelId, status, durationMs: finishedAt - startedAt, response, error, toolCalls: calls.map((c) => c.tool) } });
    });
  }
}

function summarize(calls: ModelTools["calls"]): string {
  if (calls.length === 0) return "no action";
  return calls.map((c) => `${c.tool}: ${c.result.ok ? "ok" : (c.result.error?.message ?? "some rejected")}`).join("; ");
}
