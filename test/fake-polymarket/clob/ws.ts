import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Auth } from "./auth.js";
import { formatMicro, formatPrice4 } from "./decimal.js";
import type { Exchange, ExchangeEvent } from "./exchange.js";
import { bookSummary, orderEvent, tradeEvent } from "./wire.js";

/**
 * The two CLOB WebSocket channels (docs "Market Channel", "User Channel"):
 *   /ws/market — {"assets_ids": [...], "type": "market"} then `book` snapshots (the first ones in
 *     one array frame, as the live server sends them — reported), `price_change`, `last_trade_price`,
 *     `tick_size_change`; with "custom_feature_enabled": true also `market_resolved`.
 *     {"assets_ids": [...], "operation": "subscribe" | "unsubscribe"} changes the set.
 *   /ws/user — {"auth": {apiKey, secret, passphrase}, "markets": [...], "type": "user"} then
 *     `order` (PLACEMENT / UPDATE / CANCELLATION) and `trade` (MATCHED, MINED, CONFIRMED,
 *     RETRYING, FAILED) events of that account.
 * Both answer the text frame "PING" with "PONG". Unverified: what the server does with bad auth
 * (the fake closes with 1008) or unknown frames (ignored).
 */

interface MarketClient {
  socket: WebSocket;
  assets: Set<string>;
  custom: boolean;
}

interface UserClient {
  socket: WebSocket;
  key?: { key: string; address: string };
  markets: Set<string>;
}

export class WsFace {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly market = new Set<MarketClient>();
  private readonly user = new Set<UserClient>();
  private readonly off: () => void;

  constructor(
    private readonly exchange: Exchange,
    private readonly auth: Auth,
  ) {
    this.off = exchange.on((e) => this.publish(e));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? "/", "http://fake.local").pathname.replace(/\/$/, "");
    if (path !== "/ws/market" && path !== "/ws/user") return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => (path === "/ws/market" ? this.acceptMarket(ws) : this.acceptUser(ws)));
    return true;
  }

  private acceptMarket(socket: WebSocket): void {
    const client: MarketClient = { socket, assets: new Set(), custom: false };
    this.market.add(client);
    socket.on("close", () => this.market.delete(client));
    socket.on("message", (data) => {
      const text = data.toString();
      if (text === "PING") return socket.send("PONG");
      const msg = parse(text);
      if (!msg || !Array.isArray(msg.assets_ids)) return;
      const ids = msg.assets_ids.map(String);
      if (msg.operation === "unsubscribe") {
        for (const id of ids) client.assets.delete(id);
        return;
      }
      if (msg.custom_feature_enabled === true) client.custom = true;
      const fresh = ids.filter((id) => !client.assets.has(id) && this.exchange.token(id));
      for (const id of ids) client.assets.add(id);
      if (fresh.length > 0) socket.send(JSON.stringify(fresh.map((id) => this.bookEvent(id))));
    });
  }

  private acceptUser(socket: WebSocket): void {
    const client: UserClient = { socket, markets: new Set() };
    this.user.add(client);
    socket.on("close", () => this.user.delete(client));
    socket.on("message", (data) => {
      const text = data.toString();
      if (text === "PING") return socket.send("PONG");
      const msg = parse(text);
      if (!msg) return;
      const markets = Array.isArray(msg.markets) ? msg.markets.map(String) : [];
      if (!client.key) {
        const auth = (msg.auth ?? {}) as { apiKey?: string; secret?: string; passphrase?: string };
        const record = this.auth.checkCreds({ key: auth.apiKey, secret: auth.secret, passphrase: auth.passphrase });
        if (!record) return socket.close(1008, "invalid auth");
        client.key = { key: record.key, address: this.exchange.funderOf(record.address) };
        for (const m of markets) client.markets.add(m);
        return;
      }
      if (msg.operation === "unsubscribe") for (const m of markets) client.markets.delete(m);
      else for (const m of markets) client.markets.add(m);
    });
  }

  private bookEvent(tokenId: string): Record<string, unknown> {
    const s = bookSummary(this.exchange, tokenId);
    return { event_type: "book", market: s.market, asset_id: s.asset_id, timestamp: s.timestamp, hash: s.hash, bids: s.bids, asks: s.asks };
  }

  private toMarket(tokenId: string, msg: Record<string, unknown>, customOnly = false): void {
    const frame = JSON.stringify(msg);
    for (const c of this.market) if (c.assets.has(tokenId) && (!customOnly || c.custom)) c.socket.send(frame);
  }

  private publish(e: ExchangeEvent): void {
    const now = String(this.exchange.now());
    switch (e.kind) {
      case "book":
        return this.toMarket(e.tokenId, this.bookEvent(e.tokenId));
      case "price_change": {
        const found = this.exchange.token(e.tokenId)!;
        const bid = found.book.bestBid();
        const ask = found.book.bestAsk();
        const change = {
          asset_id: e.tokenId,
          price: formatPrice4(e.price4),
          size: formatMicro(found.book.sizeAt(e.side, e.price4)),
          side: e.side,
          hash: bookSummary(this.exchange, e.tokenId).hash,
          // Reported: "0" for an empty bid side and "1" for no asks.
          best_bid: bid === undefined ? "0" : formatPrice4(bid),
          best_ask: ask === undefined ? "1" : formatPrice4(ask),
        };
        return this.toMarket(e.tokenId, { event_type: "price_change", market: found.market.conditionId, price_changes: [change], timestamp: now });
      }
      case "last_trade": {
        const t = e.trade;
        return this.toMarket(t.taker.tokenId, {
          event_type: "last_trade_price",
          market: t.taker.market.conditionId,
          asset_id: t.taker.tokenId,
          price: formatPrice4(t.maker.price4),
          size: formatMicro(t.shares),
          fee_rate_bps: "0",
          side: t.taker.side,
          timestamp: now,
          transaction_hash: t.transactionHash,
        });
      }
      case "tick_size_change":
        return this.toMarket(e.tokenId, {
          event_type: "tick_size_change",
          market: e.market.conditionId,
          asset_id: e.tokenId,
          old_tick_size: e.oldTick,
          new_tick_size: e.newTick,
          timestamp: now,
        });
      case "market_resolved": {
        const ids = e.market.tokens.map((t) => t.tokenId);
        const winner = e.market.tokens.find((t) => t.tokenId === e.market.winnerTokenId);
        const msg = {
          event_type: "market_resolved",
          id: e.market.conditionId,
          market: e.market.conditionId,
          assets_ids: ids,
          winning_asset_id: winner?.tokenId,
          winning_outcome: winner?.outcome,
          timestamp: now,
        };
        const frame = JSON.stringify(msg);
        for (const c of this.market) if (c.custom && ids.some((id) => c.assets.has(id))) c.socket.send(frame);
        return;
      }
      case "order": {
        if (!e.order.owner) return;
        for (const c of this.user) {
          if (c.key?.address === e.order.address && this.wants(c, e.order.market.conditionId)) c.socket.send(JSON.stringify(orderEvent(e.order, e.type, Number(now))));
        }
        return;
      }
      case "trade": {
        const t = e.trade;
        for (const c of this.user) {
          if (!c.key || !this.wants(c, t.taker.market.conditionId)) continue;
          if (c.key.address === t.taker.address || c.key.address === t.maker.order.address) c.socket.send(JSON.stringify(tradeEvent(t, c.key, Number(now))));
        }
        return;
      }
    }
  }

  private wants(c: UserClient, conditionId: string): boolean {
    return c.markets.size === 0 || c.markets.has(conditionId);
  }

  /** Fault: drops every connection (or one channel's). */
  closeAll(channel?: "market" | "user"): number {
    let n = 0;
    if (channel !== "user") for (const c of this.market) (c.socket.terminate(), n++);
    if (channel !== "market") for (const c of this.user) (c.socket.terminate(), n++);
    return n;
  }

  close(): void {
    this.off();
    this.closeAll();
    this.wss.close();
  }
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
