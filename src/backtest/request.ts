import { z } from "zod";
import { MARKET_ENTRIES } from "../scheduler/entry-orders.js";
import { DEFAULT_SIM_OPTIONS } from "../venues/sim/options.js";
import type { BacktestFeedSpec, ExecutionSpec } from "./types.js";

/**
 * What a backtest is asked for, validated once for the CLI and the API alike: a bad field is
 * an error naming it, before anything runs.
 */

const MAX_SPAN_MS = 366 * 86_400_000;

/** ISO 8601 text or epoch milliseconds. */
const instant = z.union([z.number().int().nonnegative(), z.string().trim().min(1)]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({ code: "custom", message: `must be an ISO 8601 time (2026-11-01T00:00:00Z) or epoch milliseconds, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

const bps = (max: number) => z.number().min(0).max(max);

/** Entries at the market (what a model's call means), or post-only limits behind the touch that may not fill. */
const entriesSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("market") }),
    z.strictObject({
      type: z.literal("limit"),
      /** How far behind the touch the order rests; 0 joins the best bid (a long) or ask (a short). */
      offsetBps: z.number().min(0).max(500).default(0),
      /** How long it may rest before it is canceled unfilled. */
      expireAfterMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    }),
  ],
  { error: 'must be {"type":"market"} or {"type":"limit","offsetBps"?,"expireAfterMs"?}' },
);

const executionSchema = z
  .strictObject({
    makerFeeBps: z.number().min(-100).max(1000).default(DEFAULT_SIM_OPTIONS.makerFeeBps),
    takerFeeBps: bps(1000).default(DEFAULT_SIM_OPTIONS.takerFeeBps),
    extraSlippageBps: bps(1000).default(DEFAULT_SIM_OPTIONS.extraSlippageBps),
    latency: z
      .strictObject({ minMs: z.number().int().min(0).max(60_000), maxMs: z.number().int().min(0).max(60_000) })
      .refine((l) => l.minMs <= l.maxMs, { error: "minMs must not exceed maxMs" })
      .default(DEFAULT_SIM_OPTIONS.latency),
    entries: entriesSchema.default(MARKET_ENTRIES),
  })
  .default({
    makerFeeBps: DEFAULT_SIM_OPTIONS.makerFeeBps,
    takerFeeBps: DEFAULT_SIM_OPTIONS.takerFeeBps,
    extraSlippageBps: DEFAULT_SIM_OPTIONS.extraSlippageBps,
    latency: DEFAULT_SIM_OPTIONS.latency,
    entries: MARKET_ENTRIES,
  });

const feedSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("synthetic"),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31)
        .default(42),
      /** Time between books, ms: 1000 gives 1-second books. */
      intervalMs: z.number().int().min(100).max(3_600_000).default(1000),
    }),
    z.strictObject({
      kind: z.literal("replay"),
      files: z
        .array(z.strictObject({ symbol: z.string().trim().min(1).max(20), path: z.string().trim().min(1).max(4096) }))
        .min(1, { error: "needs at least one file" })
        .max(20),
    }),
  ],
  { error: 'must be {"kind":"synthetic","seed"?,"intervalMs"?} or {"kind":"replay","files":[{"symbol","path"}]}' },
);

/** A model as POST /api/models takes it (rule and llm models; a backtest has no followers and no live venue). */
export const backtestModelSchema = z.looseObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(["rule", "llm"], { error: 'must be "rule" or "llm" (a backtest runs no followers)' }),
  strategy: z.string().trim().min(1).max(100),
  initialCapital: z.string().trim().optional(),
  llm: z.object({ baseUrl: z.string(), model: z.string(), apiKeyEnv: z.string().optional(), temperature: z.number().optional(), maxSteps: z.number().optional() }).optional(),
  risk: z.record(z.string(), z.unknown()).optional(),
  venue: z.strictObject({ kind: z.literal("sim", { error: "a backtest trades on the simulator only" }) }).optional(),
});

export type BacktestModel = z.infer<typeof backtestModelSchema>;

export const backtestRequestSchema = z
  .strictObject({
    from: instant,
    to: instant,
    feed: feedSchema,
    models: z
      .array(backtestModelSchema)
      .min(1, { error: "needs at least one model" })
      .max(100)
      .refine((list) => new Set(list.map((m) => m.name)).size === list.length, { error: "model names must be unique" }),
    /** The scheduler's decision interval, ms. */
    intervalMs: z.number().int().min(1000).max(86_400_000).default(300_000),
    execution: executionSchema,
    /** The simulator's seed (latency draws). */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(42),
    llm: z
      .strictObject({ mode: z.enum(["off", "record", "replay"]).default("off"), file: z.string().trim().min(1).optional() })
      .refine((l) => l.mode === "off" || l.file !== undefined, { error: "file: record and replay need a recording file" })
      .default({ mode: "off" }),
    /** A PostgreSQL server to run on (a database of its own, dropped after); the default is a throwaway embedded database. */
    databaseUrl: z.string().trim().optional(),
    /** What-if: the result.json of an earlier run whose decisions are replayed here, and compared with in the report. */
    baseline: z.string().trim().min(1).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.to <= r.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    else if (r.to - r.from > MAX_SPAN_MS) ctx.addIssue({ code: "custom", path: ["to"], message: "a backtest spans at most 366 days" });
  });

export type BacktestRequestInput = z.input<typeof backtestRequestSchema>;

export interface BacktestRequest {
  from: number;
  to: number;
  feed: BacktestFeedSpec;
  models: BacktestModel[];
  intervalMs: number;
  execution: ExecutionSpec;
  seed: number;
  llm: { mode: "off" | "record" | "replay"; file?: string };
  databaseUrl?: string;
  baseline?: string;
}

/**
 * The request with its defaults, or an error listing every bad field by its path. An LLM model
 * needs a recording mode unless its decisions are replayed (`decisionsHeld`, or a baseline).
 */
export function parseBacktestRequest(input: unknown, options: { decisionsHeld?: boolean } = {}): BacktestRequest {
  const parsed = backtestRequestSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "request"}: ${i.message}`);
    throw new BacktestRequestError(lines);
  }
  const r = parsed.data as BacktestRequest;
  if (r.models.some((m) => m.kind === "llm") && r.llm.mode === "off" && r.baseline === undefined && !options.decisionsHeld) {
    throw new BacktestRequestError(['llm: an llm model needs {"mode":"record"} (calls the endpoint and records) or {"mode":"replay"} (answers from a recording)']);
  }
  return r;
}

export class BacktestRequestError extends Error {
  override readonly name = "BacktestRequestError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
}
