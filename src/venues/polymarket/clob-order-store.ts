import type { PlaceOrder } from "../venue.js";
import type { ClobOrderType, SignedClobOrder } from "./clob-order.js";

/**
 * The signed order of a client order id, written BEFORE it is posted. This is what makes a
 * Polymarket order exactly-once: the order id is the EIP-712 hash of the signed order, and a
 * retry, a reconciliation after a lost answer or a restart finds the order by that hash and, if
 * the CLOB never saw it, posts the same bytes again (the CLOB answers "Duplicated" if it did).
 * Nothing is ever signed twice for one client order id while its record exists.
 */
export interface StoredClobOrder {
  clientOrderId: string;
  accountId: string;
  /** The CLOB's order id: the EIP-712 hash. */
  orderId: string;
  orderType: ClobOrderType;
  postOnly: boolean;
  order: SignedClobOrder;
  /** The request as placed: what a report echoes. */
  request: Pick<PlaceOrder, "symbol" | "side" | "type" | "timeInForce" | "lots" | "priceTicks" | "expiresAt">;
  /** Epoch ms (our clock) when it was signed. */
  signedAt: number;
}

export interface SignedOrderStore {
  /**
   * True when records survive a restart (a database column beside the order row): then a client
   * order id without a record was never signed, hence never sent, and can be given up at once.
   */
  readonly durable: boolean;
  get(clientOrderId: string): Promise<StoredClobOrder | undefined>;
  /** Must have persisted when it resolves: the order is posted right after. */
  put(record: StoredClobOrder): Promise<void>;
}

/** In memory: exactly-once within this process's life (retries, lost answers, reconciliation). */
export class MemorySignedOrderStore implements SignedOrderStore {
  readonly durable = false;
  private readonly records = new Map<string, StoredClobOrder>();

  get(clientOrderId: string): Promise<StoredClobOrder | undefined> {
    return Promise.resolve(this.records.get(clientOrderId));
  }

  put(record: StoredClobOrder): Promise<void> {
    this.records.set(record.clientOrderId, structuredClone(record));
    return Promise.resolve();
  }
}
