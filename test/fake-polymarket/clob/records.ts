import type { RestingOrder, Side } from "./book.js";
import type { Market } from "./markets.js";
import type { OrderType } from "./orders.js";

/** What the fake CLOB remembers about orders and trades (the wire shapes are built from these in wire.ts). */

/** Order statuses as the user channel spells them (docs "Real-Time Order Updates"). */
export type OrderStatus = "LIVE" | "MATCHED" | "CANCELED";

export interface OrderRecord {
  readonly id: string;
  /** API key of the owner ("" for the fake's own market maker and outside trader). */
  readonly owner: string;
  /** Funder (maker) address, lower case. */
  readonly address: string;
  readonly market: Market;
  readonly tokenId: string;
  readonly outcome: string;
  readonly side: Side;
  readonly price4: bigint;
  /** Micro-shares ordered (for a market BUY: the shares its dollars buy at the worst price). */
  readonly originalSize: bigint;
  sizeMatched: bigint;
  readonly orderType: OrderType;
  /** Unix seconds as sent ("0" = none). */
  readonly expiration: string;
  /** When a GTD order leaves the book (ms): expiration minus the one-minute security threshold. */
  readonly expiresAtMs?: number;
  status: OrderStatus;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly associateTrades: string[];
  resting?: RestingOrder;
}

export type TradeStatus = "MATCHED" | "MINED" | "CONFIRMED" | "RETRYING" | "FAILED";

export interface MakerFill {
  readonly order: OrderRecord;
  readonly shares: bigint;
  readonly price4: bigint;
}

export interface TradeRecord {
  readonly id: string;
  readonly taker: OrderRecord;
  readonly maker: MakerFill;
  /** Micro-shares and micro-dollars that changed hands. */
  readonly shares: bigint;
  readonly dollars: bigint;
  status: TradeStatus;
  /** Unix seconds. */
  readonly matchTime: number;
  lastUpdate: number;
  transactionHash: string;
  readonly matchedAtMs: number;
  /** Set by the failTrades fault: goes RETRYING then FAILED instead of MINED/CONFIRMED. */
  readonly failing: boolean;
  /** Settled on chain (credits landed) or reverted. */
  settled: boolean;
  /** Per-trade order of creation, for stable paging. */
  readonly seq: number;
}
