import { Hono } from "hono";
import { z } from "zod";
import { pagedListQuery } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { paramsOf, queryOf } from "../validation.js";

const invocationParams = z.object({ id: z.string().regex(/^[\w.:-]{1,128}$/, { error: "must be an invocation id" }) });

/** Model decisions (invocations) with their tool calls, newest first (`offset` pages back); one in full with its prompt and steps. */
export function invocationRoutes(services: AppServices) {
  return new Hono()
    .get("/invocations", queryOf(pagedListQuery), async (c) => {
      const { modelId, limit, offset } = c.req.valid("query");
      return c.json(await services.invocations(modelId, limit, offset));
    })
    .get("/invocations/:id", paramsOf(invocationParams), async (c) => c.json(await services.invocation(c.req.valid("param").id)));
}
