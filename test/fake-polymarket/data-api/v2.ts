import { compareDecimals } from "./http.js";
import type { FakeDataStore, StoredFill, StoredRow } from "./store.js";
import { mintCursor, readCursor, v2ActivityRow, v2PositionRow, v2TradeRow, type CursorState } from "./wire.js";

/**
 * Data API v2: GET /v2/trades, /v2/activity, /v2/positions. The `{data, pagination}` envelope,
 * cursor-only paging (an `offset` parameter is a 400), keyset on (timestamp, seq), snake_case
 * rows, `taker_only` defaulting to true, `condition` (at most 20 ids), limits past the cap refused.
 * Verified in Polymarket's v2 docs: the envelope, cursor-only, has_more exact, the 20-id cap,
 * `limit` applying to the first page only, re-sending filters with a cursor, taker_only's default,
 * activity's sort_direction, a 1000-row cap on feeds. Assumed (unverified): /v2/trades orders
 * newest first like /v2/activity's default; the 400 body's shape; the fake refuses a cursor sent
 * with other filters (the real feeds re-anchor silently), to catch a client that drops a filter.
 */

export class BadRequest extends Error {}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const MAX_CONDITIONS = 20;

function param(q: URLSearchParams, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = q.get(n);
    if (v !== null && v !== "") return v;
  }
  return undefined;
}

function bool(q: URLSearchParams, fallback: boolean, ...names: string[]): boolean {
  const v = param(q, ...names);
  if (v === undefined) return fallback;
  if (v !== "true" && v !== "false") throw new BadRequest(`${names[0]} must be true or false, got "${v}"`);
  return v === "true";
}

function int(q: URLSearchParams, ...names: string[]): number | undefined {
  const v = param(q, ...names);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequest(`${names[0]} must be a whole number, got "${v}"`);
  return Number(v);
}

function conditions(q: URLSearchParams): Set<string> | undefined {
  const v = param(q, "condition", "condition_id", "conditionId");
  if (v === undefined) return undefined;
  const ids = [...new Set(v.split(",").map((s) => s.trim().toLowerCase()))];
  for (const id of ids) if (!/^0x[0-9a-f]{62,64}$/.test(id)) throw new BadRequest(`condition "${id}" is not a condition id`);
  if (ids.length > MAX_CONDITIONS) throw new BadRequest(`at most ${MAX_CONDITIONS} distinct condition ids, got ${ids.length}`);
  return new Set(ids);
}

function user(q: URLSearchParams, required: boolean): string | undefined {
  const v = param(q, "user");
  if (v === undefined) {
    if (required) throw new BadRequest("user is required");
    return undefined;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new BadRequest(`user "${v}" is not an address`);
  return v.toLowerCase();
}

interface Window {
  start?: number;
  end?: number;
}

function window(q: URLSearchParams): Window {
  const start = int(q, "start");
  const end = int(q, "end");
  return { start: start || undefined, end: end || undefined };
}

const inWindow = (r: StoredRow, w: Window) => (w.start === undefined || r.timestamp >= w.start) && (w.end === undefined || r.timestamp <= w.end);

/** One keyset page of `rows` (already filtered and sorted in `direction`). */
function page<T>(route: string, q: URLSearchParams, rows: StoredRow[], direction: "ASC" | "DESC", filters: string, toWire: (r: StoredRow) => T) {
  if (q.has("offset")) throw new BadRequest("offset is not a v2 parameter: follow pagination.next_cursor");
  const cursorText = param(q, "cursor");
  let limit: number;
  let rest = rows;
  let served = 0;
  if (cursorText !== undefined) {
    const c = readCursor(cursorText);
    if (!c || c.route !== route) throw new BadRequest("cursor is not valid for this route");
    if (c.filters !== filters) throw new BadRequest("cursor was minted under other filters: re-send the same filters with every page");
    limit = c.limit;
    served = c.served;
    const after = (r: StoredRow) => (c.direction === "DESC" ? r.timestamp < c.t || (r.timestamp === c.t && r.seq < c.s) : r.timestamp > c.t || (r.timestamp === c.t && r.seq > c.s));
    rest = rows.filter(after);
  } else {
    const asked = int(q, "limit");
    if (asked !== undefined && (asked < 1 || asked > MAX_LIMIT)) throw new BadRequest(`limit must be 1 to ${MAX_LIMIT}, got ${asked}`);
    limit = asked ?? DEFAULT_LIMIT;
  }
  const data = rest.slice(0, limit);
  const hasMore = rest.length > limit;
  const last = data[data.length - 1];
  const state: CursorState | null = hasMore && last ? { route, limit, direction, filters, t: last.timestamp, s: last.seq, served: served + data.length } : null;
  return { data: data.map(toWire), pagination: { limit, offset: served, has_more: hasMore, next_cursor: state ? mintCursor(state) : null } };
}

function direction(q: URLSearchParams): "ASC" | "DESC" {
  const v = (param(q, "sort_direction", "sortDirection") ?? "DESC").toUpperCase();
  if (v !== "ASC" && v !== "DESC") throw new BadRequest(`sort_direction must be ASC or DESC, got "${v}"`);
  return v;
}

export function v2Trades(store: FakeDataStore, q: URLSearchParams) {
  const wallet = user(q, false);
  const takerOnly = bool(q, true, "taker_only", "takerOnly");
  const conds = conditions(q);
  const side = param(q, "side");
  const w = window(q);
  // The dust filter: TOKENS 0.01 unless told otherwise (CASH compares size × price).
  const minTokens = param(q, "filter_type", "filterType") === "CASH" ? undefined : (param(q, "filter_amount", "filterAmount") ?? "0.01");
  const keep = (r: StoredRow): r is StoredFill =>
    r.kind === "fill" &&
    (wallet === undefined || r.wallet === wallet) &&
    (!takerOnly || r.role === "taker") &&
    (conds === undefined || conds.has(r.conditionId)) &&
    (side === undefined || r.side === side) &&
    (minTokens === undefined || compareDecimals(r.size, minTokens === "0" ? "0.01" : minTokens) >= 0) &&
    inWindow(r, w);
  const filters = JSON.stringify([wallet, takerOnly, [...(conds ?? [])], side, w.start, w.end, minTokens]);
  return page("trades", q, store.select(keep, "DESC"), "DESC", filters, (r) => v2TradeRow(r as StoredFill));
}

export function v2Activity(store: FakeDataStore, q: URLSearchParams) {
  const wallet = user(q, true)!;
  const types = param(q, "type")
    ?.split(",")
    .map((s) => s.trim().toUpperCase());
  const conds = conditions(q);
  const w = window(q);
  const dir = direction(q);
  const keep = (r: StoredRow) =>
    r.wallet === wallet && (types === undefined || types.includes(r.kind === "fill" ? "TRADE" : r.type)) && (conds === undefined || conds.has(r.conditionId)) && inWindow(r, w);
  const filters = JSON.stringify([wallet, types, [...(conds ?? [])], w.start, w.end]);
  return page("activity", q, store.select(keep, dir), dir, filters, v2ActivityRow);
}

export function v2Positions(store: FakeDataStore, q: URLSearchParams) {
  const wallet = user(q, true)!;
  if (q.has("offset")) throw new BadRequest("offset is not a v2 parameter: follow pagination.next_cursor");
  const status = param(q, "status");
  const conds = conditions(q);
  const rows = store.positions(wallet).filter((p) => (status === undefined || (p.status ?? "OPEN") === status) && (conds === undefined || conds.has(p.conditionId.toLowerCase())));
  // Positions fit one page in the fake; the cursor machinery is exercised by the feeds.
  return { data: rows.map(v2PositionRow), pagination: { limit: rows.length, offset: 0, has_more: false, next_cursor: null } };
}
