import { z } from "zod";
import { HttpJson, type HttpJsonOptions } from "./http-json.js";
import {
  v1ActivityRow,
  v1PositionRow,
  v1TradeRow,
  v2ActivityRow,
  v2Page,
  v2PositionRow,
  v2TradeRow,
  type DataApiActivity,
  type DataApiPage,
  type DataApiPosition,
  type DataApiTrade,
} from "./data-api-wire.js";

/**
 * Polymarket's Data API (data-api.polymarket.com, public, no key): a wallet's trades, activity
 * and positions, v2 (cursor pages) and v1 (offset pages, the fallback).
 *
 * `takerOnly` has no default here on purpose: the API's default is true, which hides every fill
 * where the wallet was the maker (polycopy saw 0 trades on /trades and 3,160 fills on /activity
 * for one wallet). Each caller says which it wants.
 */

export const DATA_API_URL = "https://data-api.polymarket.com";
/** v2: at most 20 distinct condition ids per request. */
export const MAX_CONDITIONS = 20;
/** v2 feeds reject a larger page (400, not clamped). */
export const V2_MAX_LIMIT = 1000;
/** v1 /activity clamps a larger page to 500 and refuses an offset past 5 000. */
export const V1_ACTIVITY_MAX_LIMIT = 500;
export const V1_ACTIVITY_MAX_OFFSET = 5000;

export type DataApiOptions = Partial<Omit<HttpJsonOptions, "service">>;

export interface TradesV2Query {
  user?: string;
  takerOnly: boolean;
  /** Condition ids (at most 20). */
  condition?: readonly string[];
  side?: "BUY" | "SELL";
  /** Epoch seconds, inclusive, on the block timestamp (honored on the `user` feed). */
  start?: number;
  end?: number;
  /** First page only: a cursor carries its own page size. */
  limit?: number;
  cursor?: string;
}

export interface ActivityV2Query {
  user: string;
  type?: readonly string[];
  condition?: readonly string[];
  start?: number;
  end?: number;
  limit?: number;
  cursor?: string;
  sortDirection?: "ASC" | "DESC";
}

export interface PositionsV2Query {
  user: string;
  status?: string;
  condition?: readonly string[];
  limit?: number;
  cursor?: string;
}

export interface TradesV1Query {
  user?: string;
  takerOnly: boolean;
  market?: readonly string[];
  side?: "BUY" | "SELL";
  limit?: number;
  offset?: number;
}

export interface ActivityV1Query {
  user: string;
  type?: readonly string[];
  start?: number;
  end?: number;
  limit?: number;
  offset?: number;
  sortDirection?: "ASC" | "DESC";
}

export interface PositionsV1Query {
  user: string;
  market?: readonly string[];
  limit?: number;
  offset?: number;
}

function conditions(ids: readonly string[] | undefined): string | undefined {
  if (ids === undefined || ids.length === 0) return undefined;
  const distinct = [...new Set(ids.map((id) => id.toLowerCase()))];
  if (distinct.length > MAX_CONDITIONS) throw new RangeError(`at most ${MAX_CONDITIONS} condition ids per Data API request, got ${distinct.length}`);
  return distinct.join(",");
}

const list = (values: readonly string[] | undefined) => (values && values.length > 0 ? values.join(",") : undefined);

function v2Limit(limit: number | undefined): number | undefined {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1 && limit <= V2_MAX_LIMIT)) throw new RangeError(`a v2 page holds 1 to ${V2_MAX_LIMIT} rows, got ${limit}`);
  return limit;
}

export class PolymarketDataApi {
  private readonly http: HttpJson;

  constructor(options: DataApiOptions = {}) {
    this.http = new HttpJson({ ...options, baseUrl: options.baseUrl ?? DATA_API_URL, service: "Data API" });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** GET /v2/trades: one page, newest first. Re-send the same filters with each cursor. */
  tradesV2(q: TradesV2Query): Promise<DataApiPage<DataApiTrade>> {
    return this.http.get(
      "/v2/trades",
      {
        user: q.user,
        taker_only: q.takerOnly,
        condition: conditions(q.condition),
        side: q.side,
        start: q.start,
        end: q.end,
        limit: q.cursor === undefined ? v2Limit(q.limit) : undefined,
        cursor: q.cursor,
      },
      v2Page(v2TradeRow),
    );
  }

  /** GET /v2/activity: one page of a wallet's activity (TRADE, SPLIT, MERGE, REDEEM, …). */
  activityV2(q: ActivityV2Query): Promise<DataApiPage<DataApiActivity>> {
    return this.http.get(
      "/v2/activity",
      {
        user: q.user,
        type: list(q.type),
        condition: conditions(q.condition),
        start: q.start,
        end: q.end,
        sort_direction: q.sortDirection,
        limit: q.cursor === undefined ? v2Limit(q.limit) : undefined,
        cursor: q.cursor,
      },
      v2Page(v2ActivityRow),
    );
  }

  /** GET /v2/positions: one page of a wallet's positions (status OPEN, REDEEMABLE, CLOSED, …). */
  positionsV2(q: PositionsV2Query): Promise<DataApiPage<DataApiPosition>> {
    return this.http.get(
      "/v2/positions",
      { user: q.user, status: q.status, condition: conditions(q.condition), limit: q.cursor === undefined ? v2Limit(q.limit) : undefined, cursor: q.cursor },
      v2Page(v2PositionRow),
    );
  }

  /** GET /trades (v1): limit/offset, newest first. */
  tradesV1(q: TradesV1Query): Promise<DataApiTrade[]> {
    return this.http.get("/trades", { user: q.user, takerOnly: q.takerOnly, market: list(q.market), side: q.side, limit: q.limit, offset: q.offset }, z.array(v1TradeRow));
  }

  /** GET /activity (v1): limit ≤ 500, offset ≤ 5 000; page deeper with start/end windows. */
  activityV1(q: ActivityV1Query): Promise<DataApiActivity[]> {
    if (q.offset !== undefined && q.offset > V1_ACTIVITY_MAX_OFFSET) throw new RangeError(`v1 /activity refuses an offset past ${V1_ACTIVITY_MAX_OFFSET}, got ${q.offset}`);
    return this.http.get(
      "/activity",
      {
        user: q.user,
        type: list(q.type),
        start: q.start,
        end: q.end,
        sortBy: q.sortDirection ? "TIMESTAMP" : undefined,
        sortDirection: q.sortDirection,
        limit: q.limit,
        offset: q.offset,
      },
      z.array(v1ActivityRow),
    );
  }

  /** GET /positions (v1). */
  positionsV1(q: PositionsV1Query): Promise<DataApiPosition[]> {
    return this.http.get("/positions", { user: q.user, market: list(q.market), limit: q.limit, offset: q.offset }, z.array(v1PositionRow));
  }
}
