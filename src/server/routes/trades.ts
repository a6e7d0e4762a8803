import { Hono } from "hono";
import { pagedListQuery } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { queryOf } from "../validation.js";

/** CLOSED rows of the orders table, newest first; `offset` pages back. */
export function tradeRoutes(services: AppServices) {
  return new Hono().get("/trades", queryOf(pagedListQuery), async (c) => {
    const { modelId, limit, offset } = c.req.valid("query");
    return c.json(await services.trades(modelId, limit, offset));
  });
}
