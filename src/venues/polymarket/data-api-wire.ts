import { z } from "zod";
import { decimalField, nonNegativeDecimalField } from "./wire-decimal.js";

/**
 * The Data API's wire shapes, v1 (bare arrays, camelCase) and v2 (`{data, pagination}`,
 * snake_case), parsed into one camelCase vocabulary with exact decimal strings.
 *
 * Verified against Polymarket's docs ("Migrating to Data API v2", the v2 feed and v1 activity
 * reference pages) and the row schemas of Polymarket's own TypeScript SDK (Polymarket/ts-sdk,
 * packages/bindings/src/data): v2 rows carry every field, absence is an empty string and an
 * unknown outcome index is 999; amounts are JSON numbers; timestamps are epoch seconds.
 * Not verified: that a row's `timestamp` is the block timestamp the v2 keyset and `start`/`end`
 * use (assumed), and whether any row carries an on-chain `log_index` (the SDK's rows do not; it
 * is read when present).
 */

const blankToNull = (v: unknown) => (v === "" || v === undefined ? null : v);
const text = z.preprocess(blankToNull, z.string().nullable());
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address")
  .transform((s) => s.toLowerCase());
const txHash = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x transaction hash")
  .transform((s) => s.toLowerCase());
// 31- or 32-byte hex: Polymarket serves both lengths (combo conditions are shorter).
const conditionId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{62,64}$/, "must be a 0x condition id")
  .transform((s) => s.toLowerCase());
const tokenId = z.string().regex(/^[0-9]{1,80}$/, "must be a decimal token id");
const epochSeconds = z.number().int().positive();
const side = z.enum(["BUY", "SELL"]);
const outcomeIndex = z.preprocess((v) => (v === 999 || v === "" || v === undefined ? null : v), z.number().int().nonnegative().nullable());
const logIndex = z.preprocess((v) => (v === "" ? undefined : v), z.number().int().nonnegative().optional());

/** One fill of one wallet's order, as either API version serves it. */
export interface DataApiTrade {
  wallet: string;
  side: "BUY" | "SELL";
  tokenId: string;
  conditionId: string;
  /** Shares (decimal string). */
  size: string;
  /** Dollars per share (decimal string). */
  price: string;
  /** Epoch seconds. */
  timestamp: number;
  transactionHash: string;
  outcome: string | null;
  outcomeIndex: number | null;
  title: string | null;
  slug: string | null;
  eventSlug: string | null;
  /** The fill's log index in its transaction, when the row carries one. */
  logIndex?: number;
}

export const v2TradeRow = z
  .object({
    proxy_wallet: address,
    side,
    token_id: tokenId,
    condition_id: conditionId,
    size: nonNegativeDecimalField,
    price: nonNegativeDecimalField,
    timestamp: epochSeconds,
    transaction_hash: txHash,
    outcome: text,
    outcome_index: outcomeIndex,
    title: text,
    slug: text,
    event_slug: text,
    log_index: logIndex,
  })
  .transform((r): DataApiTrade => ({
    wallet: r.proxy_wallet,
    side: r.side,
    tokenId: r.token_id,
    conditionId: r.condition_id,
    size: r.size,
    price: r.price,
    timestamp: r.timestamp,
    transactionHash: r.transaction_hash,
    outcome: r.outcome,
    outcomeIndex: r.outcome_index,
    title: r.title,
    slug: r.slug,
    eventSlug: r.event_slug,
    ...(r.log_index !== undefined ? { logIndex: r.log_index } : {}),
  }));

export const v1TradeRow = z
  .object({
    proxyWallet: address,
    side,
    asset: tokenId,
    conditionId,
    size: nonNegativeDecimalField,
    price: nonNegativeDecimalField,
    timestamp: epochSeconds,
    transactionHash: txHash,
    outcome: text.optional(),
    outcomeIndex: outcomeIndex.optional(),
    title: text.optional(),
    slug: text.optional(),
    eventSlug: text.optional(),
    logIndex,
  })
  .transform((r): DataApiTrade => ({
    wallet: r.proxyWallet,
    side: r.side,
    tokenId: r.asset,
    conditionId: r.conditionId,
    size: r.size,
    price: r.price,
    timestamp: r.timestamp,
    transactionHash: r.transactionHash,
    outcome: r.outcome ?? null,
    outcomeIndex: r.outcomeIndex ?? null,
    title: r.title ?? null,
    slug: r.slug ?? null,
    eventSlug: r.eventSlug ?? null,
    ...(r.logIndex !== undefined ? { logIndex: r.logIndex } : {}),
  }));

/** An activity row: a trade (with its fill) or another kind (split, merge, redeem, …) kept only by type. */
export interface DataApiActivity {
  type: string;
  /** Epoch seconds. */
  timestamp: number;
  transactionHash: string;
  /** The fill, for a TRADE row on an ordinary market; null for other types and combo trades. */
  trade: DataApiTrade | null;
  /** Dollars (decimal string), when served. */
  usdcSize: string | null;
}

const activityHead = z.object({ type: z.string().min(1), timestamp: epochSeconds, transaction_hash: txHash.optional(), transactionHash: txHash.optional() });

function activityRow(version: "v1" | "v2") {
  const tradeRow = version === "v2" ? v2TradeRow : v1TradeRow;
  const usdc = version === "v2" ? "usdc_size" : "usdcSize";
  return z.unknown().transform((raw, ctx): DataApiActivity => {
    const head = activityHead.safeParse(raw);
    if (!head.success) {
      ctx.addIssue({ code: "custom", message: head.error.issues[0]?.message ?? "not an activity row" });
      return z.NEVER;
    }
    const row = raw as Record<string, unknown>;
    const usdcParsed = decimalField.safeParse(row[usdc]);
    const base = {
      type: head.data.type,
      timestamp: head.data.timestamp,
      transactionHash: head.data.transaction_hash ?? head.data.transactionHash ?? "",
      usdcSize: usdcParsed.success ? usdcParsed.data : null,
    };
    // A combo trade's condition and token are a combo's, not a market's: not a fill to follow.
    if (head.data.type !== "TRADE" || row.is_combo === true || row.isCombo === true) return { ...base, trade: null };
    const trade = tradeRow.safeParse(raw);
    if (!trade.success) {
      const issue = trade.error.issues[0];
      ctx.addIssue({ code: "custom", message: `TRADE row: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim() });
      return z.NEVER;
    }
    return { ...base, trade: trade.data };
  });
}

export const v2ActivityRow = activityRow("v2");
export const v1ActivityRow = activityRow("v1");

/** A wallet's holding in one outcome token. */
export interface DataApiPosition {
  wallet: string;
  tokenId: string;
  conditionId: string;
  /** Shares held (decimal string). */
  size: string;
  avgPrice: string;
  currentValue: string | null;
  realizedPnl: string | null;
  outcome: string | null;
  outcomeIndex: number | null;
  redeemable: boolean;
  negativeRisk: boolean;
  /** v2 only: OPEN, REDEEMABLE, CLOSED, … */
  status: string | null;
  title: string | null;
  endDate: string | null;
}

const optionalDecimal = z.preprocess(blankToNull, decimalField.nullable()).optional();

export const v2PositionRow = z
  .object({
    proxy_wallet: address,
    token_id: tokenId,
    condition_id: conditionId,
    current_size: decimalField,
    avg_price: decimalField,
    current_value: optionalDecimal,
    realized_pnl: optionalDecimal,
    outcome: text.optional(),
    outcome_index: outcomeIndex.optional(),
    redeemable: z.boolean(),
    negative_risk: z.boolean(),
    status: z.string().optional(),
    title: text.optional(),
    end_date: text.optional(),
  })
  .transform((r): DataApiPosition => ({
    wallet: r.proxy_wallet,
    tokenId: r.token_id,
    conditionId: r.condition_id,
    size: r.current_size,
    avgPrice: r.avg_price,
    currentValue: r.current_value ?? null,
    realizedPnl: r.realized_pnl ?? null,
    outcome: r.outcome ?? null,
    outcomeIndex: r.outcome_index ?? null,
    redeemable: r.redeemable,
    negativeRisk: r.negative_risk,
    status: r.status ?? null,
    title: r.title ?? null,
    endDate: r.end_date ?? null,
  }));

export const v1PositionRow = z
  .object({
    proxyWallet: address,
    asset: tokenId,
    conditionId,
    size: decimalField,
    avgPrice: decimalField,
    currentValue: optionalDecimal,
    realizedPnl: optionalDecimal,
    outcome: text.optional(),
    outcomeIndex: outcomeIndex.optional(),
    redeemable: z.boolean().optional(),
    negativeRisk: z.boolean().optional(),
    title: text.optional(),
    endDate: text.optional(),
  })
  .transform((r): DataApiPosition => ({
    wallet: r.proxyWallet,
    tokenId: r.asset,
    conditionId: r.conditionId,
    size: r.size,
    avgPrice: r.avgPrice,
    currentValue: r.currentValue ?? null,
    realizedPnl: r.realizedPnl ?? null,
    outcome: r.outcome ?? null,
    outcomeIndex: r.outcomeIndex ?? null,
    redeemable: r.redeemable ?? false,
    negativeRisk: r.negativeRisk ?? false,
    status: null,
    title: r.title ?? null,
    endDate: r.endDate ?? null,
  }));

/** One page of a v2 feed: has_more is exact and agrees with next_cursor (null on the last page). */
export interface DataApiPage<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

export function v2Page<T extends z.ZodType>(row: T) {
  return z
    .object({
      data: z.array(row).nullable(),
      pagination: z.object({ has_more: z.boolean(), next_cursor: z.string().min(1).nullable() }),
    })
    .refine((p) => p.pagination.has_more === (p.pagination.next_cursor !== null), { message: "has_more and next_cursor disagree", path: ["pagination"] })
    .transform((p): DataApiPage<z.output<T>> => ({ items: p.data ?? [], hasMore: p.pagination.has_more, nextCursor: p.pagination.next_cursor }));
}
