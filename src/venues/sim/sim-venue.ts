import type { BookSnapshot, BookUpdate } from "../../core/book.js";
import { createRng, type Rng } from "../../core/rng.js";
import { isOutcome, notional, type MarketSpec } from "../../core/market.js";
import { feeMicro, type Micro } from "../../core/money.js";
import type { PositionState } from "../../core/position.js";
import type { Liquidity, OrderSide } from "../../core/types.js";
import { ConsumedBook } from "../../book/consumed-book.js";
import { OrderBook } from "../../book/order-book.js";
import { MarketRoom } from "../../market/market-room.js";
import type { OrderReport, PlaceOrder, Venue, VenueFill, VenuePosition } from "../venue.js";
import { DEFAULT_SIM_OPTIONS, type SimOptions } from "./options.js";
import { capAverage, slip, withinLimit } from "./pricing.js";
import { marketBound } from "../../core/book.js";
import { SimAccount } from "./sim-account.js";
import { onMarketTick, outcomeRefusal } from "./outcome-rules.js";
import { OUTCOME_PAYOUT_TICKS } from "../../core/instrument.js";

interface SimOrder {
  req: PlaceOrder;
  venueOrderId: string;
  filledLots: number;
  /** Every fill so far, for reconciliation. */
  fills: VenueFill[];
  status: OrderReport["status"];
  reason?: string;
  ts: number;
}

const FEED_OWNER = "__feed__";

/** What one book update needs of a market, found with one lookup. */
interface SymbolState {
  market: MarketSpec;
  book: ConsumedBook;
  restingBids: OrderBook;
  restingAsks: OrderBook;
}

/** What an account looked like before its latest order, and the fills of others since: enough to undo that order exactly. */
interface Checkpoint {
  clientOrderId: string;
  cash: Micro;
  positions: PositionState[];
  /** Fills of the account's other orders since the checkpoint, replayed on top of it by an undo. */
  since: Array<{ clientOrderId: string; market: MarketSpec; side: OrderSide; leverage: number; fill: { priceTicks: number; lots: number; fee: Micro } }>;
}

/** Beyond this many later fills a checkpoint is dropped: an undo comes within one transaction, never that late. */
const CHECKPOINT_MAX_FILLS = 1000;

/**
 * The exchange simulator. Accounts trade against the market feed's book, never against each
 * other: a paper account must not get fills a real venue would not give it. Taker orders walk
 * the feed's levels (slippage from depth) and consume that liquidity until the feed refreshes
 * it; resting limit orders fill as makers when the feed's book crosses them.
 *
 * The feed's book is the market-data room's (src/market/market-room.ts), shared with every
 * other reader; the simulator keeps only what is its own: the consumption overlay on top of
 * that book (src/book/consumed-book.ts), its resting orders and its accounts. It listens to the
 * room (first, by being constructed before the other listeners are added) to refresh the
 * overlay, expire GTT orders and fill resting orders on every update. Without a room it makes
 * its own, fed through applyBookUpdate.
 */
export class SimVenue implements Venue {
  readonly name = "sim";
  private readonly opts: SimOptions;
  private readonly marketMap: Map<string, MarketSpec>;
  private marketList: readonly MarketSpec[];
  /** Resolved outcome tokens and what a share pays (ticks): they trade no more, they redeem. */
  private readonly payouts = new Map<string, number>();
  private readonly room: MarketRoom;
  /** Per symbol: the room's book with what simulated takers consumed taken out, and the resting orders. */
  private readonly symbols = new Map<string, SymbolState>();
  private readonly orders = new Map<string, SimOrder>();
  private readonly gttOrders = new Set<string>();
  private readonly accounts = new Map<string, SimAccount>();
  private readonly listeners = new Set<(report: OrderReport) => void>();
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly rng: Rng;
  private feedSeq = 0;
  private orderSeq = 0;

  /** Trades on `room`'s books (the markets default to the room's); on a room of its own when absent. */
  constructor(options: Partial<SimOptions> = {}, room?: MarketRoom) {
    this.opts = { ...DEFAULT_SIM_OPTIONS, ...(room && options.markets === undefined ? { markets: room.markets } : {}), ...options };
    this.rng = createRng(this.opts.seed);
    this.marketMap = new Map();
    this.marketList = [];
    this.room = room ?? new MarketRoom({ markets: this.opts.markets });
    for (const m of this.opts.markets) this.addMarket(m);
    this.room.onBook("simulator", (u) => this.onBook(u));
    // Markets that join the room later (prediction markets) are traded too.
    this.room.onMarket("simulator", (m) => this.addMarket(m));
  }

  private addMarket(m: MarketSpec): void {
    if (this.symbols.has(m.symbol)) return;
    const book = this.room.book(m.symbol);
    if (!book) throw new RangeError(`the market room has no ${m.symbol} market for the simulator`);
    this.symbols.set(m.symbol, { market: m, book: new ConsumedBook(book), restingBids: new OrderBook(), restingAsks: new OrderBook() });
    this.marketMap.set(m.symbol, m);
    this.marketList = [...this.marketList, m];
  }

  /** The spec of a market the simulator trades. */
  market(symbol: string): MarketSpec | undefined {
    return this.marketMap.get(symbol);
  }

  /**
   * An outcome token's market resolved: a share pays `payoutTicks` (1 dollar for the winner, 0
   * for the others). Its resting orders are canceled (reported), it takes no more orders, and
   * positions in it redeem at the payout (PlaceOrder.redeem).
   */
  resolveOutcome(symbol: string, payoutTicks: number): void {
    const market = this.marketMap.get(symbol);
    if (!market || !isOutcome(market)) throw new RangeError(`${symbol} is not an outcome token the simulator trades`);
    market.instrument.accepting = false;
    this.payouts.set(symbol, payoutTicks);
    for (const o of [...this.orders.values()]) {
      if (o.req.symbol === symbol && (o.status === "OPEN" || o.status === "PARTIALLY_FILLED")) {
        this.unrest(o, "CANCELED", "market_resolved");
        this.emit(this.report(o, []));
      }
    }
  }

  /** What a share of a resolved outcome token pays, in ticks; undefined while it trades. */
  payout(symbol: string): number | undefined {
    return this.payouts.get(symbol);
  }

  /** Without simulated latency an order executes within the call, in this process. */
  get executesInProcess(): boolean {
    return this.opts.latency.maxMs <= 0;
  }

  /** Its memory is rebuilt from the database at start: an order it does not know never reached it. */
  readonly knowsEveryOrder = true;

  /**
   * Undoes the account's latest order after the database refused it: the order is forgotten
   * (its resting remainder leaves the book) and the account is what it was before it, plus
   * whatever the account's other orders filled since. Liquidity the order took from the book
   * stays taken until the feed refreshes it (the conservative side).
   */
  revertOrder(accountId: string, clientOrderId: string): boolean {
    const order = this.orders.get(clientOrderId);
    if (!order || order.req.accountId !== accountId) return true;
    if (order.status === "OPEN" || order.status === "PARTIALLY_FILLED") this.unrest(order, "CANCELED", "reverted");
    this.orders.delete(clientOrderId);
    const cp = this.checkpoints.get(accountId);
    const account = this.accounts.get(accountId);
    if (!account) return true;
    if (!cp || cp.clientOrderId !== clientOrderId) return order.fills.length === 0;
    this.checkpoints.delete(accountId);
    account.cash = cp.cash;
    account.positions.clear();
    for (const p of cp.positions) account.positions.set(p.symbol, p);
    for (const f of cp.since) if (f.clientOrderId !== clientOrderId) account.applyFill(f.market, f.side, f.leverage, f.fill);
    return true;
  }

  markets(): readonly MarketSpec[] {
    return this.marketList;
  }

  /** The feed's book as the simulator sees it (liquidity consumed by fills is not shown). */
  l2(symbol: string): ConsumedBook | undefined {
    return this.symbols.get(symbol)?.book;
  }

  /** What is left to this simulator's takers: the feed's book minus what they consumed. */
  book(symbol: string, depth: number): BookSnapshot | undefined {
    const b = this.symbols.get(symbol)?.book;
    if (!b) return undefined;
    return { symbol, bids: b.levels("bids", depth), asks: b.levels("asks", depth), ts: b.ts };
  }

  /** The mark: the feed's mid, whatever simulated fills have consumed. */
  mid(symbol: string): number | undefined {
    return this.symbols.has(symbol) ? this.room.mid(symbol) : undefined;
  }

  onOrderUpdate(listener: (report: OrderReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- accounts (simulator only) ----

  /** Creates or replaces an account's state: at start from the database, and on reset. */
  restoreAccount(accountId: string, cash: Micro, positions: PositionState[] = []): void {
    this.cancelAll(accountId, "account_reset");
    const account = new SimAccount(accountId, cash);
    for (const p of positions) account.positions.set(p.symbol, { ...p });
    this.accounts.set(accountId, account);
  }

  /**
   * Drops an account another process now trades (a follower whose mirror moved to a worker):
   * its resting orders leave this book without a report, since the database still holds them
   * for the process that takes them over.
   */
  forgetAccount(accountId: string): void {
    this.cancelAll(accountId, "moved");
    for (const [id, o] of this.orders) if (o.req.accountId === accountId) this.orders.delete(id);
    this.accounts.delete(accountId);
  }

  /**
   * Moves an account's cash outside a trade: a funding payment the trading service booked. An
   * undo of the account's latest order keeps it (the checkpoint moves with it), since the
   * payment is the database's, not the order's.
   */
  adjustCash(accountId: string, amount: Micro): void {
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.cash += amount;
    const cp = this.checkpoints.get(accountId);
    if (cp) cp.cash += amount;
  }

  /** Puts a resting order recorded in the database back on the book, without matching it now. */
  restoreRestingOrder(req: PlaceOrder, filledLots: number, venueOrderId?: string): void {
    const market = this.marketMap.get(req.symbol);
    const account = this.accounts.get(req.accountId);
    if (!market || !account || req.priceTicks === undefined) return;
    const order: SimOrder = { req, venueOrderId: venueOrderId ?? this.nextVenueOrderId(), filledLots, fills: [], status: filledLots > 0 ? "PARTIALLY_FILLED" : "OPEN", ts: this.opts.clock.now() };
    this.orders.set(req.clientOrderId, order);
    this.rest(market, account, order);
  }

  // ---- the Venue port ----

  async placeOrder(req: PlaceOrder): Promise<OrderReport> {
    // On the domain clock: a backtest moves it once everything else has settled, so the order
    // meets the book as it is `delay` later, in every run the same.
    const delay = this.latency();
    if (delay > 0) await new Promise<void>((r) => this.opts.clock.after(delay, r));
    return this.execute(req);
  }

  async cancelOrder(accountId: string, clientOrderId: string): Promise<OrderReport> {
    const order = this.orders.get(clientOrderId);
    if (!order || order.req.accountId !== accountId) {
      return this.report(this.placeholder(accountId, clientOrderId), [], "REJECTED", "unknown_order");
    }
    if (order.status === "OPEN" || order.status === "PARTIALLY_FILLED") this.unrest(order, "CANCELED", "canceled");
    return this.report(order, []);
  }

  async openOrders(accountId: string): Promise<OrderReport[]> {
    return [...this.orders.values()].filter((o) => o.req.accountId === accountId && (o.status === "OPEN" || o.status === "PARTIALLY_FILLED")).map((o) => this.report(o, []));
  }

  async orderStatus(accountId: string, clientOrderId: string): Promise<OrderReport | undefined> {
    const o = this.orders.get(clientOrderId);
    return o && o.req.accountId === accountId ? this.report(o, [...o.fills]) : undefined;
  }

  async positions(accountId: string): Promise<VenuePosition[]> {
    const a = this.accounts.get(accountId);
    if (!a) return [];
    return [...a.positions.values()].map((p) => ({ symbol: p.symbol, side: p.side, lots: p.lots, cost: p.cost, leverage: p.leverage }));
  }

  /** The account's equity minus margin in use, at current mids. */
  available(accountId: string): Micro | undefined {
    return this.accounts.get(accountId)?.available(this.marketMap, (s) => this.mid(s));
  }

  // ---- the market moves ----

  /**
   * Feeds an update to the room this simulator trades on, which applies it and runs its
   * listeners, this simulator's first. For a simulator on a room of its own (tests, tools); in
   * the application the feed feeds the room.
   */
  applyBookUpdate(update: BookUpdate): void {
    this.room.apply(update);
  }

  /** The room applied an update: the feed refreshed those prices, GTT orders may expire, resting orders may fill. */
  private onBook(update: BookUpdate): void {
    const state = this.symbols.get(update.symbol);
    if (!state) return;
    state.book.refresh(update);
    if (this.gttOrders.size > 0) this.expireOrders(update.ts);
    if (state.restingBids.size() > 0) this.matchResting(state.market, state.book, "BUY", state.restingBids);
    if (state.restingAsks.size() > 0) this.matchResting(state.market, state.book, "SELL", state.restingAsks);
  }

  private execute(req: PlaceOrder): OrderReport {
    const existing = this.orders.get(req.clientOrderId);
    if (existing && existing.req.accountId !== req.accountId) {
      // Client ids are global here: another account's order must never be reported as this one (nor stored).
      const refused: SimOrder = { req, venueOrderId: "", filledLots: 0, fills: [], status: "REJECTED", reason: "duplicate_client_order_id", ts: this.opts.clock.now() };
      return this.report(refused, []);
    }
    if (existing) return this.report(existing, []); // a retried send never places twice
    const order: SimOrder = { req, venueOrderId: this.nextVenueOrderId(), filledLots: 0, fills: [], status: "OPEN", ts: this.opts.clock.now() };
    this.orders.set(req.clientOrderId, order);
    const market = this.marketMap.get(req.symbol);
    const book = this.symbols.get(req.symbol)?.book;
    const account = this.accounts.get(req.accountId);
    if (account) this.checkpoints.set(account.id, { clientOrderId: req.clientOrderId, cash: account.cash, positions: [...account.positions.values()], since: [] });
    if (!market || !book) return this.finish(order, "REJECTED", "unknown_symbol");
    if (!account) return this.finish(order, "REJECTED", "unknown_account");
    if (!Number.isSafeInteger(req.lots) || req.lots <= 0) return this.finish(order, "REJECTED", "invalid_quantity");
    const reducible = account.reducibleLots(req.symbol, req.side);
    if (req.redeem) return this.redeem(market, account, order, reducible);
    const refusal = outcomeRefusal(market, req, reducible);
    if (refusal) return this.finish(order, "REJECTED", refusal);
    const mid = book.marketMid();
    if (mid === undefined) return this.finish(order, "REJECTED", "market_closed");

    let lots = req.lots;
    if (req.reduceOnly) {
      if (reducible === 0) return this.finish(order, "REJECTED", "reduce_only_no_position");
      lots = Math.min(lots, reducible);
    }
    // A market order's worst price is measured from the touch, as Lighter's own helpers do.
    const touchForMarket = req.side === "BUY" ? book.bestAsk() : book.bestBid();
    if (req.type === "MARKET" && req.priceTicks === undefined && touchForMarket === undefined) return this.finish(order, "CANCELED", "no_liquidity_within_bound");
    const limit = req.type === "MARKET" ? (req.priceTicks ?? this.defaultBound(market, touchForMarket!, req.side)) : req.priceTicks;
    if (limit === undefined || !Number.isSafeInteger(limit) || limit <= 0) return this.finish(order, "REJECTED", "invalid_price");

    const takerSide = req.side === "BUY" ? "BUY" : "SELL";
    if (req.postOnly) {
      const touch = req.side === "BUY" ? book.bestAsk() : book.bestBid();
      if (touch !== undefined && (req.side === "BUY" ? limit >= touch : limit <= touch)) {
        return this.finish(order, "REJECTED", "post_only_would_cross");
      }
    }
    // A limit order takes levels up to its price; a market order's price caps its AVERAGE fill
    // price (Lighter's rule): it walks on while the running average stays within it.
    // Polymarket's market orders (FOK/FAK) are limit orders at their worst price: levels beyond it are not taken.
    const averageCapped = req.type === "MARKET" && !isOutcome(market);
    const plan = req.postOnly ? { fills: [], filled: 0 } : averageCapped ? capAverage(book.walk(takerSide, lots), req.side, limit) : book.walk(takerSide, lots, limit);
    if (req.timeInForce === "FOK" && plan.filled < lots) return this.finish(order, "CANCELED", "fok_unfillable");

    const rests = req.type === "LIMIT" && (req.timeInForce === "GTC" || req.timeInForce === "GTT");
    const exposureLots = Math.max(0, (rests ? lots : plan.filled) - reducible);
    if (exposureLots > 0) {
      const needed = SimAccount.marginFor(market, limit, exposureLots, req.leverage) + this.feeOf(market, limit, exposureLots, "TAKER");
      if (needed > account.available(this.marketMap, (s) => this.mid(s))) return this.finish(order, "REJECTED", "insufficient_margin");
    }

    const fills: VenueFill[] = [];
    for (const level of plan.fills) {
      // Slippage models an adverse move, but never past a limit order's own price.
      const slipped = onMarketTick(market, slip(level.price, req.side, this.opts.extraSlippageBps), req.side);
      const price = req.type === "MARKET" || withinLimit(req.side, slipped, limit) ? slipped : limit;
      fills.push(this.fill(market, account, order, price, level.lots, "TAKER"));
    }
    book.consume(takerSide, plan.fills);

    const remaining = lots - order.filledLots;
    if (remaining > 0 && rests) {
      order.status = order.filledLots > 0 ? "PARTIALLY_FILLED" : "OPEN";
      if (req.timeInForce === "GTT") this.gttOrders.add(req.clientOrderId);
      this.rest(market, account, order);
      return this.report(order, fills);
    }
    if (remaining > 0) {
      return this.finish(order, "CANCELED", order.filledLots > 0 ? "ioc_remainder_canceled" : "no_liquidity_within_bound", fills);
    }
    return this.finish(order, "FILLED", undefined, fills);
  }

  /**
   * A market order's worst price when it names none: `marketPriceBoundBps` from the touch. On an
   * outcome token the basis points are of the 1-dollar payout (100 bps = 1 cent), since a percent
   * of a 3-cent price is less than a tick; the bound then goes back on the tick, inward.
   */
  private defaultBound(market: MarketSpec, touch: number, side: OrderSide): number {
    if (!isOutcome(market)) return marketBound(touch, side, this.opts.marketPriceBoundBps);
    const away = Math.round(this.opts.marketPriceBoundBps * (OUTCOME_PAYOUT_TICKS / 10_000));
    return onMarketTick(market, side === "BUY" ? touch + away : touch - away, side === "BUY" ? "SELL" : "BUY");
  }

  /** A resolved outcome token's redemption: the whole long position at the payout, no fee. */
  private redeem(market: MarketSpec, account: SimAccount, order: SimOrder, heldLongLots: number): OrderReport {
    const payout = this.payouts.get(market.symbol);
    if (payout === undefined) return this.finish(order, "REJECTED", "market_not_resolved");
    if (order.req.side !== "SELL" || order.req.priceTicks !== payout) return this.finish(order, "REJECTED", "redeem_not_at_payout");
    if (heldLongLots === 0) return this.finish(order, "REJECTED", "no_position");
    const fill = this.fill(market, account, order, payout, Math.min(order.req.lots, heldLongLots), "TAKER", 0n);
    return this.finish(order, order.filledLots >= order.req.lots ? "FILLED" : "CANCELED", order.filledLots >= order.req.lots ? undefined : "redeemed_what_was_held", [fill]);
  }

  /** Fee of a fill: the simulator's maker or taker rate; none on outcome tokens (Polymarket's markets are mostly fee-free). */
  private feeOf(market: MarketSpec, priceTicks: number, lots: number, liquidity: Liquidity): Micro {
    if (isOutcome(market)) return 0n;
    return feeMicro(notional(market, priceTicks, lots), liquidity === "MAKER" ? this.opts.makerFeeBps : this.opts.takerFeeBps);
  }

  private fill(market: MarketSpec, account: SimAccount, order: SimOrder, priceTicks: number, lots: number, liquidity: Liquidity, fixedFee?: Micro): VenueFill {
    const fee = fixedFee ?? this.feeOf(market, priceTicks, lots, liquidity);
    account.applyFill(market, order.req.side, order.req.leverage, { priceTicks, lots, fee });
    const cp = this.checkpoints.get(account.id);
    if (cp) {
      cp.since.push({ clientOrderId: order.req.clientOrderId, market, side: order.req.side, leverage: order.req.leverage, fill: { priceTicks, lots, fee } });
      if (cp.since.length > CHECKPOINT_MAX_FILLS) this.checkpoints.delete(account.id);
    }
    const tradeId = `${order.req.clientOrderId}:${order.filledLots}`;
    order.filledLots += lots;
    const fill: VenueFill = {
      venue: this.name,
      accountId: account.id,
      clientOrderId: order.req.clientOrderId,
      tradeId,
      symbol: market.symbol,
      side: order.req.side,
      priceTicks,
      lots,
      fee,
      liquidity,
      ts: this.opts.clock.now(),
    };
    order.fills.push(fill);
    return fill;
  }

  private rest(market: MarketSpec, account: SimAccount, order: SimOrder): void {
    const remaining = order.req.lots - order.filledLots;
    const book = this.resting(market.symbol, order.req.side)!;
    book.limit({ id: order.req.clientOrderId, side: order.req.side, price: order.req.priceTicks!, lots: remaining, owner: account.id, ts: order.ts, tif: "GTC" });
    const exposure = Math.max(0, remaining - account.reducibleLots(market.symbol, order.req.side));
    if (exposure > 0) account.orderMargin.set(order.req.clientOrderId, SimAccount.marginFor(market, order.req.priceTicks!, exposure, order.req.leverage));
  }

  private unrest(order: SimOrder, status: OrderReport["status"], reason: string): void {
    const book = this.resting(order.req.symbol, order.req.side);
    book?.cancel(order.req.clientOrderId);
    this.accounts.get(order.req.accountId)?.orderMargin.delete(order.req.clientOrderId);
    this.gttOrders.delete(order.req.clientOrderId);
    order.status = status;
    order.reason = reason;
  }

  /** Feed liquidity that crosses resting orders fills them at their own price, as makers. */
  private matchResting(market: MarketSpec, book: ConsumedBook, restingSide: OrderSide, resting: OrderBook): void {
    const touched = new Map<string, VenueFill[]>();
    for (;;) {
      const best = restingSide === "BUY" ? resting.bestBid() : resting.bestAsk();
      const opposite = restingSide === "BUY" ? book.bestAsk() : book.bestBid();
      if (best === undefined || opposite === undefined) break;
      if (restingSide === "BUY" ? opposite > best : opposite < best) break;
      // Only the feed's best level: deeper levels are matched on later passes of the loop.
      const available = book.availableTo(restingSide, opposite);
      const incoming = resting.limit({ id: `feed-${++this.feedSeq}`, side: restingSide === "BUY" ? "SELL" : "BUY", price: opposite, lots: available, owner: FEED_OWNER, tif: "IOC" });
      if (incoming.filled === 0) break;
      let taken = 0;
      for (const m of incoming.matches) {
        const order = this.orders.get(m.makerId);
        const account = order && this.accounts.get(order.req.accountId);
        if (!order || !account) continue;
        // A reduce-only order never fills past the position it reduces; whatever is left of it is canceled.
        const lots = order.req.reduceOnly ? Math.min(m.lots, account.reducibleLots(market.symbol, order.req.side)) : m.lots;
        account.orderMargin.delete(order.req.clientOrderId);
        const list = touched.get(order.req.clientOrderId) ?? [];
        touched.set(order.req.clientOrderId, list);
        if (lots > 0) {
          list.push(this.fill(market, account, order, m.price, lots, "MAKER"));
          taken += lots;
        }
        if (order.filledLots >= order.req.lots) {
          order.status = "FILLED";
          this.gttOrders.delete(order.req.clientOrderId);
        } else if (order.req.reduceOnly && account.reducibleLots(market.symbol, order.req.side) === 0) {
          this.unrest(order, "CANCELED", "reduce_only_position_closed");
        } else {
          order.status = "PARTIALLY_FILLED";
          const exposure = Math.max(0, order.req.lots - order.filledLots - account.reducibleLots(market.symbol, order.req.side));
          if (exposure > 0) account.orderMargin.set(order.req.clientOrderId, SimAccount.marginFor(market, order.req.priceTicks!, exposure, order.req.leverage));
        }
      }
      if (taken > 0) book.consume(restingSide, [{ price: opposite, lots: taken }]);
    }
    for (const [id, fills] of touched) this.emit(this.report(this.orders.get(id)!, fills));
  }

  private expireOrders(now: number): void {
    for (const id of [...this.gttOrders]) {
      const o = this.orders.get(id);
      if (o && o.req.expiresAt !== undefined && o.req.expiresAt <= now) {
        this.unrest(o, "EXPIRED", "gtt_expired");
        this.emit(this.report(o, []));
      }
    }
  }

  private cancelAll(accountId: string, reason: string): void {
    for (const o of this.orders.values()) {
      if (o.req.accountId === accountId && (o.status === "OPEN" || o.status === "PARTIALLY_FILLED")) this.unrest(o, "CANCELED", reason);
    }
  }

  private finish(order: SimOrder, status: OrderReport["status"], reason?: string, fills: VenueFill[] = []): OrderReport {
    order.status = status;
    if (reason) order.reason = reason;
    return this.report(order, fills);
  }

  private report(order: SimOrder, fills: VenueFill[], status = order.status, reason = order.reason): OrderReport {
    const r = order.req;
    return {
      clientOrderId: r.clientOrderId,
      venueOrderId: order.venueOrderId,
      accountId: r.accountId,
      symbol: r.symbol,
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      priceTicks: r.priceTicks ?? null,
      lots: r.lots,
      filledLots: order.filledLots,
      status,
      fills,
      ...(reason ? { reason } : {}),
      ts: this.opts.clock.now(),
    };
  }

  private placeholder(accountId: string, clientOrderId: string): SimOrder {
    return {
      req: { clientOrderId, accountId, symbol: "", side: "BUY", type: "LIMIT", lots: 0, timeInForce: "GTC", leverage: 100 },
      venueOrderId: "",
      filledLots: 0,
      fills: [],
      status: "REJECTED",
      ts: this.opts.clock.now(),
    };
  }

  /** Resting bids and asks are separate books, so two accounts' orders can never match each other. */
  private resting(symbol: string, side: OrderSide): OrderBook | undefined {
    const state = this.symbols.get(symbol);
    return side === "BUY" ? state?.restingBids : state?.restingAsks;
  }

  private emit(report: OrderReport): void {
    for (const l of this.listeners) l(report);
  }

  private nextVenueOrderId(): string {
    return `sim-${this.opts.clock.now()}-${++this.orderSeq}`;
  }

  private latency(): number {
    const { minMs, maxMs } = this.opts.latency;
    return maxMs <= 0 ? 0 : this.rng.int(minMs, maxMs);
  }
}
