import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../app/config.js";
import type { ModelView } from "../app/services.js";
import { AppError } from "../core/errors.js";
import { parseDuration } from "../app/config.js";
import { renderReport } from "../backtest/report.js";
import { parseBacktestRequest, type BacktestModel, type BacktestRequest, type BacktestRequestInput } from "../backtest/request.js";
import { loadPaperDay } from "../backtest/paper-day.js";
import type { PaperLlmRun } from "../backtest/paper-llm.js";
import { openDatabase } from "../db/client.js";
import { readBaseline, runBacktest } from "../backtest/run-backtest.js";
import type { BacktestDecision, BacktestProgress, BacktestResult, ExecutionSpec } from "../backtest/types.js";
import type { EntryOrderPolicy } from "../scheduler/entry-orders.js";
import { call, server, withApp } from "./models.js";

export interface BacktestCliOptions {
  from?: string;
  to?: string;
  request?: string;
  feed: string;
  seed: string;
  files?: string;
  bookInterval: string;
  models?: string;
  interval: string;
  fees?: string;
  slippage?: string;
  latency?: string;
  entries?: string;
  out?: string;
  json?: boolean;
  llm?: string;
  llmFile?: string;
  databaseUrl?: string;
  whatIf?: string;
}

const bad = (message: string) => new AppError(400, "invalid_request", message);

/** `--fees 2,6` (maker,taker bps) or `--fees maker=2,taker=6`. */
export function parseFees(text: string): { makerFeeBps: number; takerFeeBps: number } {
  const parts = text.split(",").map((p) => p.trim());
  const named = Object.fromEntries(parts.filter((p) => p.includes("=")).map((p) => p.split("=") as [string, string]));
  const [maker, taker] = parts.every((p) => !p.includes("=")) && parts.length === 2 ? parts : [named.maker, named.taker];
  const m = Number(maker);
  const t = Number(taker);
  if (maker === undefined || taker === undefined || maker === "" || taker === "" || !Number.isFinite(m) || !Number.isFinite(t)) {
    throw bad(`--fees: "${text}" must be maker,taker in basis points (2,6) or maker=2,taker=6`);
  }
  return { makerFeeBps: m, takerFeeBps: t };
}

/** `--latency 50` (always 50 ms) or `--latency 20-80` (drawn from the seeded RNG). */
export function parseLatency(text: string): { minMs: number; maxMs: number } {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw bad(`--latency: "${text}" must be milliseconds (50) or a range (20-80)`);
  const min = Number(m[1]);
  return { minMs: min, maxMs: m[2] === undefined ? min : Number(m[2]) };
}

/** `--entries market`, or `--entries limit[:offsetBps[:seconds]]` (post-only behind the touch; default 0 bps, 60 s). */
export function parseEntries(text: string): EntryOrderPolicy {
  const t = text.trim();
  if (t === "market") return { type: "market" };
  const m = /^limit(?::(\d+(?:\.\d+)?))?(?::(\d+))?$/.exec(t);
  if (!m) throw bad(`--entries: "${text}" must be market, or limit[:offsetBps[:seconds]] (limit:2:120)`);
  return { type: "limit", offsetBps: m[1] === undefined ? 0 : Number(m[1]), expireAfterMs: (m[2] === undefined ? 60 : Number(m[2])) * 1000 };
}

/** The execution flags given (fees, slippage, latency, entries), over the request's defaults or a baseline's. */
function executionFlags(o: BacktestCliOptions): Partial<ExecutionSpec> {
  return {
    ...(o.fees ? parseFees(o.fees) : {}),
    ...(o.slippage !== undefined ? { extraSlippageBps: Number(o.slippage) } : {}),
    ...(o.latency ? { latency: parseLatency(o.latency) } : {}),
    ...(o.entries ? { entries: parseEntries(o.entries) } : {}),
  };
}

/** `BTC=path,ETH=path`. */
export function parseFiles(text: string): Array<{ symbol: string; path: string }> {
  return text.split(",").map((pair) => {
    const i = pair.indexOf("=");
    if (i <= 0 || i === pair.length - 1) throw bad(`--files: "${pair}" must be SYMBOL=path`);
    return { symbol: pair.slice(0, i).trim(), path: resolve(pair.slice(i + 1).trim()) };
  });
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw bad(`${flag}: "${text}" must be a duration such as 300000, 30s, 5m or 1h`);
  }
}

/**
 * `--models`: a JSON file holding an array of POST /api/models bodies, or model ids (or names)
 * of this installation, comma-separated, copied with their settings and capital.
 */
async function resolveModels(config: Config, text: string): Promise<BacktestModel[]> {
  if (existsSync(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(text, "utf8"));
    } catch (e) {
      throw bad(`--models: ${text} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!Array.isArray(parsed)) throw bad(`--models: ${text} must hold a JSON array of model bodies (as POST /api/models takes them)`);
    return parsed as BacktestModel[];
  }
  const wanted = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const url = await server(config);
  const all = url ? await call<ModelView[]>(config, url, "GET", "/api/models") : await withApp(config, (a) => a.services.listModels());
  return wanted.map((w) => {
    const m = all.find((x) => x.id === w || x.name === w);
    if (!m) throw bad(`--models: no model "${w}" here and no such file (give ids or names of GET /api/models, or a JSON file of model bodies)`);
    if (m.kind === "mirror") throw bad(`--models: "${m.name}" is a follower: its orders come from its mirror, so a backtest cannot run it`);
    if (m.kind === "follow") throw bad(`--models: "${m.name}" follows Polymarket wallets: backtests run perpetual models only`);
    return { name: m.name, kind: m.kind, strategy: m.strategy, initialCapital: m.initialCapital, risk: m.risk, ...(m.llm ? { llm: m.llm } : {}) };
  });
}

export async function backtestRequestFromCli(config: Config, o: BacktestCliOptions): Promise<BacktestRequestInput> {
  if (o.request) {
    try {
      return JSON.parse(readFileSync(o.request, "utf8")) as BacktestRequestInput;
    } catch (e) {
      throw bad(`--request: ${o.request} could not be read as JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (o.whatIf && o.whatIf !== "paper") return whatIfRequest(config, o, o.whatIf);
  const missing = (["from", "to", "models"] as const).filter((k) => o[k] === undefined).map((k) => `--${k}`);
  if (missing.length > 0) throw bad(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} required (or give the whole run with --request <file>)`);
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0) throw bad(`--seed: "${o.seed}" must be a whole number`);
  if (o.feed !== "synthetic" && o.feed !== "replay") throw bad(`--feed: "${o.feed}" must be synthetic or replay`);
  if (o.feed === "replay" && !o.files) throw bad("--feed replay needs --files SYMBOL=path,...");
  if (o.llm !== undefined && o.llm !== "record" && o.llm !== "replay") throw bad(`--llm: "${o.llm}" must be record or replay`);
  const execution = executionFlags(o);
  return {
    from: o.from!,
    to: o.to!,
    feed: o.feed === "replay" ? { kind: "replay", files: parseFiles(o.files!) } : { kind: "synthetic", seed, intervalMs: duration("--book-interval", o.bookInterval) },
    models: await resolveModels(config, o.models!),
    intervalMs: duration("--interval", o.interval),
    execution,
    seed,
    ...(o.llm ? { llm: { mode: o.llm as "record" | "replay", file: resolve(o.llmFile ?? "llm-recording.jsonl") } } : {}),
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
  };
}

/**
 * `--what-if <result.json>`: the baseline's span, books, interval and models with its decisions
 * replayed, and the execution flags given here over the baseline's (fees, slippage, latency; risk
 * limits through a --models file of the same model names).
 */
async function whatIfRequest(config: Config, o: BacktestCliOptions, path: string): Promise<BacktestRequestInput> {
  let base: BacktestResult;
  try {
    base = readBaseline(path);
  } catch (e) {
    throw bad(`--what-if: ${e instanceof Error ? e.message.replace(/^baseline: /, "") : String(e)}`);
  }
  if (!base.modelSpecs) throw bad(`--what-if: ${path} is not the result.json of autonome backtest (no models in it)`);
  const models = o.models ? await resolveModels(config, o.models) : (base.modelSpecs as BacktestModel[]);
  return {
    from: base.from,
    to: base.to,
    feed: base.feed,
    models,
    intervalMs: base.intervalMs,
    seed: base.seed,
    execution: {
      ...base.execution,
      ...executionFlags(o),
    },
    baseline: resolve(path),
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
  };
}

/** One line of progress: a bar on a terminal, a JSON line otherwise (what the API reads from a child run). */
export function progressLine(p: BacktestProgress, tty: boolean): string {
  if (!tty) return `${JSON.stringify({ progress: p })}\n`;
  const width = 30;
  const filled = Math.round(p.fraction * width);
  const eta = p.etaMs === null ? "--" : formatMs(p.etaMs);
  return `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(p.fraction * 100).toFixed(1).padStart(5)}%  ${new Date(p.simTime).toISOString().slice(0, 16)}Z  ${p.updatesPerSecond.toLocaleString("en-US")} updates/s  ETA ${eta}   `;
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Writes result.json and report.html into `dir`; returns their paths. */
export function writeBacktestOutput(dir: string, result: BacktestResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "result.json");
  const html = join(dir, "report.html");
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(html, renderReport(result));
  return { json, html };
}

/** What a paper day's baseline holds fixed: rule models' tool calls, and LLM models' recorded calls. */
interface HeldDecisions {
  decisions: BacktestDecision[];
  llmRuns: PaperLlmRun[];
}

/**
 * `--what-if paper`: the models' real decisions of a paper-trading span (this installation's
 * database) replayed over its stored candles, once with the simulator's defaults (the baseline,
 * written to <out>/baseline) and once with the execution flags given.
 */
async function paperWhatIf(config: Config, o: BacktestCliOptions, dir: string, run: (r: BacktestRequest, held?: HeldDecisions) => Promise<BacktestResult>): Promise<BacktestResult> {
  if (!o.from || !o.to || !o.models) throw bad("--what-if paper needs --from, --to and --models (ids or names of this installation's models)");
  if (o.llm !== undefined && o.llm !== "replay") throw bad(`--llm: "${o.llm}" with --what-if paper: a paper day's LLM calls are replayed from their recording (--llm replay), never called again`);
  if (!config.databaseUrl && (await server(config))) throw bad("--what-if paper reads the embedded database, which the running server holds: stop it first, or run on PostgreSQL (DATABASE_URL)");
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  let day: Awaited<ReturnType<typeof loadPaperDay>>;
  try {
    // A database last opened by an older version lacks the newer tables (llm_calls): the server's start would add them too.
    await database.migrate();
    const parse = (t: string, flag: string) => {
      const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
      if (!Number.isSafeInteger(ms)) throw bad(`${flag}: "${t}" must be an ISO 8601 time or epoch ms`);
      return ms;
    };
    day = await loadPaperDay(database.db, {
      from: parse(o.from, "--from"),
      to: parse(o.to, "--to"),
      models: o.models.split(",").map((s) => s.trim()),
      intervalMs: config.tradeIntervalMs,
      dir: join(dir, "candles"),
      llm: o.llm === "replay" ? "replay" : "auto",
    });
  } finally {
    await database.close();
  }
  for (const note of day.notes) process.stderr.write(`note: ${note}\n`);
  const baseline = await run(parseBacktestRequest(day.request, { decisionsHeld: true }), { decisions: day.decisions, llmRuns: day.llmRuns });
  const baselineFiles = writeBacktestOutput(join(dir, "baseline"), baseline);
  const execution = executionFlags(o);
  return run(parseBacktestRequest({ ...day.request, execution, baseline: baselineFiles.json }));
}

export async function backtestCommand(config: Config, o: BacktestCliOptions): Promise<void> {
  const tty = process.stderr.isTTY === true;
  // Stopped (Ctrl-C, the API canceling, the server gone): the run ends between two steps and its
  // own database is dropped on the way out, rather than left on a PostgreSQL server.
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  const run = (request: BacktestRequest, held?: HeldDecisions) =>
    runBacktest(request, { onProgress: (p) => process.stderr.write(progressLine(p, tty)), progressEveryMs: tty ? 200 : 1000, signal: stop.signal, ...held });
  const dir = resolve(o.out ?? join("backtests", new Date().toISOString().replace(/[:.]/g, "-")));
  const result = o.whatIf === "paper" ? await paperWhatIf(config, o, dir, run) : await run(parseBacktestRequest(await backtestRequestFromCli(config, o)));
  if (tty) process.stderr.write("\n");
  const files = writeBacktestOutput(dir, result);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = result.models.map((m) => [
    m.name,
    m.strategy,
    m.metrics.finalEquity,
    m.metrics.returnPct === null ? "-" : `${(m.metrics.returnPct * 100).toFixed(2)}%`,
    String(m.metrics.trades),
    m.metrics.fees,
    m.metrics.funding ?? "-",
  ]);
  const head = ["model", "strategy", "final equity", "return", "trades", "fees", "funding"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(
    [
      line(head),
      ...rows.map(line),
      "",
      `hash    ${result.hash}`,
      `updates ${result.stats.updates.toLocaleString("en-US")} in ${formatMs(result.stats.wallMs)} (${result.stats.simulatedDaysPerSecond.toFixed(2)} simulated days/s)`,
      `report  ${files.html}`,
      `json    ${files.json}`,
      "",
    ].join("\n"),
  );
}
