import WebSocket from "ws";
import { startFakeLighter, type FakeLighter, type FakeLighterOptions } from "./server.js";

/**
 * What the tests talk to the fake with: tx_info strings as the Go signer writes them (a fixed fake
 * Sig: the fake does not verify without a verifier), auth tokens, form posts, a WebSocket reader.
 */

export const ACCOUNT = 7;
export const API_KEY = 3;
export const PUBLIC_KEY = "ab".repeat(40);
export const FAKE_SIG = Buffer.alloc(80, 7).toString("base64");

export interface OrderFields {
  market?: number;
  clientOrderIndex?: number;
  baseAmount: number;
  price: number;
  isAsk?: boolean;
  type?: number;
  timeInForce?: number;
  reduceOnly?: boolean;
  triggerPrice?: number;
  orderExpiry?: number;
  nonce: number;
  account?: number;
  apiKey?: number;
  expiredAt?: number;
  attributes?: Record<string, number> | null;
}

export function createOrderInfo(now: number, f: OrderFields): string {
  const type = f.type ?? 0;
  const tif = f.timeInForce ?? 1;
  const expiry = f.orderExpiry ?? (tif === 0 ? 0 : now + 28 * 24 * 3_600_000);
  return JSON.stringify({
    AccountIndex: f.account ?? ACCOUNT,
    ApiKeyIndex: f.apiKey ?? API_KEY,
    MarketIndex: f.market ?? 0,
    ClientOrderIndex: f.clientOrderIndex ?? 0,
    BaseAmount: f.baseAmount,
    Price: f.price,
    IsAsk: f.isAsk ? 1 : 0,
    Type: type,
    TimeInForce: tif,
    ReduceOnly: f.reduceOnly ? 1 : 0,
    TriggerPrice: f.triggerPrice ?? 0,
    OrderExpiry: expiry,
    ExpiredAt: f.expiredAt ?? now + 599_000,
    Nonce: f.nonce,
    Sig: FAKE_SIG,
    ...(f.attributes !== undefined ? { L2TxAttributes: f.attributes } : {}),
  });
}

export function cancelInfo(now: number, f: { market?: number; index: number; nonce: number }): string {
  return JSON.stringify({ AccountIndex: ACCOUNT, ApiKeyIndex: API_KEY, MarketIndex: f.market ?? 0, Index: f.index, ExpiredAt: now + 599_000, Nonce: f.nonce, Sig: FAKE_SIG });
}

export function cancelAllInfo(now: number, f: { timeInForce: number; time: number; nonce: number }): string {
  return JSON.stringify({ AccountIndex: ACCOUNT, ApiKeyIndex: API_KEY, TimeInForce: f.timeInForce, Time: f.time, ExpiredAt: now + 599_000, Nonce: f.nonce, Sig: FAKE_SIG });
}

export function modifyInfo(now: number, f: { market?: number; index: number; baseAmount: number; price: number; triggerPrice?: number; nonce: number }): string {
  return JSON.stringify({
    AccountIndex: ACCOUNT,
    ApiKeyIndex: API_KEY,
    MarketIndex: f.market ?? 0,
    Index: f.index,
    BaseAmount: f.baseAmount,
    Price: f.price,
    TriggerPrice: f.triggerPrice ?? 0,
    ExpiredAt: now + 599_000,
    Nonce: f.nonce,
    Sig: FAKE_SIG,
  });
}

export function authToken(now: number, account = ACCOUNT, apiKey = API_KEY, lifetimeS = 3600): string {
  return `${Math.floor(now / 1000) + lifetimeS}:${account}:${apiKey}:${"0f".repeat(80)}`;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POST /api/v1/sendTx as application/x-www-form-urlencoded (the official TS client's way). */
export async function sendTx(fake: FakeLighter, txType: number, txInfo: string): Promise<Answer> {
  const res = await fetch(`${fake.baseUrl}/api/v1/sendTx`, { method: "POST", body: new URLSearchParams({ tx_type: String(txType), tx_info: txInfo, price_protection: "true" }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function get(fake: FakeLighter, path: string, auth?: string): Promise<Answer> {
  const res = await fetch(`${fake.baseUrl}${path}`, auth ? { headers: { Authorization: auth } } : {});
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A fresh fake with one funded account and its API key, the clock fixed (advance() moves it). */
export async function startFunded(options: FakeLighterOptions = {}): Promise<{ fake: FakeLighter; clock: { t: number } }> {
  const clock = { t: 1_780_000_000_000 };
  const fake = await startFakeLighter({ now: () => clock.t, ...options });
  fake.fund(ACCOUNT, "10000");
  fake.registerApiKey(ACCOUNT, API_KEY, PUBLIC_KEY);
  return { fake, clock };
}

type Frame = Record<string, unknown>;

/** A WebSocket that keeps every frame it receives, with waits on them. */
export class WsReader {
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async open(url: string): Promise<WsReader> {
    const ws = new WebSocket(url);
    const reader = new WsReader(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await reader.next((f) => f.type === "connected");
    return reader;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (from `from`) matching `match`, waiting up to `timeoutMs`. */
  async next(match: (f: Frame) => boolean, timeoutMs = 2000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before a matching frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket still open");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  all(match: (f: Frame) => boolean): Frame[] {
    return this.frames.filter(match);
  }

  close(): void {
    this.ws.terminate();
  }
}
