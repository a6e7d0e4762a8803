import { Hono } from "hono";
import { z } from "zod";
import { cappedCount } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { jsonBody, paramsOf, queryOf } from "../validation.js";

const conditionParams = z.object({ conditionId: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, { error: "must be a condition id: 0x followed by hex digits" }) });
const bookQuery = z.object({
  tokenId: z.string().regex(/^[0-9]{1,80}$/, { error: "must be the outcome token's id (decimal digits), as listed in the market's outcomes" }),
  depth: cappedCount(10, 100),
});

/** Prediction markets (Polymarket's): the list with each outcome's prices, one token's book, and resolution in simulation. */
export function predictionMarketRoutes(services: AppServices) {
  return new Hono()
    .get("/prediction-markets", (c) => c.json(services.predictions.list()))
    .get("/prediction-markets/:conditionId/book", paramsOf(conditionParams), queryOf(bookQuery), (c) => {
      const { tokenId, depth } = c.req.valid("query");
      return c.json(services.predictions.book(c.req.valid("param").conditionId, tokenId, depth));
    })
    .post(
      "/sim/prediction-markets/:conditionId/resolve",
      paramsOf(conditionParams),
      jsonBody(z.strictObject({ winner: z.string().min(1, { error: "must name one of the market's outcomes" }) })),
      async (c) => c.json(await services.predictions.resolve(c.req.valid("param").conditionId, c.req.valid("json").winner)),
    );
}
