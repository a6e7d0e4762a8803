import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, sendJson } from "./http.js";

/**
 * Polymarket's geoblock check, GET /api/geoblock → {blocked, ip, country, region} (shape from
 * Polymarket's "Geographic Restrictions" docs), answering whatever a test sets. The route is
 * exported on its own so main.ts can mount it on another fake's server.
 */

export interface GeoblockAnswer {
  blocked: boolean;
  ip: string;
  country: string;
  region: string;
}

export const GEOBLOCK_PATH = "/api/geoblock";

/** Answers GET /api/geoblock from `state` (true when it handled the request). */
export function geoblockRoute(state: { answer: GeoblockAnswer; failStatus?: number }, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path !== GEOBLOCK_PATH) return false;
  if (req.method !== "GET") sendJson(res, 405, { error: "method not allowed" });
  else if (state.failStatus) sendJson(res, state.failStatus, { error: "upstream error" });
  else sendJson(res, 200, state.answer);
  return true;
}

export interface FakeGeoblock {
  /** Base URL of the server. */
  readonly url: string;
  /** The full check URL (POLYMARKET_GEOBLOCK_URL). */
  readonly checkUrl: string;
  set(answer: Partial<GeoblockAnswer>): void;
  /** Every answer is `status` until called with undefined. */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startFakeGeoblock(options: { port?: number; host?: string; answer?: Partial<GeoblockAnswer> } = {}): Promise<FakeGeoblock> {
  const state: { answer: GeoblockAnswer; failStatus?: number } = { answer: { blocked: false, ip: "203.0.113.7", country: "IE", region: "L", ...options.answer } };
  const server = await listen(
    (req, res, url) => {
      if (!geoblockRoute(state, req, res, url.pathname)) sendJson(res, 404, { error: "not found" });
    },
    { port: options.port, host: options.host },
  );
  return {
    url: server.url,
    checkUrl: `${server.url}${GEOBLOCK_PATH}`,
    set: (answer) => void (state.answer = { ...state.answer, ...answer }),
    failWith: (status) => void (state.failStatus = status),
    close: server.close,
  };
}
