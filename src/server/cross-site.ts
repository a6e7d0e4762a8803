import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./http-errors.js";
import type { ServerLogger } from "./logger.js";

/**
 * Refuses state-changing requests that a browser sends on behalf of another site. Without an API
 * token the server trusts anything that reaches loopback, and any web page the operator opens
 * can reach loopback: a form or `fetch(..., {mode: "no-cors"})` on evil.example could otherwise
 * open positions. Non-browser clients send neither header and are unaffected.
 */

const SAFE_METHODS = new Set(["GET", "HEAD"]);

const isLoopbackName = (host: string) => host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** Host name without port; `[::1]:3000` keeps its brackets like URL.hostname does. */
function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return hostHeader;
  }
}

function isForeignOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (origin === "null") return true; // sandboxed frames and file:// pages
  let originHost: string;
  try {
    originHost = new URL(origin).hostname;
  } catch {
    return true;
  }
  const host = hostnameOf(hostHeader ?? "");
  if (originHost === host) return false;
  // A dev server on another loopback port proxying to this one is the operator's own page.
  return !(isLoopbackName(originHost) && isLoopbackName(host));
}

export function rejectCrossSite(logger: ServerLogger): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const fetchSite = c.req.header("Sec-Fetch-Site");
    const origin = c.req.header("Origin");
    const foreign = fetchSite === "cross-site" || (origin !== undefined && isForeignOrigin(origin, c.req.header("Host")));
    if (!foreign) return next();
    logger.warn({ method: c.req.method, path: c.req.path, origin, fetchSite }, "cross-site request refused");
    return errorResponse(c, 403, "cross_site_request", "requests from another site's web page are not accepted");
  };
}
