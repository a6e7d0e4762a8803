import type { BacktestMetrics, BacktestRequestView, BacktestResult, BacktestStatus, BacktestView, ModelView } from "../api/types.ts";
import { subtractDecimal } from "./decimal.ts";
import { duration } from "./format.ts";

/**
 * The backtests page's pure parts: the form's state, its checks and the body it sends, where
 * the server's field errors go in it, and the words and figures the list and the detail show.
 */

export interface BacktestForm {
  /** `<input type="datetime-local">` values: the browser's time zone. */
  from: string;
  to: string;
  feed: "synthetic" | "replay";
  /** The synthetic feed's seed and the simulator's (latency draws), as the CLI's --seed. */
  seed: string;
  /** Synthetic books every this many ms. */
  bookMs: string;
  files: Array<{ symbol: string; path: string }>;
  modelIds: string[];
  /** The models' decision interval, a key of INTERVALS. */
  interval: string;
  makerFeeBps: string;
  takerFeeBps: string;
  slippageBps: string;
  latencyMinMs: string;
  latencyMaxMs: string;
  /** With an LLM model: record its calls (to `llmFile`, or the run's folder) or replay them from `llmFile`. */
  llmMode: "record" | "replay";
  llmFile: string;
}

export const INTERVALS: ReadonlyArray<{ value: string; label: string; ms: number }> = [
  { value: "1m", label: "1 minute", ms: 60_000 },
  { value: "5m", label: "5 minutes", ms: 300_000 },
  { value: "15m", label: "15 minutes", ms: 900_000 },
  { value: "30m", label: "30 minutes", ms: 1_800_000 },
  { value: "1h", label: "1 hour", ms: 3_600_000 },
  { value: "4h", label: "4 hours", ms: 14_400_000 },
];

const pad = (n: number) => String(n).padStart(2, "0");

/** A Date as an `<input type="datetime-local">` value, in the browser's time zone. */
export function localInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The last full day before `now`'s hour; the simulator's default fees, no slippage or latency. */
export function emptyBacktestForm(now: Date): BacktestForm {
  const to = new Date(now);
  to.setMinutes(0, 0, 0);
  const from = new Date(to.getTime() - 86_400_000);
  return {
    from: localInput(from),
    to: localInput(to),
    feed: "synthetic",
    seed: "42",
    bookMs: "1000",
    files: [{ symbol: "BTC", path: "" }],
    modelIds: [],
    interval: "5m",
    makerFeeBps: "2",
    takerFeeBps: "6",
    slippageBps: "0",
    latencyMinMs: "0",
    latencyMaxMs: "0",
    llmMode: "record",
    llmFile: "",
  };
}

const WHOLE = /^\d+$/;
const BPS = /^-?\d+(\.\d+)?$/;

/** Problems the server would refuse anyway, found before sending, by the form's field names. */
export function checkBacktestForm(f: BacktestForm, models: readonly ModelView[]): Record<string, string> {
  const e: Record<string, string> = {};
  const from = Date.parse(f.from);
  const to = Date.parse(f.to);
  if (!Number.isFinite(from)) e.from = "Choose when the run starts.";
  if (!Number.isFinite(to)) e.to = "Choose when the run ends.";
  else if (Number.isFinite(from) && to <= from) e.to = "Must be after the start.";
  if (f.modelIds.length === 0) e.models = "Choose at least one model.";
  if (!WHOLE.test(f.seed.trim())) e.seed = "A whole number, 0 or more.";
  if (f.feed === "synthetic" && !(WHOLE.test(f.bookMs.trim()) && Number(f.bookMs) >= 100)) e.bookMs = "Milliseconds, at least 100.";
  if (f.feed === "replay" && !f.files.some((x) => x.path.trim() !== "")) e.files = "Give at least one recorded file (a path on the server).";
  if (f.feed === "replay" && f.files.some((x) => x.path.trim() !== "" && x.symbol.trim() === "")) e.files = "Each file needs the symbol it plays into.";
  Object.assign(e, checkExecution(f));
  if (usesLlm(f, models) && f.llmMode === "replay" && f.llmFile.trim() === "") e.llm = "Replaying needs the recording's file (a path on the server).";
  return e;
}

/** The fees, slippage and latency inputs (shared by the new-backtest and the what-if forms). Signs and ranges are the server's to judge: a maker rebate is negative. */
export function checkExecution(f: Pick<BacktestForm, "makerFeeBps" | "takerFeeBps" | "slippageBps" | "latencyMinMs" | "latencyMaxMs">): Record<string, string> {
  const e: Record<string, string> = {};
  for (const k of ["makerFeeBps", "takerFeeBps", "slippageBps"] as const) if (!BPS.test(f[k].trim())) e[k] = "Basis points, e.g. 2 or 0.5.";
  if (!WHOLE.test(f.latencyMinMs.trim()) || !WHOLE.test(f.latencyMaxMs.trim())) e.latency = "Whole milliseconds.";
  else if (Number(f.latencyMinMs) > Number(f.latencyMaxMs)) e.latency = "The least latency must not exceed the most.";
  return e;
}

/** One model in a what-if run beside its baseline; a side is null when only the other run has the model. */
export interface WhatIfComparison {
  name: string;
  baseline: BacktestMetrics | null;
  whatIf: BacktestMetrics | null;
  /** What-if minus baseline, null when a side is missing: returns and drawdowns in percentage points, fees exact dollars. */
  returnDiff: number | null;
  feesDiff: string | null;
  tradesDiff: number | null;
  maxDrawdownDiff: number | null;
}

const points = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? null : (a - b) * 100);

/** Each model of a what-if run beside its baseline's figures, matched by name (the what-if's order, then models only the baseline has); null for a run that is no what-if. */
export function compareWhatIf(result: Pick<BacktestResult, "models" | "baseline">): WhatIfComparison[] | null {
  const base = result.baseline?.result;
  if (!base) return null;
  const names = [...result.models.map((m) => m.name), ...base.models.map((m) => m.name).filter((n) => !result.models.some((m) => m.name === n))];
  return names.map((name) => {
    const w = result.models.find((m) => m.name === name)?.metrics ?? null;
    const b = base.models.find((m) => m.name === name)?.metrics ?? null;
    return {
      name,
      baseline: b,
      whatIf: w,
      returnDiff: points(w?.returnPct, b?.returnPct),
      feesDiff: w && b ? subtractDecimal(w.fees, b.fees) : null,
      tradesDiff: w && b ? w.trades - b.trades : null,
      maxDrawdownDiff: points(w?.maxDrawdown, b?.maxDrawdown),
    };
  });
}

/** Whether a chosen model is an LLM model (the run then records or replays its calls). */
export function usesLlm(f: BacktestForm, models: readonly ModelView[]): boolean {
  return models.some((m) => m.kind === "llm" && f.modelIds.includes(m.id));
}

/** The POST /api/backtests body: models by their ids here, times in UTC. */
export function backtestBody(f: BacktestForm, models: readonly ModelView[]): Record<string, unknown> {
  const seed = Number(f.seed);
  return {
    from: new Date(f.from).toISOString(),
    to: new Date(f.to).toISOString(),
    feed:
      f.feed === "synthetic"
        ? { kind: "synthetic", seed, intervalMs: Number(f.bookMs) }
        : { kind: "replay", files: f.files.filter((x) => x.path.trim() !== "").map((x) => ({ symbol: x.symbol.trim().toUpperCase(), path: x.path.trim() })) },
    models: f.modelIds,
    intervalMs: INTERVALS.find((i) => i.value === f.interval)?.ms ?? 300_000,
    execution: {
      makerFeeBps: Number(f.makerFeeBps),
      takerFeeBps: Number(f.takerFeeBps),
      extraSlippageBps: Number(f.slippageBps),
      latency: { minMs: Number(f.latencyMinMs), maxMs: Number(f.latencyMaxMs) },
    },
    seed,
    ...(usesLlm(f, models) ? { llm: { mode: f.llmMode, ...(f.llmFile.trim() ? { file: f.llmFile.trim() } : {}) } } : {}),
  };
}

/** Which input a server field error belongs under (`feed.files[0].path` → files), or "" for above the form. */
export function formFieldOf(path: string): string {
  const rules: Array<[RegExp, string]> = [
    [/^from$/, "from"],
    [/^to$/, "to"],
    [/^(seed|feed\.seed)$/, "seed"],
    [/^feed\.intervalMs$/, "bookMs"],
    [/^feed\.files/, "files"],
    [/^feed/, "feed"],
    [/^models/, "models"],
    [/^intervalMs$/, "interval"],
    [/^execution\.makerFeeBps$/, "makerFeeBps"],
    [/^execution\.takerFeeBps$/, "takerFeeBps"],
    [/^execution\.extraSlippageBps$/, "slippageBps"],
    [/^execution\.latency/, "latency"],
    [/^llm/, "llm"],
  ];
  return rules.find(([re]) => re.test(path))?.[1] ?? "";
}

/** Server field errors (by full path) gathered under the form's inputs; a path inside a list keeps its place in the text. */
export function placeBacktestErrors(errors: Record<string, string>): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const [path, text] of Object.entries(errors)) {
    const field = formFieldOf(path);
    if (field === "") {
      other.push(path === "" ? text : `${path}: ${text}`);
      continue;
    }
    const shown = /\[\d+\]/.test(path) ? `${path}: ${text}` : text;
    byField[field] = byField[field] ? `${byField[field]}; ${shown}` : shown;
  }
  return { byField, other };
}

export const isActive = (status: BacktestStatus) => status === "queued" || status === "running";

const SPAN_DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });
const SPAN_TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** "Nov 1, 2026, 00:00 → 02:00" (the end's date only when it differs), in the browser's time zone. */
export function spanText(r: Pick<BacktestRequestView, "from" | "to">): string {
  const from = new Date(r.from);
  const to = new Date(r.to);
  const sameDay = from.toDateString() === to.toDateString();
  return `${SPAN_DAY.format(from)}, ${SPAN_TIME.format(from)} → ${sameDay ? "" : `${SPAN_DAY.format(to)}, `}${SPAN_TIME.format(to)}`;
}

/** How long the simulated span is: "2h 00m", "30d 0h". */
export const spanLength = (r: Pick<BacktestRequestView, "from" | "to">) => duration(Date.parse(r.to) - Date.parse(r.from));

/** "synthetic (seed 7, 1 s books)" or "replay: BTC, ETH". */
export function feedText(feed: BacktestRequestView["feed"]): string {
  return feed.kind === "synthetic" ? `synthetic (seed ${feed.seed}, books every ${duration(feed.intervalMs)})` : `replay: ${feed.files.map((f) => f.symbol).join(", ")}`;
}

/** "maker 2 / taker 6 bps, slippage 0 bps, latency 0 ms" (or a range). */
export function executionText(x: BacktestRequestView["execution"]): string {
  const latency = x.latency.minMs === x.latency.maxMs ? `${x.latency.minMs} ms` : `${x.latency.minMs}–${x.latency.maxMs} ms`;
  const entries = x.entries?.type === "limit" ? `, limit entries ${x.entries.offsetBps} bps behind the touch (${duration(x.entries.expireAfterMs)} to fill)` : "";
  return `fees ${x.makerFeeBps}/${x.takerFeeBps} bps (maker/taker), slippage ${x.extraSlippageBps} bps, latency ${latency}${entries}`;
}

/** Each model's return once done (percent, best first), from the summary. */
export function modelReturns(b: BacktestView): Array<{ name: string; returnPct: number | null }> {
  return (b.summary?.models ?? [])
    .map((m) => ({ name: m.name, returnPct: m.metrics.returnPct === null ? null : m.metrics.returnPct * 100 }))
    .sort((a, b) => (b.returnPct ?? -Infinity) - (a.returnPct ?? -Infinity));
}
