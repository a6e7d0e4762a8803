import { z } from "zod";
import { tryParseScaled } from "../core/decimal.js";

/**
 * What a mirror is told: how to size, which order type, the bounds. The API, the CLI and the
 * engine share this one schema, so a setting means the same thing wherever it is given.
 */

/** A positive decimal string (or number) of at most `scale` decimals, kept as the string it was. */
const positiveDecimal = (what: string, scale: number, max?: bigint) =>
  z.union([z.string(), z.number()], { error: `must be a positive decimal ${what}` }).transform((v, ctx) => {
    const text = typeof v === "number" ? String(v) : v.trim();
    const scaled = tryParseScaled(text, scale);
    if (scaled === null || scaled <= 0n) {
      ctx.addIssue({ code: "custom", message: `"${text}" must be a positive decimal ${what} with at most ${scale} decimals` });
      return z.NEVER;
    }
    if (max !== undefined && scaled > max * 10n ** BigInt(scale)) {
      ctx.addIssue({ code: "custom", message: `"${text}" must be at most ${max}` });
      return z.NEVER;
    }
    return text;
  });

const usdAmount = positiveDecimal("of dollars", 6, 1_000_000_000_000n);

export const sizingSchema = z.discriminatedUnion(
  "mode",
  [
    z.strictObject({ mode: z.literal("proportional"), maxNotional: usdAmount.optional() }),
    z.strictObject({ mode: z.literal("ratio"), ratio: positiveDecimal("ratio", 6, 1000n), maxNotional: usdAmount.optional() }),
    z.strictObject({ mode: z.literal("fixedNotional"), usd: usdAmount, maxNotional: usdAmount.optional() }),
  ],
  { error: 'must be {"mode":"proportional"}, {"mode":"ratio","ratio":0.5} or {"mode":"fixedNotional","usd":"100"} (each with an optional "maxNotional" cap per order)' },
);

export type Sizing = z.output<typeof sizingSchema>;

export const ORDER_TYPES = ["IOC", "FOK", "GTC", "GTT"] as const;
export type MirrorOrderType = (typeof ORDER_TYPES)[number];

export const DEFAULTS = {
  sizing: { mode: "proportional" } as Sizing,
  orderType: "IOC" as MirrorOrderType,
  /** Resting orders (GTC/GTT) are reaped after this long unless told otherwise. */
  ttlMs: 60_000,
  maxSlippageBps: 50,
  minNotional: "0",
  maxSignalAgeMs: 30_000,
};

const settingsFields = {
  sizing: sizingSchema,
  orderType: z.enum(ORDER_TYPES, { error: `must be one of ${ORDER_TYPES.join(", ")}` }),
  ttlMs: z
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(1000, { error: "must be at least 1000 ms" })
    .max(7 * 86_400_000, { error: "must be at most 7 days" }),
  maxSlippageBps: z
    .number({ error: "must be a number of basis points" })
    .int({ error: "must be a whole number of basis points" })
    .min(0, { error: "must not be negative" })
    .max(5000, { error: "must be at most 5000 (50%)" }),
  minNotional: z.union([z.string(), z.number()], { error: "must be a decimal of dollars" }).transform((v, ctx) => {
    const text = typeof v === "number" ? String(v) : v.trim();
    const scaled = tryParseScaled(text, 6);
    if (scaled === null || scaled < 0n) {
      ctx.addIssue({ code: "custom", message: `"${text}" must be a decimal of dollars (0 or more, at most 6 decimals)` });
      return z.NEVER;
    }
    return text;
  }),
  maxSignalAgeMs: z
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(100, { error: "must be at least 100 ms" })
    .max(86_400_000, { error: "must be at most a day" }),
  symbols: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        // An outcome token's symbol is its market's slug and outcome (up to 84 characters).
        .max(100)
        .transform((s) => s.toUpperCase()),
      { error: "must be a list of symbols" },
    )
    .min(1, { error: "must name at least one symbol (or be null for all)" })
    .max(100)
    .nullable(),
  active: z.boolean({ error: "must be true or false" }),
};

const id = z.string({ error: "must be a model id" }).trim().min(1, { error: "must not be empty" }).max(100);

/** `POST /api/mirrors`: the follower is an existing model of kind `mirror`, or one created with it (`follower`). */
export const createMirrorSchema = z
  .strictObject({
    sourceModelId: id,
    followerModelId: id.optional(),
    follower: z
      .strictObject({
        name: z.string().trim().min(1).max(100),
        initialCapital: z.union([z.string(), z.number()]).optional(),
        // The follower's own risk limits (checked in full by the risk engine, which names each bad one).
        risk: z.record(z.string(), z.unknown(), { error: "must be an object of limits" }).optional(),
      })
      .optional(),
    sizing: settingsFields.sizing.optional(),
    orderType: settingsFields.orderType.optional(),
    ttlMs: settingsFields.ttlMs.optional(),
    maxSlippageBps: settingsFields.maxSlippageBps.optional(),
    minNotional: settingsFields.minNotional.optional(),
    maxSignalAgeMs: settingsFields.maxSignalAgeMs.optional(),
    symbols: settingsFields.symbols.optional(),
    active: settingsFields.active.optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.followerModelId === undefined) === (b.follower === undefined)) {
      ctx.addIssue({ code: "custom", path: ["followerModelId"], message: 'give either followerModelId (an existing model of kind "mirror") or follower ({"name","initialCapital"?}) to create one' });
    }
  });

export type CreateMirrorInput = z.output<typeof createMirrorSchema>;

/** `PATCH /api/mirrors/:id`: pause/resume and any parameter. */
export const patchMirrorSchema = z
  .strictObject({
    sizing: settingsFields.sizing.optional(),
    orderType: settingsFields.orderType.optional(),
    ttlMs: settingsFields.ttlMs.nullable().optional(),
    maxSlippageBps: settingsFields.maxSlippageBps.optional(),
    minNotional: settingsFields.minNotional.optional(),
    maxSignalAgeMs: settingsFields.maxSignalAgeMs.optional(),
    symbols: settingsFields.symbols.optional(),
    active: settingsFields.active.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: "must change at least one field" });

export type PatchMirrorInput = z.output<typeof patchMirrorSchema>;

/** Execution outcomes and the reasons an execution was not (fully) filled. */
export const OUTCOMES = ["filled", "partial", "skipped", "failed"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REASONS = [
  "signal_too_old",
  "below_min_size",
  "slippage_exceeded",
  "insufficient_capital",
  "symbol_not_allowed",
  "mirror_paused",
  "risk_rejected",
  "no_follower_position",
  "venue_error",
  "expired",
  /** The market takes no orders (a prediction market closed, or no book): nothing was sent. */
  "market_closed",
  /**
   * The source's position was redeemed by its market's resolution. The follower's own position
   * in that market is settled by the same resolution, never by an order: nothing is sent, and it
   * does not count against the fill rate (there was nothing to fill).
   */
  "market_resolved",
] as const;
export type Reason = (typeof REASONS)[number];
