import { randomBytes, randomUUID } from "node:crypto";
import { Accounts, COLLATERAL } from "./accounts.js";
import { Book, type PlannedFill, type Side } from "./book.js";
import { LOT, PRICE_SCALE, formatMicro, formatScaled, notional, parseMicro, parsePrice4 } from "./decimal.js";
import { ClobError } from "./errors.js";
import { buildMarket, setTick, type Market, type MarketConfig, type TickSize } from "./markets.js";
import { orderHash, signatureValid, type OrderRequest } from "./orders.js";
import type { OrderRecord, TradeRecord } from "./records.js";
import { TradeLifecycle } from "./trades.js";

/**
 * The fake CLOB's state and rules: markets and books, order acceptance (the checks the real
 * server makes, with its messages), matching, balances with the settlement lag, the heartbeat
 * dead-man switch and GTD expiry. Everything observable leaves through `listeners` as events
 * that ws.ts turns into channel messages.
 */

export type ExchangeEvent =
  | { kind: "book"; tokenId: string }
  | { kind: "price_change"; tokenId: string; side: Side; price4: bigint }
  | { kind: "last_trade"; trade: TradeRecord }
  | { kind: "tick_size_change"; market: Market; tokenId: string; oldTick: TickSize; newTick: TickSize }
  | { kind: "market_resolved"; market: Market }
  | { kind: "order"; order: OrderRecord; type: "PLACEMENT" | "UPDATE" | "CANCELLATION" }
  | { kind: "trade"; trade: TradeRecord };

export interface ExchangeOptions {
  chainId: number;
  markets: MarketConfig[];
  now: () => number;
  /** Heartbeats must come at least this often once started, or every open order of the user is canceled. */
  heartbeatTimeoutMs: number;
  /** MATCHED → MINED (credits land on chain) after this long. */
  minedDelayMs: number;
  /** MATCHED → CONFIRMED after this long. */
  confirmedDelayMs: number;
  /** GTD security threshold: an order leaves the book this long before its expiration. */
  gtdThresholdMs: number;
  /** When true, POST /order answers tradeIDs only and trades get their tx hash when mined. */
  asyncTxHashes: boolean;
}

/** The address and API key of the fake's own liquidity. */
export const MARKET_MAKER = "0x00000000000000000000000000000000000000aa";
export const OUTSIDE_TRADER = "0x00000000000000000000000000000000000000bb";

export interface PostResult {
  order: OrderRecord;
  trades: TradeRecord[];
  /** Micro-units the taker gave and got. */
  making: bigint;
  taking: bigint;
}

export class Exchange {
  readonly accounts = new Accounts();
  readonly markets = new Map<string, Market>();
  readonly tokens = new Map<string, { market: Market; outcome: string }>();
  readonly books = new Map<string, Book>();
  readonly orders = new Map<string, OrderRecord>();
  readonly lastTrade = new Map<string, { price4: bigint; side: Side }>();
  readonly lifecycle: TradeLifecycle;
  /** Signer address → funder wallet, for POLY_PROXY / POLY_GNOSIS_SAFE accounts (default: itself). */
  readonly funders = new Map<string, string>();
  private readonly heartbeats = new Map<string, { lastMs: number; id: string }>();
  private readonly listeners = new Set<(e: ExchangeEvent) => void>();
  private seq = 0;
  heartbeatsPaused = false;

  constructor(readonly options: ExchangeOptions) {
    for (const config of options.markets) this.addMarket(config);
    this.accounts.setUnlimited(MARKET_MAKER);
    this.accounts.setUnlimited(OUTSIDE_TRADER);
    this.lifecycle = new TradeLifecycle(this.accounts, options, (e) => this.emit(e));
  }

  now(): number {
    return this.options.now();
  }

  on(listener: (e: ExchangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ExchangeEvent): void {
    for (const l of this.listeners) l(event);
  }

  addMarket(config: MarketConfig): Market {
    const market = buildMarket(config);
    this.markets.set(market.conditionId, market);
    for (const t of market.tokens) {
      this.tokens.set(t.tokenId, { market, outcome: t.outcome });
      this.books.set(t.tokenId, new Book());
    }
    return market;
  }

  token(tokenId: string): { market: Market; outcome: string; book: Book } | undefined {
    const t = this.tokens.get(tokenId);
    const book = this.books.get(tokenId);
    return t && book ? { ...t, book } : undefined;
  }

  funderOf(signer: string): string {
    return this.funders.get(signer.toLowerCase()) ?? signer.toLowerCase();
  }

  /** What an address has locked in open orders, per asset (collateral for bids, the token for asks). */
  reserved(address: string, asset: string): bigint {
    let total = 0n;
    for (const o of this.orders.values()) {
      if (o.address !== address || !o.resting) continue;
      if (o.side === "BUY" && asset === COLLATERAL) total += notional(o.resting.remaining, o.price4);
      if (o.side === "SELL" && asset === o.tokenId) total += o.resting.remaining;
    }
    return total;
  }

  /** POST /order for an authenticated key. Throws ClobError with the real server's message. */
  async post(key: { key: string; address: string }, request: OrderRequest): Promise<PostResult> {
    const { order } = request;
    const found = this.token(order.tokenId);
    if (!found) throw new ClobError(400, "the orderbook does not exist"); // reported, not in the docs
    const { market, book, outcome } = found;
    if (request.owner !== key.key) throw ClobError.owner();
    if (order.signer.toLowerCase() !== key.address) throw ClobError.signerAddress();
    if (!(await signatureValid(order, this.options.chainId, market.negRisk))) throw ClobError.signature();
    const id = orderHash(order, this.options.chainId, market.negRisk);
    if (this.orders.has(id)) throw ClobError.duplicated(id);
    if (market.closed || !market.acceptingOrders) throw ClobError.notReady();
    const marketable = request.orderType === "FOK" || request.orderType === "FAK";
    if (request.postOnly && marketable) throw ClobError.postOnlyType();

    const shares = order.side === "BUY" ? order.takerAmount : order.makerAmount;
    const dollars = order.side === "BUY" ? order.makerAmount : order.takerAmount;
    if (shares <= 0n || dollars <= 0n) throw ClobError.invalidPayload();
    const price4 = marketable ? nearestTick(dollars, shares, market.tick4) : exactPrice(dollars, shares);
    if (price4 === undefined || price4 % market.tick4 !== 0n) throw ClobError.tick(id, ratioText(dollars, shares), market.tickSize);
    if (price4 < market.tick4 || price4 > PRICE_SCALE - market.tick4) throw ClobError.tick(id, ratioText(dollars, shares), market.tickSize);
    // Limit sizes come from the SDK in 0.01 shares; anything finer cannot fill in whole lots here.
    if (!(marketable && order.side === "BUY") && shares % LOT !== 0n) throw ClobError.invalidPayload();

    if (marketable && order.side === "BUY") {
      if (dollars < parseMicro("1")) throw ClobError.minMarketableBuy(formatMicro(dollars));
    } else if (shares < market.minOrderSizeMicro) {
      throw ClobError.minSize(id, formatMicro(shares), market.minOrderSize);
    }

    const nowMs = this.now();
    let expiresAtMs: number | undefined;
    if (request.orderType === "GTD") {
      expiresAtMs = Number(order.expiration) * 1000 - this.options.gtdThresholdMs;
      if (order.expiration === 0n || expiresAtMs <= nowMs) throw ClobError.expiration();
    } else if (order.expiration !== 0n) {
      throw ClobError.expiration();
    }

    const address = order.maker.toLowerCase();
    const asset = order.side === "BUY" ? COLLATERAL : order.tokenId;
    if (this.accounts.spendable(address, asset) - this.reserved(address, asset) < order.makerAmount) throw ClobError.balance();
    if (request.postOnly && book.crosses(order.side, price4)) throw ClobError.postOnlyCross();

    const quantity = marketable && order.side === "BUY" ? ({ kind: "dollars", micro: dollars } as const) : ({ kind: "shares", micro: shares } as const);
    const fills = book.plan(order.side, price4, quantity);
    const filledShares = fills.reduce((s, f) => s + f.shares, 0n);
    const filledDollars = fills.reduce((s, f) => s + f.dollars, 0n);
    if (request.orderType === "FOK") {
      const complete = quantity.kind === "shares" ? filledShares === shares : dollars - filledDollars < notional(LOT, price4);
      if (!complete) throw ClobError.fok();
    }
    if (request.orderType === "FAK" && fills.length === 0) throw ClobError.fakNoMatch();

    const record: OrderRecord = {
      id,
      owner: key.key,
      address,
      market,
      tokenId: order.tokenId,
      outcome,
      side: order.side,
      price4,
      originalSize: quantity.kind === "shares" ? shares : order.takerAmount,
      sizeMatched: 0n,
      orderType: request.orderType,
      expiration: order.expiration.toString(),
      expiresAtMs,
      status: "LIVE",
      createdAt: Math.floor(nowMs / 1000),
      associateTrades: [],
    };
    this.orders.set(id, record);
    const trades = this.execute(record, fills);
    const left = shares - filledShares;
    if (!marketable && left > 0n) this.rest(record, left);
    else record.status = "MATCHED";
    const making = order.side === "BUY" ? filledDollars : filledShares;
    const taking = order.side === "BUY" ? filledShares : filledDollars;
    return { order: record, trades, making, taking };
  }

  /** Books trades for planned fills: balances, order records, events. */
  private execute(taker: OrderRecord, fills: readonly PlannedFill[]): TradeRecord[] {
    if (fills.length === 0) return [];
    const book = this.books.get(taker.tokenId)!;
    book.apply(fills);
    const trades: TradeRecord[] = [];
    for (const f of fills) {
      const maker = this.orders.get(f.maker.id)!;
      maker.sizeMatched += f.shares;
      taker.sizeMatched += f.shares;
      if (f.maker.remaining <= 0n) {
        maker.status = "MATCHED";
        maker.resting = undefined;
      }
      const trade = this.lifecycle.open(taker, { order: maker, shares: f.shares, price4: f.price4 }, f.dollars, ++this.seq);
      maker.associateTrades.push(trade.id);
      taker.associateTrades.push(trade.id);
      trades.push(trade);
      this.lastTrade.set(taker.tokenId, { price4: f.price4, side: taker.side });
      this.emit({ kind: "order", order: maker, type: "UPDATE" });
      this.emit({ kind: "trade", trade });
      this.emit({ kind: "last_trade", trade });
    }
    this.emit({ kind: "book", tokenId: taker.tokenId });
    return trades;
  }

  private rest(order: OrderRecord, remaining: bigint): void {
    const resting = { id: order.id, side: order.side, price4: order.price4, remaining, seq: ++this.seq };
    order.resting = resting;
    order.status = "LIVE";
    this.books.get(order.tokenId)!.add(resting);
    this.emit({ kind: "order", order, type: "PLACEMENT" });
    this.emit({ kind: "price_change", tokenId: order.tokenId, side: order.side, price4: order.price4 });
  }

  /** Takes a live order off the book; false when it is not live. */
  cancel(order: OrderRecord): boolean {
    if (!order.resting) return false;
    this.books.get(order.tokenId)!.remove(order.id);
    order.resting = undefined;
    order.status = "CANCELED";
    this.emit({ kind: "order", order, type: "CANCELLATION" });
    this.emit({ kind: "price_change", tokenId: order.tokenId, side: order.side, price4: order.price4 });
    return true;
  }

  openOrdersOf(address: string): OrderRecord[] {
    return [...this.orders.values()].filter((o) => o.address === address && o.resting);
  }

  /** POST /v1/heartbeats: starts or feeds the dead-man switch of an address. */
  heartbeat(address: string): string {
    const current = this.heartbeats.get(address);
    const id = current?.id ?? randomUUID();
    if (!this.heartbeatsPaused) this.heartbeats.set(address, { lastMs: this.now(), id });
    return id;
  }

  /** Runs what falls due with time: heartbeat lapses, GTD expiry, trade settlement. */
  tick(): void {
    const nowMs = this.now();
    for (const [address, hb] of this.heartbeats) {
      if (nowMs - hb.lastMs <= this.options.heartbeatTimeoutMs) continue;
      this.heartbeats.delete(address);
      for (const o of this.openOrdersOf(address)) this.cancel(o);
    }
    for (const o of this.orders.values()) if (o.resting && o.expiresAtMs !== undefined && o.expiresAtMs <= nowMs) this.cancel(o);
    this.lifecycle.tick(nowMs);
  }

  /** Replaces the fake market maker's orders on one token. Levels are [price, size] decimal strings. */
  seedBook(tokenId: string, bids: Array<[string, string]>, asks: Array<[string, string]>): void {
    const found = this.token(tokenId);
    if (!found) throw new Error(`unknown token ${tokenId}`);
    for (const o of [...this.orders.values()]) if (o.tokenId === tokenId && o.address === MARKET_MAKER && o.resting) this.cancel(o);
    for (const [side, levels] of [["BUY", bids] as const, ["SELL", asks] as const]) {
      for (const [price, size] of levels) {
        const price4 = parsePrice4(price);
        const shares = parseMicro(size);
        if (price4 % found.market.tick4 !== 0n || shares % LOT !== 0n) throw new Error(`level ${price}@${size} is off tick or finer than 0.01 share`);
        const record = this.internalOrder(MARKET_MAKER, found.market, tokenId, found.outcome, side, price4, shares, "GTC");
        this.rest(record, shares);
      }
    }
    this.emit({ kind: "book", tokenId });
  }

  /** An outside trader takes liquidity (FAK) — e.g. hits a user's resting order. */
  outsideTrade(tokenId: string, side: Side, size: string, price?: string): TradeRecord[] {
    const found = this.token(tokenId);
    if (!found) throw new Error(`unknown token ${tokenId}`);
    const shares = parseMicro(size);
    const limit = price !== undefined ? parsePrice4(price) : side === "BUY" ? PRICE_SCALE - found.market.tick4 : found.market.tick4;
    const record = this.internalOrder(OUTSIDE_TRADER, found.market, tokenId, found.outcome, side, limit, shares, "FAK");
    const fills = found.book.plan(side, limit, { kind: "shares", micro: shares });
    const trades = this.execute(record, fills);
    record.status = "MATCHED";
    return trades;
  }

  private internalOrder(address: string, market: Market, tokenId: string, outcome: string, side: Side, price4: bigint, shares: bigint, orderType: "GTC" | "FAK"): OrderRecord {
    const record: OrderRecord = {
      id: `0x${randomBytes(32).toString("hex")}`,
      owner: "",
      address,
      market,
      tokenId,
      outcome,
      side,
      price4,
      originalSize: shares,
      sizeMatched: 0n,
      orderType,
      expiration: "0",
      status: "LIVE",
      createdAt: Math.floor(this.now() / 1000),
      associateTrades: [],
    };
    this.orders.set(record.id, record);
    return record;
  }

  setTickSize(conditionId: string, tick: TickSize): void {
    const market = this.requireMarket(conditionId);
    const oldTick = market.tickSize;
    setTick(market, tick);
    for (const t of market.tokens) this.emit({ kind: "tick_size_change", market, tokenId: t.tokenId, oldTick, newTick: tick });
  }

  setAcceptingOrders(conditionId: string, accepting: boolean): void {
    this.requireMarket(conditionId).acceptingOrders = accepting;
  }

  /** Closes the market with a winner: open orders are canceled and no order is accepted. */
  resolve(conditionId: string, winningOutcome: string): void {
    const market = this.requireMarket(conditionId);
    const winner = market.tokens.find((t) => t.outcome.toLowerCase() === winningOutcome.toLowerCase());
    if (!winner) throw new Error(`market ${conditionId} has no outcome ${winningOutcome}`);
    for (const o of this.orders.values()) if (o.market === market && o.resting) this.cancel(o);
    market.closed = true;
    market.acceptingOrders = false;
    market.winnerTokenId = winner.tokenId;
    this.emit({ kind: "market_resolved", market });
  }

  requireMarket(conditionId: string): Market {
    const market = this.markets.get(conditionId);
    if (!market) throw new Error(`unknown market ${conditionId}`);
    return market;
  }
}

/** dollars/shares as price4 when exact, else undefined (a limit order's price must be exact). */
function exactPrice(dollars: bigint, shares: bigint): bigint | undefined {
  const scaled = dollars * PRICE_SCALE;
  return scaled % shares === 0n ? scaled / shares : undefined;
}

/**
 * A market order's worst price. The SDK derives one amount from the other with rounding
 * (getMarketOrderRawAmounts), so the ratio is within rounding of a tick: take the nearest tick.
 * Unverified: how the real server reads the worst price of a market order.
 */
function nearestTick(dollars: bigint, shares: bigint, tick4: bigint): bigint {
  const ticks = (2n * dollars * PRICE_SCALE + shares * tick4) / (2n * shares * tick4);
  return ticks * tick4;
}

/** The order's price as the error message shows it: up to 8 decimals. */
function ratioText(dollars: bigint, shares: bigint): string {
  return formatScaled((dollars * 10n ** 8n) / shares, 8);
}
