import type { backtests } from "../db/schema.js";
import type { BacktestRequest } from "./request.js";
import type { BacktestMetrics, BacktestProgress, BacktestResult } from "./types.js";

/**
 * The wire shapes of /api/backtests: times as ISO strings, as the rest of the API; the full
 * result (`result`, as result.json holds it) keeps the CLI's epoch milliseconds.
 */

export type BacktestStatus = "queued" | "running" | "done" | "failed" | "canceled";

export type BacktestRow = typeof backtests.$inferSelect;

/** The request as validated and run, with its defaults; `from` and `to` as ISO text (the request format takes them back); a `databaseUrl`'s password masked. */
export type BacktestRequestView = Omit<BacktestRequest, "from" | "to"> & { from: string; to: string };

export interface BacktestProgressView {
  /** Simulated time reached. */
  simTime: string;
  /** 0..1 of the simulated span. */
  fraction: number;
  updates: number;
  updatesPerSecond: number;
  elapsedMs: number;
  /** Wall ms still to go, estimated; null before there is a rate. */
  etaMs: number | null;
  cycles: number;
}

/** What the list shows of a finished run: its hash, statistics and every model's metrics. */
export interface BacktestSummary {
  hash: string;
  stats: BacktestResult["stats"];
  models: Array<{ name: string; kind: "rule" | "llm"; strategy: string; metrics: BacktestMetrics }>;
}

export interface BacktestView {
  id: string;
  status: BacktestStatus;
  request: BacktestRequestView;
  progress: BacktestProgressView | null;
  summary: BacktestSummary | null;
  /** Why it failed (the run's own last message), null otherwise. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** `/api/backtests/:id/report` once done, null before. */
  reportUrl: string | null;
  /** A what-if run from the API: the backtest whose decisions it replays (also `request.baseline`); null otherwise. */
  baselineId: string | null;
}

/** One backtest with the full result (result.json) once it is done. */
export interface BacktestDetailView extends BacktestView {
  result: BacktestResult | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `<dir>/<id>/result.json`, as the API resolves a baseline id (a CLI what-if names any file: no id then). */
const BASELINE_FILE = /(?:^|[\\/])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})[\\/]result\.json$/i;

/** The id of the backtest a what-if request replays, read from its baseline's path; null for none or a file of no backtest. */
export function baselineIdOf(baseline: string | undefined): string | null {
  return baseline === undefined ? null : (BASELINE_FILE.exec(baseline)?.[1]?.toLowerCase() ?? null);
}

export function summaryOf(result: BacktestResult): BacktestSummary {
  return {
    hash: result.hash,
    stats: result.stats,
    models: result.models.map((m) => ({ name: m.name, kind: m.kind, strategy: m.strategy, metrics: m.metrics })),
  };
}

export function progressView(p: BacktestProgress): BacktestProgressView {
  return {
    simTime: new Date(p.simTime).toISOString(),
    fraction: p.fraction,
    updates: p.updates,
    updatesPerSecond: p.updatesPerSecond,
    elapsedMs: p.elapsedMs,
    etaMs: p.etaMs,
    cycles: p.cycles,
  };
}

/** A connection string without its password: the view is served to anyone who may read (GET needs no token). */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === "") return url;
    u.password = "***";
    return u.toString();
  } catch {
    return "(unreadable URL)";
  }
}

export function requestView(r: BacktestRequest): BacktestRequestView {
  const { baseline, ...rest } = r;
  // A baseline is shown as the backtest id the API takes back, never as a file path of the server.
  const baselineId = baselineIdOf(baseline);
  return {
    ...rest,
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    ...(r.databaseUrl !== undefined ? { databaseUrl: withoutPassword(r.databaseUrl) } : {}),
    ...(baselineId !== null ? { baseline: baselineId } : {}),
  };
}

export function backtestView(row: BacktestRow): BacktestView {
  const request = row.request as unknown as BacktestRequest;
  return {
    id: row.id,
    status: row.status,
    request: requestView(request),
    progress: row.progress ? progressView(row.progress as unknown as BacktestProgress) : null,
    summary: (row.summary as BacktestSummary | null) ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    reportUrl: row.status === "done" ? `/api/backtests/${encodeURIComponent(row.id)}/report` : null,
    baselineId: baselineIdOf(request.baseline),
  };
}
