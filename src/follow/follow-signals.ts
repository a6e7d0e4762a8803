import { and, desc, eq, isNull, lt, sql, type SQL } from "drizzle-orm";
import { trimZeros } from "../core/decimal.js";
import type { Db } from "../db/client.js";
import { followSignals } from "../db/schema.js";

/**
 * A follow model's signals as the API shows them: one row in its wire shape, a page of them
 * newest first (paged by id, never by time), and their totals counted by the database.
 */

export type SignalRow = typeof followSignals.$inferSelect;
export type SignalDecision = "copied" | "skipped" | "pending";

/** A followed wallet's trade as a follow model saw it, and what the model did with it (GET /api/models/:id/signals, SSE `signal`). */
export interface SignalView {
  id: string;
  modelId: string;
  wallet: string;
  conditionId: string;
  tokenId: string;
  outcome: string | null;
  side: "BUY" | "SELL";
  price: string;
  size: string;
  tradedAt: string;
  seenAt: string;
  /** Indexed by the Data API after later trades (still decided, maybe as signal_too_old). */
  late: boolean;
  /** `pending` only between the read and the decision (a moment, or until the next start after a crash, or while its order rests). */
  decision: SignalDecision;
  reason?: string;
  positionId?: string;
  clientOrderId?: string;
  filledQuantity?: string;
  /** Our average fill price. */
  fillPrice?: string;
}

/** `GET /api/models/:id/signals`: at most `limit`, older than the signal `before` (an id), of one decision or skip reason. */
export interface SignalQuery {
  limit: number;
  before?: number;
  decision?: SignalDecision;
  reason?: string;
}

/** `GET /api/models/:id/signals/summary`: every signal of the model counted. */
export interface SignalSummaryView {
  copied: number;
  skipped: number;
  pending: number;
  /** Skipped signals by reason. */
  byReason: Record<string, number>;
  /** Signals indexed by the Data API after later trades (whatever their decision). */
  late: number;
}

export function signalView(r: SignalRow): SignalView {
  return {
    id: String(r.id),
    modelId: r.modelId,
    wallet: r.wallet,
    conditionId: r.conditionId,
    tokenId: r.tokenId,
    outcome: r.outcome,
    side: r.side,
    price: trimZeros(r.price),
    size: trimZeros(r.size),
    tradedAt: r.tradedAt.toISOString(),
    seenAt: r.seenAt.toISOString(),
    late: r.late,
    decision: r.decision ?? "pending",
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.positionId !== null ? { positionId: r.positionId } : {}),
    ...(r.clientOrderId !== null ? { clientOrderId: r.clientOrderId } : {}),
    ...(r.filledQuantity !== null ? { filledQuantity: trimZeros(r.filledQuantity) } : {}),
    ...(r.fillPrice !== null ? { fillPrice: trimZeros(r.fillPrice) } : {}),
  };
}

/** A model's signals, newest first (the id orders them: a signal is stored once, when read). */
export async function listSignals(db: Db, modelId: string, q: SignalQuery): Promise<SignalView[]> {
  const where: Array<SQL | undefined> = [eq(followSignals.modelId, modelId)];
  if (q.before !== undefined) where.push(lt(followSignals.id, q.before));
  if (q.decision === "pending") where.push(isNull(followSignals.decision));
  else if (q.decision !== undefined) where.push(eq(followSignals.decision, q.decision));
  if (q.reason !== undefined) where.push(eq(followSignals.reason, q.reason));
  const rows = await db
    .select()
    .from(followSignals)
    .where(and(...where))
    .orderBy(desc(followSignals.id))
    .limit(q.limit);
  return rows.map(signalView);
}

/** Every signal of the model counted by decision and skip reason, in one query however many there are. */
export async function summarizeSignals(db: Db, modelId: string): Promise<SignalSummaryView> {
  const rows = await db
    .select({
      decision: followSignals.decision,
      reason: followSignals.reason,
      n: sql<number>`count(*)`.mapWith(Number),
      late: sql<number>`count(*) filter (where ${followSignals.late})`.mapWith(Number),
    })
    .from(followSignals)
    .where(eq(followSignals.modelId, modelId))
    .groupBy(followSignals.decision, followSignals.reason);
  const out: SignalSummaryView = { copied: 0, skipped: 0, pending: 0, byReason: {}, late: 0 };
  for (const r of rows) {
    out.late += r.late;
    if (r.decision === "copied") out.copied += r.n;
    else if (r.decision === null) out.pending += r.n;
    else {
      out.skipped += r.n;
      const reason = r.reason ?? "unknown";
      out.byReason[reason] = (out.byReason[reason] ?? 0) + r.n;
    }
  }
  return out;
}
