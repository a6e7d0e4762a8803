import { Hono } from "hono";
import { z } from "zod";
import { cappedCount, oneOf, symbol } from "../fields.js";
import type { AppServices } from "../../app/services.js";
import { paramsOf, queryOf } from "../validation.js";

const DEFAULT_DEPTH = 10;
/** Deeper than any venue book we show; larger requests are clamped like `limit`. */
const MAX_DEPTH = 100;

const DEFAULT_CANDLES = 500;
const MAX_CANDLES = 2000;
const DEFAULT_PRINTS = 50;
const MAX_PRINTS = 500;

const symbolParams = z.object({ symbol: symbol() });
const candlesQuery = z.object({ interval: oneOf(["1m", "5m", "1h"]).default("1m"), limit: cappedCount(DEFAULT_CANDLES, MAX_CANDLES) });

/** Top of book for every market, the depth of one, its candles and its recent trade prints. */
export function marketRoutes(services: AppServices) {
  return new Hono()
    .get("/markets", (c) => c.json(services.markets()))
    .get("/markets/:symbol/book", paramsOf(symbolParams), queryOf(z.object({ depth: cappedCount(DEFAULT_DEPTH, MAX_DEPTH) })), (c) =>
      c.json(services.book(c.req.valid("param").symbol, c.req.valid("query").depth)),
    )
    .get("/markets/:symbol/candles", paramsOf(symbolParams), queryOf(candlesQuery), (c) => {
      const { interval, limit } = c.req.valid("query");
      return c.json(services.candles(c.req.valid("param").symbol, interval, limit));
    })
    .get("/markets/:symbol/trades", paramsOf(symbolParams), queryOf(z.object({ limit: cappedCount(DEFAULT_PRINTS, MAX_PRINTS) })), (c) =>
      c.json(services.marketTrades(c.req.valid("param").symbol, c.req.valid("query").limit)),
    );
}
