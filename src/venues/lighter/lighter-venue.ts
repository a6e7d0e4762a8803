import { marketBound, type BookSnapshot } from "../../core/book.js";
import { systemClock, type Cancel, type Clock } from "../../core/clock.js";
import type { LeverageCenti } from "../../core/leverage.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import type { MarketSpec } from "../../core/market.js";
import { TERMINAL_ORDER_STATUSES } from "../../core/types.js";
import { refusedReport, type FundingPayment, type OrderReport, type PlaceOrder, type Venue, type VenuePosition } from "../venue.js";
import type { MarketCatalog } from "./catalog.js";
import { clientOrderIndexOf } from "./client-index.js";
import { LighterApiError, LighterLocalRefusal, LighterTransportError } from "./errors.js";
import { NonceManager } from "./nonce-manager.js";
import { usd, type Micro } from "../../core/money.js";
import type { DetailedAccount, DetailedAccounts, EnrichedTx, PositionFunding, NextNonce, Order, Orders, Trade, Trades } from "./openapi.js";
import { boundPrice, fokFillable } from "./order-price.js";
import { OrderTracker, type TrackedOrder } from "./order-tracker.js";
import { ERROR, GTC_EXPIRY_MS, MIN_ORDER_EXPIRY_MS, rejectionReason, TX_STATUS, TX_VALIDITY_MS } from "./protocol.js";
import type { LighterRest } from "./rest-client.js";
import { MARGIN_MODE, ORDER_TYPE, TIME_IN_FORCE, type SignedTx, type Signer } from "./signer/signer.js";
import type { Frame, LighterSocket } from "./socket.js";
import { positionOf, reportOf } from "./wire-mapping.js";

/** A model's Lighter account: the key that signs for it never leaves its Signer. */
export interface LighterAccountBinding {
  /** Our model id. */
  accountId: string;
  accountIndex: number;
  signer: Signer;
}

export interface LighterVenueOptions {
  rest: LighterRest;
  socket: LighterSocket;
  catalog: MarketCatalog;
  /** Domain time: GTT expiry, tx validity and auth-token deadlines (the exchange's time, live). */
  clock: Clock;
  /** The market's current book (the market room fed by Lighter's order_book channel). */
  book: (symbol: string, depth: number) => BookSnapshot | undefined;
  /** Worst average price of a market order, in bps from the touch (default 100 = 1%). */
  marketBoundBps?: number;
  /** How long a placement waits for the account channels before asking REST (wall ms). */
  confirmMs?: number;
  /** How long a placement tries to learn its outcome before it is left UNKNOWN (wall ms). */
  settleMs?: number;
  logger?: Logger;
}

/** An auth token lives at most 8 hours; ours are made for 7 and replaced after 6. */
const TOKEN_LIFE_S = 7 * 3600;
const TOKEN_RENEW_S = 6 * 3600;
/** The longest a tx may wait in its key's queue before it is given up unsigned. */
const SEND_DEADLINE_MS = 15 * 60_000;
/** After this, an order row the exchange does not know can never execute (its tx, if any, expired). */
const NEVER_EXECUTED_MS = SEND_DEADLINE_MS + TX_VALIDITY_MS + 5 * 60_000;
/** A GTT shorter than Lighter's 5-minute minimum is sent with this expiry and canceled by us on time. */
const SHORT_GTT_EXPIRY_MS = MIN_ORDER_EXPIRY_MS + 60_000;

interface Linked {
  binding: LighterAccountBinding;
  tracker: OrderTracker;
  nonces: NonceManager;
  token?: { value: string; renewAt: number };
  /** Leverage last set per market on the exchange (UpdateLeverage is a tx: sent only on change). */
  leverage: Map<number, LeverageCenti>;
  expiries: Map<number, Cancel>;
  unsubscribe: () => void;
}

/**
 * Lighter (zkLighter perpetuals) behind the Venue port. Every order is signed here with a
 * client order index derived from our client id, sent form-encoded, and never assumed filled:
 * its fate comes from the account channels (orders and trades), with REST as the fallback, and
 * an order whose fate cannot be learned is thrown back to the trading service as unknown (it
 * stays UNKNOWN until reconciled by that same client index).
 */
export class LighterVenue implements Venue {
  readonly name = "lighter";
  readonly holdsExitOrders = true;
  private readonly accounts = new Map<string, Linked>();
  private readonly listeners = new Set<(r: OrderReport) => void>();
  private readonly fundingListeners = new Set<(p: FundingPayment) => void>();
  private readonly logger: Logger;
  private readonly unsubscribeReconnect: () => void;
  private readonly confirmMs: number;
  private readonly settleMs: number;

  constructor(private readonly options: LighterVenueOptions) {
    this.logger = options.logger ?? silentLogger;
    this.confirmMs = options.confirmMs ?? 3_000;
    this.settleMs = options.settleMs ?? 20_000;
    // Whatever happened while the socket was down was not seen: ask REST about every live order.
    this.unsubscribeReconnect = options.socket.onReconnect(() => void this.resyncAll());
  }

  markets(): readonly MarketSpec[] {
    return this.options.catalog.specs();
  }

  clientIndexOf(clientOrderId: string): number {
    return clientOrderIndexOf(clientOrderId);
  }

  book(symbol: string, depth: number): BookSnapshot | undefined {
    return this.options.book(symbol, depth);
  }

  onOrderUpdate(listener: (report: OrderReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onFunding(listener: (payment: FundingPayment) => void): () => void {
    this.fundingListeners.add(listener);
    return () => this.fundingListeners.delete(listener);
  }

  /** Starts trading an account: its private channels are subscribed with a token its key signs. */
  link(binding: LighterAccountBinding): void {
    if (this.accounts.has(binding.accountId)) return;
    for (const l of this.accounts.values()) {
      if (l.binding.accountIndex === binding.accountIndex) throw new Error(`Lighter account ${binding.accountIndex} is already traded by ${l.binding.accountId}`);
    }
    const { signer } = binding;
    const tracker = new OrderTracker(
      binding.accountId,
      binding.accountIndex,
      (r) => this.publish(r),
      () => this.options.clock.now(),
    );
    const nonces = new NonceManager(async () => (await this.options.rest.get<NextNonce>("nextNonce", { account_index: binding.accountIndex, api_key_index: signer.apiKeyIndex })).nonce);
    const linked: Linked = { binding, tracker, nonces, leverage: new Map(), expiries: new Map(), unsubscribe: () => undefined };
    const auth = () => this.token(linked);
    const offOrders = this.options.socket.subscribe(`account_all_orders/${binding.accountIndex}`, (f) => this.onOrders(linked, f), auth);
    const offTrades = this.options.socket.subscribe(`account_all_trades/${binding.accountIndex}`, (f) => this.onTrades(linked, f), auth);
    // Funding payments (and, on subscribing, the recent ones again: recording is idempotent).
    const offAll = this.options.socket.subscribe(`account_all/${binding.accountIndex}`, (f) => this.onAccount(linked, f), auth);
    linked.unsubscribe = () => {
      offOrders();
      offTrades();
      offAll();
      for (const cancel of linked.expiries.values()) cancel();
    };
    this.accounts.set(binding.accountId, linked);
  }

  unlink(accountId: string): void {
    this.accounts.get(accountId)?.unsubscribe();
    this.accounts.delete(accountId);
  }

  isLinked(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  /** Follows an order placed before a restart (a resting row of the database), so its fills are reported. */
  track(accountId: string, clientOrderId: string, symbol: string): void {
    const linked = this.accounts.get(accountId);
    const market = this.options.catalog.bySymbolName(symbol);
    if (linked && market) linked.tracker.track(clientOrderId, clientOrderIndexOf(clientOrderId), market.spec);
  }

  close(): void {
    this.unsubscribeReconnect();
    for (const l of this.accounts.values()) l.unsubscribe();
    this.accounts.clear();
  }

  async placeOrder(req: PlaceOrder): Promise<OrderReport> {
    const linked = this.accounts.get(req.accountId);
    // An account whose key is missing sends nothing; the refusal says so (never a paper fill).
    if (!linked) return this.refuse(req, "account_not_linked");
    const lm = this.options.catalog.bySymbolName(req.symbol);
    if (!lm) return this.refuse(req, "unknown_symbol");
    if (!req.reduceOnly && lm.status !== "active") return this.refuse(req, "market_closed");
    const market = lm.spec;
    const clientIndex = clientOrderIndexOf(req.clientOrderId);
    const known = linked.tracker.get(clientIndex);
    if (known?.order) {
      // The same client id again (a retry): the first order's answer, with no fills counted twice.
      const r = linked.tracker.fullReport(known)!;
      return { ...r, fills: [] };
    }

    const fields = this.orderFields(req, market);
    if (typeof fields === "string") return this.refuse(req, fields);
    if (!req.reduceOnly) {
      const refused = await this.ensureLeverage(linked, market, req);
      if (refused) return refused;
    }

    const t = linked.tracker.track(req.clientOrderId, clientIndex, market);
    const settled = waitFor(t, () => true);
    let sent: SignedTx;
    try {
      sent = await this.send(linked, (nonce, expiredAt) => linked.binding.signer.createOrder({ ...fields, marketIndex: market.marketId, clientOrderIndex: clientIndex, nonce, expiredAt }));
    } catch (error) {
      t.waiter = undefined;
      if (error instanceof LighterApiError && error.code === ERROR.clientOrderIndexExists) {
        // Sent before (a crash, a lost answer): that order is the answer, never a second one.
        const found = await this.refresh(linked, t);
        if (found) return { ...found, fills: [] };
        throw new LighterTransportError("sendTx", `client order index ${clientIndex} exists on Lighter but the order cannot be read back`);
      }
      if (error instanceof LighterApiError || error instanceof LighterLocalRefusal) {
        linked.tracker.forget(clientIndex);
        this.logger.info({ clientOrderId: req.clientOrderId, err: error }, "Lighter refused the order");
        return this.refuse(req, error instanceof LighterApiError ? rejectionReason(error.code, error.apiMessage) : "invalid_order");
      }
      throw error;
    }
    if (fields.localExpiry !== undefined) this.expireAt(linked, t, fields.localExpiry);
    return this.outcome(linked, t, settled, sent.txHash, req);
  }

  async cancelOrder(accountId: string, clientOrderId: string): Promise<OrderReport> {
    const linked = this.accounts.get(accountId);
    if (!linked) return { ...unknownOrder(accountId, clientOrderId, this.options.clock.now()), reason: "account_not_linked" };
    const clientIndex = clientOrderIndexOf(clientOrderId);
    let t = linked.tracker.get(clientIndex);
    if (!t?.order) {
      await this.orderStatus(accountId, clientOrderId);
      t = linked.tracker.get(clientIndex);
    }
    if (!t?.order) return unknownOrder(accountId, clientOrderId, this.options.clock.now());
    const now = linked.tracker.fullReport(t)!;
    if (TERMINAL_ORDER_STATUSES.has(now.status)) return { ...now, fills: [] };
    const settled = waitFor(t, (r) => TERMINAL_ORDER_STATUSES.has(r.status));
    try {
      const market = t.market;
      const sent = await this.send(linked, (nonce, expiredAt) => linked.binding.signer.cancelOrder({ marketIndex: market.marketId, index: clientIndex, nonce, expiredAt }));
      return await this.outcome(linked, t, settled, sent.txHash);
    } catch (error) {
      t.waiter = undefined;
      if (!(error instanceof LighterApiError)) throw error;
      // Not active any more (filled or canceled meanwhile): what it is now is the answer.
      const found = await this.refresh(linked, t);
      if (found && TERMINAL_ORDER_STATUSES.has(found.status)) return { ...found, fills: found.fills.filter((f) => !t.reported.has(f.tradeId)) };
      return { ...(found ?? unknownOrder(accountId, clientOrderId, this.options.clock.now())), status: "REJECTED", reason: rejectionReason(error.code, error.apiMessage), fills: [] };
    }
  }

  async openOrders(accountId: string): Promise<OrderReport[]> {
    const linked = this.linked(accountId);
    const res = await this.options.rest.get<Orders>("accountActiveOrders", { account_index: linked.binding.accountIndex, market_id: 255 }, this.token(linked));
    const reports: OrderReport[] = [];
    for (const o of res.orders) {
      const m = this.options.catalog.byMarketId(o.market_index);
      if (!m) continue;
      const t = linked.tracker.get(o.client_order_index);
      reports.push(reportOf(m.spec, o, accountId, t?.clientOrderId ?? `lighter-${o.client_order_index}`, [], this.options.clock.now()));
    }
    return reports;
  }

  async orderStatus(accountId: string, clientOrderId: string): Promise<OrderReport | undefined> {
    const linked = this.linked(accountId);
    const clientIndex = clientOrderIndexOf(clientOrderId);
    const order = await this.readOrder(linked, clientIndex);
    if (!order) return undefined;
    const m = this.options.catalog.byMarketId(order.market_index);
    if (!m) return undefined;
    const t = linked.tracker.track(clientOrderId, clientIndex, m.spec);
    return this.refresh(linked, t, order);
  }

  async collateral(accountId: string): Promise<Micro> {
    const account = await this.readAccount(this.linked(accountId).binding.accountIndex);
    return usd(account.collateral, "floor");
  }

  /** The exchange's account by index (public: no token needed). */
  async readAccount(accountIndex: number): Promise<DetailedAccount> {
    const res = await this.options.rest.get<DetailedAccounts>("account", { by: "index", value: accountIndex });
    const account = res.accounts[0];
    if (!account) throw new LighterApiError(ERROR.notFound, `account ${accountIndex} not found`, 200, "account");
    return account;
  }

  /**
   * Whether an order written at `writtenAt` that Lighter does not know can never execute: true
   * once any tx we could have signed for it has expired (see send) and the exchange still has
   * no order under its client index. The trading service then settles it as never executed.
   */
  async lostForGood(accountId: string, clientOrderId: string, writtenAt: number): Promise<boolean> {
    if (this.options.clock.now() - writtenAt < NEVER_EXECUTED_MS) return false;
    const linked = this.accounts.get(accountId);
    if (!linked) return false;
    return (await this.readOrder(linked, clientOrderIndexOf(clientOrderId))) === undefined;
  }

  async positions(accountId: string): Promise<VenuePosition[]> {
    const account = await this.readAccount(this.linked(accountId).binding.accountIndex);
    const out: VenuePosition[] = [];
    for (const p of account?.positions ?? []) {
      const m = this.options.catalog.byMarketId(p.market_id);
      const position = m ? positionOf(m.spec, p) : undefined;
      if (position) out.push(position);
    }
    return out;
  }

  /** The wire fields of an order, or the reason it cannot be sent. */
  private orderFields(req: PlaceOrder, market: MarketSpec) {
    const now = this.options.clock.now();
    const book = this.options.book(market.symbol, req.timeInForce === "FOK" ? 1_000 : 1);
    let price: number | undefined;
    let type: number = ORDER_TYPE.limit;
    let timeInForce: number = TIME_IN_FORCE.immediateOrCancel;
    let orderExpiry = 0;
    let triggerPrice = 0;
    let localExpiry: number | undefined;
    if (req.trigger) {
      // A stop-loss / take-profit: rests until the mark reaches the trigger, then executes as a
      // market order whose average price is bounded from the trigger (Lighter: TIF IOC, expiry set).
      type = req.trigger.kind === "STOP" ? ORDER_TYPE.stopLoss : ORDER_TYPE.takeProfit;
      price = marketBound(req.trigger.priceTicks, req.side, this.options.marketBoundBps ?? 100);
      orderExpiry = now + GTC_EXPIRY_MS;
      triggerPrice = req.trigger.priceTicks;
      if (triggerPrice <= 0 || triggerPrice > 0xffff_ffff) return "invalid_price";
    } else if (req.type === "MARKET") {
      type = ORDER_TYPE.market;
      price = req.priceTicks ?? boundPrice(book, req.side, this.options.marketBoundBps ?? 100);
      if (price === undefined) return "no_market_data";
    } else {
      price = req.priceTicks;
      if (price === undefined) return "invalid_price";
      if (req.timeInForce === "FOK" && !fokFillable(book, req.side, price, req.lots)) return "fok_unfillable";
      if (req.timeInForce === "GTC" || req.timeInForce === "GTT") {
        timeInForce = req.postOnly ? TIME_IN_FORCE.postOnly : TIME_IN_FORCE.goodTillTime;
        orderExpiry = now + GTC_EXPIRY_MS;
        if (req.timeInForce === "GTT") {
          if (req.expiresAt === undefined || req.expiresAt <= now) return "invalid_expiry";
          if (req.expiresAt - now < SHORT_GTT_EXPIRY_MS) {
            orderExpiry = now + SHORT_GTT_EXPIRY_MS;
            localExpiry = req.expiresAt;
          } else orderExpiry = Math.min(req.expiresAt, now + GTC_EXPIRY_MS);
        }
      }
    }
    if (price <= 0 || price > 0xffff_ffff) return "invalid_price";
    return {
      baseAmount: req.lots,
      price,
      isAsk: req.side === "SELL",
      type,
      timeInForce,
      reduceOnly: req.reduceOnly ?? false,
      triggerPrice,
      orderExpiry,
      ...(localExpiry !== undefined ? { localExpiry } : {}),
    };
  }

  /** Sets the market's leverage on the exchange when it differs from the last one set; a refusal report when Lighter says no. */
  private async ensureLeverage(linked: Linked, market: MarketSpec, req: PlaceOrder): Promise<OrderReport | undefined> {
    if (linked.leverage.get(market.marketId) === req.leverage) return undefined;
    // Initial margin fraction in 1e-4: 20x (2000 hundredths) is 500.
    const initialMarginFraction = Math.ceil(1_000_000 / req.leverage);
    try {
      await this.send(linked, (nonce, expiredAt) => linked.binding.signer.updateLeverage({ marketIndex: market.marketId, initialMarginFraction, marginMode: MARGIN_MODE.cross, nonce, expiredAt }));
    } catch (error) {
      // The order itself was not sent: a refusal is safe whatever became of the leverage tx
      // (it is sent again before the next order, since it is not remembered as set).
      this.logger.warn({ clientOrderId: req.clientOrderId, err: error }, "Lighter leverage change failed; the order was not sent");
      return this.refuse(req, error instanceof LighterApiError || error instanceof LighterLocalRefusal ? "leverage_refused" : "leverage_unconfirmed");
    }
    linked.leverage.set(market.marketId, req.leverage);
    return undefined;
  }

  /**
   * Signs with the key's next nonce and sends, serialized per key. A tx that waited longer than
   * SEND_DEADLINE_MS in the queue is not signed at all: so every tx we ever sign expires within
   * SEND_DEADLINE_MS + TX_VALIDITY_MS of its order row, and an order the exchange does not know
   * after NEVER_EXECUTED_MS can never execute (see lostForGood).
   */
  private send(linked: Linked, sign: (nonce: number, expiredAt: number) => SignedTx): Promise<SignedTx> {
    const queuedAt = this.options.clock.now();
    return linked.nonces.send(async (nonce) => {
      if (this.options.clock.now() - queuedAt > SEND_DEADLINE_MS) throw new LighterLocalRefusal(`waited more than ${SEND_DEADLINE_MS} ms to be sent`);
      let tx: SignedTx;
      try {
        tx = sign(nonce, this.options.clock.now() + TX_VALIDITY_MS);
      } catch (error) {
        throw new LighterLocalRefusal(error instanceof Error ? error.message : String(error));
      }
      await this.options.rest.sendTx(tx.txType, tx.txInfo);
      return tx;
    });
  }

  /**
   * Waits for the order's fate: the account channels first, then REST with backoff (the order
   * by its client index, its trades, the tx itself). Unknown after `settleMs`: thrown, so the
   * trading service leaves it UNKNOWN for reconciliation; never guessed.
   */
  private async outcome(linked: Linked, t: TrackedOrder, settled: Promise<OrderReport>, txHash: string, req?: PlaceOrder): Promise<OrderReport> {
    const first = await within(settled, this.confirmMs);
    if (first) return first;
    const deadline = systemClock.now() + this.settleMs;
    for (let delay = 250; systemClock.now() < deadline; delay = Math.min(delay * 2, 4_000)) {
      try {
        const order = await this.refresh(linked, t);
        if (!order && req) {
          const tx = await this.options.rest.get<EnrichedTx>("tx", { by: "hash", value: txHash }).catch(() => undefined);
          if (tx?.status === TX_STATUS.failed) {
            t.waiter = undefined;
            linked.tracker.forget(t.clientIndex);
            this.logger.warn({ clientOrderId: t.clientOrderId, txHash }, "the Lighter sequencer failed the order's tx");
            return this.refuse(req, "lighter_tx_failed");
          }
        }
      } catch (error) {
        this.logger.warn({ err: error, clientOrderId: t.clientOrderId }, "Lighter order lookup failed; retrying");
      }
      const r = await within(settled, Math.min(delay, Math.max(0, deadline - systemClock.now())));
      if (r) return r;
    }
    t.waiter = undefined;
    throw new LighterTransportError("sendTx", `order ${t.clientOrderId} was sent (tx ${txHash}) but its outcome was not learned within ${this.settleMs} ms; it stays UNKNOWN until reconciled`);
  }

  /** Reads the order and its trades over REST into the tracker; its full report, or undefined when Lighter does not know it. */
  private async refresh(linked: Linked, t: TrackedOrder, known?: Order): Promise<OrderReport | undefined> {
    const order = known ?? (await this.readOrder(linked, t.clientIndex));
    if (!order) return undefined;
    const trades = await this.options.rest.get<Trades>("trades", { account_index: linked.binding.accountIndex, order_index: order.order_index, sort_by: "timestamp", limit: 100 }, this.token(linked));
    for (const trade of trades.trades) linked.tracker.onTrade(trade);
    linked.tracker.onOrder(order);
    return linked.tracker.fullReport(t);
  }

  private async readOrder(linked: Linked, clientIndex: number): Promise<Order | undefined> {
    const res = await this.options.rest.get<Orders>("accountOrders", { account_index: linked.binding.accountIndex, client_order_indexes: String(clientIndex) }, this.token(linked));
    return res.orders.find((o) => o.client_order_index === clientIndex);
  }

  /** Cancels a GTT at its expiry when Lighter's 5-minute minimum made the exchange's own expiry later. */
  private expireAt(linked: Linked, t: TrackedOrder, at: number): void {
    const cancel = this.options.clock.after(Math.max(1, at - this.options.clock.now()), () => {
      linked.expiries.delete(t.clientIndex);
      t.expiredByUs = true;
      // Nobody waits for this cancel: its answer (EXPIRED, or what the order became) is an update.
      void this.cancelOrder(linked.binding.accountId, t.clientOrderId).then(
        (report) => {
          if (report.status !== "REJECTED") this.publish(report);
        },
        (error: unknown) => {
          t.expiredByUs = false;
          this.logger.error({ err: error, clientOrderId: t.clientOrderId }, "could not cancel an expired GTT order on Lighter");
        },
      );
    });
    linked.expiries.set(t.clientIndex, cancel);
  }

  private onOrders(linked: Linked, frame: Frame): void {
    for (const list of Object.values((frame.orders ?? {}) as Record<string, Order[]>)) for (const o of list) linked.tracker.onOrder(o);
  }

  private onTrades(linked: Linked, frame: Frame): void {
    for (const list of Object.values((frame.trades ?? {}) as Record<string, Trade[]>)) for (const t of list) linked.tracker.onTrade(t);
  }

  private onAccount(linked: Linked, frame: Frame): void {
    const histories = (frame.funding_histories ?? {}) as Record<string, PositionFunding[]>;
    for (const list of Object.values(histories)) {
      for (const f of list) {
        const m = this.options.catalog.byMarketId(f.market_id);
        if (!m) continue;
        const payment: FundingPayment = {
          venue: this.name,
          accountId: linked.binding.accountId,
          paymentId: `${linked.binding.accountIndex}-${f.market_id}-${f.funding_id}`,
          symbol: m.spec.symbol,
          // `change` is the account's cash change (negative when it paid): exact decimal dollars.
          amount: usd(f.change),
          ts: f.timestamp,
        };
        for (const l of this.fundingListeners) l(payment);
      }
    }
  }

  private async resyncAll(): Promise<void> {
    for (const linked of this.accounts.values()) {
      for (const t of linked.tracker.all()) {
        if (t.order && TERMINAL_ORDER_STATUSES.has(linked.tracker.fullReport(t)!.status) && linked.tracker.complete(t)) continue;
        await this.refresh(linked, t).catch((error: unknown) => this.logger.warn({ err: error, clientOrderId: t.clientOrderId }, "Lighter resync failed"));
      }
    }
  }

  private token(linked: Linked): string {
    const nowS = Math.floor(this.options.clock.now() / 1000);
    if (!linked.token || nowS >= linked.token.renewAt) linked.token = { value: linked.binding.signer.authToken(nowS + TOKEN_LIFE_S), renewAt: nowS + TOKEN_RENEW_S };
    return linked.token.value;
  }

  private linked(accountId: string): Linked {
    const l = this.accounts.get(accountId);
    if (!l) throw new Error(`no Lighter account is linked to ${accountId}`);
    return l;
  }

  /** An order refused before anything was sent. Lighter has no FOK: one the book cannot fill is canceled here, as a venue would. */
  private refuse(req: PlaceOrder, reason: string): OrderReport {
    return refusedReport(req, reason, this.options.clock.now(), reason === "fok_unfillable" ? "CANCELED" : "REJECTED");
  }

  private publish(report: OrderReport): void {
    for (const l of this.listeners) l(report);
  }
}

/** Resolves with the first report the predicate accepts (a placement takes any decided one; a cancel waits for the end). */
function waitFor(t: TrackedOrder, accept: (r: OrderReport) => boolean): Promise<OrderReport> {
  return new Promise((resolve) => {
    t.waiter = { accept, resolve };
  });
}

async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function unknownOrder(accountId: string, clientOrderId: string, ts: number): OrderReport {
  return {
    clientOrderId,
    venueOrderId: "",
    accountId,
    symbol: "",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: null,
    lots: 0,
    filledLots: 0,
    status: "REJECTED",
    fills: [],
    reason: "unknown_order",
    ts,
  };
}
