import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createControl, controlRoutes, type FakeLighterControl } from "./control.js";
import { Exchange } from "./exchange.js";
import { Faults } from "./faults.js";
import { HttpFace } from "./http.js";
import { buildMarkets, type MarketOptions } from "./markets.js";
import { WsFace } from "./ws.js";

/**
 * A local Lighter (zkLighter perpetuals) exchange speaking the real wire protocol on one port:
 * REST under /api/v1 (+ GET / and /info), WebSocket at /stream, control under /_fake/.
 */

export interface FakeLighterOptions extends MarketOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The exchange clock (ms); advance() adds to it. Default Date.now. */
  now?: () => number;
  /** Account index of the market maker whose orders setBook places. Default 281474976710000. */
  marketMakerAccountIndex?: number;
  /** Fee per fill in 1e-6 of notional (trade rows carry it; 0 = omitted, as for standard accounts). */
  takerFee?: number;
  makerFee?: number;
  /** predicted_execution_time_ms = now + this (default 50); /tx shows status 2 from then on. */
  predictedLatencyMs?: number;
  /** Real-time delay before the sequencer runs an accepted tx. Default 0: it runs before sendTx answers. */
  executionDelayMs?: number;
  /** Next nonce of a newly registered API key. Default 1 (the ChangePubKey took 0). */
  initialNonce?: number;
  /** volume_quota_remaining in sendTx answers. Default 1000. */
  volumeQuota?: number;
  /** 21728 scope: among all the account's orders ("all", default) or only its active ones. */
  clientOrderIndexScope?: "all" | "active";
  /** When given, sendTx checks Sig against the registered key: false ⇒ 21504. */
  verifySignature?: (txType: number, txInfo: string, publicKeyHex: string) => boolean;
  /** When given, auth tokens' signatures are checked against the registered key. */
  verifyAuthToken?: (token: string, publicKeyHex: string) => boolean;
  /** The tx hash of a tx (e.g. the real Poseidon2 hash from a signer). Default: defaultTxHash. */
  txHash?: (txType: number, txInfo: string) => string;
  /** Per-IP limit of HTTP requests per rolling minute (429, code 23000). Off by default. */
  rateLimitPerMinute?: number;
  /** WebSocket idle close without client messages. Default 120 000 ms. */
  idleTimeoutMs?: number;
  /** How long a "timeout" fault holds the answer. Default 10 000 ms. */
  timeoutHoldMs?: number;
  /** network_id of GET /. Default 304 (mainnet chain id). */
  chainId?: number;
}

export interface FakeLighter extends FakeLighterControl {
  /** http://127.0.0.1:port (paths under /api/v1 as on mainnet). */
  readonly baseUrl: string;
  /** ws://127.0.0.1:port/stream */
  readonly wsUrl: string;
  readonly port: number;
  /** The same calls, for code that wants them apart. */
  readonly control: FakeLighterControl;
  close(): Promise<void>;
}

export async function startFakeLighter(options: FakeLighterOptions = {}): Promise<FakeLighter> {
  const exchange = new Exchange({
    now: options.now ?? Date.now,
    markets: buildMarkets(options),
    marketMakerAccountIndex: options.marketMakerAccountIndex ?? 281474976710000,
    takerFee: options.takerFee ?? 0,
    makerFee: options.makerFee ?? 0,
    predictedLatencyMs: options.predictedLatencyMs ?? 50,
    executionDelayMs: options.executionDelayMs ?? 0,
    initialNonce: options.initialNonce ?? 1,
    volumeQuota: options.volumeQuota ?? 1000,
    clientOrderIndexScope: options.clientOrderIndexScope ?? "all",
    verifySignature: options.verifySignature,
    txHash: options.txHash,
  });
  let ws: WsFace | undefined;
  const faults = new Faults((clean) => ws?.drop(clean));
  ws = new WsFace(exchange, faults, { idleTimeoutMs: options.idleTimeoutMs ?? 120_000, verifyAuthToken: options.verifyAuthToken });
  const control = createControl(exchange, faults);
  const http = new HttpFace(
    exchange,
    faults,
    { rateLimitPerMinute: options.rateLimitPerMinute, timeoutHoldMs: options.timeoutHoldMs ?? 10_000, verifyAuthToken: options.verifyAuthToken, chainId: options.chainId ?? 304 },
    controlRoutes(control),
  );
  const server = createServer(http.handle);
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://fake.local").pathname;
    if (path === "/stream" || path === "/stream/") ws!.handleUpgrade(req, socket, head);
    else socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  });
  // Expiries fall due with the wall clock too, not only on requests and advance().
  const ticker = setInterval(() => exchange.tick(), 1000);
  ticker.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  let closed: Promise<void> | undefined;
  return {
    ...control,
    control,
    faults,
    baseUrl: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/stream`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        clearInterval(ticker);
        exchange.close();
        http.close();
        ws!.close();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
