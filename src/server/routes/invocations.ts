import { Hono } from "hono";
import { z } from "zod";
import { pagedListQuery } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { paramsOf, queryOf } from "../validation.js";

/** `include=closes`: the decision history, the positions the system closed automatically among the runs (each entry with its `kind`). */
const invocationsQuery = pagedListQuery.extend({ include: z.enum(["closes"], { error: 'must be "closes"' }).optional() });

const invocationParams = z.object({ id: z.string().regex(/^[\w.:-]{1,128}$/, { error: "must be an invocation id" }) });

/**
 * Model decisions (invocations) with their tool calls, newest first (`offset` pages back), with
 * `include=closes` the automatic closes among them; one in full with its prompt and steps.
 */
export function invocationRoutes(services: AppServices) {
  return new Hono()
    .get("/invocations", queryOf(invocationsQuery), async (c) => {
      const { modelId, limit, offset, include } = c.req.valid("query");
      if (include === "closes") return c.json(await services.decisionHistory(modelId, limit, offset));
      return c.json(await services.invocations(modelId, limit, offset));
    })
    .get("/invocations/:id", paramsOf(invocationParams), async (c) => c.json(await services.invocation(c.req.valid("param").id)));
}
