import { Hono } from "hono";
import { formatPrice4, formatScaled } from "./decimal.js";
import { ClobError } from "./errors.js";
import type { Exchange } from "./exchange.js";
import { bookSummary, marketDetails, marketInfo } from "./wire.js";

/**
 * Public market data, as clob-client-v2 calls it (src/endpoints.ts) and with the docs' errors:
 * 400 "Invalid token id", 404 "No orderbook exists for the requested token id".
 */

const INITIAL_CURSOR = "MA==";
const END_CURSOR = "LTE=";

export function publicRoutes(exchange: Exchange): Hono {
  const app = new Hono();

  const book = (tokenId: string | undefined) => {
    if (!tokenId || !/^\d+$/.test(tokenId)) throw new ClobError(400, "Invalid token id");
    const found = exchange.token(tokenId);
    if (!found) throw new ClobError(404, "No orderbook exists for the requested token id");
    return found;
  };
  const tokenIds = async (body: Promise<unknown>): Promise<string[]> => {
    const list = await body.catch(() => undefined);
    if (!Array.isArray(list)) throw new ClobError(400, "Invalid payload");
    return list.map((p: { token_id?: unknown }) => String(p?.token_id ?? ""));
  };
  const mid = (tokenId: string): string => {
    const { book: b } = book(tokenId);
    const bid = b.bestBid();
    const ask = b.bestAsk();
    // Unverified: the real midpoint of a one-sided book.
    if (bid === undefined || ask === undefined) return "0";
    return formatScaled((bid + ask) * 5n, 5); // (bid + ask) / 2 in 1e-5 units: exact
  };
  const price = (tokenId: string, side: string | undefined): string => {
    if (side !== "BUY" && side !== "SELL") throw new ClobError(400, "Invalid side");
    const { book: b } = book(tokenId);
    // Unverified which best price each side names; here BUY = what a buyer pays (best ask).
    const best = side === "BUY" ? b.bestAsk() : b.bestBid();
    return best === undefined ? "0" : formatPrice4(best);
  };

  app.get("/ok", (c) => c.text("OK"));
  app.get("/time", (c) => c.json(Math.floor(exchange.now() / 1000)));
  // clob-client-v2 resolveVersion(): V2 orders unless this says 1.
  app.get("/version", (c) => c.json({ version: 2 }));

  app.get("/book", (c) => {
    const tokenId = c.req.query("token_id");
    book(tokenId);
    return c.json(bookSummary(exchange, tokenId!));
  });
  app.post("/books", async (c) => c.json((await tokenIds(c.req.json())).map((id) => (book(id), bookSummary(exchange, id)))));
  app.get("/tick-size", (c) => c.json({ minimum_tick_size: Number(book(c.req.query("token_id")).market.tickSize) }));
  app.get("/neg-risk", (c) => c.json({ neg_risk: book(c.req.query("token_id")).market.negRisk }));
  app.get("/fee-rate", (c) => (book(c.req.query("token_id")), c.json({ base_fee: 0 })));
  app.get("/midpoint", (c) => c.json({ mid: mid(c.req.query("token_id") ?? "") }));
  app.post("/midpoints", async (c) => c.json(Object.fromEntries((await tokenIds(c.req.json())).map((id) => [id, mid(id)]))));
  app.get("/price", (c) => c.json({ price: price(c.req.query("token_id") ?? "", c.req.query("side")) }));
  app.post("/prices", async (c) => {
    const ids = await tokenIds(c.req.json());
    return c.json(Object.fromEntries(ids.map((id) => [id, { BUY: price(id, "BUY"), SELL: price(id, "SELL") }])));
  });
  app.get("/spread", (c) => {
    const { book: b } = book(c.req.query("token_id"));
    const bid = b.bestBid();
    const ask = b.bestAsk();
    return c.json({ spread: bid === undefined || ask === undefined ? "0" : formatPrice4(ask - bid) });
  });
  const last = (tokenId: string) => {
    book(tokenId);
    const t = exchange.lastTrade.get(tokenId);
    return { price: t ? formatPrice4(t.price4) : "0.5", side: t ? t.side : "" };
  };
  app.get("/last-trade-price", (c) => c.json(last(c.req.query("token_id") ?? "")));
  app.post("/last-trades-prices", async (c) => c.json((await tokenIds(c.req.json())).map((id) => ({ token_id: id, ...last(id) }))));

  const market = (conditionId: string) => {
    const m = exchange.markets.get(conditionId);
    if (!m) throw new ClobError(404, "market not found");
    return m;
  };
  app.get("/markets", (c) => {
    const data = [...exchange.markets.values()].map((m) => marketInfo(exchange, m));
    const cursor = c.req.query("next_cursor") ?? INITIAL_CURSOR;
    if (cursor === END_CURSOR) return c.json({ limit: data.length, count: 0, next_cursor: END_CURSOR, data: [] });
    return c.json({ limit: data.length, count: data.length, next_cursor: END_CURSOR, data });
  });
  app.get("/markets/:conditionId", (c) => c.json(marketInfo(exchange, market(c.req.param("conditionId")))));
  app.get("/clob-markets/:conditionId", (c) => c.json(marketDetails(market(c.req.param("conditionId")))));
  // Used by the SDK's createMarketOrder to find a token's condition. Unverified beyond condition_id.
  app.get("/markets-by-token/:tokenId", (c) => {
    const found = exchange.token(c.req.param("tokenId"));
    if (!found) throw new ClobError(404, "market not found");
    return c.json({ condition_id: found.market.conditionId, primary_token_id: found.market.tokens[0]!.tokenId, secondary_token_id: found.market.tokens[1]!.tokenId });
  });
  return app;
}
