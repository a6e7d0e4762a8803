import WebSocket from "ws";
import type { ApiKeyCreds } from "@polymarket/clob-client-v2";
import type { Logger } from "../../core/logger.js";

/**
 * The CLOB user channel of one API key (`/ws/user`): `order` and `trade` events of that account.
 * It reconnects on its own (backoff up to 5 s) and tells `onOpen` each time it is subscribed
 * again, first time included: whatever happened while it was down was not seen, so the caller
 * asks REST (never assumes). Text "PING" every 10 s keeps it alive (docs: the server expects it).
 */
export class ClobUserSocket {
  private socket?: WebSocket;
  private closed = false;
  private attempt = 0;
  private pinger?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly creds: ApiKeyCreds,
    private readonly handlers: { onEvent: (event: Record<string, unknown>) => void; onOpen: () => void },
    private readonly logger: Logger,
    private readonly pingMs = 10_000,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.on("open", () => {
      this.attempt = 0;
      // The docs' subscription: credentials in the first frame, no market filter = all of the account.
      socket.send(JSON.stringify({ auth: { apiKey: this.creds.key, secret: this.creds.secret, passphrase: this.creds.passphrase }, markets: [], type: "user" }));
      this.pinger = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("PING"), this.pingMs);
      this.pinger.unref();
      this.handlers.onOpen();
    });
    socket.on("message", (data) => {
      const text = data.toString();
      if (!text.startsWith("{") && !text.startsWith("[")) return; // PONG
      try {
        const parsed = JSON.parse(text) as Record<string, unknown> | Array<Record<string, unknown>>;
        for (const e of Array.isArray(parsed) ? parsed : [parsed]) this.handlers.onEvent(e);
      } catch (error) {
        this.logger.warn({ err: error }, "unreadable Polymarket user channel frame");
      }
    });
    socket.on("error", (error) => this.logger.warn({ err: error }, "Polymarket user channel error"));
    socket.on("close", (code) => {
      clearInterval(this.pinger);
      if (this.closed) return;
      if (code === 1008) this.logger.error({ code }, "Polymarket user channel refused the API credentials");
      const delay = Math.min(5_000, 100 * 2 ** this.attempt++);
      this.retry = setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pinger);
    clearTimeout(this.retry);
    this.socket?.terminate();
  }
}
