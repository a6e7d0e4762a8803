import { pino } from "pino";
import type { Config } from "../app/config.js";
import { createAutonome, type Autonome } from "../app/autonome.js";
import { openDatabase } from "../db/client.js";
import { AppError } from "../core/errors.js";
import type { CreateModelInput, ModelView } from "../app/services.js";
import { findVariant, variantLabel } from "../agents/llm/variants.js";

/**
 * Model commands. When a server answers on the configured port they go through its HTTP API
 * (an embedded database can only be open in one process); otherwise they open the database.
 */
export async function withApp<T>(config: Config, f: (a: Autonome) => Promise<T>): Promise<T> {
  const a = await createAutonome(config, pino({ level: "warn" }));
  try {
    return await f(a);
  } finally {
    await a.stop();
  }
}

export async function server(config: Config): Promise<string | null> {
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  try {
    const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(800) });
    return r.ok ? url : null;
  } catch {
    return null;
  }
}

export async function call<T>(config: Config, url: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(config.apiToken ? { authorization: `Bearer ${config.apiToken}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json()) as T & { error?: { code: string; message: string } };
  if (!r.ok) throw new AppError(r.status as 400, json.error?.code ?? "error", json.error?.message ?? r.statusText);
  return json;
}

export async function migrateCommand(config: Config): Promise<void> {
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await db.migrate();
    process.stdout.write(`migrations applied (${db.kind})\n`);
  } finally {
    await db.close();
  }
}

export async function modelsList(config: Config, json: boolean): Promise<void> {
  const url = await server(config);
  const list = url ? await call<ModelView[]>(config, url, "GET", "/api/models") : await withApp(config, (a) => a.services.listModels());
  if (json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  const rows = list.map((m) => [m.id, m.name, m.kind, strategyLabel(m), m.status, m.account.equity, `${m.account.returnPct}%`]);
  const head = ["id", "name", "kind", "strategy", "status", "equity", "return"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: unknown[]) => r.map((c, i) => String(c).padEnd(widths[i]!)).join("  ");
  process.stdout.write(`${[line(head), ...rows.map(line)].join("\n")}\n`);
}

/** An LLM model's variant with the name the original system gave it: "capital-preservation (Guardian)". */
function strategyLabel(m: Pick<ModelView, "kind" | "strategy">): string {
  const v = m.kind === "llm" ? findVariant(m.strategy) : undefined;
  return v ? variantLabel(v) : m.strategy;
}

export interface AddOptions {
  name: string;
  strategy: string;
  capital: string;
  llm?: boolean;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  temperature?: string;
  maxSteps?: string;
}

function number(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new AppError(400, "invalid_request", `${flag}: "${text}" must be a${integer ? " whole" : ""} number`);
  return n;
}

/** The request body `models add` sends: the same validation as POST /api/models applies to it. */
export function addBody(o: AddOptions): CreateModelInput {
  if (!/^\d+(\.\d{1,6})?$/.test(o.capital) || Number(o.capital) <= 0) throw new AppError(400, "invalid_request", `--capital: "${o.capital}" must be a positive amount of dollars`);
  const llmFlags = [o.baseUrl, o.model, o.apiKeyEnv, o.temperature, o.maxSteps].some((v) => v !== undefined);
  if (!o.llm) {
    if (llmFlags) throw new AppError(400, "invalid_request", "--base-url, --model, --api-key-env, --temperature and --max-steps need --llm");
    return { name: o.name, kind: "rule", strategy: o.strategy, initialCapital: o.capital };
  }
  if (!o.baseUrl || !o.model) throw new AppError(400, "invalid_request", "--llm needs --base-url and --model");
  const temperature = number("--temperature", o.temperature, false);
  const maxSteps = number("--max-steps", o.maxSteps, true);
  return {
    name: o.name,
    kind: "llm",
    strategy: o.strategy,
    initialCapital: o.capital,
    llm: {
      baseUrl: o.baseUrl,
      model: o.model,
      ...(o.apiKeyEnv ? { apiKeyEnv: o.apiKeyEnv } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxSteps !== undefined ? { maxSteps } : {}),
    },
  };
}

export async function modelsAdd(config: Config, o: AddOptions): Promise<void> {
  const body = addBody(o);
  const url = await server(config);
  const m = url ? await call<ModelView>(config, url, "POST", "/api/models", body) : await withApp(config, (a) => a.services.createModel(body));
  process.stdout.write(`added ${m.name} (${m.id}) with ${m.account.cash} USD\n`);
}

export async function modelsSetStatus(config: Config, id: string, status: "active" | "paused"): Promise<void> {
  const url = await server(config);
  const m = url ? await call<ModelView>(config, url, "PATCH", `/api/models/${encodeURIComponent(id)}`, { status }) : await withApp(config, (a) => a.services.setModelStatus(id, status));
  process.stdout.write(`${m.name} is ${m.status}\n`);
}
