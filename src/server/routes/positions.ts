import { Hono } from "hono";
import { z } from "zod";
import { leverage, modelId, modelIdParam, oneOf, optionalModelIdQuery, positiveDecimal, symbol, timestamp } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { jsonBody, paramsOf, queryOf } from "../validation.js";

/**
 * Exit-plan fields; `null` clears one. Strict, so a misspelled `stopp` is an error rather than a
 * position left without the stop its owner thinks it has.
 */
const exitPlanFields = {
  stop: positiveDecimal().nullable().optional(),
  target: positiveDecimal().nullable().optional(),
  invalidation: z.string().max(1000).nullable().optional(),
  invalidationPrice: positiveDecimal().nullable().optional(),
  // Models report confidence as 0–1 or as a percentage; both fit.
  confidence: z.number().min(0).max(100).nullable().optional(),
  timeExit: timestamp().nullable().optional(),
  cooldownUntil: timestamp().nullable().optional(),
};
const exitPlan = z.strictObject(exitPlanFields);

const exitPlanPatch = exitPlan.refine((plan) => Object.values(plan).some((v) => v !== undefined), {
  error: "must set at least one exit-plan field",
});

const openPositionBody = z
  .strictObject({
    symbol: symbol(),
    side: oneOf(["LONG", "SHORT"]),
    quantity: positiveDecimal(),
    leverage: leverage().optional(),
    exitPlan: exitPlan.optional(),
    type: oneOf(["MARKET", "LIMIT"]).optional(),
    price: positiveDecimal().optional(),
    timeInForce: oneOf(["GTC", "GTT", "IOC", "FOK"]).optional(),
    postOnly: z.boolean({ error: "must be true or false" }).optional(),
    expiresAt: timestamp().optional(),
  })
  .superRefine((b, ctx) => {
    const limit = b.type === "LIMIT";
    if (limit && b.price === undefined) ctx.addIssue({ code: "custom", path: ["price"], message: "a LIMIT order needs a price" });
    if (!limit && (b.price !== undefined || b.timeInForce !== undefined || b.postOnly !== undefined || b.expiresAt !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["type"], message: "price, timeInForce, postOnly and expiresAt need type LIMIT" });
    }
    if (b.timeInForce === "GTT" && b.expiresAt === undefined) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "a GTT order needs expiresAt" });
    if (b.postOnly && b.timeInForce !== undefined && b.timeInForce !== "GTC" && b.timeInForce !== "GTT") {
      ctx.addIssue({ code: "custom", path: ["postOnly"], message: "post-only orders rest: use GTC or GTT" });
    }
  });

/** Each symbol once: closing BTC twice in one request means closing it. */
const closeBody = z.strictObject({
  symbols: z
    .array(symbol(), { error: "must be an array of symbols" })
    .min(1, { error: "must name at least one symbol" })
    .max(100)
    .transform((symbols) => [...new Set(symbols)]),
});

const positionParams = z.object({ id: modelId(), symbol: symbol() });

/** OPEN rows of the orders table: list, open or scale in, close, and change exit plans. */
export function positionRoutes(services: AppServices) {
  return new Hono()
    .get("/positions", queryOf(z.object(optionalModelIdQuery)), async (c) => c.json(await services.positions(c.req.valid("query").modelId)))
    .post("/models/:id/positions", paramsOf(modelIdParam), jsonBody(openPositionBody), async (c) => {
      const result = await services.openPosition(c.req.valid("param").id, c.req.valid("json"));
      return c.json(result, result.status === "resting" ? 202 : 201);
    })
    .post("/models/:id/positions/close", paramsOf(modelIdParam), jsonBody(closeBody), async (c) => c.json(await services.closePositions(c.req.valid("param").id, c.req.valid("json").symbols)))
    .patch("/models/:id/positions/:symbol/exit-plan", paramsOf(positionParams), jsonBody(exitPlanPatch), async (c) => {
      const { id, symbol } = c.req.valid("param");
      return c.json(await services.updateExitPlan(id, symbol, c.req.valid("json")));
    });
}
