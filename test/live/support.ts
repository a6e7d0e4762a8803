import { Writable } from "node:stream";
import { pino } from "pino";
import { expect, vi } from "vitest";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import { publicKeyOf } from "../../src/venues/lighter/signer/index.js";
import type { FakeLighter } from "../fake-lighter/server.js";
import { newApiKey } from "../support/lighter-harness.js";

export const BTC_BIDS: Array<[number, number]> = [
  [599_900, 100_000],
  [599_800, 200_000],
];
export const BTC_ASKS: Array<[number, number]> = [
  [600_100, 100_000],
  [600_200, 100_000],
  [600_300, 200_000],
];

export interface LiveApp {
  autonome: Autonome;
  app: ReturnType<typeof createApp>;
  /** Every log line the process wrote, as JSON text. */
  logs: string[];
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string }>;
  stop(): Promise<void>;
}

/** A Lighter account on the fake with a registered key, its key in an environment variable. */
export function lighterAccount(fake: FakeLighter, accountIndex: number, usd: string): { accountIndex: number; privateKey: string; env: string } {
  const privateKey = newApiKey();
  const env = `LIGHTER_TEST_KEY_${accountIndex}_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  process.env[env] = privateKey;
  fake.fund(accountIndex, usd);
  fake.registerApiKey(accountIndex, 3, publicKeyOf(privateKey));
  return { accountIndex, privateKey, env };
}

/** The whole application in live mode on the fake Lighter's books, behind its HTTP layer (no sockets of ours). */
export async function startLiveApp(fake: FakeLighter, env: Record<string, string> = {}): Promise<LiveApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({
    TRADING_MODE: "live",
    AUTONOME_FEED: "lighter",
    LIGHTER_BASE_URL: fake.baseUrl,
    LIGHTER_MARKETS: "BTC",
    LIGHTER_REQUESTS_PER_MINUTE: "100000",
    AUTONOME_TRADE_INTERVAL: "0",
    AUTONOME_DATA_DIR: "memory://",
    AUTONOME_RECONCILE_INTERVAL: "1h",
    ...env,
  });
  const autonome = await createAutonome(config, pino({ level: "debug" }, sink));
  const app = createApp({ services: autonome.services });
  await autonome.start();
  // The books arrive over the socket: wait for the first one.
  await vi.waitFor(() => expect(autonome.market.quote("BTC")?.mid).toBeDefined(), { timeout: 5_000 });
  return {
    autonome,
    app,
    logs,
    async call(method, path, body) {
      const res = await app.request(path, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never, text };
    },
    stop: () => autonome.stop(),
  };
}

/** A BTC long of 0.01 with a stop far below: the entry most tests send. */
export const BTC_LONG = { symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, exitPlan: { stop: "55000" } } as const;
