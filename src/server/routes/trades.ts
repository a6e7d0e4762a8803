import { Hono } from "hono";
import { listQuery } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { queryOf } from "../validation.js";

/** CLOSED rows of the orders table, newest first. */
export function tradeRoutes(services: AppServices) {
  return new Hono().get("/trades", queryOf(listQuery), async (c) => {
    const { modelId, limit } = c.req.valid("query");
    return c.json(await services.trades(modelId, limit));
  });
}
