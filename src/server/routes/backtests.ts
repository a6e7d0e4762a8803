import { Hono } from "hono";
import { z } from "zod";
import type { AppServices } from "../../app/services.js";
import { reportPolicy } from "../../backtest/report-policy.js";
import { modelIdParam } from "../fields.js";
import { jsonBody, paramsOf } from "../validation.js";

/**
 * Backtests: started (202, each in a child process), listed newest first, read with their
 * progress and results, their HTML report, canceled or deleted. The body is the request format
 * of `autonome backtest --request`, whose models may also be model ids; the service validates it.
 */
export function backtestRoutes(services: AppServices) {
  const b = services.backtests;
  return new Hono()
    .get("/backtests", async (c) => c.json(await b.list()))
    .post("/backtests", jsonBody(z.unknown()), async (c) => c.json(await b.create(c.req.valid("json")), 202))
    .post("/backtests/:id/what-if", paramsOf(modelIdParam), jsonBody(z.unknown()), async (c) => c.json(await b.whatIf(c.req.valid("param").id, c.req.valid("json")), 202))
    .get("/backtests/:id", paramsOf(modelIdParam), async (c) => c.json(await b.get(c.req.valid("param").id)))
    .get("/backtests/:id/report", paramsOf(modelIdParam), async (c) => {
      const html = await b.report(c.req.valid("param").id);
      return c.html(html, 200, { "Content-Security-Policy": reportPolicy(html) });
    })
    .delete("/backtests/:id", paramsOf(modelIdParam), async (c) => c.json(await b.remove(c.req.valid("param").id)));
}
