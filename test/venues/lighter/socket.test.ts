import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { LighterSocket, type Frame } from "../../../src/venues/lighter/socket.js";

/** One server-side connection: what the client sent, in order, with a way to wait for the next. */
class Peer {
  readonly received: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.received.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Waits until the client has sent `count` messages in all, and returns them. */
  async messages(count: number, timeoutMs = 3_000): Promise<Record<string, unknown>[]> {
    const started = Date.now();
    while (this.received.length < count) {
      if (Date.now() - started > timeoutMs) throw new Error(`expected ${count} messages, got ${JSON.stringify(this.received)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.received.slice(0, count);
  }

  async whenClosed(timeoutMs = 3_000): Promise<void> {
    const started = Date.now();
    while (!this.closed) {
      if (Date.now() - started > timeoutMs) throw new Error("the connection did not close");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

let wss: WebSocketServer;
let url: string;
let peers: Peer[];
let peerWaiters: (() => void)[];
let sockets: LighterSocket[];

beforeEach(async () => {
  peers = [];
  peerWaiters = [];
  sockets = [];
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss.on("connection", (ws) => {
    peers.push(new Peer(ws));
    for (const w of peerWaiters.splice(0)) w();
  });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/stream`;
});

afterEach(async () => {
  for (const s of sockets) s.close();
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

/** Waits for the n-th connection (1-based) to the server. */
async function connection(n: number, timeoutMs = 3_000): Promise<Peer> {
  const started = Date.now();
  while (peers.length < n) {
    if (Date.now() - started > timeoutMs) throw new Error(`expected connection #${n}, have ${peers.length}`);
    await new Promise<void>((r) => {
      peerWaiters.push(r);
      setTimeout(r, 50);
    });
  }
  return peers[n - 1]!;
}

function socket(options: Partial<ConstructorParameters<typeof LighterSocket>[0]> = {}): LighterSocket {
  const s = new LighterSocket({ url, minBackoffMs: 10, maxBackoffMs: 20, ...options });
  sockets.push(s);
  return s;
}

/** Frames delivered to a handler, with a way to wait for them. */
function collector() {
  const frames: Frame[] = [];
  return {
    frames,
    onFrame: (f: Frame) => void frames.push(f),
    async count(n: number, timeoutMs = 3_000): Promise<Frame[]> {
      const started = Date.now();
      while (frames.length < n) {
        if (Date.now() - started > timeoutMs) throw new Error(`expected ${n} frames, got ${frames.length}`);
        await new Promise<void>((r) => setTimeout(r, 5));
      }
      return frames;
    },
  };
}

const SUB_BOOK = { type: "subscribe", channel: "order_book/0" };
const CONNECTED = { session_id: "3f1c6f1e-0000-4000-8000-000000000001", type: "connected" };

describe("LighterSocket", () => {
  it("waits for the server's `connected` before subscribing", async () => {
    const s = socket();
    s.subscribe("order_book/0", () => undefined);
    s.start();
    const peer = await connection(1);
    // Whatever the client sends on its own before `connected` would arrive before its answer to
    // this ping: the stream is ordered. So the first message must be the pong.
    peer.send({ type: "ping" });
    expect(await peer.messages(1)).toEqual([{ type: "pong" }]);
    expect(s.isConnected()).toBe(false);

    peer.send(CONNECTED);
    await s.whenReady(3_000);
    expect(await peer.messages(2)).toEqual([{ type: "pong" }, SUB_BOOK]);
    expect(s.isConnected()).toBe(true);
  });

  it("subscribes at once when already connected; a private channel carries the token from the function", async () => {
    const s = socket();
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await s.whenReady(3_000);
    s.subscribe("order_book/0", () => undefined);
    s.subscribe(
      "account_all_orders/12",
      () => undefined,
      () => "1795252707:12:3:05ba",
    );
    expect(await peer.messages(2)).toEqual([SUB_BOOK, { type: "subscribe", channel: "account_all_orders/12", auth: "1795252707:12:3:05ba" }]);
  });

  it("routes a frame echoed as `order_book:0` to the `order_book/0` handler, and only there", async () => {
    const s = socket();
    const book0 = collector();
    const book1 = collector();
    const candles = collector();
    s.subscribe("order_book/0", book0.onFrame);
    s.subscribe("order_book/1", book1.onFrame);
    s.subscribe("candle/0/1m", candles.onFrame);
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await peer.messages(3);

    const frame = {
      channel: "order_book:0",
      offset: 3,
      order_book: { asks: [{ price: "3024.66", size: "1.0000" }], bids: [], nonce: 7, begin_nonce: 0 },
      timestamp: 1_766_000_000_000,
      type: "subscribed/order_book",
    };
    peer.send(frame);
    peer.send({ channel: "candle:0:1m", candles: [], type: "update/candle" });
    peer.send({ channel: "trade:0", trades: [], type: "update/trade" }); // nobody subscribed
    peer.send({ error: { code: 30005, message: "Invalid Channel" } });
    peer.send({ channel: "order_book:0", type: "update/order_book", order_book: { asks: [], bids: [], nonce: 8, begin_nonce: 7 } });

    expect(await book0.count(2)).toEqual([frame, { channel: "order_book:0", type: "update/order_book", order_book: { asks: [], bids: [], nonce: 8, begin_nonce: 7 } }]);
    expect(await candles.count(1)).toHaveLength(1);
    expect(book1.frames).toEqual([]);
  });

  it("answers a server ping with a pong", async () => {
    const s = socket();
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await s.whenReady(3_000);
    peer.send({ type: "ping" });
    peer.send({ type: "ping" });
    expect(await peer.messages(2)).toEqual([{ type: "pong" }, { type: "pong" }]);
  });

  it("pings the server on its own every pingMs", async () => {
    const s = socket({ pingMs: 30 });
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    expect(await peer.messages(2)).toEqual([{ type: "ping" }, { type: "ping" }]);
  });

  it("after the server drops it, reconnects, re-subscribes every channel and tells the onReconnect listeners", async () => {
    const s = socket();
    let reconnects = 0;
    s.onReconnect(() => reconnects++);
    let token = 0;
    const book = collector();
    s.subscribe("order_book/0", book.onFrame);
    s.subscribe(
      "account_all_orders/12",
      () => undefined,
      () => `token-${++token}`,
    );
    s.start();

    const first = await connection(1);
    first.send(CONNECTED);
    expect(await first.messages(2)).toEqual([SUB_BOOK, { type: "subscribe", channel: "account_all_orders/12", auth: "token-1" }]);
    expect(reconnects).toBe(0); // the first connection is not a reconnect

    first.ws.terminate();
    const second = await connection(2);
    expect(reconnects).toBe(0); // not before `connected`
    second.send(CONNECTED);
    // The token function is asked again: a fresh token on every subscription.
    expect(await second.messages(2)).toEqual([SUB_BOOK, { type: "subscribe", channel: "account_all_orders/12", auth: "token-2" }]);
    expect(reconnects).toBe(1);

    // Frames of the new connection reach the same handler.
    second.send({ channel: "order_book:0", type: "subscribed/order_book", order_book: { asks: [], bids: [], nonce: 1 } });
    expect(await book.count(1)).toHaveLength(1);

    // And again after a second drop.
    second.ws.close(1000);
    const third = await connection(3);
    third.send(CONNECTED);
    await third.messages(2);
    expect(reconnects).toBe(2);
  });

  it("keeps retrying while the server refuses connections, and recovers", async () => {
    const s = socket();
    s.subscribe("order_book/0", () => undefined);
    let refused = 0;
    // Refuse the first two upgrades.
    const original = wss.listeners("connection");
    wss.removeAllListeners("connection");
    wss.on("connection", (ws, req) => {
      if (refused < 2) {
        refused++;
        ws.terminate();
        return;
      }
      for (const l of original) (l as (w: WebSocket, r: typeof req) => void)(ws, req);
    });
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    expect(await peer.messages(1)).toEqual([SUB_BOOK]);
    expect(refused).toBe(2);
  });

  it("unsubscribe sends unsubscribe, stops delivery and is not re-subscribed after a reconnect", async () => {
    const s = socket();
    const book = collector();
    const unsubscribe = s.subscribe("order_book/0", book.onFrame);
    s.subscribe("trade/0", () => undefined);
    s.start();
    const first = await connection(1);
    first.send(CONNECTED);
    await first.messages(2);

    unsubscribe();
    unsubscribe(); // a second call does nothing
    expect((await first.messages(3))[2]).toEqual({ type: "unsubscribe", channel: "order_book/0" });
    first.send({ channel: "order_book:0", type: "update/order_book", order_book: { asks: [], bids: [], nonce: 2, begin_nonce: 1 } });
    first.send({ type: "ping" }); // once its pong is back, the frame before it was handled
    // Exactly one unsubscribe: anything the second call had sent would come before the pong.
    expect(await first.messages(4)).toEqual([SUB_BOOK, { type: "subscribe", channel: "trade/0" }, { type: "unsubscribe", channel: "order_book/0" }, { type: "pong" }]);
    expect(book.frames).toEqual([]);

    first.ws.terminate();
    const second = await connection(2);
    second.send(CONNECTED);
    second.send({ type: "ping" });
    expect(await second.messages(2)).toEqual([{ type: "subscribe", channel: "trade/0" }, { type: "pong" }]);
  });

  it("an old unsubscribe function does not remove a newer subscription of the same channel", async () => {
    const s = socket();
    const old = s.subscribe("order_book/0", () => undefined);
    const fresh = collector();
    s.subscribe("order_book/0", fresh.onFrame);
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await peer.messages(1);
    old();
    peer.send({ channel: "order_book:0", type: "update/order_book" });
    expect(await fresh.count(1)).toHaveLength(1);
    peer.send({ type: "ping" });
    expect(await peer.messages(2)).toEqual([SUB_BOOK, { type: "pong" }]); // no unsubscribe went out
  });

  it("resubscribe sends unsubscribe, then subscribe (with a fresh token)", async () => {
    const s = socket();
    let token = 0;
    s.subscribe(
      "account_all_orders/12",
      () => undefined,
      () => `token-${++token}`,
    );
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await peer.messages(1);
    s.resubscribe("account_all_orders/12");
    s.resubscribe("order_book/5"); // not subscribed: nothing
    peer.send({ type: "ping" });
    expect(await peer.messages(4)).toEqual([
      { type: "subscribe", channel: "account_all_orders/12", auth: "token-1" },
      { type: "unsubscribe", channel: "account_all_orders/12" },
      { type: "subscribe", channel: "account_all_orders/12", auth: "token-2" },
      { type: "pong" },
    ]);
  });

  it("close() closes the connection and stops reconnecting", async () => {
    const s = socket();
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await s.whenReady(3_000);
    s.close();
    await peer.whenClosed();
    expect(s.isConnected()).toBe(false);
    // With a backoff of 10-20 ms a reconnect would long have come.
    await new Promise<void>((r) => setTimeout(r, 300));
    expect(peers).toHaveLength(1);
  });

  it("close() during the reconnect backoff cancels the reconnect", async () => {
    const s = socket({ minBackoffMs: 150, maxBackoffMs: 150 }); // waits 75-150 ms before reconnecting
    s.start();
    const peer = await connection(1);
    peer.send(CONNECTED);
    await s.whenReady(3_000);
    peer.ws.terminate();
    for (let i = 0; i < 100 && s.isConnected(); i++) await new Promise<void>((r) => setTimeout(r, 2));
    expect(s.isConnected()).toBe(false);
    s.close();
    await new Promise<void>((r) => setTimeout(r, 400));
    expect(peers).toHaveLength(1);
  });
});
