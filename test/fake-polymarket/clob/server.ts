import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { Auth } from "./auth.js";
import { controlRoutes, createControl, type FakeClobControl } from "./control.js";
import { ClobError } from "./errors.js";
import { Exchange } from "./exchange.js";
import { Faults } from "./faults.js";
import { DEFAULT_MARKETS, type MarketConfig } from "./markets.js";
import { privateRoutes } from "./private-routes.js";
import { publicRoutes } from "./public-routes.js";
import { WsFace } from "./ws.js";

/**
 * A local Polymarket CLOB V2 speaking the protocol of @polymarket/clob-client-v2 1.1.0 on one
 * port: REST at the root (as https://clob.polymarket.com), WebSockets at /ws/market and /ws/user
 * (as wss://ws-subscriptions-clob.polymarket.com), control under /_fake/.
 */

export interface FakeClobOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 137 (Polygon): the chain the SDK signs for (it knows 137 and 80002). */
  chainId?: number;
  /** Default: DEFAULT_MARKETS (a 0.01-tick binary market and a 0.001-tick neg-risk one). */
  markets?: MarketConfig[];
  /** Dead-man switch: default 10 000 ms (docs: heartbeats every few seconds, orders canceled after ~10 s). */
  heartbeatTimeoutMs?: number;
  /** MATCHED → MINED (the settlement the sell-after-buy lag waits for). Default 2 000 ms. */
  minedDelayMs?: number;
  /** MATCHED → CONFIRMED. Default 5 000 ms. */
  confirmedDelayMs?: number;
  /** GTD security threshold. Default 60 000 ms (docs: "a security threshold of one minute"). */
  gtdThresholdMs?: number;
  /** POST /order answers tradeIDs without transactionsHashes; trades get a hash when mined. Default false. */
  asyncTxHashes?: boolean;
  /** Rows per page of /data/trades and /data/orders. Default 100. */
  pageSize?: number;
  /** How often the wall clock runs expiries and settlement. Default 100 ms; 0 = only on advance(). */
  tickMs?: number;
}

export interface FakeClob extends FakeClobControl {
  /** http://host:port — the SDK's `host`. */
  readonly url: string;
  /** ws://host:port/ws — append /market or /user. */
  readonly wsUrl: string;
  readonly port: number;
  readonly chainId: number;
  readonly exchange: Exchange;
  /** Every non-admin request received, in order (a POST's raw body kept): what a client really sent. */
  readonly requests: ReadonlyArray<{ method: string; path: string; body?: string }>;
  close(): Promise<void>;
}

export async function startFakeClob(options: FakeClobOptions = {}): Promise<FakeClob> {
  const chainId = options.chainId ?? 137;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const exchange = new Exchange({
    chainId,
    markets: options.markets ?? DEFAULT_MARKETS,
    now,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    minedDelayMs: options.minedDelayMs ?? 2_000,
    confirmedDelayMs: options.confirmedDelayMs ?? 5_000,
    gtdThresholdMs: options.gtdThresholdMs ?? 60_000,
    asyncTxHashes: options.asyncTxHashes ?? false,
  });
  const auth = new Auth(chainId);
  const faults = new Faults();
  const ws = new WsFace(exchange, auth);
  const control = createControl(
    exchange,
    faults,
    () => ws,
    (ms) => (offsetMs += ms),
  );

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.route("/_fake", controlRoutes(control));
  const requests: Array<{ method: string; path: string; body?: string }> = [];
  app.use("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith("/_fake")) return next();
    requests.push({ method: c.req.method, path, ...(c.req.method === "POST" ? { body: await c.req.raw.clone().text() } : {}) });
    const delay = faults.takeDelay(path);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const failure = faults.takeFailure(path);
    if (failure) return c.json({ error: failure.error }, failure.status as 400);
    exchange.tick();
    await next();
  });
  app.route("/", publicRoutes(exchange));
  app.route("/", privateRoutes(exchange, auth, faults, { chainId, pageSize: options.pageSize ?? 100, asyncTxHashes: options.asyncTxHashes ?? false }));
  app.notFound((c) => c.json({ error: "Not Found" }, 404));
  app.onError((e, c) => {
    if (e instanceof ClobError) return c.json({ error: e.message }, e.status as 400);
    return c.json({ error: "Internal server error" }, 500);
  });

  const server = createServer(getRequestListener(app.fetch));
  server.on("upgrade", (req, socket, head) => {
    if (!ws.handleUpgrade(req, socket, head)) socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  });
  const tickMs = options.tickMs ?? 100;
  const ticker = tickMs > 0 ? setInterval(() => exchange.tick(), tickMs) : undefined;
  ticker?.unref();
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    ...control,
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    chainId,
    exchange,
    requests,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        ws.close();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
