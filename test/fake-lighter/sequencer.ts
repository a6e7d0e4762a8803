import { applyFill, marginMicro, reducible, type Account } from "./accounts.js";
import { E, LighterError } from "./errors.js";
import { matchOrder, type Fill, type MakerVerdict, type RestingOrder } from "./matching.js";
import { minBaseLots, minQuoteMicro, rawToMicro } from "./markets.js";
import { isActive, type OrderRecord, type OrderStatus, type TxRecord } from "./records.js";
import type { ExchangeState, MarketState } from "./state.js";
import {
  ATTR,
  FIRST_ORDER_INDEX,
  isMarketLike,
  isTrigger,
  ORDER_TYPE,
  TIF,
  checkOrderCombination,
  type CancelAllTx,
  type CancelOrderTx,
  type CreateOrderTx,
  type ModifyOrderTx,
  type ParsedTx,
  type UpdateLeverageTx,
} from "./txinfo.js";

/**
 * The sequencer: the state-dependent checks a tx passes before it is accepted (API level, no
 * nonce consumed on failure), and its execution (matching, positions, triggers, cancels).
 */

export interface SequencerConfig {
  /** Fee rates in 1e-6 of notional per fill (0 on standard accounts). */
  takerFee: number;
  makerFee: number;
  /** Whether a client order index must be unique among all the account's orders or only the active ones. */
  clientOrderIndexScope: "all" | "active";
}

const CANCEL_ALL_MIN_MS = 5 * 60_000;
const CANCEL_ALL_MAX_MS = 15 * 24 * 3_600_000;

function marketOf(state: ExchangeState, marketIndex: number): MarketState {
  const m = state.market(marketIndex);
  if (!m) throw E.invalidMarket();
  return m;
}

/** The order a cancel or modify names: client order index below 2^48, order index from 2^48. */
export function findTarget(state: ExchangeState, account: Account, marketIndex: number, index: number): OrderRecord {
  if (index <= 0) throw E.invalidOrderIndex();
  if (index >= FIRST_ORDER_INDEX) {
    const o = state.orders.get(index);
    if (o && o.accountIndex !== account.index) throw E.notOwner();
    if (!o || o.marketId !== marketIndex || !isActive(o)) throw E.orderNotActive();
    return o;
  }
  const o = state.activeOrders(account.index, marketIndex).find((x) => x.clientOrderIndex === index);
  if (!o) throw E.orderNotActive();
  return o;
}

function clientIndexTaken(state: ExchangeState, cfg: SequencerConfig, accountIndex: number, clientOrderIndex: number): boolean {
  if (clientOrderIndex === 0) return false;
  return state.accountOrders(accountIndex).some((o) => o.clientOrderIndex === clientOrderIndex && (cfg.clientOrderIndexScope === "all" || isActive(o)));
}

/** Initial margin the order needs: only the part that opens or extends a position. */
function orderMargin(state: ExchangeState, account: Account, m: MarketState, isAsk: boolean, amount: bigint, priceTicks: number): bigint {
  const opening = amount - reducible(account, m.spec.marketId, isAsk);
  if (opening <= 0n) return 0n;
  const imf = account.positions.get(m.spec.marketId)?.imf ?? m.spec.defaultImf;
  return marginMicro(m.spec, BigInt(priceTicks) * opening, imf);
}

function checkMinimums(m: MarketState, baseAmount: number, priceTicks: number): void {
  if (BigInt(baseAmount) < minBaseLots(m.spec)) throw E.invalidAmounts();
  if (rawToMicro(m.spec, BigInt(baseAmount) * BigInt(priceTicks)) < minQuoteMicro(m.spec)) throw E.invalidAmounts();
}

/** API-level checks that need exchange state. Throws a LighterError; changes nothing. */
export function precheck(state: ExchangeState, cfg: SequencerConfig, tx: ParsedTx, account: Account): void {
  const now = state.now();
  switch (tx.txType) {
    case 14: {
      const m = marketOf(state, tx.marketIndex);
      if (m.spec.status !== "active") throw E.invalidMarketStatus();
      if (m.spec.forceReduceOnly && !tx.reduceOnly) throw E.invalidMarketStatus();
      checkOrderCombination(tx, now);
      if (!tx.reduceOnly) checkMinimums(m, tx.baseAmount, tx.price);
      if (clientIndexTaken(state, cfg, account.index, tx.clientOrderIndex)) throw E.clientOrderIndexExists();
      if (!tx.reduceOnly && !isTrigger(tx.orderType) && !account.unlimited) {
        const need = orderMargin(state, account, m, tx.isAsk, BigInt(tx.baseAmount), tx.price);
        if (need > 0n && need > state.summary(account).available) throw E.notEnoughMargin();
      }
      return;
    }
    case 15:
      marketOf(state, tx.marketIndex);
      findTarget(state, account, tx.marketIndex, tx.index);
      return;
    case 16:
      if (tx.timeInForce === 0) {
        if (tx.time !== 0) throw E.invalidCancelAllTime();
      } else if (tx.timeInForce === 1) {
        if (tx.time - now < CANCEL_ALL_MIN_MS || tx.time - now > CANCEL_ALL_MAX_MS) throw E.invalidCancelAllTime();
      } else if (tx.timeInForce !== 2) throw E.invalidCancelAllTif();
      if (tx.attributes.has(ATTR.cancelAllMarket)) {
        if (tx.timeInForce !== 0) throw E.invalidTxInfo("cancel-all market attribute needs immediate cancel");
        marketOf(state, tx.attributes.get(ATTR.cancelAllMarket)!);
      }
      return;
    case 17: {
      const m = marketOf(state, tx.marketIndex);
      const o = findTarget(state, account, tx.marketIndex, tx.index);
      if (!o.reduceOnly) checkMinimums(m, tx.baseAmount, tx.price);
      if (isTrigger(o.type) ? tx.triggerPrice === 0 : tx.triggerPrice !== 0) throw E.invalidTriggerPrice();
      return;
    }
    case 20: {
      const m = marketOf(state, tx.marketIndex);
      if (tx.marginMode !== 0 && tx.marginMode !== 1) throw E.invalidMarginMode();
      if (tx.initialMarginFraction < m.spec.minImf || tx.initialMarginFraction > 10_000) throw E.invalidTxInfo("invalid initial margin fraction");
      const p = account.positions.get(m.spec.marketId);
      if (p && p.lots !== 0n && tx.initialMarginFraction > p.imf && !account.unlimited) {
        const before = p.imf;
        p.imf = tx.initialMarginFraction;
        const available = state.summary(account).available;
        p.imf = before;
        if (available < 0n) throw E.belowInitialMargin();
      }
      return;
    }
  }
}

/** Executes an accepted tx. A state-dependent failure marks the tx failed (status 0). */
export function execute(state: ExchangeState, cfg: SequencerConfig, tx: ParsedTx, rec: TxRecord): void {
  const account = state.account(tx.accountIndex)!;
  state.blockHeight += 1;
  rec.blockHeight = state.blockHeight;
  rec.executed = true;
  let event: Record<string, unknown> = { a: tx.accountIndex };
  try {
    switch (tx.txType) {
      case 14:
        event = { ...event, ...createOrder(state, cfg, tx, account, rec) };
        break;
      case 15:
        event = { ...event, ...cancelOrder(state, tx, account) };
        break;
      case 16:
        cancelAll(state, tx, account);
        break;
      case 17:
        event = { ...event, ...modifyOrder(state, cfg, tx, account) };
        break;
      case 20:
        updateLeverage(state, tx, account);
        break;
    }
    event.ae = "";
  } catch (error) {
    if (!(error instanceof LighterError)) throw error;
    rec.failed = true;
    event.ae = error.message;
  }
  rec.eventInfo = JSON.stringify(event);
  state.recordTxOutcome(rec);
  runTriggers(state, cfg);
  state.flush();
}

function createOrder(state: ExchangeState, cfg: SequencerConfig, tx: CreateOrderTx, account: Account, rec: TxRecord): Record<string, unknown> {
  if (clientIndexTaken(state, cfg, account.index, tx.clientOrderIndex)) throw E.clientOrderIndexExists();
  const now = state.now();
  const o: OrderRecord = {
    orderIndex: state.nextOrderIndex++,
    clientOrderIndex: tx.clientOrderIndex,
    marketId: tx.marketIndex,
    accountIndex: account.index,
    nonce: tx.nonce,
    isAsk: tx.isAsk,
    type: tx.orderType,
    timeInForce: tx.timeInForce,
    reduceOnly: tx.reduceOnly,
    price: tx.price,
    triggerPrice: tx.triggerPrice,
    orderExpiry: tx.orderExpiry,
    initial: BigInt(tx.baseAmount),
    remaining: BigInt(tx.baseAmount),
    filled: 0n,
    filledQuoteRaw: 0n,
    status: "open",
    triggerStatus: "na",
    triggerTime: 0,
    createdAt: now,
    updatedAt: now,
    transactionTimeUs: state.nowUs(),
    blockHeight: rec.blockHeight,
    txHash: rec.hash,
  };
  account.totalOrderCount += 1;
  state.addOrder(o);
  const selfTrade = tx.attributes.get(ATTR.selfTrade);
  if (isTrigger(o.type)) {
    o.status = "pending";
    o.triggerStatus = "mark-price";
  } else {
    placeOrder(state, cfg, o, selfTrade === 1 || selfTrade === 2 ? selfTrade : 0);
  }
  return { m: o.marketId, i: o.orderIndex, u: o.clientOrderIndex };
}

/** Ends an order with `status`: off the book, nothing left to fill. */
export function finish(state: ExchangeState, o: OrderRecord, status: OrderStatus): void {
  const m = state.market(o.marketId)!;
  m.book.remove(o.orderIndex);
  o.status = status;
  o.remaining = 0n;
  o.updatedAt = state.now();
  o.transactionTimeUs = state.nowUs();
  state.touchOrder(o);
  state.touchPosition(o.accountIndex, o.marketId);
}

/** Matches an order that may trade now (a new limit or market order, or a triggered one), then rests or ends it. */
export function placeOrder(state: ExchangeState, cfg: SequencerConfig, o: OrderRecord, selfTrade: 0 | 1 | 2 = 0): void {
  const m = state.market(o.marketId)!;
  const account = state.account(o.accountIndex)!;
  if (o.reduceOnly) {
    const r = reducible(account, o.marketId, o.isAsk);
    if (r === 0n) return finish(state, o, "canceled-reduce-only");
    if (o.remaining === 0n) o.initial = r; // BaseAmount 0: the whole position
    if (o.remaining === 0n || o.remaining > r) o.remaining = r;
  }
  if (o.timeInForce === TIF.postOnly && m.book.crosses(o.isAsk, o.price)) return finish(state, o, "canceled-post-only");
  const marketLike = isMarketLike(o.type);
  const verdict = (maker: RestingOrder): MakerVerdict => {
    const rec = state.orders.get(maker.orderIndex)!;
    if (!rec.reduceOnly) return { kind: "fill", max: maker.remaining };
    return { kind: "fill", max: reducible(state.account(rec.accountIndex)!, rec.marketId, rec.isAsk) };
  };
  const outcome = matchOrder(m.book, { accountIndex: o.accountIndex, isAsk: o.isAsk, amount: o.remaining, price: o.price, priceMode: marketLike ? "average" : "limit", selfTrade }, verdict, (fill) =>
    applyTrade(state, cfg, m, o, fill),
  );
  for (const { order, reason } of outcome.removed) finish(state, state.orders.get(order.orderIndex)!, reason as OrderStatus);
  o.updatedAt = state.now();
  o.transactionTimeUs = state.nowUs();
  state.touchOrder(o);
  if (o.remaining === 0n) {
    o.status = "filled";
    return;
  }
  if (outcome.stop === "self-trade") return finish(state, o, "canceled-self-trade");
  if (marketLike) return finish(state, o, outcome.stop === "slippage" ? "canceled-too-much-slippage" : "canceled-not-enough-liquidity");
  if (o.timeInForce === TIF.ioc) return finish(state, o, "canceled");
  o.status = "open";
  m.book.insert({ orderIndex: o.orderIndex, accountIndex: o.accountIndex, isAsk: o.isAsk, price: o.price, remaining: o.remaining, seq: state.nextSeq() });
}

function applyTrade(state: ExchangeState, cfg: SequencerConfig, m: MarketState, taker: OrderRecord, fill: Fill): void {
  const maker = state.orders.get(fill.maker.orderIndex)!;
  const takerAccount = state.account(taker.accountIndex)!;
  const makerAccount = state.account(maker.accountIndex)!;
  const raw = BigInt(fill.price) * fill.amount;
  const takerEffect = applyFill(takerAccount, m.spec, taker.isAsk, fill.amount, fill.price);
  const makerEffect = applyFill(makerAccount, m.spec, maker.isAsk, fill.amount, fill.price);
  const notional = rawToMicro(m.spec, raw);
  takerAccount.collateralMicro -= (notional * BigInt(cfg.takerFee)) / 1_000_000n;
  makerAccount.collateralMicro -= (notional * BigInt(cfg.makerFee)) / 1_000_000n;
  for (const [o, done] of [
    [taker, false],
    [maker, fill.makerDone],
  ] as const) {
    o.filled += fill.amount;
    o.filledQuoteRaw += raw;
    o.remaining -= fill.amount;
    o.updatedAt = state.now();
    o.transactionTimeUs = state.nowUs();
    state.touchOrder(o);
    if (done) {
      o.status = o.remaining === 0n ? "filled" : ((fill.makerCanceledReason ?? "canceled") as OrderStatus);
      o.remaining = 0n;
    }
  }
  const now = state.now();
  state.recordTrade({
    tradeId: state.nextTradeId++,
    txHash: taker.txHash,
    marketId: m.spec.marketId,
    price: fill.price,
    size: fill.amount,
    takerIsAsk: taker.isAsk,
    taker: {
      accountIndex: taker.accountIndex,
      orderIndex: taker.orderIndex,
      clientOrderIndex: taker.clientOrderIndex,
      lotsBefore: takerEffect.before.lots,
      entryQuoteBefore: takerEffect.before.entryQuote,
      imfBefore: takerEffect.before.imf,
      signChanged: takerEffect.signChanged,
      fee: cfg.takerFee,
    },
    maker: {
      accountIndex: maker.accountIndex,
      orderIndex: maker.orderIndex,
      clientOrderIndex: maker.clientOrderIndex,
      lotsBefore: makerEffect.before.lots,
      entryQuoteBefore: makerEffect.before.entryQuote,
      imfBefore: makerEffect.before.imf,
      signChanged: makerEffect.signChanged,
      fee: cfg.makerFee,
    },
    blockHeight: state.blockHeight,
    timestamp: now,
    transactionTimeUs: state.nowUs(),
  });
  m.lastTradeTicks = fill.price;
  m.dailyTrades += 1;
  m.dailyBaseLots += fill.amount;
  m.dailyQuoteRaw += raw;
  m.dailyLowTicks = m.dailyLowTicks === 0 ? fill.price : Math.min(m.dailyLowTicks, fill.price);
  m.dailyHighTicks = Math.max(m.dailyHighTicks, fill.price);
}

function cancelOrder(state: ExchangeState, tx: CancelOrderTx, account: Account): Record<string, unknown> {
  const o = findTarget(state, account, tx.marketIndex, tx.index);
  finish(state, o, "canceled");
  return { i: o.orderIndex, u: o.clientOrderIndex };
}

export function cancelAllNow(state: ExchangeState, account: Account, marketId?: number): void {
  for (const o of state.activeOrders(account.index, marketId)) finish(state, o, "canceled");
}

function cancelAll(state: ExchangeState, tx: CancelAllTx, account: Account): void {
  if (tx.timeInForce === 0) cancelAllNow(state, account, tx.attributes.get(ATTR.cancelAllMarket));
  else account.cancelAllTime = tx.timeInForce === 1 ? tx.time : 0;
  state.touchAccount(account.index);
}

function modifyOrder(state: ExchangeState, cfg: SequencerConfig, tx: ModifyOrderTx, account: Account): Record<string, unknown> {
  const o = findTarget(state, account, tx.marketIndex, tx.index);
  const m = state.market(o.marketId)!;
  const newRemaining = BigInt(tx.baseAmount);
  o.triggerPrice = tx.triggerPrice;
  o.initial = o.filled + newRemaining;
  o.updatedAt = state.now();
  o.transactionTimeUs = state.nowUs();
  state.touchOrder(o);
  if (o.status === "pending") {
    o.price = tx.price;
    o.remaining = newRemaining;
  } else if (tx.price === o.price && newRemaining <= o.remaining) {
    // Same price, smaller: keeps its place in the queue.
    o.remaining = newRemaining;
    m.book.shrink(o.orderIndex, newRemaining);
  } else {
    m.book.remove(o.orderIndex);
    o.price = tx.price;
    o.remaining = newRemaining;
    placeOrder(state, cfg, o);
  }
  return { i: o.orderIndex, u: o.clientOrderIndex };
}

function updateLeverage(state: ExchangeState, tx: UpdateLeverageTx, account: Account): void {
  const m = state.market(tx.marketIndex)!;
  let p = account.positions.get(tx.marketIndex);
  if (!p) {
    p = { lots: 0n, entryQuote: 0n, realizedPnlMicro: 0n, fundingPaidMicro: 0n, imf: m.spec.defaultImf, marginMode: 0 };
    account.positions.set(tx.marketIndex, p);
  }
  p.imf = tx.initialMarginFraction;
  p.marginMode = tx.marginMode === 1 ? 1 : 0;
  state.touchPosition(account.index, tx.marketIndex);
}

/** Whether a waiting stop-loss / take-profit fires at mark `mark`. */
function fires(o: OrderRecord, mark: number): boolean {
  if (mark <= 0) return false;
  const stop = o.type === ORDER_TYPE.stopLoss || o.type === ORDER_TYPE.stopLossLimit;
  // A sell stop guards a long (fires as the price falls); a sell take-profit as it rises. Buys mirror.
  const whenBelow = stop === o.isAsk;
  return whenBelow ? mark <= o.triggerPrice : mark >= o.triggerPrice;
}

/** Fires every waiting trigger order whose mark condition holds, until none does. */
export function runTriggers(state: ExchangeState, cfg: SequencerConfig): void {
  for (let pass = 0; pass < 100; pass++) {
    const ready = [...state.orders.values()].filter((o) => o.status === "pending" && o.triggerStatus === "mark-price" && fires(o, state.markOf(o.marketId)));
    if (ready.length === 0) return;
    for (const o of ready) {
      o.triggerStatus = "ready";
      o.triggerTime = state.now();
      const account = state.account(o.accountIndex)!;
      const m = state.market(o.marketId)!;
      if (!o.reduceOnly && !account.unlimited) {
        const need = orderMargin(state, account, m, o.isAsk, o.remaining, o.price);
        if (need > state.summary(account).available) {
          finish(state, o, "canceled-margin-not-allowed");
          continue;
        }
      }
      placeOrder(state, cfg, o);
    }
  }
}

/** Ends GTT orders whose expiry has passed, and runs scheduled cancel-alls that are due. */
export function sweep(state: ExchangeState): boolean {
  const now = state.now();
  let changed = false;
  for (const o of state.orders.values()) {
    if (isActive(o) && o.orderExpiry > 0 && o.orderExpiry <= now) {
      finish(state, o, "canceled-expired");
      changed = true;
    }
  }
  for (const a of state.accounts.values()) {
    if (a.cancelAllTime > 0 && a.cancelAllTime <= now) {
      a.cancelAllTime = 0;
      cancelAllNow(state, a);
      state.touchAccount(a.index);
      changed = true;
    }
  }
  return changed;
}
