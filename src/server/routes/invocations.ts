import { Hono } from "hono";
import { listQuery } from "../fields.js";
import type { AppServices } from "../services.js";
import { queryOf } from "../validation.js";

/** Model decisions (invocations) with their tool calls, newest first. */
export function invocationRoutes(services: AppServices) {
  return new Hono().get("/invocations", queryOf(listQuery), async (c) => {
    const { modelId, limit } = c.req.valid("query");
    return c.json(await services.invocations(modelId, limit));
  });
}
