import { Hono } from "hono";
import { z } from "zod";
import { cappedCount, symbol } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { paramsOf, queryOf } from "../validation.js";

const DEFAULT_DEPTH = 10;
/** Deeper than any venue book we show; larger requests are clamped like `limit`. */
const MAX_DEPTH = 100;

/** Top of book for every market, and the depth of one. */
export function marketRoutes(services: AppServices) {
  return new Hono()
    .get("/markets", (c) => c.json(services.markets()))
    .get("/markets/:symbol/book", paramsOf(z.object({ symbol: symbol() })), queryOf(z.object({ depth: cappedCount(DEFAULT_DEPTH, MAX_DEPTH) })), (c) =>
      c.json(services.book(c.req.valid("param").symbol, c.req.valid("query").depth)),
    );
}
