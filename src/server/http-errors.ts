import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError } from "../core/errors.js";
import type { ServerLogger } from "./logger.js";

/** The one error body of API.md: {"error":{"code","message"}}. */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** Codes for the few errors Hono itself raises (malformed JSON, body limits). */
const HTTP_EXCEPTION_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  404: "not_found",
  413: "payload_too_large",
};

/**
 * Maps every thrown error to the wire shape. AppError carries its own status and code; anything
 * else is a bug, so the client gets a bare 500 and only the log sees the stack. No 500 carries an
 * error's own message (a driver's error holds the SQL and its parameters).
 */
export function createErrorHandler(logger: ServerLogger): ErrorHandler {
  return (err, c) => {
    const where = { method: c.req.method, path: c.req.path };
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error({ ...where, code: err.code, err }, err.message);
      else logger.info({ ...where, status: err.status, code: err.code }, err.message);
      // A 500 is our failure whatever its code: its message may describe internals (a query, a
      // path), so the client gets the code and a generic message; the log has the rest.
      return errorResponse(c, err.status, err.code, err.status === 500 ? "internal error" : err.message);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's JSON validator throws this for a body that does not parse.
      const message = /malformed json/i.test(err.message) ? "body: must be valid JSON" : err.message;
      logger.info({ ...where, status: err.status }, message);
      return errorResponse(c, err.status, HTTP_EXCEPTION_CODES[err.status] ?? "http_error", message);
    }
    logger.error({ ...where, err }, "unhandled error in HTTP handler");
    return errorResponse(c, 500, "internal_error", "internal error");
  };
}

export const notFoundHandler: NotFoundHandler = (c) => errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`);
