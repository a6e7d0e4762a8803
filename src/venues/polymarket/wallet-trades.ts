import type { Clock } from "../../core/clock.js";
import { V1_ACTIVITY_MAX_LIMIT, V1_ACTIVITY_MAX_OFFSET, type PolymarketDataApi } from "./data-api.js";
import type { DataApiTrade } from "./data-api-wire.js";
import { PolymarketHttpError, PolymarketResponseError, PolymarketUnavailableError } from "./http-json.js";
import { toSourceTrade } from "./source-trade.js";
import { absorbPage, DEFAULT_OVERLAP_SECONDS, nextWalk, type DeliveredTrade, type PendingWalk, type WalletCursor } from "./wallet-cursor.js";

/**
 * Reads one followed wallet's new fills: the I/O around wallet-cursor's rules.
 *
 * Primary: GET /v2/trades?user=…&taker_only=false (maker fills included), newest first, cursor
 * pages, the range from the stored cursor (never a wall-clock window). Fallback when v2 fails
 * (404, 5xx/429/network after retries, or an answer that does not parse): GET /activity?type=TRADE
 * (v1, which includes maker fills) over the same range, in start/end windows under its 5 000
 * offset cap. Both feed the same keys, so switching between them delivers nothing twice.
 */

export interface WalletTradesOptions {
  clock: Clock;
  overlapSeconds?: number;
  /** v2 rows per page (at most 1000). Default 500. */
  pageSize?: number;
  /** Pages per poll before the read is left for the next poll. Default 20. */
  maxPages?: number;
}

export interface WalletPoll {
  /** New fills, each delivered once across polls, oldest first. */
  trades: DeliveredTrade[];
  /** Store it with the trades, in one transaction. */
  cursor: WalletCursor;
  /** The route that finished the read. */
  source: "v2" | "v1";
  /** Why v2 was given up for this poll, when it was. */
  fallbackReason?: string;
  /**
   * False when the page budget ran out with more to read: poll again soon. True when the walk
   * reached its end; fills indexed meanwhile are read by the next poll (its overlap covers them).
   */
  complete: boolean;
}

/** Both routes failed; the cursor given is still the one to use. */
export class WalletReadError extends Error {
  constructor(
    readonly wallet: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`reading wallet ${wallet}: ${message}`, options);
    this.name = "WalletReadError";
  }
}

const isApiFailure = (e: unknown) => e instanceof PolymarketHttpError || e instanceof PolymarketUnavailableError || e instanceof PolymarketResponseError;

interface Progress {
  cursor: WalletCursor;
  walk: PendingWalk;
  trades: DeliveredTrade[];
  pages: number;
}

export async function pollWalletTrades(api: PolymarketDataApi, cursor: WalletCursor, options: WalletTradesOptions): Promise<WalletPoll> {
  const overlapSeconds = options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  const maxPages = options.maxPages ?? 20;
  const progress: Progress = { cursor, walk: nextWalk(cursor, overlapSeconds), trades: [], pages: 0 };
  const absorb = (rows: DataApiTrade[], source: "data-api-v2" | "data-api-v1", more: boolean, serverCursor: string | null) => {
    const now = options.clock.now();
    const mine = rows.filter((r) => r.wallet === cursor.wallet).map((r) => toSourceTrade(r, source));
    const end = more ? ({ more: true, cursor: serverCursor } as const) : ({ more: false } as const);
    const result = absorbPage(progress.cursor, progress.walk, mine, end, { overlapSeconds, seenAt: now, nowSeconds: Math.floor(now / 1000) });
    progress.trades.push(...result.delivered);
    progress.cursor = result.cursor;
    progress.pages += 1;
    if (result.cursor.walk) progress.walk = result.cursor.walk;
  };

  try {
    const done = await readV2(api, cursor.wallet, progress, options.pageSize ?? 500, maxPages, absorb);
    return { trades: oldestFirst(progress.trades), cursor: progress.cursor, source: "v2", complete: done };
  } catch (v2Error) {
    if (!isApiFailure(v2Error)) throw v2Error;
    try {
      const done = await readV1(api, cursor.wallet, progress, maxPages, absorb);
      return { trades: oldestFirst(progress.trades), cursor: progress.cursor, source: "v1", fallbackReason: (v2Error as Error).message, complete: done };
    } catch (v1Error) {
      if (!isApiFailure(v1Error)) throw v1Error;
      throw new WalletReadError(cursor.wallet, `v2 failed (${(v2Error as Error).message}) and the v1 fallback failed (${(v1Error as Error).message})`, { cause: v1Error });
    }
  }
}

const oldestFirst = (trades: DeliveredTrade[]) => trades.sort((a, b) => a.tradedAt - b.tradedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

type Absorb = (rows: DataApiTrade[], source: "data-api-v2" | "data-api-v1", more: boolean, serverCursor: string | null) => void;

/** A cursorless walk reads [start, oldest]: the filters it sends, and re-sends with every cursor. */
function restarted(walk: PendingWalk): PendingWalk {
  return { ...walk, end: walk.oldest ?? walk.end, cursor: null };
}

async function readV2(api: PolymarketDataApi, wallet: string, progress: Progress, pageSize: number, maxPages: number, absorb: Absorb): Promise<boolean> {
  if (progress.walk.cursor === null) progress.walk = restarted(progress.walk);
  while (progress.pages < maxPages) {
    const walk = progress.walk;
    let page;
    try {
      page = await api.tradesV2({
        user: wallet,
        takerOnly: false,
        start: walk.start,
        end: walk.end ?? undefined,
        ...(walk.cursor === null ? { limit: pageSize } : { cursor: walk.cursor }),
      });
    } catch (error) {
      // A stored cursor the server no longer accepts (expired, signed by another key): re-read the range instead.
      if (walk.cursor !== null && error instanceof PolymarketHttpError && error.status === 400) {
        progress.walk = restarted(walk);
        continue;
      }
      throw error;
    }
    absorb(page.items, "data-api-v2", page.hasMore, page.nextCursor);
    if (!page.hasMore) return true;
  }
  return false;
}

async function readV1(api: PolymarketDataApi, wallet: string, progress: Progress, maxPages: number, absorb: Absorb): Promise<boolean> {
  // v1 has no cursor: read the rest of the range newest first, each page a window ending at the
  // oldest time read so far (inclusive: fills sharing that second are re-read and dropped by key).
  progress.walk = restarted(progress.walk);
  let offset = 0;
  let v1Pages = 0;
  while (v1Pages === 0 || progress.pages < maxPages) {
    const walk = progress.walk;
    const rows = await api.activityV1({
      user: wallet,
      type: ["TRADE"],
      start: walk.start,
      end: walk.end ?? undefined,
      sortDirection: "DESC",
      limit: V1_ACTIVITY_MAX_LIMIT,
      offset,
    });
    v1Pages += 1;
    const more = rows.length >= V1_ACTIVITY_MAX_LIMIT;
    const oldest = rows.reduce((m, r) => Math.min(m, r.timestamp), Infinity);
    absorb(
      rows.flatMap((r) => (r.trade ? [r.trade] : [])),
      "data-api-v1",
      more,
      null,
    );
    if (!more) return true;
    if (walk.end !== null && oldest >= walk.end) {
      // A whole page inside one second: step through that second by offset.
      offset += rows.length;
      if (offset > V1_ACTIVITY_MAX_OFFSET)
        throw new PolymarketResponseError("Data API", "/activity", `more than ${V1_ACTIVITY_MAX_OFFSET} fills of ${wallet} at one second (${walk.end}): v1 cannot page them`);
    } else {
      offset = 0;
      progress.walk = restarted(progress.walk);
    }
  }
  return false;
}
