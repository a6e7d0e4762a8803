import { createHash } from "node:crypto";
import { MAX_CLIENT_ORDER_INDEX } from "./protocol.js";

/**
 * Lighter's client order index for one of our orders, derived from the order row's client id:
 * the same id always gives the same index, so a resend after a crash is refused by the exchange
 * as a duplicate (21728) instead of placing a second order, and a lost answer is found again by
 * asking for this index. 48 bits of SHA-256: a collision between two of one account's live
 * orders is as likely as guessing a 2^48 number twice.
 */
export function clientOrderIndexOf(clientOrderId: string): number {
  const digest = createHash("sha256").update(clientOrderId).digest();
  const n = digest.readUIntBE(0, 6); // 48 bits
  return (n % MAX_CLIENT_ORDER_INDEX) + 1;
}
