/** Lighter's wire constants (lighter-go types/txtypes/constants.go, via shared/venues/lighter.md §4). */

// Order types and times in force are the signer's (signer/signer.ts): there is no FOK and no GTC on
// Lighter, a "GTC" is a GTT with a far expiry.

/** Official tx statuses ([LTS] TX_STATUSES): 2 and above means the sequencer executed it. */
export const TX_STATUS = { failed: 0, pending: 1, executed: 2 } as const;

/** An order's expiry must lie 5 minutes to 30 days ahead of submission. */
export const MIN_ORDER_EXPIRY_MS = 5 * 60_000;
export const MAX_ORDER_EXPIRY_MS = 30 * 24 * 3_600_000;
/** What a "good till canceled" order becomes: the longest expiry, less a margin for clock skew. */
export const GTC_EXPIRY_MS = 28 * 24 * 3_600_000;
/** A tx is valid for 10 minutes after signing (lighter-go's default, less a second). */
export const TX_VALIDITY_MS = 10 * 60_000 - 1_000;

/** Client order indices live in 1 … 2^48 − 1; order indices of the exchange start at 2^48. */
export const MAX_CLIENT_ORDER_INDEX = 2 ** 48 - 1;

/** Error codes we act on (shared/venues/lighter.md §7). */
export const ERROR = {
  invalidParam: 20001,
  restricted: 20558,
  notFound: 29404,
  txNotFound: 21500,
  tooManyPendingTxs: 21506,
  belowMaintenanceMargin: 21507,
  belowInitialMargin: 21508,
  invalidMarketIndex: 21602,
  invalidMinAmounts: 21603,
  invalidMarketStatus: 21605,
  orderNotActive: 21709,
  clientOrderIndexExists: 21728,
  reduceOnlyIncreases: 21732,
  accidentalPrice: 21733,
  priceTooFarFromMark: 21734,
  notEnoughMargin: 21739,
  tooManyRequests: 23000,
} as const;

/** Our reason code (snake_case, as OrderReport.reason) for an API-level rejection. */
export function rejectionReason(code: number, message: string): string {
  switch (code) {
    case ERROR.belowInitialMargin:
    case ERROR.belowMaintenanceMargin:
    case ERROR.notEnoughMargin:
      return "insufficient_margin";
    case ERROR.invalidMinAmounts:
      return "below_minimum";
    case ERROR.invalidMarketStatus:
      return "market_closed";
    case ERROR.reduceOnlyIncreases:
      return "reduce_only_would_increase";
    case ERROR.accidentalPrice:
    case ERROR.priceTooFarFromMark:
      return "price_out_of_bounds";
    case ERROR.clientOrderIndexExists:
      return "duplicate_client_order";
    case ERROR.restricted:
      return "restricted_jurisdiction";
    default:
      return isInvalidNonce(code, message) ? "invalid_nonce" : `lighter_${code}`;
  }
}

/** The SDKs detect an invalid nonce by the message text; its code is not documented. */
export function isInvalidNonce(code: number, message: string): boolean {
  return code === 21120 || /nonce/i.test(message);
}
