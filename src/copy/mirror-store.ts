import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { trimZeros } from "../core/decimal.js";
import type { Db, Tx } from "../db/client.js";
import { mirrorExecutions, mirrors } from "../db/schema.js";
import type { Sizing } from "./mirror-settings.js";

/** The mirror and execution rows, and how the API shows them. */
export type MirrorRow = typeof mirrors.$inferSelect;
export type ExecutionRow = typeof mirrorExecutions.$inferSelect;

export interface MirrorView {
  id: string;
  sourceModelId: string;
  followerModelId: string;
  sizing: Sizing;
  orderType: MirrorRow["orderType"];
  ttlMs: number | null;
  maxSlippageBps: number;
  minNotional: string;
  maxSignalAgeMs: number;
  symbols: string[] | null;
  active: boolean;
  deleted: boolean;
  /** The process executing it now (null when none holds its lease). */
  host: string | null;
  /** The last source event taken in. */
  signalCursor: number;
  createdAt: string;
  updatedAt: string;
}

export function mirrorView(r: MirrorRow, now: number): MirrorView {
  return {
    id: r.id,
    sourceModelId: r.sourceModelId,
    followerModelId: r.followerModelId,
    sizing: r.sizing as Sizing,
    orderType: r.orderType,
    ttlMs: r.ttlMs,
    maxSlippageBps: r.maxSlippageBps,
    minNotional: trimZeros(r.minNotional),
    maxSignalAgeMs: r.maxSignalAgeMs,
    symbols: r.symbols ?? null,
    active: r.active,
    deleted: r.deletedAt !== null,
    host: r.host !== null && r.leaseUntil !== null && r.leaseUntil.getTime() > now ? r.host : null,
    signalCursor: r.signalCursor,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface ExecutionView {
  id: string;
  mirrorId: string;
  signalId: string;
  sourceModelId: string;
  followerModelId: string;
  action: string;
  symbol: string;
  side: string;
  state: ExecutionRow["state"];
  outcome: ExecutionRow["outcome"];
  reason: string | null;
  /** The risk check's code or the venue's own reason behind `reason`. */
  detail: string | null;
  message: string | null;
  source: { price: string | null; quantity: string | null; at: string };
  intendedQuantity: string | null;
  filledQuantity: string | null;
  avgPrice: string | null;
  /** Against the source's fill price, in basis points; positive when the follower did worse. */
  slippageBps: string | null;
  /**
   * The followed wallet's trade behind the source's change, when the source is a follow model that
   * copied one (its follow signal): the wallet, its price and time. Null for any other source.
   */
  trader: { signalId: string; wallet: string | null; price: string | null; at: string | null } | null;
  /** Against the trader's own price (`trader.price`), in basis points; positive when the follower did worse. */
  traderSlippageBps: string | null;
  clientOrderId: string | null;
  attempts: number;
  /** From the source's commit to the follower's order sent, and to its fill committed. */
  latencyMs: { sent: number | null; filled: number | null };
  sentAt: string | null;
  filledAt: string | null;
  finishedAt: string | null;
}

const dec = (v: string | null) => (v === null ? null : trimZeros(v));

export function executionView(r: ExecutionRow): ExecutionView {
  const since = (t: Date | null) => (t === null ? null : Math.max(0, t.getTime() - r.sourceAt.getTime()));
  return {
    id: String(r.id),
    mirrorId: r.mirrorId,
    signalId: String(r.signalId),
    sourceModelId: r.sourceModelId,
    followerModelId: r.followerModelId,
    action: r.action,
    symbol: r.symbol,
    side: r.side,
    state: r.state,
    outcome: r.outcome,
    reason: r.reason,
    detail: r.detail,
    message: r.message,
    source: { price: dec(r.sourcePrice), quantity: dec(r.sourceQuantity), at: r.sourceAt.toISOString() },
    intendedQuantity: dec(r.intendedQuantity),
    filledQuantity: dec(r.filledQuantity),
    avgPrice: dec(r.avgPrice),
    slippageBps: r.slippageBps === null ? null : trimZeros(r.slippageBps),
    trader: r.traderSignalId === null ? null : { signalId: String(r.traderSignalId), wallet: r.traderWallet, price: dec(r.traderPrice), at: r.traderAt?.toISOString() ?? null },
    traderSlippageBps: r.traderSlippageBps === null ? null : trimZeros(r.traderSlippageBps),
    clientOrderId: r.clientOrderId,
    attempts: r.attempts,
    latencyMs: { sent: since(r.sentAt), filled: since(r.filledAt) },
    sentAt: r.sentAt?.toISOString() ?? null,
    filledAt: r.filledAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export async function mirrorById(db: Db | Tx, id: string): Promise<MirrorRow | undefined> {
  const [row] = await db.select().from(mirrors).where(eq(mirrors.id, id));
  return row;
}

/** The live (not deleted) mirror of a follower. */
export async function mirrorOfFollower(db: Db | Tx, followerModelId: string): Promise<MirrorRow | undefined> {
  const [row] = await db
    .select()
    .from(mirrors)
    .where(and(eq(mirrors.followerModelId, followerModelId), isNull(mirrors.deletedAt)));
  return row;
}

export async function listMirrorRows(db: Db): Promise<MirrorRow[]> {
  return db.select().from(mirrors).orderBy(mirrors.createdAt, mirrors.id);
}

export interface ExecutionFilter {
  mirrorId?: string;
  outcome?: string;
  reason?: string;
  limit: number;
  since?: Date;
}

/** Executions newest first. */
export async function executionRows(db: Db, f: ExecutionFilter): Promise<ExecutionRow[]> {
  return db
    .select()
    .from(mirrorExecutions)
    .where(
      and(
        f.mirrorId === undefined ? undefined : eq(mirrorExecutions.mirrorId, f.mirrorId),
        f.outcome === undefined ? undefined : eq(mirrorExecutions.outcome, f.outcome as NonNullable<ExecutionRow["outcome"]>),
        f.reason === undefined ? undefined : eq(mirrorExecutions.reason, f.reason),
        f.since === undefined ? undefined : sql`${mirrorExecutions.sourceAt} >= ${f.since}`,
      ),
    )
    .orderBy(desc(mirrorExecutions.signalId), desc(mirrorExecutions.id))
    .limit(f.limit);
}

/** Followers whose mirror is live: the processes holding those mirrors trade them. */
export async function liveFollowerIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ id: mirrors.followerModelId }).from(mirrors).where(isNull(mirrors.deletedAt));
  return new Set(rows.map((r) => r.id));
}
