import type { BacktestRequestView, RiskLimits } from "../api/types.ts";
import { checkExecution, formFieldOf, type BacktestForm } from "./backtests.ts";

/**
 * The what-if form's pure parts: a done run's decisions held fixed while the execution around
 * them changes (fees, slippage, latency, the simulator's seed, the order type of entries) and
 * each model's risk limits; the span, the market and the models stay the run's.
 */

export type RiskLimitName = keyof RiskLimits;

/** The limits a model may be given, in the units a person writes them (src/trading/risk/limits.ts). */
export const RISK_INPUTS: ReadonlyArray<{ key: RiskLimitName; label: string; kind: "number" | "whole" | "flag" }> = [
  { key: "maxLeverage", label: "Max leverage (×)", kind: "number" },
  { key: "maxGrossExposure", label: "Max gross exposure (× equity)", kind: "number" },
  { key: "maxRiskPerTradePct", label: "Max risk per trade (%)", kind: "number" },
  { key: "minCashReservePct", label: "Min cash reserve (%)", kind: "number" },
  { key: "maxOpenPositions", label: "Max open positions", kind: "whole" },
  { key: "flipCooldownMinutes", label: "Flip cooldown (min)", kind: "whole" },
  { key: "maxDailyLossPct", label: "Max daily loss (%)", kind: "number" },
  { key: "maxTotalLossPct", label: "Max total loss (%)", kind: "number" },
  { key: "requireStop", label: "Require a stop", kind: "flag" },
  { key: "oneActionPerSymbolPerRun", label: "One action per symbol per run", kind: "flag" },
];

/** A model's limits as typed: a number as text, "yes"/"no" for a flag, "" for the default. */
export type RiskInputs = Record<RiskLimitName, string>;

export type WhatIfForm = Pick<BacktestForm, "seed" | "makerFeeBps" | "takerFeeBps" | "slippageBps" | "latencyMinMs" | "latencyMaxMs"> & {
  /** Entries at the market, or post-only limits resting behind the touch that may expire unfilled. */
  entryType: "market" | "limit";
  entryOffsetBps: string;
  /** Seconds (the API takes milliseconds). */
  entryExpireS: string;
  /** Each model of the run, in its order, with its limits. */
  risk: Array<{ name: string; limits: RiskInputs }>;
};

type Request = Pick<BacktestRequestView, "execution" | "seed"> & { models?: ReadonlyArray<{ name: string; risk?: Record<string, unknown> | undefined }> };

/** The run's own limits as inputs: those it set, the others empty (the default). */
function riskInputs(risk: Record<string, unknown> | undefined): RiskInputs {
  const out = {} as RiskInputs;
  for (const { key } of RISK_INPUTS) {
    const v = risk?.[key];
    out[key] = typeof v === "boolean" ? (v ? "yes" : "no") : typeof v === "number" ? String(v) : "";
  }
  return out;
}

/** The form prefilled with the run's own execution, seed, entries and limits. */
export function whatIfForm(r: Request): WhatIfForm {
  const entries = r.execution.entries;
  return {
    seed: String(r.seed),
    makerFeeBps: String(r.execution.makerFeeBps),
    takerFeeBps: String(r.execution.takerFeeBps),
    slippageBps: String(r.execution.extraSlippageBps),
    latencyMinMs: String(r.execution.latency.minMs),
    latencyMaxMs: String(r.execution.latency.maxMs),
    entryType: entries?.type === "limit" ? "limit" : "market",
    entryOffsetBps: entries?.type === "limit" ? String(entries.offsetBps) : "0",
    entryExpireS: entries?.type === "limit" ? String(entries.expireAfterMs / 1000) : "60",
    risk: (r.models ?? []).map((m) => ({ name: m.name, limits: riskInputs(m.risk) })),
  };
}

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** The input key of a model's limit: `risk.<model index>.<limit>`. */
export const riskField = (model: number, key: RiskLimitName) => `risk.${model}.${key}`;

/** Problems found before sending, by the form's field names; ranges are the server's to judge. */
export function checkWhatIfForm(f: WhatIfForm): Record<string, string> {
  const e = checkExecution(f);
  if (!WHOLE.test(f.seed.trim())) e.seed = "A whole number, 0 or more.";
  if (f.entryType === "limit") {
    if (!DECIMAL.test(f.entryOffsetBps.trim())) e.entryOffsetBps = "Basis points behind the touch, 0 or more, e.g. 2 or 0.5.";
    if (!WHOLE.test(f.entryExpireS.trim())) e.entryExpireS = "Whole seconds, e.g. 60.";
  }
  f.risk.forEach((m, i) => {
    for (const { key, kind } of RISK_INPUTS) {
      const v = m.limits[key].trim();
      if (v === "" || kind === "flag") continue;
      if (kind === "whole" && !WHOLE.test(v)) e[riskField(i, key)] = "A whole number, or empty for the default.";
      if (kind === "number" && !DECIMAL.test(v)) e[riskField(i, key)] = "A number such as 2 or 0.5, or empty for the default.";
    }
  });
  return e;
}

/** A model's limits as the API takes them: the inputs given, the empty ones left to the default. */
function riskBody(limits: RiskInputs): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const { key, kind } of RISK_INPUTS) {
    const v = limits[key].trim();
    if (v === "") continue;
    out[key] = kind === "flag" ? v === "yes" : Number(v);
  }
  return out;
}

const same = (a: Record<string, unknown>, b: Record<string, unknown>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * The POST /api/backtests/:id/what-if body. The execution goes whole: the server takes it in
 * place of the run's, so a field left out would fall back to the default, not to the run's
 * value. A model's limits replace the run's, so only the models whose limits changed are named.
 */
export function whatIfBody(f: WhatIfForm, run?: Request): { execution: BacktestRequestView["execution"]; seed: number; risk?: Record<string, Record<string, number | boolean>> } {
  const before = new Map((run?.models ?? []).map((m) => [m.name, riskBody(riskInputs(m.risk))]));
  const risk: Record<string, Record<string, number | boolean>> = {};
  for (const m of f.risk) {
    const limits = riskBody(m.limits);
    if (!same(limits, before.get(m.name) ?? {})) risk[m.name] = limits;
  }
  return {
    execution: {
      makerFeeBps: Number(f.makerFeeBps),
      takerFeeBps: Number(f.takerFeeBps),
      extraSlippageBps: Number(f.slippageBps),
      latency: { minMs: Number(f.latencyMinMs), maxMs: Number(f.latencyMaxMs) },
      entries: f.entryType === "limit" ? { type: "limit", offsetBps: Number(f.entryOffsetBps), expireAfterMs: Number(f.entryExpireS) * 1000 } : { type: "market" },
    },
    seed: Number(f.seed),
    ...(Object.keys(risk).length > 0 ? { risk } : {}),
  };
}

/** The inputs of the what-if form a server error may be shown under (a model's limits aside). */
const WHAT_IF_FIELDS = new Set(["seed", "makerFeeBps", "takerFeeBps", "slippageBps", "latency", "entryType", "entryOffsetBps", "entryExpireS"]);

/** Which what-if input a server field error belongs under, or "" for above the form. */
export function whatIfFieldOf(path: string): string {
  const limit = /^models\[(\d+)\]\.risk\.(\w+)$/.exec(path);
  if (limit) return RISK_INPUTS.some((r) => r.key === limit[2]) ? `risk.${limit[1]}.${limit[2]}` : "";
  if (path === "execution.entries.offsetBps") return "entryOffsetBps";
  if (path === "execution.entries.expireAfterMs") return "entryExpireS";
  if (path.startsWith("execution.entries")) return "entryType";
  const field = formFieldOf(path);
  return WHAT_IF_FIELDS.has(field) ? field : "";
}

/**
 * Server field errors under the what-if's inputs: a model's limit (`models[1].risk.maxLeverage`,
 * as the server checks the new run's models) under that model's input, the execution's under
 * theirs, anything else above the form naming its field.
 */
export function placeWhatIfErrors(errors: Record<string, string>): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const [path, text] of Object.entries(errors)) {
    const field = whatIfFieldOf(path);
    if (field === "") other.push(path === "" ? text : `${path}: ${text}`);
    else byField[field] = byField[field] ? `${byField[field]}; ${text}` : text;
  }
  return { byField, other };
}
