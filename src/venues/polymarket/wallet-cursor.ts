import { createHash } from "node:crypto";
import type { SourceTrade } from "./source-trade.js";

/**
 * Where a followed wallet's reading stands, and the pure rules that move it: which range the next
 * read asks for, which served rows are new, and what to remember. No I/O, no clock.
 *
 * The problem it solves: the Data API indexes some fills late, at their original (older) block
 * time. A reader that resumes exactly where it stopped (a keyset cursor, or `start` = the newest
 * time seen) has already passed that time and never sees them. So every new read starts
 * `overlapSeconds` behind the newest trade time seen, and the fills already delivered in that
 * overlap are remembered by key and dropped. A late fill indexed within the overlap is delivered
 * once, with its original time and `late: true`, so the caller can copy it or skip it as too old.
 * One indexed later than the overlap is not seen by this reader: size the overlap for the lag
 * the API shows (the default is generous).
 *
 * A server cursor is kept only while a read is unfinished (page budget reached, or the process
 * stopped): Polymarket's v2 cursor is null once a walk reaches its end, so the resumable position
 * of a finished read is a time, from the data, never from the wall clock.
 *
 * The caller stores the cursor with the trades it delivered, in one transaction; a crash before
 * that re-reads the same range, and the natural key keeps the store from holding a fill twice.
 */

export interface WalletCursor {
  readonly v: 1;
  /** The followed wallet (proxy address, lower case). */
  readonly wallet: string;
  /** Fills before this time (epoch seconds) are never delivered: when following began. */
  readonly since: number;
  /** Newest fill time read so far (epoch seconds); null before the first. */
  readonly watermark: number | null;
  /** A read left unfinished: continue it before starting another. */
  readonly walk: PendingWalk | null;
  /** Fills delivered whose time a later read can still serve: key digest → fill time (epoch s). */
  readonly recent: Readonly<Record<string, number>>;
}

/** A range being read newest first, and how far the read got. */
export interface PendingWalk {
  /** The range's filters, re-sent with every page: epoch seconds, inclusive. */
  readonly start: number;
  /** Upper bound of the range (null: up to the newest). */
  readonly end: number | null;
  /** The v2 server cursor to continue from; null: re-read [start, oldest] (v1, or the cursor was refused). */
  readonly cursor: string | null;
  /** Oldest fill time read so far in this walk (null: nothing read yet). */
  readonly oldest: number | null;
  /** The watermark when the walk began: a fill older than it was indexed after newer ones were read. */
  readonly baseline: number | null;
}

/** A fill delivered to the caller: once, with when it was seen and whether it arrived late. */
export interface DeliveredTrade extends SourceTrade {
  /** When this reader first saw it (epoch ms, the caller's clock). */
  readonly seenAt: number;
  /** True when newer fills of the wallet had already been read before this one was indexed. */
  readonly late: boolean;
}

/** The overlap each read re-reads behind the newest fill time seen. */
export const DEFAULT_OVERLAP_SECONDS = 600;

export function startFollowing(wallet: string, sinceSeconds: number): WalletCursor {
  if (!/^0x[0-9a-fA-F]{40}$/.test(wallet)) throw new RangeError(`"${wallet}" is not a 0x wallet address`);
  if (!Number.isSafeInteger(sinceSeconds) || sinceSeconds < 0) throw new RangeError(`since must be epoch seconds, got ${sinceSeconds}`);
  return { v: 1, wallet: wallet.toLowerCase(), since: sinceSeconds, watermark: null, walk: null, recent: {} };
}

/** The 96-bit digest the cursor remembers a delivered key by (keys run to ~200 characters). */
export function keyDigest(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 16);
}

/** What the next read asks for: the unfinished walk, or a new one from the overlap behind the watermark. */
export function nextWalk(cursor: WalletCursor, overlapSeconds = DEFAULT_OVERLAP_SECONDS): PendingWalk {
  if (cursor.walk) return cursor.walk;
  const start = cursor.watermark === null ? cursor.since : Math.max(cursor.since, cursor.watermark - overlapSeconds);
  return { start, end: null, cursor: null, oldest: null, baseline: cursor.watermark };
}

/** How a page left its walk: more to read (with the server's cursor, if any) or done. */
export type PageEnd = { readonly more: true; readonly cursor: string | null } | { readonly more: false };

export interface AbsorbOptions {
  overlapSeconds?: number;
  /** Epoch ms stamped on delivered fills as seenAt. */
  seenAt: number;
  /** Epoch seconds: a fill time beyond it does not move the watermark (a wrong future time would skip real fills). */
  nowSeconds?: number;
}

/**
 * Takes one page of a walk: returns the fills not delivered before (oldest first, each once) and
 * the cursor that remembers them. `trades` may hold duplicates, fills delivered earlier, and fills
 * from before `since`; none of those is delivered.
 */
export function absorbPage(cursor: WalletCursor, walk: PendingWalk, trades: readonly SourceTrade[], end: PageEnd, options: AbsorbOptions): { delivered: DeliveredTrade[]; cursor: WalletCursor } {
  const overlap = options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  const recent: Record<string, number> = { ...cursor.recent };
  const fresh: SourceTrade[] = [];
  let newest = cursor.watermark;
  let oldest = walk.oldest;
  for (const trade of trades) {
    const seconds = Math.floor(trade.tradedAt / 1000);
    oldest = oldest === null ? seconds : Math.min(oldest, seconds);
    if (seconds < cursor.since) continue;
    const watermarkCandidate = options.nowSeconds === undefined ? seconds : Math.min(seconds, options.nowSeconds);
    newest = newest === null ? watermarkCandidate : Math.max(newest, watermarkCandidate);
    const digest = keyDigest(trade.key);
    if (recent[digest] !== undefined) continue;
    recent[digest] = seconds;
    fresh.push(trade);
  }
  fresh.sort((a, b) => a.tradedAt - b.tradedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const delivered = fresh.map((t) => ({ ...t, seenAt: options.seenAt, late: walk.baseline !== null && Math.floor(t.tradedAt / 1000) < walk.baseline }));

  const pending: PendingWalk | null = end.more ? { ...walk, cursor: end.cursor, oldest } : null;
  // Remember what a later read can still serve: from the next walk's start, or this one's while it is open.
  const nextStart = newest === null ? cursor.since : Math.max(cursor.since, newest - overlap);
  const keepFrom = pending ? Math.min(pending.start, nextStart) : nextStart;
  for (const [digest, seconds] of Object.entries(recent)) if (seconds < keepFrom) delete recent[digest];

  return { delivered, cursor: { ...cursor, watermark: newest, walk: pending, recent } };
}

/** Checks a stored cursor read back from the database (it crosses a process boundary). */
export function isWalletCursor(value: unknown): value is WalletCursor {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Record<string, unknown>;
  const recentOk = typeof c.recent === "object" && c.recent !== null && Object.values(c.recent).every((s) => Number.isSafeInteger(s));
  const walkOk = c.walk === null || (typeof c.walk === "object" && c.walk !== null && Number.isSafeInteger((c.walk as PendingWalk).start));
  return c.v === 1 && typeof c.wallet === "string" && Number.isSafeInteger(c.since) && (c.watermark === null || Number.isSafeInteger(c.watermark)) && walkOk && recentOk;
}
