import type { Order } from "../../src/venues/lighter/openapi.js";

/** What the sequencer records: every order, trade, tx and funding payment, in integers. */

export type OrderStatus = Order["status"];
export type TriggerStatus = Order["trigger_status"];

export interface OrderRecord {
  orderIndex: number;
  clientOrderIndex: number;
  marketId: number;
  accountIndex: number;
  nonce: number;
  isAsk: boolean;
  type: number;
  timeInForce: number;
  reduceOnly: boolean;
  price: number;
  triggerPrice: number;
  /** ms; 0 = none. */
  orderExpiry: number;
  initial: bigint;
  remaining: bigint;
  filled: bigint;
  /** Sum of fill price ticks × lots. */
  filledQuoteRaw: bigint;
  status: OrderStatus;
  triggerStatus: TriggerStatus;
  triggerTime: number;
  createdAt: number;
  updatedAt: number;
  transactionTimeUs: number;
  blockHeight: number;
  txHash: string;
}

export const isActive = (o: OrderRecord): boolean => o.status === "open" || o.status === "pending";

export interface TradeSide {
  accountIndex: number;
  orderIndex: number;
  clientOrderIndex: number;
  /** Position before the fill: signed lots, cost basis (ticks × lots), IMF. */
  lotsBefore: bigint;
  entryQuoteBefore: bigint;
  imfBefore: number;
  signChanged: boolean;
  /** Fee rate in 1e-6 of notional. */
  fee: number;
}

export interface TradeRecord {
  tradeId: number;
  txHash: string;
  marketId: number;
  price: number;
  size: bigint;
  /** The taker sold (the maker was the bid). */
  takerIsAsk: boolean;
  taker: TradeSide;
  maker: TradeSide;
  blockHeight: number;
  timestamp: number;
  transactionTimeUs: number;
}

export interface TxRecord {
  hash: string;
  type: number;
  info: string;
  eventInfo: string;
  accountIndex: number;
  apiKeyIndex: number;
  nonce: number;
  expireAt: number;
  queuedAt: number;
  /** When the client was told it would execute; status reads 2 from then on. */
  predictedAt: number;
  executed: boolean;
  failed: boolean;
  blockHeight: number;
  sequenceIndex: number;
  transactionTimeUs: number;
}

export interface FundingRecord {
  fundingId: number;
  accountIndex: number;
  marketId: number;
  timestamp: number;
  /** Signed micro-USDC: negative when the account paid. */
  changeMicro: bigint;
  rate: string;
  lots: bigint;
  side: "long" | "short";
}
