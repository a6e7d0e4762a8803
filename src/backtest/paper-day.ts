import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { and, asc, desc, eq, gte, inArray, lte, ne } from "drizzle-orm";
import { TOOL_CALL_TYPES, type ToolName } from "../agents/tools.js";
import type { Db } from "../db/client.js";
import { candles, equitySnapshots, invocations, models, predictionMarkets, toolCalls } from "../db/schema.js";
import type { BacktestModel, BacktestRequestInput } from "./request.js";
import { LLM_CALLS_RETENTION_VAR, llmCallsPrunedBefore } from "../agents/llm/recording-retention.js";
import { loadPaperLlmRuns, unrecordedRunsBefore, type PaperLlmRun } from "./paper-llm.js";
import type { BacktestDecision } from "./types.js";

/**
 * A recorded paper-trading day as a backtest: the decisions the models really made (their tool
 * calls, at the times their runs started) replayed over books rebuilt from the stored 1-minute
 * candles (paper trading keeps candles, not every book). Both the baseline and the what-if run
 * over these same books with these same decisions, so what differs between them is execution.
 *
 * An LLM model whose calls were recorded that day (llm_calls) decides again in the baseline, its
 * model answered from the recording (paper-llm.ts), rather than having its tool calls replayed:
 * its prompts, steps and tool loop run again, and a change to its settings is a miss naming the
 * step. Rule models, and LLM models of days recorded before llm_calls existed, replay their calls.
 *
 * Recorded calls older than AUTONOME_LLM_CALLS_RETENTION_DAYS are deleted (recording-retention.ts),
 * and retention_marks says since when calls are kept. A span reaching before that time names the
 * setting: with --llm replay, or for a model whose later runs are recorded (half a span answered
 * from recordings is no baseline), it fails; otherwise the model's tool calls are replayed, as for
 * a day before llm_calls, and a note says why.
 */

const TOOL_BY_TYPE = Object.fromEntries(Object.entries(TOOL_CALL_TYPES).map(([tool, type]) => [type, tool as ToolName]));

export interface PaperDay {
  /** The baseline: the day's decisions on the recorded candles with the simulator's default execution. */
  request: BacktestRequestInput;
  decisions: BacktestDecision[];
  /** The recorded runs of the LLM models answered from their recordings (none of their calls are in `decisions`). */
  llmRuns: PaperLlmRun[];
  /** What the caller should tell the user: LLM models whose tool calls are replayed because their recordings were pruned. */
  notes: string[];
}

export async function loadPaperDay(
  db: Db,
  options: {
    from: number;
    to: number;
    models: string[];
    intervalMs: number;
    dir: string;
    /** `replay`: every LLM model must be answered from recorded calls (`--llm replay`); default: those with recordings are. */
    llm?: "auto" | "replay";
  },
): Promise<PaperDay> {
  const { from, to } = options;
  const rows = await db
    .select()
    .from(models)
    .where(and(inArray(models.id, options.models), ne(models.kind, "mirror")));
  const byIdOrName = (w: string) => rows.find((r) => r.id === w || r.name === w);
  const missing = options.models.filter((w) => !byIdOrName(w));
  if (missing.length > 0) throw new Error(`--models: no rule or llm model ${missing.map((m) => `"${m}"`).join(", ")} in this installation (give ids of GET /api/models)`);

  const specs: BacktestModel[] = [];
  for (const r of rows) {
    // The day starts from the model's equity at its start (flat: positions opened before are not carried in).
    const [start] = await db
      .select({ equity: equitySnapshots.equity })
      .from(equitySnapshots)
      .where(and(eq(equitySnapshots.modelId, r.id), lte(equitySnapshots.ts, new Date(from))))
      .orderBy(desc(equitySnapshots.ts))
      .limit(1);
    const config = r.config as { risk?: Record<string, unknown>; llm?: BacktestModel["llm"] };
    specs.push({
      name: r.name,
      kind: r.kind === "llm" ? "llm" : "rule",
      strategy: r.strategy,
      initialCapital: start?.equity ?? r.initialCapital,
      ...(config.risk ? { risk: config.risk } : {}),
      ...(config.llm ? { llm: config.llm } : {}),
    });
  }

  const llmModels = rows.filter((r) => r.kind === "llm");
  const llmRuns = await loadPaperLlmRuns(db, { from, to, models: llmModels });
  const replayed = new Set(llmRuns.map((r) => r.model));
  const unrecorded = llmModels.filter((r) => !replayed.has(r.name));
  const notes: string[] = [];
  const prunedBefore = await llmCallsPrunedBefore(db);
  if (prunedBefore !== null && from < prunedBefore) {
    const pruned = await unrecordedRunsBefore(db, { from, to, prunedBefore, modelIds: llmModels.map((r) => r.id) });
    const names = (list: typeof llmModels) => list.map((r) => `"${r.name}"`).join(", ");
    const gone = `LLM calls recorded before ${ISO(prunedBefore)} were deleted by the retention setting (${LLM_CALLS_RETENTION_VAR})`;
    const half = llmModels.filter((r) => pruned.has(r.id) && replayed.has(r.name));
    if (half.length > 0) {
      throw new Error(`the recorded LLM calls of ${names(half)} cover only part of ${ISO(from)} to ${ISO(to)}: ${gone}; start the what-if at ${ISO(prunedBefore)} or later (--from)`);
    }
    const whole = unrecorded.filter((r) => pruned.has(r.id));
    if (options.llm === "replay" && whole.length > 0) {
      throw new Error(
        `--llm replay: no recorded LLM call of ${names(whole)} is left between ${ISO(from)} and ${ISO(to)}: ${gone}; replay a span from ${ISO(prunedBefore)} on, or leave out --llm replay to replay their tool calls instead`,
      );
    }
    if (whole.length > 0) notes.push(`${gone}: the tool calls of ${names(whole)} are replayed instead of their model's answers`);
  }
  if (options.llm === "replay" && unrecorded.length > 0) {
    throw new Error(
      `--llm replay: no LLM call of ${unrecorded.map((r) => `"${r.name}"`).join(", ")} was recorded between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}; without --llm replay its tool calls are replayed instead`,
    );
  }

  const calls = await db
    .select({ modelId: toolCalls.modelId, type: toolCalls.type, metadata: toolCalls.metadata, at: invocations.createdAt, callAt: toolCalls.createdAt })
    .from(toolCalls)
    .innerJoin(invocations, eq(invocations.id, toolCalls.invocationId))
    .where(
      and(
        inArray(
          toolCalls.modelId,
          rows.map((r) => r.id),
        ),
        gte(invocations.createdAt, new Date(from)),
        lte(invocations.createdAt, new Date(to)),
        ne(toolCalls.type, "HOLDING"),
      ),
    )
    .orderBy(asc(invocations.createdAt), asc(toolCalls.createdAt));
  const decisions: BacktestDecision[] = [];
  for (const c of calls) {
    const model = rows.find((r) => r.id === c.modelId)!.name;
    if (replayed.has(model)) continue;
    const at = c.at.getTime();
    const last = decisions.at(-1);
    const call = { tool: TOOL_BY_TYPE[c.type]!, args: (c.metadata as { args?: unknown }).args ?? null };
    if (last && last.model === model && last.at === at) last.calls.push(call);
    else decisions.push({ model, at, calls: [call] });
  }

  mkdirSync(options.dir, { recursive: true });
  const files: Array<{ symbol: string; path: string }> = [];
  const symbols = await db
    .selectDistinct({ symbol: candles.symbol })
    .from(candles)
    .where(and(eq(candles.interval, "1m"), gte(candles.openTime, new Date(from)), lte(candles.openTime, new Date(to))));
  // Backtests trade perpetuals: outcome tokens (their candles are stored too) stay out of the replay.
  const outcomeSymbols = new Set((await db.select({ outcomes: predictionMarkets.outcomes }).from(predictionMarkets)).flatMap((m) => m.outcomes.map((o) => o.symbol)));
  const perpetuals = symbols.filter((s) => !outcomeSymbols.has(s.symbol));
  for (const { symbol } of perpetuals.sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
    const list = await db
      .select()
      .from(candles)
      .where(and(eq(candles.symbol, symbol), eq(candles.interval, "1m"), gte(candles.openTime, new Date(from)), lte(candles.openTime, new Date(to))))
      .orderBy(asc(candles.openTime));
    // The Kraken candle layout the replay already reads: open_time_ms, utc, OHLC, vwap, volume, trade count.
    const lines = list.map((c) => `${c.openTime.getTime()},${c.openTime.toISOString()},${c.open},${c.high},${c.low},${c.close},0,${c.volume},0`);
    const path = join(options.dir, `${symbol}-candles.csv`);
    writeFileSync(path, `open_time_ms,open_time_utc,open,high,low,close,vwap,volume_btc,trade_count\n${lines.join("\n")}\n`);
    files.push({ symbol, path });
  }
  if (files.length === 0) throw new Error(`no candles were stored between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}: nothing to replay`);
  // Cycles on the recorded runs' own times, so each decision comes back at its run.
  const times = [decisions[0]?.at, llmRuns[0]?.at].filter((t): t is number => t !== undefined);
  const first = times.length > 0 ? Math.min(...times) : undefined;
  const aligned = first === undefined ? from : first - Math.max(1, Math.ceil((first - from) / options.intervalMs)) * options.intervalMs;
  return { request: { from: aligned, to, feed: { kind: "replay", files }, models: specs, intervalMs: options.intervalMs }, decisions, llmRuns, notes };
}

const ISO = (ms: number) => new Date(ms).toISOString();
