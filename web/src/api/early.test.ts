import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EARLY_PATHS } from "./early.ts";
import { equityCurvesPath, HEALTH_PATH, leaderboardPath, LIVE_PATH, MARKETS_PATH } from "./queries.ts";
import { serverSort, DEFAULT_SORT } from "../lib/arena-sort.ts";
import { ARENA_CURVE_POINTS } from "../lib/curves.ts";

describe("the arena's early reads", () => {
  it("fetch exactly the paths the arena's first queries ask for, so the responses are used", () => {
    expect(EARLY_PATHS).toEqual([leaderboardPath({ window: "all", sort: serverSort(DEFAULT_SORT) }), equityCurvesPath("all", ARENA_CURVE_POINTS), MARKETS_PATH, HEALTH_PATH, LIVE_PATH]);
    const html = readFileSync(new URL("../../index.html", import.meta.url), "utf8");
    for (const path of EARLY_PATHS) expect(html).toContain(JSON.stringify(path));
  });
});
