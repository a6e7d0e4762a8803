import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { polymarketSignedOrders } from "../../db/schema.js";
import type { SignedOrderStore, StoredClobOrder } from "./clob-order-store.js";

/**
 * Signed orders in the database: they survive a restart, so a client order id without a record
 * was never signed, hence never posted. A second put of the same client id keeps the first
 * record (the first signature is the order; nothing replaces it).
 */
export class DbSignedOrderStore implements SignedOrderStore {
  readonly durable = true;

  constructor(private readonly db: Db) {}

  async get(clientOrderId: string): Promise<StoredClobOrder | undefined> {
    const [row] = await this.db.select({ record: polymarketSignedOrders.record }).from(polymarketSignedOrders).where(eq(polymarketSignedOrders.clientOrderId, clientOrderId));
    return row ? (row.record as unknown as StoredClobOrder) : undefined;
  }

  async put(record: StoredClobOrder): Promise<void> {
    await this.db
      .insert(polymarketSignedOrders)
      .values({ clientOrderId: record.clientOrderId, modelId: record.accountId, orderId: record.orderId, record: record as unknown as Record<string, unknown>, signedAt: new Date(record.signedAt) })
      .onConflictDoNothing({ target: polymarketSignedOrders.clientOrderId });
  }
}
