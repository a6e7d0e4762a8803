import type { BookSnapshot } from "../core/book.js";
import type { LeverageCenti } from "../core/leverage.js";
import type { MarketSpec } from "../core/market.js";
import type { Micro } from "../core/money.js";
import type { Liquidity, OrderSide, OrderType, Side, TimeInForce, VenueOrderStatus } from "../core/types.js";

/**
 * The one port every venue implements: the exchange simulator and each live exchange.
 * The trading service talks only to this interface and never asks which venue it is.
 * Quantities are lots and prices ticks of the market (see MarketSpec).
 */
export interface Venue {
  readonly name: string;
  /**
   * True for a venue that executes synchronously inside this process from state rebuilt out of
   * the database at start (the simulator without latency). The trading service may then write an
   * order and its outcome in one transaction; every remote venue leaves this false, and each of
   * its orders is committed before it is sent.
   */
  readonly executesInProcess?: boolean;
  /**
   * True for a venue that knows every order ever sent to it in this database's life (the
   * simulator, whose memory is rebuilt from the database): an order it cannot find never
   * happened. A remote venue leaves this unset, and an order it cannot find stays UNKNOWN.
   */
  readonly knowsEveryOrder?: boolean;
  /**
   * True for a venue that can hold a position's stop and target itself, as reduce-only trigger
   * orders (Lighter's stop-loss and take-profit types): the trading service then places them
   * beside its own exit engine, which stays armed as the backstop.
   */
  readonly holdsExitOrders?: boolean;
  /**
   * In-process venues only: the database transaction that recorded this order (the last one of
   * the account) failed, so the venue forgets it and undoes what it did to the account. The
   * venue must never hold what the database does not. False when it could not undo it exactly
   * (the account then needs rebuilding from the database).
   */
  revertOrder?(accountId: string, clientOrderId: string): boolean;
  /**
   * The venue's own index for one of our client ids, when it has one (Lighter's client order
   * index): recorded on the order row before the order is sent, to find it again by.
   */
  clientIndexOf?(clientOrderId: string): number;
  markets(): readonly MarketSpec[];
  /** Current book, best levels first, at most `depth` levels a side. */
  book(symbol: string, depth: number): BookSnapshot | undefined;
  placeOrder(request: PlaceOrder): Promise<OrderReport>;
  cancelOrder(accountId: string, clientOrderId: string): Promise<OrderReport>;
  /** Resting orders of an account. */
  openOrders(accountId: string): Promise<OrderReport[]>;
  /**
   * Looks an order up by its client id: reconciliation of UNKNOWN orders. The report carries
   * every fill of the order so far (recording is idempotent on trade ids), so a lost answer
   * is recovered in full.
   */
  orderStatus(accountId: string, clientOrderId: string): Promise<OrderReport | undefined>;
  /**
   * A remote venue's word that an order it cannot find (written at `writtenAt`, epoch ms) can
   * never execute any more (whatever was sent for it has expired): it is then settled as never
   * executed instead of staying UNKNOWN forever.
   */
  lostForGood?(accountId: string, clientOrderId: string, writtenAt: number): Promise<boolean>;
  positions(accountId: string): Promise<VenuePosition[]>;
  /** The account's collateral on the venue (its cash), for venues that hold real money. */
  collateral?(accountId: string): Promise<Micro>;
  /**
   * Changes that happen later, outside a call: a resting limit order filled by the market
   * (report.fills holds the new fills), a GTT order expired. Returns an unsubscribe function.
   */
  onOrderUpdate(listener: (report: OrderReport) => void): () => void;
  /** Funding payments the venue charged or paid an account (live venues report them; each at least once). */
  onFunding?(listener: (payment: FundingPayment) => void): () => void;
}

export interface FundingPayment {
  venue: string;
  accountId: string;
  /** Unique per venue and account: the idempotency key of the payment in the database. */
  paymentId: string;
  symbol: string;
  /** The change to the account's cash: negative when it paid. */
  amount: Micro;
  ts: number;
}

export interface PlaceOrder {
  /** Deterministic id, written to the database before the order is sent: a retry can never double-place. */
  clientOrderId: string;
  accountId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  lots: number;
  /** Limit price for LIMIT orders; for MARKET orders the worst acceptable price (defaults to the venue's bound around mid). */
  priceTicks?: number;
  timeInForce: TimeInForce;
  /** GTT expiry, epoch ms. */
  expiresAt?: number;
  postOnly?: boolean;
  reduceOnly?: boolean;
  leverage: LeverageCenti;
  /**
   * A trigger order (venues with holdsExitOrders): rests untriggered until the mark price reaches
   * `priceTicks`, then executes at the market. STOP is a stop-loss, TARGET a take-profit.
   */
  trigger?: { kind: "STOP" | "TARGET"; priceTicks: number };
  /**
   * The redemption of a resolved outcome token at its payout (`priceTicks`: 1 dollar for the
   * winner, 0 for the others): no book, no fee, the whole position, only once its market resolved.
   */
  redeem?: boolean;
}

export interface VenueFill {
  venue: string;
  accountId: string;
  clientOrderId: string;
  /** Unique per venue: the idempotency key of a fill in the database. */
  tradeId: string;
  symbol: string;
  side: OrderSide;
  priceTicks: number;
  lots: number;
  fee: Micro;
  liquidity: Liquidity;
  ts: number;
}

export interface OrderReport {
  clientOrderId: string;
  venueOrderId: string;
  accountId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  priceTicks: number | null;
  lots: number;
  filledLots: number;
  status: VenueOrderStatus;
  /** Fills produced by this call (not earlier ones). */
  fills: VenueFill[];
  /** snake_case reason when REJECTED, CANCELED or EXPIRED, e.g. "insufficient_margin", "post_only_would_cross". */
  reason?: string;
  ts: number;
}

export interface VenuePosition {
  symbol: string;
  side: Side;
  lots: bigint;
  cost: Micro;
  leverage: LeverageCenti;
}

/** The answer to an order refused before anything was sent: nothing filled, the request echoed back. */
export function refusedReport(req: PlaceOrder, reason: string, ts: number, status: "REJECTED" | "CANCELED" = "REJECTED"): OrderReport {
  return {
    clientOrderId: req.clientOrderId,
    venueOrderId: "",
    accountId: req.accountId,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    timeInForce: req.timeInForce,
    priceTicks: req.priceTicks ?? null,
    lots: req.lots,
    filledLots: 0,
    status,
    fills: [],
    reason,
    ts,
  };
}
