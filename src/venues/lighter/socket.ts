import WebSocket from "ws";
import { systemClock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";

export type Frame = Record<string, unknown> & { type?: string; channel?: string };

interface Subscription {
  /** As sent: `order_book/0`, `account_all_orders/12`. */
  channel: string;
  auth?: () => string;
  onFrame: (frame: Frame) => void;
}

export interface SocketOptions {
  url: string;
  logger?: Logger;
  /** Application-level ping interval: Lighter closes a socket silent for ~2 minutes. */
  pingMs?: number;
  /** A socket that has sent nothing (not even a pong) for this long is presumed dead and replaced. */
  silenceMs?: number;
  /** Reconnect backoff bounds. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One WebSocket to Lighter's `/stream`, kept open: reconnects with backoff, re-subscribes every
 * channel after the server's `connected` frame, pings, and routes frames by channel (Lighter
 * echoes `order_book/0` as `order_book:0`). Subscribers learn about a reconnect through
 * `onReconnect`, since whatever happened while it was down was not seen.
 */
export class LighterSocket {
  private ws: WebSocket | undefined;
  private readonly subs = new Map<string, Subscription>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly logger: Logger;
  private closed = false;
  private attempt = 0;
  private connectedOnce = false;
  private lastFrameAt = systemClock.now();
  private timers: NodeJS.Timeout[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readyWaiters: (() => void)[] = [];
  private ready = false;

  constructor(private readonly options: SocketOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    this.closed = false;
    this.open();
    const ping = setInterval(() => this.send({ type: "ping" }), this.options.pingMs ?? 30_000);
    const watchdog = setInterval(() => {
      if (this.ready && systemClock.now() - this.lastFrameAt > (this.options.silenceMs ?? 90_000)) {
        this.logger.warn({ url: this.options.url }, "Lighter socket silent; reconnecting");
        this.ws?.terminate();
      }
    }, 5_000);
    ping.unref();
    watchdog.unref();
    this.timers.push(ping, watchdog);
  }

  /** Resolves once the socket is connected and subscribed (or rejects after `timeoutMs`). */
  whenReady(timeoutMs = 10_000): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`Lighter socket ${this.options.url} not connected within ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  subscribe(channel: string, onFrame: (frame: Frame) => void, auth?: () => string): () => void {
    const sub: Subscription = { channel, onFrame, ...(auth ? { auth } : {}) };
    this.subs.set(channel, sub);
    if (this.ready) this.sendSubscribe(sub);
    return () => {
      if (this.subs.get(channel) !== sub) return;
      this.subs.delete(channel);
      this.send({ type: "unsubscribe", channel });
    };
  }

  /** Unsubscribes and subscribes again: a fresh snapshot after a gap. */
  resubscribe(channel: string): void {
    const sub = this.subs.get(channel);
    if (!sub || !this.ready) return;
    this.send({ type: "unsubscribe", channel });
    this.sendSubscribe(sub);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  isConnected(): boolean {
    return this.ready;
  }

  close(): void {
    this.closed = true;
    this.ready = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ws?.terminate();
    this.ws = undefined;
  }

  private open(): void {
    const ws = new WebSocket(this.options.url, { headers: { "user-agent": "autonome" } });
    this.ws = ws;
    ws.on("message", (data) => this.onMessage(data.toString()));
    ws.on("error", (error) => this.logger.warn({ err: error, url: this.options.url }, "Lighter socket error"));
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.ready = false;
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      if (!this.closed) this.open();
    }, delay);
    this.reconnectTimer.unref();
  }

  private onMessage(text: string): void {
    this.lastFrameAt = systemClock.now();
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      this.logger.warn({ text: text.slice(0, 120) }, "Lighter socket sent a frame that is not JSON");
      return;
    }
    if (frame.type === "connected") return this.onConnected();
    if (frame.type === "ping") return this.send({ type: "pong" });
    if (frame.error) {
      this.logger.warn({ error: frame.error }, "Lighter socket error frame");
      return;
    }
    if (typeof frame.channel !== "string") return;
    const sub = this.subs.get(frame.channel.replaceAll(":", "/"));
    try {
      sub?.onFrame(frame);
    } catch (error) {
      // One subscriber's failure must not take the socket (or the process) down.
      this.logger.error({ err: error, channel: frame.channel }, "a Lighter channel handler failed");
    }
  }

  private onConnected(): void {
    this.ready = true;
    this.attempt = 0;
    for (const sub of this.subs.values()) this.sendSubscribe(sub);
    if (this.connectedOnce) for (const l of this.reconnectListeners) l();
    this.connectedOnce = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private sendSubscribe(sub: Subscription): void {
    this.send({ type: "subscribe", channel: sub.channel, ...(sub.auth ? { auth: sub.auth() } : {}) });
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}
