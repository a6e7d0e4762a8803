import { z } from "zod";

/**
 * What a follow model (FT: a paper strategy copying chosen Polymarket wallets) is configured
 * with, stored in its model row's config under `follow`. Money and prices are decimal strings.
 */

const decimal = (what: string) => z.string().regex(/^\d+(\.\d{1,6})?$/, { error: `must be ${what} as a decimal string with at most 6 decimals` });
const probability = z.string().regex(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, { error: "must be a price between 0 and 1 as a decimal string (at most 4 decimals)" });

export const followFiltersSchema = z
  .strictObject({
    /** Copy only trades at a price inside [priceMin, priceMax]. */
    priceMin: probability.optional(),
    priceMax: probability.optional(),
    /** Copy only trades of at least this many dollars (the source's price x size). */
    minTradeUsd: decimal("dollars").optional(),
    /** Copy only markets of these categories (case-insensitive). */
    categories: z.array(z.string().min(1).max(60)).max(50).optional(),
    /** Copy only markets whose question contains one of these words (case-insensitive). */
    keywords: z.array(z.string().min(1).max(60)).max(50).optional(),
    /** Copy only markets that resolve at least / at most this many hours after the trade. */
    minHoursToEnd: z.number().min(0).max(100_000).optional(),
    maxHoursToEnd: z.number().min(0).max(100_000).optional(),
    /** The trader's record: at least this many resolved markets, and this win rate (0-1) over them. */
    minTraderResolved: z.number().int().min(0).max(1_000_000).optional(),
    minTraderWinRate: z.number().min(0).max(1).optional(),
  })
  .refine((f) => f.priceMin === undefined || f.priceMax === undefined || Number(f.priceMin) <= Number(f.priceMax), { error: "priceMin must not be above priceMax", path: ["priceMin"] })
  .refine((f) => f.minHoursToEnd === undefined || f.maxHoursToEnd === undefined || f.minHoursToEnd <= f.maxHoursToEnd, {
    error: "minHoursToEnd must not be above maxHoursToEnd",
    path: ["minHoursToEnd"],
  });

const bets = { minBet: decimal("dollars").optional(), maxBet: decimal("dollars").optional() };

export const followSizingSchema = z.discriminatedUnion(
  "mode",
  [
    /** The same dollars on every copied trade. */
    z.strictObject({ mode: z.literal("fixed"), usd: decimal("dollars"), ...bets }),
    /** A share of the source's dollars (0.1 = a tenth of what the trader put in). */
    z.strictObject({ mode: z.literal("proportional"), ratio: z.number().gt(0).max(100), ...bets }),
    /**
     * Kelly: a fraction of the Kelly bet for the trader's win rate at the trade's price,
     * (p - price) / (1 - price) of equity; no edge, no bet.
     */
    z.strictObject({ mode: z.literal("kelly"), fraction: z.number().gt(0).max(1), ...bets }),
  ],
  { error: 'must be {"mode":"fixed","usd"}, {"mode":"proportional","ratio"} or {"mode":"kelly","fraction"} (each with optional minBet, maxBet)' },
);

const wallet = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: "must be a wallet address: 0x and 40 hex digits" })
  .transform((w) => w.toLowerCase());

export const followSettingsSchema = z.strictObject({
  wallets: z.array(wallet).min(1, { error: "must list at least one wallet" }).max(50),
  filters: followFiltersSchema.default({}),
  sizing: followSizingSchema,
  /** A trade seen later than this after it happened is skipped as `signal_too_old`. */
  maxSignalAgeMs: z.number().int().min(1_000).max(86_400_000).default(300_000),
  /** The worst price paid beyond the trader's, in dollars a share (0.02 = two cents): the FAK's bound. */
  maxSlippage: probability.default("0.02"),
});

export type FollowFilters = z.infer<typeof followFiltersSchema>;
export type FollowSizing = z.infer<typeof followSizingSchema>;
export type FollowSettings = z.infer<typeof followSettingsSchema>;
