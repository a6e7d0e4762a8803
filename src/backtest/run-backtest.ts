import { setImmediate as turn } from "node:timers/promises";
import { ManualClock } from "../core/clock.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { formatUsd } from "../core/money.js";
import { createAutonome } from "../app/autonome.js";
import { loadConfig } from "../app/config.js";
import type { DeciderOptions } from "../scheduler/llm-decider.js";
import { createLlmModel } from "../agents/llm/provider.js";
import { openLlmRecordingFile, recordingModel, type LlmRecordingFile, type LlmReplayMissError } from "../agents/llm/recording.js";
import type { Db } from "../db/client.js";
import { collectResult } from "./collect.js";
import { describeEntries } from "../scheduler/entry-orders.js";
import { readFileSync } from "node:fs";
import { recordDecisions, replayDecisions } from "./decisions.js";
import { PaperLlmReplay, type PaperLlmRun } from "./paper-llm.js";
import { backtestDatabase } from "./database.js";
import type { BacktestRequest } from "./request.js";
import { openBacktestSource } from "./source.js";
import type { BacktestDecision, BacktestProgress, BacktestResult } from "./types.js";

export interface RunBacktestOptions {
  /** Called about every `progressEveryMs` of wall time while the run goes, and once at the end. */
  onProgress?: (progress: BacktestProgress) => void;
  progressEveryMs?: number;
  /** Stops the run between two steps; it then rejects with BacktestCanceled. */
  signal?: AbortSignal;
  logger?: Logger;
  /** How models decide; with `--llm record`, its `model` stands in for the settings' server (tests). */
  deciders?: DeciderOptions;
  /** Where LLM key variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Decisions to replay instead of deciding (a recorded paper day); `request.baseline` does the same from a result file. */
  decisions?: BacktestDecision[];
  /** A paper day's recorded LLM runs: those models decide, their model answered from these (paper-llm.ts). */
  llmRuns?: PaperLlmRun[];
  /** Keep rows nothing reads before the end and write them in batches (default true; false proves the figures the same). */
  batchWrites?: boolean;
  /** Reads the run's database once the result is collected, before it is dropped (tests check the result against the rows). */
  inspect?: (db: Db) => Promise<void>;
}

export class BacktestCanceled extends Error {
  override readonly name = "BacktestCanceled";
  constructor() {
    super("the backtest was canceled");
  }
}

/** Steps between two looks at the wall clock (progress, cancellation, a turn for the event loop). */
const CHECK_EVERY = 2048;
/** Closed 1-minute candles written per statement (about 5 hours of 3 symbols). */
const CANDLES_HELD = 1000;
/** Equity snapshot rounds (one a simulated minute) written per unit of work. */
const EQUITY_ROUNDS_HELD = 60;
/** Scheduler cycles whose runs' rows and events are written per unit of work. */
const CYCLES_HELD = 60;

/**
 * Runs a backtest: the whole kernel (scheduler, models, simulator, exit plans, trading service,
 * ledger) on a clock that moves only when every piece of work has settled, as fast as the
 * machine allows, into a database of its own. The same inputs give the same trades, bit for
 * bit: the kernel never sees wall time, and nothing runs while the clock moves.
 */
export async function runBacktest(request: BacktestRequest, options: RunBacktestOptions = {}): Promise<BacktestResult> {
  const startedWall = performance.now();
  const logger = options.logger ?? silentLogger;
  const { from, to } = request;
  const clock = new ManualClock(from);
  const source = await openBacktestSource(request.feed, clock, { from, to });
  const database = await backtestDatabase(request.databaseUrl);
  // LLM decisions: recorded from the endpoint, or answered from a recording (a miss ends the run naming the step).
  const misses: LlmReplayMissError[] = [];
  let recording: LlmRecordingFile | undefined;
  let deciders = options.deciders;
  if (request.llm.mode !== "off") {
    const mode = request.llm.mode;
    const store = (recording = await openLlmRecordingFile(request.llm.file!, mode));
    const real = options.deciders?.model;
    deciders = {
      ...options.deciders,
      model: (settings, m) =>
        recordingModel({
          mode,
          store,
          modelId: settings.model,
          model: () => (real ? real(settings, m) : createLlmModel(settings, options.env ?? process.env)),
          describe: (step) => `model "${m.name}" at ${new Date(clock.now()).toISOString()}, step ${step}`,
          onMiss: (e) => misses.push(e),
          now: () => clock.now(),
        }),
    };
  }
  // A paper day's LLM models decide again, their model answered from the day's recorded calls.
  const paperLlm = options.llmRuns && options.llmRuns.length > 0 ? new PaperLlmReplay(options.llmRuns, { onMiss: (e) => misses.push(e) }) : undefined;
  if (paperLlm) {
    const inner = deciders?.model;
    const env = options.env ?? process.env;
    deciders = { ...deciders, model: (settings, m) => paperLlm.model(settings, m) ?? (inner ? inner(settings, m) : createLlmModel(settings, env)) };
  }
  // Every decision is recorded; a what-if replays its baseline's instead of deciding.
  const baseline = request.baseline ? readBaseline(request.baseline) : undefined;
  const recorder = recordDecisions();
  const held = baseline?.decisions ?? options.decisions;
  const replay = held ? replayDecisions(held) : undefined;
  const decider = (m: Parameters<typeof recorder.around>[0], decide: Parameters<typeof recorder.around>[1]) =>
    paperLlm?.models.has(m.name) ? paperLlm.around(m, decide) : replay ? replay(m, decide) : decide;
  deciders = { ...deciders, around: (m, decide) => recorder.around(m, decider(m, decide)) };
  const checkMisses = () => {
    if (misses.length > 0) throw misses[0]!;
  };
  const config = {
    ...loadConfig({}),
    dataDir: database.dataDir,
    databaseUrl: database.url,
    tradeIntervalMs: request.intervalMs,
    // The first cycle comes one interval after `from`, as it always has: a backtest's decision times
    // (and what-if baselines recorded with them) do not depend on the server's AUTONOME_RUN_ON_START.
    runOnStart: "none" as const,
    seed: request.seed,
    mirrors: false,
  };
  let kernel: Awaited<ReturnType<typeof createAutonome>> | undefined;
  try {
    kernel = await createAutonome(config, logger, clock, {
      isolated: true,
      feed: source.feed,
      candleBackfill: (m) => source.candleBackfill(m),
      sim: { makerFeeBps: request.execution.makerFeeBps, takerFeeBps: request.execution.takerFeeBps, extraSlippageBps: request.execution.extraSlippageBps, latency: request.execution.latency },
      ...(deciders ? { deciders } : {}),
      ...(request.execution.entries ? { entryOrders: request.execution.entries } : {}),
    });
    const k = kernel;
    // Batched writes: rows nothing reads before the run ends are kept and written together (the
    // same rows an unbatched run writes, later). Candles are read from memory; equity snapshots
    // and past runs are read by LLM prompts (drawdown, standings, run counts, recent activity), so
    // they are held only when no model asks.
    if (options.batchWrites ?? true) {
      k.candles.hold(CANDLES_HELD);
      if (request.models.every((m) => m.kind === "rule")) {
        k.equity.hold(EQUITY_ROUNDS_HELD);
        k.scheduler.holdRecords(CYCLES_HELD);
      }
    }
    for (const m of request.models) {
      await k.services.createModel({ ...m, initialCapital: m.initialCapital ?? "10000" }).catch((e: unknown) => {
        throw new Error(`model "${m.name}": ${e instanceof Error ? e.message : String(e)}`);
      });
    }

    // A recording that starts before `from` warms the books and candles up; nothing trades yet.
    let step = await source.next();
    if (step && step.ts < from) {
      source.feed.start(
        (u) => k.market.apply(u),
        (t) => k.market.trade(t),
      );
      while (step && step.ts < from) {
        step.deliver();
        step = await source.next();
      }
    }
    await k.start();

    let updates = 0;
    let steps = 0;
    let lastReport = performance.now();
    const progress = (simTime: number): BacktestProgress => {
      const elapsedMs = performance.now() - startedWall;
      const fraction = Math.min(1, Math.max(0, (simTime - from) / (to - from)));
      return {
        simTime,
        from,
        to,
        fraction,
        updates,
        updatesPerSecond: elapsedMs > 0 ? Math.round((updates * 1000) / elapsedMs) : 0,
        elapsedMs: Math.round(elapsedMs),
        etaMs: fraction > 0 ? Math.round((elapsedMs * (1 - fraction)) / fraction) : null,
        cycles: Math.floor((simTime - from) / request.intervalMs),
      };
    };
    // Orders with simulated latency sleep on the clock: the kernel is settled when everything in
    // flight is asleep, and they wake when a later step moves the clock past their time, meeting
    // the book as it was then (the step's own update comes after).
    const latent = request.execution.latency.maxMs > 0;
    const settle = async () => {
      while (k.busy && !k.blockedOn(clock)) {
        if (latent) await turn();
        else await k.settle();
      }
    };
    // The timers falling due on the way fire one at a time, each one's work settled before the next.
    const moveTo = async (ts: number) => {
      while (clock.fireNext(ts)) await settle();
    };
    while (step) {
      while (clock.fireNext(step.ts)) await settle();
      if (k.busy) {
        await settle();
        checkMisses();
      }
      updates += step.deliver();
      if (k.busy) await settle();
      if (++steps % CHECK_EVERY === 0) {
        if (options.signal?.aborted) throw new BacktestCanceled();
        const now = performance.now();
        if (options.onProgress && now - lastReport >= (options.progressEveryMs ?? 250)) {
          lastReport = now;
          options.onProgress(progress(step.ts));
        }
        await turn(); // progress output, an API's requests, a cancel
      }
      step = await source.next();
    }
    await moveTo(to);
    await settle();
    // Orders sent just before the end finish after it: the clock moves on to each of them.
    for (let due = clock.nextWaiting; k.busy && due !== undefined; due = clock.nextWaiting) {
      await moveTo(due);
      await settle();
    }
    await k.settle();
    checkMisses();
    await k.equity.snapshot();
    await k.equity.flush();
    await k.scheduler.flushRecords();
    await k.candles.flush();
    options.onProgress?.(progress(to));

    const finalEquity = (id: string) => {
      const account = k.service.findAccount(id);
      return account ? formatUsd(k.service.figures(account).equity) : "0";
    };
    const collected = await collectResult(k.database.db, { from, to, symbols: source.markets.map((m) => m.symbol), finalEquity });
    await options.inspect?.(k.database.db);
    const wallMs = performance.now() - startedWall;
    return {
      hash: collected.hash,
      from,
      to,
      feed: request.feed,
      intervalMs: request.intervalMs,
      execution: request.execution,
      seed: request.seed,
      llm: paperLlm ? "replay" : request.llm.mode,
      symbols: source.markets.map((m) => m.symbol),
      models: collected.models,
      prices: collected.prices,
      stats: {
        updates,
        cycles: Math.floor((to - from) / request.intervalMs),
        wallMs: Math.round(wallMs),
        databaseMs: Math.round(k.database.usage.busyMs),
        databaseShare: wallMs > 0 ? Math.min(1, k.database.usage.busyMs / wallMs) : 0,
        simulatedDaysPerSecond: (to - from) / 86_400_000 / (wallMs / 1000),
      },
      modelSpecs: request.models,
      decisions: recorder.decisions.sort((a, b) => a.at - b.at || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)),
      ...(baseline ? { baseline: { label: executionLabel(baseline), result: { ...baseline, decisions: [], baseline: undefined } } } : {}),
    };
  } finally {
    await kernel?.stop().catch((e: unknown) => logger.warn({ err: e }, "backtest kernel did not stop cleanly"));
    await source.close();
    await recording?.close();
    await database.drop();
  }
}

/** An earlier run's result.json, checked enough to replay its decisions. */
export function readBaseline(path: string): BacktestResult {
  let parsed: BacktestResult;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as BacktestResult;
  } catch (e) {
    throw new Error(`baseline: ${path} could not be read as a backtest result (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(parsed.decisions) || !Array.isArray(parsed.models)) throw new Error(`baseline: ${path} is not a backtest result with decisions (result.json of autonome backtest)`);
  return parsed;
}

function executionLabel(r: BacktestResult): string {
  const e = r.execution;
  const latency = e.latency.minMs === e.latency.maxMs ? `${e.latency.minMs}` : `${e.latency.minMs}-${e.latency.maxMs}`;
  const entries = e.entries && e.entries.type !== "market" ? `, ${describeEntries(e.entries)}` : "";
  return `fees ${e.makerFeeBps}/${e.takerFeeBps} bps, slippage ${e.extraSlippageBps} bps, latency ${latency} ms${entries}`;
}
