import { Hono } from "hono";
import { z } from "zod";
import { cappedCount, listQuery, oneOf } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { queryOf } from "../validation.js";

/** Strategy and prompt-variant names are short slugs; `?variant=` with nothing after it means all. */
const variant = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^[\w.:-]{1,100}$/, { error: "must be a strategy or prompt variant name" })
    .optional(),
);

const leaderboardQuery = z.object({
  window: oneOf(["24h", "7d", "30d", "all"]).default("all"),
  sort: oneOf(["equity", "returnPct", "pnl", "realizedPnl", "fees", "sharpe", "maxDrawdown", "winRate", "trades", "name"]).default("returnPct"),
  variant,
});

const variantsQuery = z.object({ window: oneOf(["24h", "7d", "30d", "all"]).default("all") });

export const DEFAULT_CURVE_POINTS = 500;
export const MAX_CURVE_POINTS = 5000;

const equityCurvesQuery = z.object({
  window: oneOf(["1h", "24h", "7d", "30d", "all"]).default("all"),
  // At least the first and the last point; more than MAX_CURVE_POINTS are clamped like `limit`.
  points: cappedCount(DEFAULT_CURVE_POINTS, MAX_CURVE_POINTS, 2),
});

/** The arena: the leaderboard (per model and per variant), every model's equity curve at once, and what failed. */
export function arenaRoutes(services: AppServices) {
  return new Hono()
    .get("/leaderboard", queryOf(leaderboardQuery), async (c) => {
      const { window, sort, variant: only } = c.req.valid("query");
      return c.json(await services.leaderboard({ window, sort, ...(only !== undefined ? { variant: only } : {}) }));
    })
    .get("/leaderboard/variants", queryOf(variantsQuery), async (c) => c.json(await services.leaderboardVariants(c.req.valid("query").window)))
    .get("/equity", queryOf(equityCurvesQuery), async (c) => {
      const { window, points } = c.req.valid("query");
      return c.json(await services.equityCurves(window, points));
    })
    .get("/failures", queryOf(listQuery), async (c) => {
      const { modelId, limit } = c.req.valid("query");
      return c.json(await services.failures(modelId, limit));
    });
}
