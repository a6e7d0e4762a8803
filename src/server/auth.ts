import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./http-errors.js";
import type { ServerLogger } from "./logger.js";

/** Reads are open to anyone who can reach the server; everything that changes state is not. */
const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * Compares through SHA-256 digests: timingSafeEqual needs equal lengths, and hashing first means
 * neither the token's content nor its length leaks through response timing.
 */
function sameToken(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

/**
 * With a token configured, every non-GET request needs `Authorization: Bearer <token>`.
 * Without one the middleware lets everything through: the server then only listens on loopback
 * (see assertSafeListen in serve.ts).
 */
export function requireToken(apiToken: string | undefined, logger: ServerLogger): MiddlewareHandler {
  return async (c, next) => {
    if (!apiToken || SAFE_METHODS.has(c.req.method)) return next();
    const given = bearerToken(c.req.header("Authorization"));
    if (given !== undefined && sameToken(given, apiToken)) return next();
    logger.warn({ method: c.req.method, path: c.req.path, tokenSent: given !== undefined }, "unauthorized request");
    c.header("WWW-Authenticate", 'Bearer realm="autonome"');
    return errorResponse(c, 401, "unauthorized", given === undefined ? "missing Authorization: Bearer <token> header" : "invalid API token");
  };
}
