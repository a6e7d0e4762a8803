import { Hono } from "hono";
import type { AppServices } from "../../app/services.js";

/** The scheduler's state, and a manual trigger that returns before the cycle runs. */
export function schedulerRoutes(services: AppServices) {
  return new Hono()
    .get("/scheduler", (c) => c.json(services.schedulerStatus()))
    .post("/scheduler/run", (c) => {
      // runSchedulerNow only queues the cycle; its outcome arrives as `invocation` events.
      services.runSchedulerNow();
      return c.json({ status: "accepted" as const }, 202);
    });
}
