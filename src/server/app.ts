import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requireToken } from "./auth.js";
import { rejectCrossSite } from "./cross-site.js";
import { createErrorHandler, errorResponse, notFoundHandler } from "./http-errors.js";
import { silentLogger, type ServerLogger } from "./logger.js";
import { arenaRoutes } from "./routes/arena.js";
import { backtestRoutes } from "./routes/backtests.js";
import { dashboardRoutes } from "./dashboard.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { invocationRoutes } from "./routes/invocations.js";
import { marketRoutes } from "./routes/markets.js";
import { modelRoutes } from "./routes/models.js";
import { mirrorRoutes } from "./routes/mirrors.js";
import { liveRoutes } from "./routes/live.js";
import { positionRoutes } from "./routes/positions.js";
import { schedulerRoutes } from "./routes/scheduler.js";
import { simRoutes } from "./routes/sim.js";
import { predictionMarketRoutes } from "./routes/prediction-markets.js";
import { tradeRoutes } from "./routes/trades.js";
import { orderRoutes } from "./routes/orders.js";
import type { AppServices } from "../app/services.js";

export interface CreateAppOptions {
  services: AppServices;
  /** When set, every non-GET request needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string;
  logger?: ServerLogger;
  /** Interval of the SSE `: ping` comment; API.md promises at least one every 15 s. */
  ssePingIntervalMs?: number;
  /** How far one SSE client may fall behind before it is disconnected to resume by Last-Event-ID. */
  sseMaxQueuedEvents?: number;
  /** Largest request body accepted; every body here is a small JSON object. */
  maxBodyBytes?: number;
  /** The dashboard's build directory to serve at `/` (web/dist); without it only /api answers. */
  dashboardDir?: string;
}

const DEFAULTS = { ssePingIntervalMs: 15_000, sseMaxQueuedEvents: 10_000, maxBodyBytes: 64 * 1024 };

/**
 * The HTTP API of API.md: thin routes that validate input, call AppServices and shape the answer.
 * Guards run before any route (cross-site refusal, then the token), so an unauthenticated or
 * foreign request never reaches validation or a service.
 */
export function createApp(options: CreateAppOptions) {
  const { services } = options;
  const logger = options.logger ?? silentLogger;
  const ssePingIntervalMs = options.ssePingIntervalMs ?? DEFAULTS.ssePingIntervalMs;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!(ssePingIntervalMs > 0 && ssePingIntervalMs <= 15_000)) {
    throw new Error(`ssePingIntervalMs must be between 1 and 15000, got ${ssePingIntervalMs}`);
  }

  const api = new Hono()
    .use(rejectCrossSite(logger))
    .use(requireToken(options.apiToken, logger))
    .use(
      bodyLimit({
        maxSize: maxBodyBytes,
        onError: (c) => errorResponse(c, 413, "payload_too_large", `body: must be at most ${maxBodyBytes} bytes`),
      }),
    )
    .route("/", healthRoutes(services))
    .route("/", marketRoutes(services))
    .route("/", modelRoutes(services))
    .route("/", positionRoutes(services))
    .route("/", tradeRoutes(services))
    .route("/", orderRoutes(services))
    .route("/", invocationRoutes(services))
    .route("/", schedulerRoutes(services))
    .route("/", arenaRoutes(services))
    .route("/", simRoutes(services))
    .route("/", predictionMarketRoutes(services))
    .route("/", mirrorRoutes(services))
    .route("/", liveRoutes(services))
    .route("/", backtestRoutes(services))
    .route(
      "/",
      eventRoutes(services, {
        pingIntervalMs: ssePingIntervalMs,
        maxQueuedEvents: options.sseMaxQueuedEvents ?? DEFAULTS.sseMaxQueuedEvents,
        logger,
      }),
    );

  const app = new Hono().route("/api", api);
  if (options.dashboardDir) app.route("/", dashboardRoutes(options.dashboardDir));
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  return app;
}

/** For a typed client (`hc<AppType>`) in the dashboard. */
export type AppType = ReturnType<typeof createApp>;
