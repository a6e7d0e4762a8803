/** A refusal with one of Lighter's codes (shared/venues/lighter.md §7); HTTP 400 unless `status` says otherwise. */
export class LighterError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "LighterError";
  }
}

/** Messages as the exchange words them (ccxt's table of Lighter's codes; observed texts where captured). */
export const E = {
  invalidParam: (detail = "") => new LighterError(20001, `invalid param ${detail}`),
  fieldNotSet: (field: string) => new LighterError(20001, `invalid param: : field "${field}" is not set`),
  authEmpty: () => new LighterError(20001, "invalid param : auth query param and Authorization header are empty"),
  authInvalid: (why: string) => new LighterError(20013, `invalid auth: ${why}`),
  notFound: () => new LighterError(29404, "not found"),
  txNotFound: () => new LighterError(21500, "transaction not found"),
  invalidTxInfo: (why?: string) => new LighterError(21501, why ? `invalid tx info: ${why}` : "invalid tx info"),
  badSignature: () => new LighterError(21504, "invalid signature"),
  unsupportedTxType: () => new LighterError(21505, "unsupported tx type"),
  tooManyPending: () => new LighterError(21506, "too many pending txs. Please try again later"),
  belowInitialMargin: () => new LighterError(21508, "account is below initial margin, can't execute transaction"),
  invalidNonce: (expected: number, got: number) => new LighterError(21120, `invalid nonce: expected ${expected}, got ${got}`),
  invalidMarket: () => new LighterError(21602, "invalid market index"),
  invalidMarketStatus: () => new LighterError(21605, "invalid market status"),
  invalidMarginMode: () => new LighterError(21613, "invalid margin mode"),
  invalidOrderIndex: () => new LighterError(21700, "invalid order index"),
  invalidBaseAmount: () => new LighterError(21701, "invalid base amount"),
  invalidPrice: () => new LighterError(21702, "invalid price"),
  invalidIsAsk: () => new LighterError(21703, "invalid isAsk"),
  invalidOrderType: () => new LighterError(21704, "invalid OrderType"),
  invalidTimeInForce: () => new LighterError(21705, "invalid OrderTimeInForce"),
  invalidAmounts: () => new LighterError(21706, "invalid order base or quote amount"),
  notOwner: () => new LighterError(21707, "account is not owner of the order"),
  unsupportedOrderType: () => new LighterError(21710, "unsupported order type"),
  invalidExpiry: () => new LighterError(21711, "invalid expiry"),
  invalidCancelAllTif: () => new LighterError(21713, "invalid cancel all time in force"),
  invalidCancelAllTime: () => new LighterError(21714, "invalid cancel all time"),
  orderNotActive: () => new LighterError(21715, "given order is not an active order"),
  invalidClientOrderIndex: () => new LighterError(21727, "invalid client order index"),
  clientOrderIndexExists: () => new LighterError(21728, "client order index already exists"),
  invalidTriggerPrice: () => new LighterError(21729, "invalid order trigger price"),
  invalidReduceOnly: () => new LighterError(21740, "invalid reduce only mode"),
  notEnoughMargin: () => new LighterError(21739, "not enough margin to create the order"),
  tooManyRequests: () => new LighterError(23000, "Too Many Requests!", 429),
};
