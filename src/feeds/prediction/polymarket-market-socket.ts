import WebSocket from "ws";
import type { Logger } from "../../core/logger.js";

export interface PolymarketMarketSocketOptions {
  /** The market channel, e.g. wss://ws-subscriptions-clob.polymarket.com/ws/market. */
  url: string;
  /** Every event of every frame (a frame may be one event or an array of them). */
  onEvent: (event: Record<string, unknown>) => void;
  /** After each (re)connection's subscription: books from before are stale until their next snapshot. */
  onOpen: () => void;
  /** The connection is gone (a reconnect follows). */
  onClose: () => void;
  logger: Pick<Logger, "warn" | "info">;
  /** Text "PING" this often (docs: every 10 s). */
  pingMs?: number;
  /** Nothing received (not even PONG) for this long: the connection is dead though open, and is dropped. Default 3 pings. */
  silentMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The CLOB market channel (`/ws/market`), public: one connection for every token the feed
 * follows. Each (re)connection sends the whole subscription again, `custom_feature_enabled`
 * so `market_resolved` arrives too, and the server answers with fresh `book` snapshots. Tokens
 * added or dropped while connected go by the `operation` frames. Reconnects with backoff; a
 * connection that goes silent (no PONG) is treated as dead. Timers are wall time: this is I/O.
 */
export class PolymarketMarketSocket {
  private readonly assets = new Set<string>();
  private socket: WebSocket | undefined;
  private open = false;
  private stopped = true;
  private attempt = 0;
  private pinger: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  /** How many times the connection was lost (shown by describe()). */
  reconnects = 0;

  constructor(private readonly options: PolymarketMarketSocketOptions) {}

  get connected(): boolean {
    return this.open;
  }

  get subscribed(): number {
    return this.assets.size;
  }

  /** Connects (once there is something to follow) and keeps connecting until stop(). */
  start(): void {
    this.stopped = false;
    if (this.assets.size > 0) this.connect();
  }

  /** Follows more tokens: subscribed now when connected, or with the next connection. */
  add(tokenIds: readonly string[]): void {
    const fresh = tokenIds.filter((id) => !this.assets.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.assets.add(id);
    if (this.open) this.send({ assets_ids: fresh, operation: "subscribe", custom_feature_enabled: true });
    else if (!this.stopped && !this.socket && !this.retry) this.connect();
  }

  /** Stops following tokens (a resolved market's). */
  remove(tokenIds: readonly string[]): void {
    const gone = tokenIds.filter((id) => this.assets.delete(id));
    if (gone.length > 0 && this.open) this.send({ assets_ids: gone, operation: "unsubscribe" });
  }

  /**
   * Asks again for one token's snapshot (its book could not be read): unsubscribe and subscribe,
   * after which the server sends a `book` as for any new subscription.
   */
  resync(tokenId: string): void {
    if (!this.open || !this.assets.has(tokenId)) return;
    this.send({ assets_ids: [tokenId], operation: "unsubscribe" });
    this.send({ assets_ids: [tokenId], operation: "subscribe", custom_feature_enabled: true });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    clearInterval(this.pinger);
    this.socket?.terminate();
    this.socket = undefined;
    this.open = false;
  }

  private send(frame: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  private connect(): void {
    if (this.stopped || this.socket) return;
    this.retry = undefined;
    const pingMs = this.options.pingMs ?? 10_000;
    const silentMs = this.options.silentMs ?? 3 * pingMs;
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.on("open", () => {
      this.open = true;
      this.lastHeardAt = performance.now();
      // The docs' subscription frame; the books of every token follow as snapshots.
      this.send({ assets_ids: [...this.assets], type: "market", custom_feature_enabled: true });
      this.pinger = setInterval(() => {
        if (performance.now() - this.lastHeardAt > silentMs) {
          this.options.logger.warn({ silentMs }, "Polymarket market channel silent; reconnecting");
          socket.terminate();
          return;
        }
        this.send("PING");
      }, pingMs);
      this.pinger.unref();
      this.options.onOpen();
    });
    socket.on("message", (data) => {
      this.lastHeardAt = performance.now();
      const text = data.toString();
      if (!text.startsWith("{") && !text.startsWith("[")) return; // PONG
      // A frame that brought events: the connection works, the next loss starts the backoff over.
      this.attempt = 0;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        this.options.logger.warn({ err: error }, "unreadable Polymarket market channel frame");
        return;
      }
      for (const e of Array.isArray(parsed) ? parsed : [parsed]) {
        if (typeof e === "object" && e !== null && !Array.isArray(e)) this.options.onEvent(e as Record<string, unknown>);
      }
    });
    socket.on("error", (error) => this.options.logger.warn({ err: error }, "Polymarket market channel error"));
    socket.on("close", () => {
      clearInterval(this.pinger);
      const wasOpen = this.open;
      this.open = false;
      if (this.socket === socket) this.socket = undefined;
      if (wasOpen) {
        this.reconnects++;
        this.options.onClose();
      }
      if (this.stopped) return;
      const min = this.options.minBackoffMs ?? 250;
      const delay = Math.min(this.options.maxBackoffMs ?? 10_000, min * 2 ** this.attempt++);
      this.retry = setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }
}
