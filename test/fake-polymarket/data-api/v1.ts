import type { FakeDataStore, StoredFill, StoredRow } from "./store.js";
import { BadRequest } from "./v2.js";
import { v1ActivityRow, v1PositionRow, v1TradeRow } from "./wire.js";

/**
 * Data API v1: bare arrays, camelCase, limit/offset. Verified in Polymarket's docs: /trades
 * (`takerOnly` default true, limit ≤ 10 000, offset ≤ 10 000), /activity (user required, limit
 * clamped to 500, offset past 5 000 refused with a 400, type filter, start/end, sortDirection),
 * /positions. Newest first by default.
 */

function int(q: URLSearchParams, name: string, fallback: number): number {
  const v = q.get(name);
  if (v === null || v === "") return fallback;
  if (!/^\d+$/.test(v)) throw new BadRequest(`${name} must be a whole number, got "${v}"`);
  return Number(v);
}

function userParam(q: URLSearchParams, required: boolean): string | undefined {
  const v = q.get("user");
  if (v === null || v === "") {
    if (required) throw new BadRequest("user is required");
    return undefined;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new BadRequest(`user "${v}" is not an address`);
  return v.toLowerCase();
}

export function v1Trades(store: FakeDataStore, q: URLSearchParams) {
  const wallet = userParam(q, false);
  const takerOnly = q.get("takerOnly") !== "false";
  const markets = q.get("market")?.toLowerCase().split(",").filter(Boolean);
  const side = q.get("side") ?? undefined;
  const limit = Math.min(int(q, "limit", 100), 10_000);
  const offset = int(q, "offset", 0);
  if (offset > 10_000) throw new BadRequest("offset must be at most 10000");
  const keep = (r: StoredRow): r is StoredFill =>
    r.kind === "fill" &&
    (wallet === undefined || r.wallet === wallet) &&
    (!takerOnly || r.role === "taker") &&
    (!markets || markets.includes(r.conditionId)) &&
    (side === undefined || r.side === side);
  return store
    .select(keep, "DESC")
    .slice(offset, offset + limit)
    .map((r) => v1TradeRow(r as StoredFill));
}

export function v1Activity(store: FakeDataStore, q: URLSearchParams) {
  const wallet = userParam(q, true)!;
  const limit = Math.min(int(q, "limit", 100), 500);
  const offset = int(q, "offset", 0);
  if (offset > 5000) throw new BadRequest("offset must be at most 5000: page deeper with start/end windows");
  const types = q.get("type")?.toUpperCase().split(",").filter(Boolean);
  const start = int(q, "start", 0) || undefined;
  const end = int(q, "end", 0) || undefined;
  const direction = (q.get("sortDirection") ?? "DESC").toUpperCase() === "ASC" ? "ASC" : "DESC";
  const keep = (r: StoredRow) =>
    r.wallet === wallet && (!types || types.includes(r.kind === "fill" ? "TRADE" : r.type)) && (start === undefined || r.timestamp >= start) && (end === undefined || r.timestamp <= end);
  return store
    .select(keep, direction)
    .slice(offset, offset + limit)
    .map(v1ActivityRow);
}

export function v1Positions(store: FakeDataStore, q: URLSearchParams) {
  const wallet = userParam(q, true)!;
  const markets = q.get("market")?.toLowerCase().split(",").filter(Boolean);
  const limit = int(q, "limit", 100);
  const offset = int(q, "offset", 0);
  return store
    .positions(wallet)
    .filter((p) => !markets || markets.includes(p.conditionId.toLowerCase()))
    .slice(offset, offset + limit)
    .map(v1PositionRow);
}
