import type { LeaderboardRow, LeaderboardSort } from "../api/types.ts";
import { compareDecimal } from "./decimal.ts";

/**
 * Sorting the leaderboard. The server sorts by the keys it knows (`sort=`), each in its natural
 * direction, and ranks the rows in that order; the page asks it for the clicked key so the rank
 * column means "rank by that figure". The rows are then sorted here again with the same rules
 * (nulls last, ties by name then id), which is a no-op on the server's order but also covers the
 * columns the server does not sort (kind, strategy, status, open positions, rank), the reverse
 * direction, and the previous answer shown while the new one loads.
 */

export type SortKey = LeaderboardSort | "rank" | "kind" | "strategy" | "status" | "openPositions";
export type SortDir = "asc" | "desc";
export interface SortState {
  key: SortKey;
  dir: SortDir;
}

const SERVER_KEYS: ReadonlySet<string> = new Set<LeaderboardSort>(["equity", "returnPct", "realizedPnl", "fees", "sharpe", "maxDrawdown", "winRate", "trades", "name"]);
const MONEY = new Set<SortKey>(["equity", "realizedPnl", "fees"]);
const TEXT = new Set<SortKey>(["name", "kind", "strategy", "status"]);

export const DEFAULT_SORT: SortState = { key: "returnPct", dir: "desc" };

/** The first direction of a column: best first (small drawdown and fees, A to Z, rank 1 first). */
export function naturalDir(key: SortKey): SortDir {
  return TEXT.has(key) || key === "maxDrawdown" || key === "fees" || key === "rank" ? "asc" : "desc";
}

/** A click on a column: the same column flips, another starts in its natural direction. */
export function nextSort(current: SortState, key: SortKey): SortState {
  return current.key === key ? { key, dir: current.dir === "asc" ? "desc" : "asc" } : { key, dir: naturalDir(key) };
}

/** The `sort=` to send: the key when the server knows it, else the server's default. */
export function serverSort(state: SortState): LeaderboardSort | undefined {
  return SERVER_KEYS.has(state.key) ? (state.key as LeaderboardSort) : undefined;
}

function byNameThenId(a: LeaderboardRow, b: LeaderboardRow): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareKey(key: SortKey, a: LeaderboardRow, b: LeaderboardRow): number | null {
  if (MONEY.has(key)) return compareDecimal(a[key as "equity"], b[key as "equity"]);
  const x = a[key];
  const y = b[key];
  if (x === null || y === null) return null;
  if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
  return (x as number) - (y as number);
}

/** A new array in the given order; rows without the figure (null) last in either direction. */
export function sortRows(rows: readonly LeaderboardRow[], { key, dir }: SortState): LeaderboardRow[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const c = compareKey(key, a, b);
    if (c === null) {
      const an = a[key] === null;
      const bn = b[key] === null;
      return an === bn ? byNameThenId(a, b) : an ? 1 : -1;
    }
    return c !== 0 ? c * sign : byNameThenId(a, b);
  });
}
