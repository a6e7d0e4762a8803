import { ConfigError, type LighterConfig } from "../app/config.js";
import type { Logger } from "../core/logger.js";
import type { MarketSpec } from "../core/market.js";
import { MarketCatalog } from "../venues/lighter/catalog.js";
import type { OrderBookDetails } from "../venues/lighter/openapi.js";
import { RateLimiter } from "../venues/lighter/rate-limiter.js";
import { LighterRest } from "../venues/lighter/rest-client.js";
import { LighterSocket } from "../venues/lighter/socket.js";

export interface LighterConnection {
  rest: LighterRest;
  socket: LighterSocket;
  catalog: MarketCatalog;
  /** The configured symbols' markets, as Lighter describes them now. */
  markets: MarketSpec[];
}

/**
 * Lighter's REST client (rate-limited), its WebSocket, and the markets read from
 * `orderBookDetails` at start: symbols, ids, decimals, minimums and status are never hard-coded.
 */
export async function connectLighter(config: LighterConfig, logger: Logger): Promise<LighterConnection> {
  const rest = new LighterRest({ baseUrl: config.baseUrl, limiter: new RateLimiter(config.requestsPerMinute) });
  let details: OrderBookDetails;
  try {
    details = await rest.get<OrderBookDetails>("orderBookDetails", { filter: "perp" });
  } catch (error) {
    throw new ConfigError(`LIGHTER_BASE_URL: could not read Lighter's markets from ${config.baseUrl} (${error instanceof Error ? error.message : String(error)})`);
  }
  const catalog = new MarketCatalog(details.order_book_details ?? [], (symbol, why) => logger.warn({ symbol, why }, "a Lighter market was left out"));
  const markets: MarketSpec[] = [];
  const missing: string[] = [];
  for (const symbol of config.symbols) {
    const m = catalog.bySymbolName(symbol);
    if (m) markets.push(m.spec);
    else missing.push(symbol);
  }
  if (missing.length > 0) {
    const known = catalog
      .specs()
      .map((m) => m.symbol)
      .slice(0, 30);
    throw new ConfigError(`LIGHTER_MARKETS: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not Lighter perp markets (some that are: ${known.join(", ")})`);
  }
  const socket = new LighterSocket({ url: config.wsUrl, logger });
  logger.info({ markets: markets.map((m) => `${m.symbol}#${m.marketId}`) }, "Lighter markets loaded");
  return { rest, socket, catalog, markets };
}
