import type { AccountAsset, AccountPosition, EnrichedTx, Order, PositionFunding, PriceLevel } from "../../src/venues/lighter/openapi.js";
import { marginSummary, newAccount, type Account, type MarginSummary, type OpenOrderExposure } from "./accounts.js";
import { OrderBook } from "./matching.js";
import { price, rawToMicro, size, type MarketLive, type PerpMarketSpec } from "./markets.js";
import { isActive, type FundingRecord, type OrderRecord, type TradeRecord, type TxRecord } from "./records.js";
import { FIRST_ORDER_INDEX } from "./txinfo.js";
import { fundingWire, orderWire, positionWire, tradeWire, txWire, usdcAsset, userStatsWire, type TradeWire } from "./wire.js";

/**
 * Everything the fake exchange knows, and the events it publishes. Changes are collected while
 * a tx (or a control call) runs and published together by `flush()`: one order-book diff per
 * market with a fresh nonce, the market's trades, and one update per touched account.
 */

export interface MarketState {
  spec: PerpMarketSpec;
  book: OrderBook;
  /** Matching-engine nonce of the order book; every published diff advances it. */
  bookNonce: number;
  bookUpdatedUs: number;
  markOverride: number | undefined;
  lastTradeTicks: number;
  dailyTrades: number;
  dailyBaseLots: bigint;
  dailyQuoteRaw: bigint;
  dailyLowTicks: number;
  dailyHighTicks: number;
  /** Last settled funding rate (a fraction per hour, e.g. "0.0001") and when it was paid. */
  fundingRate: string;
  fundingTimestamp: number;
  /** The estimate for the coming payment (a fraction per hour): market_stats' current_funding_rate. */
  currentFundingRate: string;
  tradeNonce: number;
}

export interface AccountUpdate {
  orders: Order[];
  trades: TradeWire[];
  positions: Record<string, AccountPosition>;
  fundings: PositionFunding[];
  txs: EnrichedTx[];
  assets: AccountAsset;
  stats: Record<string, string>;
}

export type ExchangeEvent =
  | { kind: "book"; marketId: number; asks: PriceLevel[]; bids: PriceLevel[]; nonce: number; beginNonce: number; updatedUs: number; timestamp: number }
  | { kind: "trades"; marketId: number; trades: TradeWire[]; nonce: number }
  | { kind: "market"; marketId: number }
  | { kind: "account"; accountIndex: number; update: AccountUpdate }
  | { kind: "height"; height: number; timestamp: number };

interface Pending {
  orders: Map<number, Set<number>>;
  trades: Map<number, TradeRecord[]>;
  positions: Map<number, Set<number>>;
  fundings: Map<number, FundingRecord[]>;
  txs: Map<number, TxRecord[]>;
  accounts: Set<number>;
  marketTrades: Map<number, TradeRecord[]>;
  markets: Set<number>;
}

const emptyPending = (): Pending => ({
  orders: new Map(),
  trades: new Map(),
  positions: new Map(),
  fundings: new Map(),
  txs: new Map(),
  accounts: new Set(),
  marketTrades: new Map(),
  markets: new Set(),
});

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

export class ExchangeState {
  readonly markets = new Map<number, MarketState>();
  readonly accounts = new Map<number, Account>();
  readonly orders = new Map<number, OrderRecord>();
  readonly ordersByAccount = new Map<number, OrderRecord[]>();
  readonly trades: TradeRecord[] = [];
  readonly txs = new Map<string, TxRecord>();
  readonly txList: TxRecord[] = [];
  readonly fundings: FundingRecord[] = [];
  /** Funding rounds per market (GET /fundings), whether or not anyone held a position. */
  readonly fundingRounds: { marketId: number; timestamp: number; rate: string }[] = [];
  nextOrderIndex = FIRST_ORDER_INDEX;
  nextTradeId = 1;
  nextFundingId = 1;
  nextSequence = 1;
  blockHeight = 100_000;
  private orderSeq = 0;
  private lastUs = 0;
  private pending = emptyPending();
  private readonly listeners = new Set<(e: ExchangeEvent) => void>();

  constructor(
    readonly clock: () => number,
    markets: readonly PerpMarketSpec[],
  ) {
    for (const spec of markets) {
      this.markets.set(spec.marketId, {
        spec,
        book: new OrderBook(),
        bookNonce: 1_000,
        bookUpdatedUs: clock() * 1000,
        markOverride: undefined,
        lastTradeTicks: 0,
        dailyTrades: 0,
        dailyBaseLots: 0n,
        dailyQuoteRaw: 0n,
        dailyLowTicks: 0,
        dailyHighTicks: 0,
        fundingRate: "0.0000",
        fundingTimestamp: 0,
        currentFundingRate: "0",
        tradeNonce: 0,
      });
    }
  }

  now(): number {
    return this.clock();
  }

  /** Microseconds of the clock, strictly increasing from call to call. */
  nowUs(): number {
    this.lastUs = Math.max(this.now() * 1000, this.lastUs + 1);
    return this.lastUs;
  }

  nextSeq(): number {
    return ++this.orderSeq;
  }

  on(listener: (e: ExchangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ExchangeEvent): void {
    for (const l of this.listeners) l(e);
  }

  market(id: number): MarketState | undefined {
    return this.markets.get(id);
  }

  /** Mark price in ticks: the override of setMarkPrice, else mid of the book, else the last trade. */
  markOf(id: number): number {
    const m = this.markets.get(id);
    if (!m) return 0;
    return m.markOverride ?? m.book.midPrice ?? m.lastTradeTicks;
  }

  account(index: number): Account | undefined {
    return this.accounts.get(index);
  }

  ensureAccount(index: number, unlimited = false): Account {
    let a = this.accounts.get(index);
    if (!a) {
      a = newAccount(index, this.now(), unlimited);
      this.accounts.set(index, a);
    }
    return a;
  }

  addOrder(o: OrderRecord): void {
    this.orders.set(o.orderIndex, o);
    push(this.ordersByAccount, o.accountIndex, o);
    this.touchOrder(o);
  }

  accountOrders(accountIndex: number): readonly OrderRecord[] {
    return this.ordersByAccount.get(accountIndex) ?? [];
  }

  activeOrders(accountIndex: number, marketId?: number): OrderRecord[] {
    return this.accountOrders(accountIndex).filter((o) => isActive(o) && (marketId === undefined || o.marketId === marketId));
  }

  exposures(accountIndex: number): OpenOrderExposure[] {
    return this.activeOrders(accountIndex)
      .filter((o) => o.status === "open" && !o.reduceOnly)
      .map((o) => ({ marketId: o.marketId, isAsk: o.isAsk, price: o.price, remaining: o.remaining }));
  }

  summary(account: Account): MarginSummary {
    return marginSummary(
      account,
      (id) => this.markets.get(id)?.spec,
      (id) => this.markOf(id),
      this.exposures(account.index),
    );
  }

  positionWire(account: Account, marketId: number): AccountPosition | undefined {
    const m = this.markets.get(marketId);
    const p = account.positions.get(marketId);
    if (!m || !p) return undefined;
    const active = this.activeOrders(account.index, marketId);
    return positionWire(m.spec, p, this.markOf(marketId), { open: active.filter((o) => o.status === "open").length, pending: active.filter((o) => o.status === "pending").length });
  }

  live(m: MarketState): MarketLive {
    let openInterest = 0n;
    for (const a of this.accounts.values()) {
      const lots = a.positions.get(m.spec.marketId)?.lots ?? 0n;
      if (lots > 0n) openInterest += lots;
    }
    const mark = this.markOf(m.spec.marketId);
    return {
      markTicks: mark,
      indexTicks: mark,
      lastTradeTicks: m.lastTradeTicks,
      dailyTrades: m.dailyTrades,
      dailyBaseLots: m.dailyBaseLots,
      dailyQuoteMicro: rawToMicro(m.spec, m.dailyQuoteRaw),
      dailyLowTicks: m.dailyLowTicks,
      dailyHighTicks: m.dailyHighTicks,
      openInterestLots: openInterest,
      fundingRate: m.fundingRate,
      fundingTimestamp: m.fundingTimestamp,
    };
  }

  // ---- change collection -------------------------------------------------------------------

  touchOrder(o: OrderRecord): void {
    add(this.pending.orders, o.accountIndex, o.orderIndex);
    this.pending.accounts.add(o.accountIndex);
  }

  touchPosition(accountIndex: number, marketId: number): void {
    add(this.pending.positions, accountIndex, marketId);
    this.pending.accounts.add(accountIndex);
  }

  touchAccount(accountIndex: number): void {
    this.pending.accounts.add(accountIndex);
  }

  touchMarket(marketId: number): void {
    this.pending.markets.add(marketId);
  }

  recordTrade(t: TradeRecord): void {
    this.trades.push(t);
    push(this.pending.marketTrades, t.marketId, t);
    for (const side of [t.taker, t.maker]) {
      push(this.pending.trades, side.accountIndex, t);
      this.touchPosition(side.accountIndex, t.marketId);
    }
    this.pending.markets.add(t.marketId);
  }

  recordFunding(f: FundingRecord): void {
    this.fundings.push(f);
    push(this.pending.fundings, f.accountIndex, f);
    this.touchPosition(f.accountIndex, f.marketId);
  }

  recordTxOutcome(t: TxRecord): void {
    push(this.pending.txs, t.accountIndex, t);
    this.pending.accounts.add(t.accountIndex);
  }

  /** Publishes everything collected since the last flush. */
  flush(): void {
    const p = this.pending;
    this.pending = emptyPending();
    const now = this.now();
    for (const [id, m] of this.markets) {
      const changes = m.book.takeChanges();
      if (changes.asks.length === 0 && changes.bids.length === 0) continue;
      const beginNonce = m.bookNonce;
      m.bookNonce += 1 + changes.asks.length + changes.bids.length;
      m.bookUpdatedUs = this.nowUs();
      const level = (l: { price: number; size: bigint }): PriceLevel => ({ price: price(m.spec, l.price), size: size(m.spec, l.size) });
      this.emit({ kind: "book", marketId: id, asks: changes.asks.map(level), bids: changes.bids.map(level), nonce: m.bookNonce, beginNonce, updatedUs: m.bookUpdatedUs, timestamp: now });
      p.markets.add(id);
    }
    for (const [id, trades] of p.marketTrades) {
      const m = this.markets.get(id)!;
      m.tradeNonce += trades.length;
      this.emit({ kind: "trades", marketId: id, trades: trades.map((t) => tradeWire(m.spec, t)), nonce: m.tradeNonce });
    }
    for (const id of p.markets) this.emit({ kind: "market", marketId: id });
    if (p.txs.size > 0 || p.marketTrades.size > 0) this.emit({ kind: "height", height: this.blockHeight, timestamp: now });
    for (const accountIndex of p.accounts) {
      const account = this.accounts.get(accountIndex);
      if (!account) continue;
      const summary = this.summary(account);
      const orders = [...(p.orders.get(accountIndex) ?? [])].map((i) => this.orders.get(i)!).map((o) => orderWire(this.markets.get(o.marketId)!.spec, o));
      const trades = (p.trades.get(accountIndex) ?? []).map((t) => tradeWire(this.markets.get(t.marketId)!.spec, t));
      const positions: Record<string, AccountPosition> = {};
      for (const id of p.positions.get(accountIndex) ?? []) {
        const w = this.positionWire(account, id);
        if (w) positions[String(id)] = w;
      }
      const fundings = (p.fundings.get(accountIndex) ?? []).map((f) => fundingWire(this.markets.get(f.marketId)!.spec, f));
      const txs = (p.txs.get(accountIndex) ?? []).map((t) => ({ ...txWire(t, now), status: t.failed ? 0 : 2 }));
      this.emit({ kind: "account", accountIndex, update: { orders, trades, positions, fundings, txs, assets: usdcAsset(account, summary), stats: userStatsWire(summary) } });
    }
  }
}
