import { Hono } from "hono";
import type { AppServices } from "../../app/services.js";

/** Liveness plus what the process runs on (mode, feed, database), for dashboards and probes. */
export function healthRoutes(services: AppServices) {
  return new Hono().get("/health", (c) => c.json(services.health()));
}
