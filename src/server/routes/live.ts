import { Hono } from "hono";
import { z } from "zod";
import { modelIdParam } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { jsonBody, paramsOf } from "../validation.js";

const haltBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

/** Live trading: its status, the kill switch, and a person's reconciliation of a halted model. */
export function liveRoutes(services: AppServices) {
  return new Hono()
    .get("/live", (c) => c.json(services.live.status()))
    .post("/live/halt", jsonBody(haltBody.default({})), async (c) => c.json(await services.live.halt(c.req.valid("json").reason ?? null)))
    .post("/live/resume", async (c) => c.json(await services.live.resume()))
    .post("/models/:id/reconcile", paramsOf(modelIdParam), async (c) => c.json(await services.live.reconcile(c.req.valid("param").id)));
}
