import { Hono } from "hono";
import { z } from "zod";
import { cappedCount, DEFAULT_LIMIT, MAX_LIMIT, modelIdParam, oneOf } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { createMirrorSchema, OUTCOMES, patchMirrorSchema, REASONS } from "../../copy/mirror-settings.js";
import { jsonBody, paramsOf, queryOf } from "../validation.js";

const executionsQuery = z.object({
  outcome: oneOf(OUTCOMES).optional(),
  reason: oneOf(REASONS).optional(),
  limit: cappedCount(DEFAULT_LIMIT, MAX_LIMIT),
});

const windowQuery = z.object({ window: oneOf(["1h", "24h", "7d", "30d", "all"]).default("24h") });

/** Copy trading: mirrors, their executions and metrics, and the audit across all of them. */
export function mirrorRoutes(services: AppServices) {
  const m = services.mirrors;
  return new Hono()
    .get("/mirrors", async (c) => c.json(await m.list()))
    .post("/mirrors", jsonBody(createMirrorSchema), async (c) => c.json(await m.create(c.req.valid("json")), 201))
    .get("/mirrors/:id", paramsOf(modelIdParam), async (c) => c.json(await m.get(c.req.valid("param").id)))
    .patch("/mirrors/:id", paramsOf(modelIdParam), jsonBody(patchMirrorSchema), async (c) => c.json(await m.patch(c.req.valid("param").id, c.req.valid("json"))))
    .delete("/mirrors/:id", paramsOf(modelIdParam), async (c) => c.json(await m.remove(c.req.valid("param").id)))
    .get("/mirrors/:id/executions", paramsOf(modelIdParam), queryOf(executionsQuery), async (c) => {
      const q = c.req.valid("query");
      return c.json(await m.executions(c.req.valid("param").id, { limit: q.limit, ...(q.outcome ? { outcome: q.outcome } : {}), ...(q.reason ? { reason: q.reason } : {}) }));
    })
    .get("/mirrors/:id/metrics", paramsOf(modelIdParam), queryOf(windowQuery), async (c) => c.json(await m.metrics(c.req.valid("param").id, c.req.valid("query").window)))
    .get("/execution-audit", queryOf(windowQuery), async (c) => c.json(await m.audit(c.req.valid("query").window)));
}
