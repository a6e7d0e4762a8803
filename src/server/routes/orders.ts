import { Hono } from "hono";
import { z } from "zod";
import { listQuery, modelId } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { paramsOf, queryOf } from "../validation.js";

const ordersQuery = listQuery.extend({
  status: z.enum(["open", "all"], { error: "must be open or all" }).default("all"),
});

const orderParams = z.object({
  id: modelId(),
  clientOrderId: z.string().min(1).max(200),
});

/** Orders as sent to the venue (the venue_orders table): list, and cancel a resting one. */
export function orderRoutes(services: AppServices) {
  return new Hono()
    .get("/orders", queryOf(ordersQuery), async (c) => {
      const { modelId: id, limit, status } = c.req.valid("query");
      return c.json(await services.orders(id, limit, status === "open"));
    })
    .delete("/models/:id/orders/:clientOrderId", paramsOf(orderParams), async (c) => {
      const { id, clientOrderId } = c.req.valid("param");
      return c.json(await services.cancelOrder(id, clientOrderId));
    });
}
