import type { ToolName } from "./tools.js";

/**
 * The argument names of the original system's tools (snake_case: `stop_loss`, `profit_target`,
 * `coin`, `signal`, ...) accepted as aliases of today's, so prompts written for the original
 * keep working. Arguments are renamed before validation, so the schemas (and the JSON Schema
 * the provider is sent) stay as they are; a call that gives a field under both names with two
 * different values is refused, naming both, rather than one silently winning. Extra fields the
 * original had and these tools do not use (`risk_usd`, `justification` on an entry) are
 * ignored, as any unknown field is.
 */

/** Alias -> today's name, per object: an entry, an exit-plan update, a whole call. */
const ENTRY: Readonly<Record<string, string>> = {
  coin: "symbol",
  asset: "symbol",
  signal: "side",
  stop_loss: "stopLoss",
  profit_target: "profitTarget",
  take_profit: "profitTarget",
  invalidation_condition: "invalidationCondition",
  invalidation_price: "invalidationPrice",
  time_exit_minutes: "timeExitMinutes",
  cooldown_minutes: "cooldownMinutes",
};

const UPDATE: Readonly<Record<string, string>> = {
  coin: "symbol",
  asset: "symbol",
  stop_loss: "stopLoss",
  profit_target: "profitTarget",
  take_profit: "profitTarget",
  invalidation_price: "invalidationPrice",
  time_exit_minutes: "timeExitMinutes",
};

const CLOSE: Readonly<Record<string, string>> = { coins: "symbols", coin: "symbol", asset: "symbol" };
const HOLDING: Readonly<Record<string, string>> = { justification: "reason" };

/** The original's signals (and lower-case sides) as today's sides. */
const SIDES: Readonly<Record<string, string>> = {
  long: "LONG",
  buy: "LONG",
  buy_to_enter: "LONG",
  short: "SHORT",
  sell: "SHORT",
  sell_to_enter: "SHORT",
  hold: "HOLD",
};

export type Normalized = { ok: true; value: unknown } | { ok: false; message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A decimal written as a number or a string, in one spelling ("49000", 49000, "49000.0" are one value). */
function canonicalDecimal(v: unknown): string | null {
  const text = typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" ? v.trim() : null;
  if (text === null || !/^\d+(\.\d*)?$|^\.\d+$/.test(text)) return null;
  const [whole = "", frac = ""] = text.split(".");
  const w = whole.replace(/^0+(?=\d)/, "") || "0";
  const f = frac.replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}

function sameValue(a: unknown, b: unknown): boolean {
  const da = canonicalDecimal(a);
  const db = canonicalDecimal(b);
  if (da !== null && db !== null) return da === db;
  return JSON.stringify(a) === JSON.stringify(b);
}

function sideOf(v: unknown): unknown {
  if (typeof v !== "string") return v;
  return SIDES[v.trim().toLowerCase()] ?? v;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** One object's aliases renamed; `where` prefixes a conflict's message ("decisions[0]"). */
function rename(obj: Record<string, unknown>, aliases: Readonly<Record<string, string>>, where: string, sides = false): Normalized {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (!(key in aliases)) out[key] = value;
  for (const [key, value] of Object.entries(obj)) {
    const to = aliases[key];
    if (to === undefined || value === undefined) continue;
    const here = to in out ? out[to] : undefined;
    const a = to === "side" && sides ? sideOf(value) : value;
    const b = to === "side" && sides ? sideOf(here) : here;
    if (here !== undefined && !sameValue(a, b)) {
      const prefix = where ? `${where}: ` : "";
      return { ok: false, message: `${prefix}${key} ${show(value)} and ${to} ${show(here)} disagree; give one of them` };
    }
    out[to] = here ?? value;
  }
  if (sides && out["side"] !== undefined) {
    const raw = out["side"];
    if (typeof raw === "string" && raw.trim().toLowerCase() === "close") {
      return { ok: false, message: `${where ? `${where}.` : ""}side: "close" is not an entry: call closePosition with the symbol` };
    }
    out["side"] = sideOf(raw);
  }
  return { ok: true, value: out };
}

/** Every element of `obj[key]` (an array of objects) renamed. */
function renameEach(obj: Record<string, unknown>, key: string, aliases: Readonly<Record<string, string>>, sides: boolean): Normalized {
  const list = obj[key];
  if (!Array.isArray(list)) return { ok: true, value: obj };
  const items: unknown[] = [];
  for (const [i, item] of list.entries()) {
    if (!isRecord(item)) {
      items.push(item);
      continue;
    }
    const r = rename(item, aliases, `${key}[${i}]`, sides);
    if (!r.ok) return r;
    items.push(r.value);
  }
  return { ok: true, value: { ...obj, [key]: items } };
}

/**
 * The call's arguments with the original names renamed to today's. Anything that is not an
 * object is passed on unchanged: the schema says what is wrong with it.
 */
export function normalizeToolArgs(name: ToolName, raw: unknown): Normalized {
  if (!isRecord(raw)) return { ok: true, value: raw };
  switch (name) {
    case "createPosition":
      return renameEach(raw, "decisions", ENTRY, true);
    case "updateExitPlan":
      return renameEach(raw, "updates", UPDATE, false);
    case "closePosition": {
      const r = rename(raw, CLOSE, "");
      if (!r.ok) return r;
      // The original closed one coin per call: `{ "coin": "BTC" }` is `{ "symbols": ["BTC"] }`.
      const { symbol, ...rest } = r.value as Record<string, unknown>;
      return symbol === undefined || rest["symbols"] !== undefined ? r : { ok: true, value: { ...rest, symbols: [symbol] } };
    }
    case "holding":
      return rename(raw, HOLDING, "");
  }
}
