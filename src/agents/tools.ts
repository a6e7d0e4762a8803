import { z } from "zod";
import type { AccountSnapshot } from "./account-snapshot.js";
import { normalizeToolArgs } from "./tool-aliases.js";

/**
 * The trading tools: the only way any model, rule or LLM, acts on its account.
 *
 * The schemas are the contract of issue 3: rule strategies call the tools with these shapes
 * today, and the LLM agent will hand the same schemas to the model tomorrow, so every message
 * here is written to be read by a model that has to correct its own call. No transforms are
 * used, so the schemas export to JSON Schema unchanged (what the provider sends as tool specs).
 */

/** A plain non-negative decimal literal: "0.015", "42", "42.". No signs, exponents or text. */
const DECIMAL_LITERAL = /^\d+(\.\d*)?$|^\.\d+$/;

function isDecimal(value: number | string): boolean {
  return typeof value === "number" ? Number.isFinite(value) && value >= 0 : DECIMAL_LITERAL.test(value.trim());
}

function isZero(value: number | string): boolean {
  return typeof value === "number" ? value === 0 : /^0*(\.0*)?$/.test(value.trim());
}

/** A price or quantity: a JSON number or a decimal string (exact on the wire), never negative. */
function decimal(field: string) {
  return z
    .union([z.number(), z.string()], { error: `${field} must be a number or a decimal string like "101.25"` })
    .refine(isDecimal, { message: `${field} must be a non-negative decimal like "101.25" (no text, NaN or sign)` });
}

/** A price that must be above zero when given; null or absent means "no such level". */
function optionalPrice(field: string) {
  return decimal(field)
    .refine((v) => !isZero(v), { message: `${field} must be above zero` })
    .nullish();
}

function minutes(field: string) {
  return z
    .number({ error: `${field} must be a whole number of minutes` })
    .int({ message: `${field} must be a whole number of minutes` })
    .positive({ message: `${field} must be at least 1 minute` })
    .nullish();
}

const symbol = z.string({ error: 'symbol must be a string like "BTC"' }).regex(/^[A-Za-z0-9]{1,20}$/, { message: 'symbol must be an asset name like "BTC"' });

export const decisionSchema = z
  .object({
    symbol,
    side: z.enum(["LONG", "SHORT", "HOLD"], { error: "side must be LONG, SHORT or HOLD" }),
    quantity: decimal("quantity").optional(),
    leverage: z.number({ error: "leverage must be a number between 1 and 20" }).min(1, { message: "leverage must be at least 1" }).max(20, { message: "leverage must be at most 20" }),
    profitTarget: optionalPrice("profitTarget"),
    stopLoss: optionalPrice("stopLoss"),
    invalidationCondition: z.string({ error: "invalidationCondition must be text" }).max(500, { message: "invalidationCondition must be at most 500 characters" }).nullish(),
    invalidationPrice: optionalPrice("invalidationPrice"),
    timeExitMinutes: minutes("timeExitMinutes"),
    cooldownMinutes: minutes("cooldownMinutes"),
    confidence: z.number({ error: "confidence must be a number from 0 to 100" }).min(0, { message: "confidence must be at least 0" }).max(100, { message: "confidence must be at most 100" }),
  })
  .superRefine((d, ctx) => {
    const hasSize = d.quantity !== undefined && !isZero(d.quantity);
    // A HOLD with a size is ambiguous (did the model mean to trade?): reject rather than guess.
    if (d.side === "HOLD" && hasSize) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: "a HOLD decision must have no quantity (or 0)" });
    }
    if (d.side !== "HOLD" && !hasSize) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: `a ${d.side} decision needs a quantity above 0` });
    }
  });

export const createPositionSchema = z.object({
  decisions: z.array(decisionSchema).min(1, { message: "decisions must hold at least one decision" }).max(20),
});

export const closePositionSchema = z.object({
  symbols: z.array(symbol).min(1, { message: "symbols must name at least one symbol" }).max(20),
});

export const exitPlanUpdateSchema = z
  .object({
    symbol,
    stopLoss: optionalPrice("stopLoss"),
    profitTarget: optionalPrice("profitTarget"),
    invalidationPrice: optionalPrice("invalidationPrice"),
    timeExitMinutes: minutes("timeExitMinutes"),
  })
  .refine((u) => u.stopLoss != null || u.profitTarget != null || u.invalidationPrice != null || u.timeExitMinutes != null, {
    message: "an update must change at least one of stopLoss, profitTarget, invalidationPrice, timeExitMinutes",
  });

export const updateExitPlanSchema = z.object({
  updates: z.array(exitPlanUpdateSchema).min(1, { message: "updates must hold at least one update" }).max(20),
});

export const holdingSchema = z.object({
  reason: z.string({ error: "reason must be text" }).trim().min(1, { message: "reason must not be empty" }).max(1000, { message: "reason must be at most 1000 characters" }),
});

export type Decision = z.infer<typeof decisionSchema>;
export type CreatePositionArgs = z.infer<typeof createPositionSchema>;
export type ClosePositionArgs = z.infer<typeof closePositionSchema>;
export type ExitPlanUpdate = z.infer<typeof exitPlanUpdateSchema>;
export type UpdateExitPlanArgs = z.infer<typeof updateExitPlanSchema>;
export type HoldingArgs = z.infer<typeof holdingSchema>;

/** What every tool returns: JSON the model can read (fills, partial fills, or why it was rejected). */
export interface ToolResult {
  ok: boolean;
  results: unknown[];
  error?: { code: string; message: string };
  /** The account after the call (tools backed by an account: cash, equity, available margin, gross exposure). */
  account?: Omit<AccountSnapshot, "positions">;
}

export interface TradingTools {
  createPosition(args: CreatePositionArgs): Promise<ToolResult>;
  closePosition(args: ClosePositionArgs): Promise<ToolResult>;
  updateExitPlan(args: UpdateExitPlanArgs): Promise<ToolResult>;
  /** Ends the run: the model decided to do nothing more this cycle. */
  holding(args: HoldingArgs): Promise<ToolResult>;
}

export type ToolName = keyof TradingTools;

/** Schemas and descriptions by tool name: what the LLM agent registers and what the executor validates with. */
export const TOOL_DEFINITIONS = {
  createPosition: {
    schema: createPositionSchema,
    description:
      "Open or add to positions. One decision per symbol: side LONG/SHORT (HOLD to skip), quantity in base units, leverage 1-20, stopLoss, profitTarget, optional invalidation, confidence 0-100.",
  },
  closePosition: { schema: closePositionSchema, description: "Close the whole open position on each listed symbol at the market." },
  updateExitPlan: {
    schema: updateExitPlanSchema,
    description: "Change the exit plan of open positions. A stop may only move closer to the price (tighten), never away.",
  },
  holding: { schema: holdingSchema, description: "Do nothing more this cycle; give the reason. Ends the run." },
} as const satisfies Record<ToolName, { schema: z.ZodType; description: string }>;

/** The invocation rows' tool-call types (API.md), by tool name. */
export const TOOL_CALL_TYPES: Record<ToolName, "CREATE_POSITION" | "CLOSE_POSITION" | "UPDATE_EXIT_PLAN" | "HOLDING"> = {
  createPosition: "CREATE_POSITION",
  closePosition: "CLOSE_POSITION",
  updateExitPlan: "UPDATE_EXIT_PLAN",
  holding: "HOLDING",
};

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

/**
 * One readable line naming each bad field, e.g.
 * `decisions[0].quantity: a HOLD decision must have no quantity (or 0); decisions[1].leverage: leverage must be at most 20`.
 * It goes back to the model as the tool error, so it says what to fix, not how zod works.
 */
export function formatZodError(err: unknown): string {
  if (!(err instanceof z.ZodError)) return err instanceof Error ? err.message : String(err);
  const parts = err.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  return parts.join("; ").replace(/\s+/g, " ");
}

/** A failed tool call as a result the model can read. */
export function toolError(code: string, message: string): ToolResult {
  return { ok: false, results: [], error: { code, message } };
}

/**
 * Validates raw tool arguments (from an LLM) against the tool's schema, after renaming the
 * original system's argument names (tool-aliases.ts); a failure is an `invalid_arguments` result.
 */
export function parseToolArgs<N extends ToolName>(name: N, raw: unknown): { ok: true; args: Parameters<TradingTools[N]>[0] } | { ok: false; result: ToolResult } {
  const normalized = normalizeToolArgs(name, raw);
  if (!normalized.ok) return { ok: false, result: toolError("invalid_arguments", normalized.message) };
  const parsed = TOOL_DEFINITIONS[name].schema.safeParse(normalized.value);
  if (parsed.success) return { ok: true, args: parsed.data as Parameters<TradingTools[N]>[0] };
  return { ok: false, result: toolError("invalid_arguments", formatZodError(parsed.error)) };
}
