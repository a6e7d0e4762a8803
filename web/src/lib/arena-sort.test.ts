import { describe, expect, it } from "vitest";
import type { LeaderboardRow } from "../api/types.ts";
import { DEFAULT_SORT, naturalDir, nextSort, serverSort, sortRows } from "./arena-sort.ts";

const row = (id: string, over: Partial<LeaderboardRow> = {}): LeaderboardRow => ({
  rank: 1,
  id,
  name: id,
  kind: "rule",
  strategy: "momentum",
  status: "active",
  equity: "10000.00",
  startEquity: "10000.00",
  pnl: "0.00",
  returnPct: 0,
  realizedPnl: "0.00",
  fees: "0.00",
  sharpe: null,
  maxDrawdown: null,
  winRate: null,
  trades: 0,
  wins: 0,
  openPositions: 0,
  ...over,
});

const ids = (rows: LeaderboardRow[]) => rows.map((r) => r.id);

describe("sort state", () => {
  it("starts a column in its natural direction and flips it on a second click", () => {
    expect(nextSort(DEFAULT_SORT, "returnPct")).toEqual({ key: "returnPct", dir: "asc" });
    expect(nextSort(DEFAULT_SORT, "maxDrawdown")).toEqual({ key: "maxDrawdown", dir: "asc" });
    expect(nextSort(DEFAULT_SORT, "name")).toEqual({ key: "name", dir: "asc" });
    expect(nextSort(DEFAULT_SORT, "equity")).toEqual({ key: "equity", dir: "desc" });
    expect(naturalDir("rank")).toBe("asc");
  });

  it("asks the server only for the keys it sorts", () => {
    expect(serverSort({ key: "sharpe", dir: "asc" })).toBe("sharpe");
    expect(serverSort({ key: "status", dir: "asc" })).toBeUndefined();
    expect(serverSort({ key: "openPositions", dir: "desc" })).toBeUndefined();
  });
});

describe("sortRows", () => {
  it("compares money exactly, not as floats", () => {
    const rows = [row("a", { equity: "9007199254740993.01" }), row("b", { equity: "9007199254740993.02" }), row("c", { equity: "-5.00" })];
    expect(ids(sortRows(rows, { key: "equity", dir: "desc" }))).toEqual(["b", "a", "c"]);
    expect(ids(sortRows(rows, { key: "equity", dir: "asc" }))).toEqual(["c", "a", "b"]);
  });

  it("puts rows without the figure last in both directions", () => {
    const rows = [row("a", { sharpe: null }), row("b", { sharpe: 1.5 }), row("c", { sharpe: -0.2 })];
    expect(ids(sortRows(rows, { key: "sharpe", dir: "desc" }))).toEqual(["b", "c", "a"]);
    expect(ids(sortRows(rows, { key: "sharpe", dir: "asc" }))).toEqual(["c", "b", "a"]);
  });

  it("sorts text columns and breaks ties by name", () => {
    const rows = [row("z", { status: "active" }), row("m", { status: "paused" }), row("a", { status: "active" })];
    expect(ids(sortRows(rows, { key: "status", dir: "asc" }))).toEqual(["a", "z", "m"]);
    expect(ids(sortRows(rows, { key: "status", dir: "desc" }))).toEqual(["m", "a", "z"]);
  });

  it("sorts counts and does not touch its input", () => {
    const rows = [row("a", { openPositions: 1 }), row("b", { openPositions: 3 })];
    expect(ids(sortRows(rows, { key: "openPositions", dir: "desc" }))).toEqual(["b", "a"]);
    expect(ids(rows)).toEqual(["a", "b"]);
  });
});
