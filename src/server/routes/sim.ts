import { Hono } from "hono";
import { z } from "zod";
import { modelId, positiveDecimal, symbol } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { jsonBody, paramsOf } from "../validation.js";

/**
 * Scenario controls of the simulator. Whether they are allowed (simulation mode, a movable feed)
 * is the services' call: they answer 409 not_simulation / feed_not_movable.
 */
export function simRoutes(services: AppServices) {
  return new Hono()
    .post("/sim/markets/:symbol/move", paramsOf(z.object({ symbol: symbol() })), jsonBody(z.strictObject({ price: positiveDecimal() })), async (c) =>
      c.json(await services.moveMarket(c.req.valid("param").symbol, c.req.valid("json").price)),
    )
    .post("/sim/accounts/:modelId/reset", paramsOf(z.object({ modelId: modelId() })), async (c) => c.json(await services.resetAccount(c.req.valid("param").modelId)));
}
