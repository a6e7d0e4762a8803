import { E } from "./errors.js";

/**
 * The signed tx_info JSON of the five trading txs, as the Go signer writes it (PascalCase keys,
 * integers, `Sig` base64, optional `L2TxAttributes`), parsed and range-checked. Nothing here
 * looks at exchange state.
 */

export const TX = { createOrder: 14, cancelOrder: 15, cancelAllOrders: 16, modifyOrder: 17, updateLeverage: 20 } as const;
export const ORDER_TYPE = { limit: 0, market: 1, stopLoss: 2, stopLossLimit: 3, takeProfit: 4, takeProfitLimit: 5 } as const;
export const TIF = { ioc: 0, gtt: 1, postOnly: 2 } as const;
export const ATTR = { integratorAccount: 1, integratorTakerFee: 2, integratorMakerFee: 3, skipNonce: 4, cancelAllMarket: 5, selfTrade: 6, selfTradeEquality: 7 } as const;

export const MAX_CLIENT_ORDER_INDEX = 2 ** 48 - 1;
export const FIRST_ORDER_INDEX = 2 ** 48;
const MAX_BASE_AMOUNT = 2 ** 48 - 1;
const MAX_PRICE = 2 ** 32 - 1;

export interface TxCommon {
  accountIndex: number;
  apiKeyIndex: number;
  expiredAt: number;
  nonce: number;
  sig: string;
  attributes: Map<number, number>;
}

export interface CreateOrderTx extends TxCommon {
  txType: 14;
  marketIndex: number;
  clientOrderIndex: number;
  baseAmount: number;
  price: number;
  isAsk: boolean;
  orderType: number;
  timeInForce: number;
  reduceOnly: boolean;
  triggerPrice: number;
  orderExpiry: number;
}

export interface CancelOrderTx extends TxCommon {
  txType: 15;
  marketIndex: number;
  index: number;
}

export interface CancelAllTx extends TxCommon {
  txType: 16;
  timeInForce: number;
  time: number;
}

export interface ModifyOrderTx extends TxCommon {
  txType: 17;
  marketIndex: number;
  index: number;
  baseAmount: number;
  price: number;
  triggerPrice: number;
}

export interface UpdateLeverageTx extends TxCommon {
  txType: 20;
  marketIndex: number;
  initialMarginFraction: number;
  marginMode: number;
}

export type ParsedTx = CreateOrderTx | CancelOrderTx | CancelAllTx | ModifyOrderTx | UpdateLeverageTx;

type Json = Record<string, unknown>;

function int(info: Json, key: string, required = true): number {
  const v = info[key];
  if (v === undefined && !required) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw E.invalidTxInfo(`${key} must be an integer`);
  return v;
}

function flag(info: Json, key: string, invalid: () => Error): boolean {
  const v = int(info, key);
  if (v !== 0 && v !== 1) throw invalid();
  return v === 1;
}

function attributes(info: Json): Map<number, number> {
  const raw = info.L2TxAttributes;
  const out = new Map<number, number>();
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== "object" || Array.isArray(raw)) throw E.invalidTxInfo("L2TxAttributes must be an object");
  const entries = Object.entries(raw as Json);
  if (entries.length > 4) throw E.invalidTxInfo("too many L2TxAttributes");
  for (const [k, v] of entries) {
    const key = Number(k);
    if (!Number.isInteger(key) || key < 1 || key > 7 || typeof v !== "number" || !Number.isSafeInteger(v)) throw E.invalidTxInfo(`bad attribute ${k}`);
    out.set(key, v);
  }
  const skip = out.get(ATTR.skipNonce);
  if (skip !== undefined && skip !== 1) throw E.invalidTxInfo("skip-nonce attribute must be 1");
  return out;
}

function common(info: Json): TxCommon {
  const sig = info.Sig;
  if (typeof sig !== "string" || sig === "") throw E.invalidTxInfo("Sig is missing");
  const apiKeyIndex = int(info, "ApiKeyIndex");
  if (apiKeyIndex < 0 || apiKeyIndex > 254) throw E.invalidTxInfo("invalid ApiKeyIndex");
  return { accountIndex: int(info, "AccountIndex"), apiKeyIndex, expiredAt: int(info, "ExpiredAt"), nonce: int(info, "Nonce"), sig, attributes: attributes(info) };
}

/** Parses `tx_info` of `txType`; throws 21505 for tx types the fake does not trade, 21501 for malformed JSON. */
export function parseTxInfo(txType: number, txInfo: string): ParsedTx {
  if (!(Object.values(TX) as number[]).includes(txType)) throw E.unsupportedTxType();
  let info: unknown;
  try {
    info = JSON.parse(txInfo);
  } catch {
    throw E.invalidTxInfo();
  }
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw E.invalidTxInfo();
  const j = info as Json;
  const c = common(j);
  switch (txType) {
    case TX.createOrder: {
      const tx: CreateOrderTx = {
        ...c,
        txType: 14,
        marketIndex: int(j, "MarketIndex"),
        clientOrderIndex: int(j, "ClientOrderIndex"),
        baseAmount: int(j, "BaseAmount"),
        price: int(j, "Price"),
        isAsk: flag(j, "IsAsk", E.invalidIsAsk),
        orderType: int(j, "Type"),
        timeInForce: int(j, "TimeInForce"),
        reduceOnly: flag(j, "ReduceOnly", E.invalidReduceOnly),
        triggerPrice: int(j, "TriggerPrice"),
        orderExpiry: int(j, "OrderExpiry"),
      };
      checkOrderRanges(tx);
      return tx;
    }
    case TX.cancelOrder:
      return { ...c, txType: 15, marketIndex: int(j, "MarketIndex"), index: int(j, "Index") };
    case TX.cancelAllOrders:
      return { ...c, txType: 16, timeInForce: int(j, "TimeInForce"), time: int(j, "Time") };
    case TX.modifyOrder: {
      const tx: ModifyOrderTx = {
        ...c,
        txType: 17,
        marketIndex: int(j, "MarketIndex"),
        index: int(j, "Index"),
        baseAmount: int(j, "BaseAmount"),
        price: int(j, "Price"),
        triggerPrice: int(j, "TriggerPrice"),
      };
      if (tx.baseAmount < 1 || tx.baseAmount > MAX_BASE_AMOUNT) throw E.invalidBaseAmount();
      if (tx.price < 1 || tx.price > MAX_PRICE) throw E.invalidPrice();
      if (tx.triggerPrice < 0 || tx.triggerPrice > MAX_PRICE) throw E.invalidTriggerPrice();
      return tx;
    }
    default:
      return { ...c, txType: 20, marketIndex: int(j, "MarketIndex"), initialMarginFraction: int(j, "InitialMarginFraction"), marginMode: int(j, "MarginMode") };
  }
}

export const isTrigger = (type: number): boolean => type >= ORDER_TYPE.stopLoss && type <= ORDER_TYPE.takeProfitLimit;
/** Market, stop-loss and take-profit execute as IOC with an average-price limit. */
export const isMarketLike = (type: number): boolean => type === ORDER_TYPE.market || type === ORDER_TYPE.stopLoss || type === ORDER_TYPE.takeProfit;

function checkOrderRanges(tx: CreateOrderTx): void {
  if (tx.orderType < 0 || tx.orderType > 8) throw E.invalidOrderType();
  if (tx.orderType > ORDER_TYPE.takeProfitLimit) throw E.unsupportedOrderType();
  if (tx.timeInForce < 0 || tx.timeInForce > 2) throw E.invalidTimeInForce();
  if (tx.clientOrderIndex < 0 || tx.clientOrderIndex > MAX_CLIENT_ORDER_INDEX) throw E.invalidClientOrderIndex();
  if (tx.baseAmount < 0 || tx.baseAmount > MAX_BASE_AMOUNT || (tx.baseAmount === 0 && !tx.reduceOnly)) throw E.invalidBaseAmount();
  if (tx.price < 1 || tx.price > MAX_PRICE) throw E.invalidPrice();
  if (tx.triggerPrice < 0 || tx.triggerPrice > MAX_PRICE) throw E.invalidTriggerPrice();
  if (tx.orderExpiry < 0) throw E.invalidExpiry();
}

export const MIN_ORDER_EXPIRY_MS = 5 * 60_000;
export const MAX_ORDER_EXPIRY_MS = 30 * 24 * 3_600_000;

/** The combination rules of lighter-go's CreateOrder validation (lighter.md §4), at time `now`. */
export function checkOrderCombination(tx: CreateOrderTx, now: number): void {
  const expiryInWindow = () => {
    const ahead = tx.orderExpiry - now;
    if (ahead < MIN_ORDER_EXPIRY_MS || ahead > MAX_ORDER_EXPIRY_MS) throw E.invalidExpiry();
  };
  switch (tx.orderType) {
    case ORDER_TYPE.market:
      if (tx.timeInForce !== TIF.ioc) throw E.invalidTimeInForce();
      if (tx.orderExpiry !== 0) throw E.invalidExpiry();
      if (tx.triggerPrice !== 0) throw E.invalidTriggerPrice();
      return;
    case ORDER_TYPE.limit:
      if (tx.triggerPrice !== 0) throw E.invalidTriggerPrice();
      if (tx.timeInForce === TIF.ioc) {
        if (tx.orderExpiry !== 0) throw E.invalidExpiry();
      } else expiryInWindow();
      return;
    case ORDER_TYPE.stopLoss:
    case ORDER_TYPE.takeProfit:
      if (tx.timeInForce !== TIF.ioc) throw E.invalidTimeInForce();
      if (tx.triggerPrice === 0) throw E.invalidTriggerPrice();
      expiryInWindow();
      return;
    default:
      // Stop-loss-limit and take-profit-limit.
      if (tx.triggerPrice === 0) throw E.invalidTriggerPrice();
      expiryInWindow();
  }
}
