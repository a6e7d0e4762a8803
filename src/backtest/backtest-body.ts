import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { inArray } from "drizzle-orm";
import { RULE_STRATEGIES } from "../agents/rules/index.js";
import { findVariant, LLM_VARIANTS, variantLabel } from "../agents/llm/variants.js";
import { parseLlmSettings } from "../agents/llm/settings.js";
import { invalid } from "../core/errors.js";
import { resolveLimits } from "../trading/risk/limits.js";
import { formatUsd, usd } from "../core/money.js";
import type { Db } from "../db/client.js";
import { models } from "../db/schema.js";
import { BacktestRequestError, parseBacktestRequest, type BacktestModel, type BacktestRequest } from "./request.js";

/**
 * POST /api/backtests: the request format of `autonome backtest --request`, where a model may
 * also be given as the id of a model of this installation. Everything is checked here, before
 * anything is written: a bad field is a 400 naming it.
 */

export interface BodyContext {
  db: Db;
  /** Relative file paths (replay files, the LLM recording) are taken from here. */
  cwd: string;
  /** Where an LLM recording goes when `{"mode":"record"}` names no file. */
  defaultLlmFile: string;
  /** The result file of a done backtest of this installation, for a what-if's `baseline` (a 400 otherwise). */
  baselineOf?: (id: string) => Promise<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A what-if's baseline is named by a backtest id here, never by a path: the API reads no file a
 * caller names but the replay files of a run.
 */
async function resolveBaseline(value: unknown, c: BodyContext): Promise<unknown> {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !UUID.test(value.trim())) throw invalid("baseline: must be the id of a done backtest (GET /api/backtests), whose decisions the what-if replays");
  if (!c.baselineOf) throw invalid("baseline: this process keeps no backtests");
  return c.baselineOf(value.trim().toLowerCase());
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `models.0.kind` → `models[0].kind`, `request` → `body`: field names as the rest of the API writes them. */
export function apiProblem(line: string): string {
  const at = line.indexOf(": ");
  if (at < 0) return line;
  const path = line.slice(0, at);
  return `${path === "request" ? "body" : path.replace(/\.(\d+)(?=\.|$)/g, "[$1]")}${line.slice(at)}`;
}

/** Model ids resolved to the bodies the backtest creates: name, strategy, capital, risk limits and LLM settings as they are here. */
async function resolveModelIds(db: Db, list: unknown[]): Promise<unknown[]> {
  const ids = list.filter((m): m is string => typeof m === "string");
  if (ids.length === 0) return list;
  const rows = await db.select().from(models).where(inArray(models.id, ids));
  const problems: string[] = [];
  const resolved = list.map((m, i) => {
    if (typeof m !== "string") return m;
    const row = rows.find((r) => r.id === m);
    if (!row) return void problems.push(`models[${i}]: no model "${m}" here (give an id of GET /api/models, or a model body as POST /api/models takes it)`);
    if (row.kind === "mirror") return void problems.push(`models[${i}]: "${row.name}" is a follower (kind "mirror"): its orders come from its mirror, so a backtest cannot run it`);
    if (row.kind === "follow") return void problems.push(`models[${i}]: "${row.name}" follows Polymarket wallets (kind "follow"): backtests run perpetual models only`);
    const config = row.config as { risk?: Record<string, unknown>; llm?: BacktestModel["llm"] };
    return {
      name: row.name,
      kind: row.kind,
      strategy: row.strategy,
      initialCapital: formatUsd(usd(row.initialCapital)),
      ...(config.risk ? { risk: config.risk } : {}),
      ...(config.llm ? { llm: config.llm } : {}),
    } satisfies BacktestModel;
  });
  if (problems.length > 0) throw invalid(problems.join("; "));
  return resolved;
}

/** Relative paths made absolute, and the recording's default file, on a copy of the body. */
function withPaths(body: Record<string, unknown>, c: BodyContext): Record<string, unknown> {
  const out = { ...body };
  const abs = (p: unknown) => (typeof p === "string" && p.trim() !== "" && !isAbsolute(p.trim()) ? resolve(c.cwd, p.trim()) : p);
  if (isObject(out.feed) && Array.isArray(out.feed.files)) {
    out.feed = { ...out.feed, files: out.feed.files.map((f) => (isObject(f) ? { ...f, path: abs(f.path) } : f)) };
  }
  if (isObject(out.llm)) out.llm = { ...out.llm, file: out.llm.mode === "record" && out.llm.file === undefined ? c.defaultLlmFile : abs(out.llm.file) };
  return out;
}

const CAPITAL = /^\d{1,15}(\.\d{1,6})?$/;

/**
 * What creating each model in the run would refuse (strategy, capital, risk limits, LLM
 * settings), found now rather than when the run starts.
 */
function modelProblems(list: readonly BacktestModel[]): string[] {
  return list.flatMap((m, i) => {
    const at = `models[${i}]`;
    const out: string[] = [];
    const known = m.kind === "rule" ? Object.keys(RULE_STRATEGIES) : LLM_VARIANTS.map(variantLabel);
    // A variant may be named by its original alias ("Apex"); creating the model stores its descriptive name.
    if (m.kind === "rule" ? !known.includes(m.strategy) : !findVariant(m.strategy)) out.push(`${at}.strategy: unknown ${m.kind} strategy "${m.strategy}" (known: ${known.join(", ")})`);
    if (m.initialCapital !== undefined && !(CAPITAL.test(m.initialCapital) && /[1-9]/.test(m.initialCapital))) {
      out.push(`${at}.initialCapital: must be a positive decimal of dollars with at most 6 decimals`);
    }
    try {
      resolveLimits(m.risk);
    } catch (e) {
      for (const line of (e instanceof Error ? e.message : String(e)).split("; ")) out.push(`${at}.${line}`);
    }
    if (m.kind === "rule" && m.llm) out.push(`${at}.llm: only an llm model takes llm settings`);
    if (m.kind === "llm" && !m.llm) out.push(`${at}.llm: an llm model needs {baseUrl, model}`);
    if (m.kind === "llm" && m.llm) {
      try {
        parseLlmSettings(m.llm);
      } catch (e) {
        out.push(`${at}.llm: ${(e instanceof Error ? e.message : String(e)).replace(/^invalid LLM settings: /, "")}`);
      }
    }
    return out;
  });
}

/** Replay files must be readable files now: a 400 beats a run that fails at start. */
function fileProblems(request: BacktestRequest): string[] {
  if (request.feed.kind !== "replay") return [];
  return request.feed.files.flatMap((f, i) => {
    try {
      return statSync(f.path).isFile() ? [] : [`feed.files[${i}].path: ${f.path} is not a file`];
    } catch {
      return [`feed.files[${i}].path: no such file: ${f.path}`];
    }
  });
}

export async function backtestRequestFromBody(body: unknown, c: BodyContext): Promise<BacktestRequest> {
  if (!isObject(body)) throw invalid("body: must be a JSON object in the backtest request format");
  const input = withPaths(body, c);
  if (Array.isArray(input.models)) input.models = await resolveModelIds(c.db, input.models);
  if ("baseline" in input) input.baseline = await resolveBaseline(input.baseline, c);
  let request: BacktestRequest;
  try {
    request = parseBacktestRequest(input);
  } catch (e) {
    if (e instanceof BacktestRequestError) throw invalid(e.problems.map(apiProblem).join("; "));
    throw e;
  }
  const problems = [...modelProblems(request.models), ...fileProblems(request)];
  if (problems.length > 0) throw invalid(problems.join("; "));
  return request;
}
