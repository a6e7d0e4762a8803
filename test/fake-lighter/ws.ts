import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { AccountPosition, PerpsMarketStats, PositionFunding } from "../../src/venues/lighter/openapi.js";
import { checkAuth } from "./auth.js";
import { LighterError } from "./errors.js";
import type { Exchange } from "./exchange.js";
import type { Faults } from "./faults.js";
import { fractionToPercent } from "./decimal.js";
import { price, rawToMicro, size, usdc } from "./markets.js";
import type { AccountUpdate, ExchangeEvent, MarketState } from "./state.js";
import { orderWire, tradeWire, usdcAsset, userStatsWire, type TradeWire } from "./wire.js";

/**
 * The WebSocket face at /stream: "connected" greeting, subscribe / unsubscribe / ping, snapshots
 * ("subscribed/<name>") then updates ("update/<name>") with the channel echoed in colon form,
 * private channels behind an `auth` token, jsonapi/sendtx, and an idle close.
 */

export interface WsOptions {
  idleTimeoutMs: number;
  verifyAuthToken?: (token: string, publicKeyHex: string) => boolean;
}

type Family =
  | "order_book"
  | "trade"
  | "ticker"
  | "market_stats"
  | "height"
  | "account_all"
  | "user_stats"
  | "account_all_orders"
  | "account_all_trades"
  | "account_all_positions"
  | "account_all_assets"
  | "account_tx"
  | "account_orders";

interface Sub {
  family: Family;
  key: string;
  market?: number;
  allMarkets?: boolean;
  account?: number;
}

interface Client {
  ws: WebSocket;
  subs: Map<string, Sub>;
  idle: NodeJS.Timeout | undefined;
}

const PUBLIC_MARKET: Family[] = ["order_book", "trade", "ticker"];
const PUBLIC_ACCOUNT: Family[] = ["account_all", "user_stats"];
const PRIVATE_ACCOUNT: Family[] = ["account_all_orders", "account_all_trades", "account_all_positions", "account_all_assets", "account_tx"];
const ACCOUNT_FAMILIES = new Set<Family>([...PUBLIC_ACCOUNT, ...PRIVATE_ACCOUNT, "account_orders"]);

const RATELIMIT_MESSAGE = '{"ratelimit": "didn\'t use volume quota"}';

const wsError = (code: number, message: string) => ({ error: { code, message } });

function group<T>(items: readonly T[], marketOf: (t: T) => number): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const item of items) (out[String(marketOf(item))] ??= []).push(item);
  return out;
}

export class WsFace {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private offset = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly exchange: Exchange,
    private readonly faults: Faults,
    private readonly options: WsOptions,
  ) {
    this.unsubscribe = exchange.state.on((e) => this.onEvent(e));
  }

  get connections(): number {
    return this.clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
  }

  /** Closes every socket: `clean` with 1001 going away, else abruptly. */
  drop(clean: boolean): void {
    for (const c of this.clients) {
      if (clean) c.ws.close(1001, "going away");
      else c.ws.terminate();
    }
  }

  close(): void {
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.clients) {
      if (c.idle) clearTimeout(c.idle);
      c.ws.terminate();
    }
    this.clients.clear();
    this.wss.close();
  }

  private connect(ws: WebSocket): void {
    const client: Client = { ws, subs: new Map(), idle: undefined };
    this.clients.add(client);
    this.resetIdle(client);
    ws.on("message", (data) => {
      this.resetIdle(client);
      this.onMessage(client, data.toString());
    });
    ws.on("close", () => {
      if (client.idle) clearTimeout(client.idle);
      this.clients.delete(client);
    });
    ws.on("error", () => undefined);
    this.send(client, { session_id: randomUUID(), type: "connected" });
  }

  private resetIdle(client: Client): void {
    if (client.idle) clearTimeout(client.idle);
    client.idle = setTimeout(() => client.ws.close(1000, "i/o timeout"), this.options.idleTimeoutMs);
  }

  private send(client: Client, frame: object): void {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(frame));
  }

  private onMessage(client: Client, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.send(client, wsError(30000, "Invalid Json"));
    }
    const m = (typeof msg === "object" && msg !== null ? msg : {}) as Record<string, unknown>;
    switch (m.type) {
      case "ping":
        return this.send(client, { type: "pong" });
      case "pong":
        return;
      case "subscribe":
        return this.subscribe(client, m);
      case "unsubscribe":
        return this.unsubscribeFrom(client, m);
      case "jsonapi/sendtx":
      case "jsonapi/sendtxbatch":
        return this.sendTx(client, m.type, (m.data ?? {}) as Record<string, unknown>);
      default:
        return this.send(client, wsError(30001, "Invalid Type"));
    }
  }

  /** "order_book/0" or "order_book:0" as a subscription, or undefined when no such channel. */
  private parseChannel(channel: unknown): Sub | undefined {
    if (typeof channel !== "string") return undefined;
    const [family, ...parts] = channel.split(/[/:]/) as [Family, ...string[]];
    const key = [family, ...parts].join(":");
    const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
    const known = (id: number | undefined) => id !== undefined && this.exchange.state.market(id) !== undefined;
    if (PUBLIC_MARKET.includes(family) && parts.length === 1 && known(num(parts[0]))) return { family, key, market: num(parts[0]) };
    if (family === "market_stats" && parts.length === 1) {
      if (parts[0] === "all") return { family, key, allMarkets: true };
      if (known(num(parts[0]))) return { family, key, market: num(parts[0]) };
    }
    if (family === "height" && parts.length === 0) return { family, key };
    if ((PUBLIC_ACCOUNT.includes(family) || PRIVATE_ACCOUNT.includes(family)) && parts.length === 1 && num(parts[0]) !== undefined) return { family, key, account: num(parts[0]) };
    if (family === "account_orders" && parts.length === 2 && known(num(parts[0])) && num(parts[1]) !== undefined) return { family, key, market: num(parts[0]), account: num(parts[1]) };
    return undefined;
  }

  private subscribe(client: Client, m: Record<string, unknown>): void {
    const sub = this.parseChannel(m.channel);
    if (!sub) return this.send(client, wsError(30005, "Invalid Channel"));
    if (client.subs.has(sub.key)) return this.send(client, wsError(30003, `Already Subscribed to : ${sub.key}`));
    if (PRIVATE_ACCOUNT.includes(sub.family) || sub.family === "account_orders") {
      const error = checkAuth(
        typeof m.auth === "string" ? m.auth : undefined,
        sub.account!,
        { nowMs: this.exchange.now(), keyOf: (a, k) => this.exchange.state.account(a)?.apiKeys.get(k)?.publicKey, verify: this.options.verifyAuthToken },
        new LighterError(20001, `invalid param : auth field is required: ${sub.key}`),
        sub.key,
      );
      if (error) return this.send(client, wsError(error.code, error.message));
    }
    client.subs.set(sub.key, sub);
    this.send(client, this.snapshot(sub));
  }

  private unsubscribeFrom(client: Client, m: Record<string, unknown>): void {
    const key = typeof m.channel === "string" ? m.channel.split(/[/:]/).join(":") : "";
    if (!client.subs.delete(key)) return this.send(client, wsError(30002, `Not Subscribed to : ${key}`));
    this.send(client, { type: "unsubscribed", channel: key });
  }

  private sendTx(client: Client, type: "jsonapi/sendtx" | "jsonapi/sendtxbatch", data: Record<string, unknown>): void {
    const id = data.id;
    try {
      if (type === "jsonapi/sendtx") {
        const txInfo = typeof data.tx_info === "string" ? data.tx_info : JSON.stringify(data.tx_info);
        if (typeof data.tx_type !== "number" || txInfo === undefined) throw new LighterError(20001, 'invalid param: : field "tx_type" is not set');
        const a = this.exchange.submit(data.tx_type, txInfo);
        return this.send(client, { code: 200, id, message: RATELIMIT_MESSAGE, predicted_execution_time_ms: a.predictedAt, tx_hash: a.hash, volume_quota_remaining: a.volumeQuotaRemaining, type });
      }
      const parse = (v: unknown): unknown[] => {
        const arr: unknown = typeof v === "string" ? JSON.parse(v) : v;
        if (!Array.isArray(arr)) throw new LighterError(20001, "invalid param ");
        return arr;
      };
      const types = parse(data.tx_types) as number[];
      const infos = parse(data.tx_infos).map((i) => (typeof i === "string" ? i : JSON.stringify(i)));
      const accepted = this.exchange.submitBatch(types, infos);
      this.send(client, { code: 200, id, message: RATELIMIT_MESSAGE, predicted_execution_time_ms: Math.max(...accepted.map((a) => a.predictedAt)), tx_hash: accepted.map((a) => a.hash), type });
    } catch (error) {
      if (error instanceof LighterError) return this.send(client, { ...wsError(error.code, error.message), id, type });
      if (error instanceof SyntaxError) return this.send(client, { ...wsError(20001, "invalid param "), id, type });
      throw error;
    }
  }

  // ---- frames -----------------------------------------------------------------------------

  private marketStats(m: MarketState): PerpsMarketStats {
    const live = this.exchange.state.live(m);
    const bid = m.book.best(false);
    const ask = m.book.best(true);
    const mid = m.book.midPrice ?? 0;
    return {
      symbol: m.spec.symbol,
      market_id: m.spec.marketId,
      index_price: price(m.spec, live.indexTicks),
      mark_price: price(m.spec, live.markTicks),
      mid_price: price(m.spec, mid),
      best_ask_price: price(m.spec, ask?.price ?? 0),
      best_bid_price: price(m.spec, bid?.price ?? 0),
      open_interest: size(m.spec, live.openInterestLots),
      open_interest_limit: "0",
      funding_clamp_small: "0.0500",
      funding_clamp_big: "4.0000",
      last_trade_price: price(m.spec, live.lastTradeTicks),
      // Lighter writes rates in percent per hour ("0.0012" = 0.0012 %); the fake keeps fractions.
      current_funding_rate: fractionToPercent(m.currentFundingRate),
      funding_rate: fractionToPercent(m.fundingRate),
      funding_timestamp: m.fundingTimestamp,
      daily_base_token_volume: Number(size(m.spec, m.dailyBaseLots)),
      daily_quote_token_volume: Number(usdc(rawToMicro(m.spec, m.dailyQuoteRaw))),
      daily_price_low: Number(price(m.spec, m.dailyLowTicks)),
      daily_price_high: Number(price(m.spec, m.dailyHighTicks)),
      daily_price_change: 0,
      base_interest_rate: "0.0100",
    };
  }

  private bookFrame(m: MarketState, type: string, asks: object[], bids: object[], nonce: number, beginNonce: number, updatedUs: number): object {
    const offset = this.offset++;
    return {
      channel: `order_book:${m.spec.marketId}`,
      last_updated_at: updatedUs,
      offset,
      order_book: { code: 0, asks, bids, offset, nonce, last_updated_at: updatedUs, begin_nonce: beginNonce },
      timestamp: this.exchange.now(),
      type,
    };
  }

  private tickerFrame(m: MarketState, type: string): object {
    const level = (isAsk: boolean) => {
      const best = m.book.best(isAsk);
      return { price: price(m.spec, best?.price ?? 0), size: size(m.spec, best ? m.book.levelSize(isAsk, best.price) : 0n) };
    };
    return {
      channel: `ticker:${m.spec.marketId}`,
      nonce: m.bookNonce,
      ticker: { s: m.spec.symbol, a: level(true), b: level(false), last_updated_at: m.bookUpdatedUs },
      timestamp: this.exchange.now(),
      type,
    };
  }

  private volumes(accountIndex: number): { count: number; volume: number } {
    let count = 0;
    let micro = 0n;
    for (const t of this.exchange.state.trades) {
      if (t.taker.accountIndex !== accountIndex && t.maker.accountIndex !== accountIndex) continue;
      count += 1;
      micro += rawToMicro(this.exchange.state.market(t.marketId)!.spec, BigInt(t.price) * t.size);
    }
    return { count, volume: Number(usdc(micro)) };
  }

  private positionsOf(accountIndex: number): Record<string, AccountPosition> {
    const state = this.exchange.state;
    const account = state.account(accountIndex);
    const out: Record<string, AccountPosition> = {};
    if (!account) return out;
    for (const id of account.positions.keys()) {
      const w = state.positionWire(account, id);
      if (w) out[String(id)] = w;
    }
    return out;
  }

  private statsFrame(key: string, type: string, stats: Record<string, string>): object {
    return { channel: key, stats: { ...stats, cross_stats: stats, total_stats: stats }, type };
  }

  private snapshot(sub: Sub): object {
    const state = this.exchange.state;
    const type = `subscribed/${sub.family}`;
    const m = sub.market !== undefined ? state.market(sub.market)! : undefined;
    const account = sub.account !== undefined ? state.account(sub.account) : undefined;
    const level = (l: { price: number; size: bigint }) => ({ price: price(m!.spec, l.price), size: size(m!.spec, l.size) });
    switch (sub.family) {
      case "order_book":
        return this.bookFrame(m!, type, m!.book.levels(true).map(level), m!.book.levels(false).map(level), m!.bookNonce, 0, m!.bookUpdatedUs);
      case "trade": {
        const trades = state.trades.filter((t) => t.marketId === m!.spec.marketId).slice(-50);
        return { channel: sub.key, liquidation_trades: [], nonce: m!.tradeNonce, trades: trades.map((t) => tradeWire(m!.spec, t)), type };
      }
      case "ticker":
        return this.tickerFrame(m!, type);
      case "market_stats":
        return { channel: sub.key, market_stats: sub.allMarkets ? this.allStats() : this.marketStats(m!), timestamp: this.exchange.now(), type };
      case "height":
        return { channel: "height", height: state.blockHeight, timestamp: this.exchange.now(), type };
      case "user_stats":
        return this.statsFrame(sub.key, type, account ? userStatsWire(state.summary(account)) : {});
      case "account_all": {
        const v = this.volumes(sub.account!);
        const assets = account ? { "3": usdcAsset(account, state.summary(account)) } : {};
        const totals = { trades_count: v.count, volume: v.volume };
        return {
          account: sub.account,
          assets,
          channel: sub.key,
          daily_trades_count: totals.trades_count,
          daily_volume: totals.volume,
          funding_histories: {},
          monthly_trades_count: totals.trades_count,
          monthly_volume: totals.volume,
          positions: this.positionsOf(sub.account!),
          shares: [],
          total_trades_count: totals.trades_count,
          total_volume: totals.volume,
          trades: {},
          type,
          weekly_trades_count: totals.trades_count,
          weekly_volume: totals.volume,
        };
      }
      case "account_all_orders":
      case "account_orders": {
        const orders = state.activeOrders(sub.account!, sub.market).map((o) => orderWire(state.market(o.marketId)!.spec, o));
        const grouped = group(orders, (o) => o.market_index);
        return sub.family === "account_orders" ? { account: sub.account, channel: sub.key, nonce: 0, orders: grouped, type } : { channel: sub.key, orders: grouped, type };
      }
      case "account_all_trades": {
        const trades = state.trades.filter((t) => t.taker.accountIndex === sub.account || t.maker.accountIndex === sub.account).slice(-100);
        const v = this.volumes(sub.account!);
        return {
          channel: sub.key,
          trades: group(
            trades.map((t) => tradeWire(state.market(t.marketId)!.spec, t)),
            (t) => t.market_id,
          ),
          total_volume: v.volume,
          monthly_volume: v.volume,
          weekly_volume: v.volume,
          daily_volume: v.volume,
          type,
        };
      }
      case "account_all_positions":
        return { channel: sub.key, positions: this.positionsOf(sub.account!), shares: [], type };
      case "account_all_assets":
        return { assets: account ? { "3": usdcAsset(account, state.summary(account)) } : {}, channel: sub.key, type };
      case "account_tx":
        return { channel: sub.key, txs: [], type };
    }
  }

  private allStats(): Record<string, PerpsMarketStats> {
    const out: Record<string, PerpsMarketStats> = {};
    for (const m of this.exchange.state.markets.values()) out[String(m.spec.marketId)] = this.marketStats(m);
    return out;
  }

  // ---- events -----------------------------------------------------------------------------

  private subscribers(match: (s: Sub) => boolean): [Client, Sub][] {
    const out: [Client, Sub][] = [];
    for (const c of this.clients) for (const s of c.subs.values()) if (match(s)) out.push([c, s]);
    return out;
  }

  private onEvent(e: ExchangeEvent): void {
    const state = this.exchange.state;
    switch (e.kind) {
      case "book": {
        if (this.faults.takeGap(e.marketId)) return;
        const m = state.market(e.marketId)!;
        for (const [c, s] of this.subscribers((s) => s.market === e.marketId && (s.family === "order_book" || s.family === "ticker"))) {
          this.send(c, s.family === "order_book" ? this.bookFrame(m, "update/order_book", e.asks, e.bids, e.nonce, e.beginNonce, e.updatedUs) : this.tickerFrame(m, "update/ticker"));
        }
        return;
      }
      case "trades":
        for (const [c, s] of this.subscribers((s) => s.family === "trade" && s.market === e.marketId))
          this.send(c, { channel: s.key, liquidation_trades: [], nonce: e.nonce, trades: e.trades, type: "update/trade" });
        return;
      case "market": {
        const m = state.market(e.marketId)!;
        const malformed = this.faults.takeMalformedMarketStats(e.marketId);
        const stats = (): object => (malformed ? { market_id: e.marketId, symbol: m.spec.symbol, current_funding_rate: 0.0012, funding_rate: "n/a" } : this.marketStats(m));
        const timestamp = this.exchange.now();
        for (const [c, s] of this.subscribers((s) => s.family === "market_stats" && (s.allMarkets || s.market === e.marketId))) {
          this.send(c, { channel: s.key, market_stats: s.allMarkets ? { [String(e.marketId)]: stats() } : stats(), timestamp, type: "update/market_stats" });
        }
        return;
      }
      case "height":
        for (const [c] of this.subscribers((s) => s.family === "height")) this.send(c, { channel: "height", height: e.height, timestamp: e.timestamp, type: "update/height" });
        return;
      case "account": {
        const targets = this.subscribers((s) => ACCOUNT_FAMILIES.has(s.family) && s.account === e.accountIndex);
        if (targets.length === 0) return;
        const frames = targets.flatMap(([c, s]) => this.accountFrames(s, e.update).map((f) => [c, f] as const));
        this.later(() => {
          for (const [c, f] of frames) this.send(c, f);
        });
        return;
      }
    }
  }

  /** Runs `deliver` now, or after the injected account-update delay. */
  private later(deliver: () => void): void {
    const delay = this.faults.accountUpdateDelayMs;
    if (delay <= 0) return deliver();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      deliver();
    }, delay);
    this.timers.add(timer);
  }

  private accountFrames(s: Sub, u: AccountUpdate): object[] {
    const type = `update/${s.family}`;
    switch (s.family) {
      case "account_all_orders":
        return u.orders.length ? [{ channel: s.key, orders: group(u.orders, (o) => o.market_index), type }] : [];
      case "account_orders": {
        const orders = u.orders.filter((o) => o.market_index === s.market);
        return orders.length ? [{ account: s.account, channel: s.key, nonce: 0, orders: group(orders, (o) => o.market_index), type }] : [];
      }
      case "account_all_trades": {
        if (!u.trades.length) return [];
        const v = this.volumes(s.account!);
        return [{ channel: s.key, trades: group(u.trades, (t: TradeWire) => t.market_id), total_volume: v.volume, monthly_volume: v.volume, weekly_volume: v.volume, daily_volume: v.volume, type }];
      }
      case "account_all_positions":
        // Every position of the account, not only the changed ones: clients may treat it as a snapshot.
        return Object.keys(u.positions).length ? [{ channel: s.key, positions: this.positionsOf(s.account!), shares: [], type }] : [];
      case "account_all_assets":
        return [{ assets: { "3": u.assets }, channel: s.key, type }];
      case "account_tx":
        return u.txs.length ? [{ channel: s.key, txs: u.txs, type }] : [];
      case "user_stats":
        return [this.statsFrame(s.key, type, u.stats)];
      case "account_all": {
        const frames: object[] = [];
        const base = { account: s.account, channel: s.key, shares: [] };
        if (u.trades.length) frames.push({ ...base, assets: null, funding_histories: {}, positions: {}, trades: group(u.trades, (t: TradeWire) => t.market_id), type });
        const fundings = group<PositionFunding>(u.fundings, (f) => f.market_id);
        frames.push({ ...base, assets: { "3": u.assets }, funding_histories: fundings, positions: u.positions, trades: {}, type });
        return frames;
      }
      default:
        return [];
    }
  }
}
