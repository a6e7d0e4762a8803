/**
 * The CLOB's error bodies: `{"error": "<message>"}` with an HTTP status (docs.polymarket.com
 * "Error Codes"). Messages are the documented strings; the few marked "reported" come from
 * users quoting live responses, not from the docs.
 */
export class ClobError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  static unauthorized(): ClobError {
    return new ClobError(401, "Unauthorized/Invalid api key");
  }

  static l1(): ClobError {
    return new ClobError(401, "Invalid L1 Request headers");
  }

  static invalidPayload(): ClobError {
    return new ClobError(400, "Invalid order payload");
  }

  static versionMismatch(): ClobError {
    // clob-client-v2 constants.ts ORDER_VERSION_MISMATCH_ERROR; the SDK re-reads GET /version on it.
    return new ClobError(400, "order_version_mismatch");
  }

  static tick(orderId: string, price: string, tick: string): ClobError {
    return new ClobError(400, `order ${orderId} is invalid. Price (${price}) breaks minimum tick size rule: ${tick}`);
  }

  static minSize(orderId: string, size: string, minimum: string): ClobError {
    return new ClobError(400, `order ${orderId} is invalid. Size (${size}) lower than the minimum: ${minimum}`);
  }

  /** Reported (community quotes of live responses), not in the docs. */
  static minMarketableBuy(dollars: string): ClobError {
    return new ClobError(400, `invalid amount for a marketable BUY order ($${dollars}), min size: $1`);
  }

  static duplicated(orderId: string): ClobError {
    return new ClobError(400, `order ${orderId} is invalid. Duplicated.`);
  }

  static balance(): ClobError {
    return new ClobError(400, "not enough balance / allowance");
  }

  static expiration(): ClobError {
    return new ClobError(400, "invalid expiration");
  }

  static postOnlyCross(): ClobError {
    return new ClobError(400, "invalid post-only order: order crosses book");
  }

  /** Reported (older docs' INVALID_POST_ONLY_ORDER_TYPE). */
  static postOnlyType(): ClobError {
    return new ClobError(400, "invalid post-only order: only GTC and GTD order types are allowed");
  }

  static fok(): ClobError {
    return new ClobError(400, "order couldn't be fully filled. FOK orders are fully filled or killed.");
  }

  static fakNoMatch(): ClobError {
    return new ClobError(400, "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.");
  }

  static notReady(): ClobError {
    return new ClobError(400, "the market is not yet ready to process new orders");
  }

  static owner(): ClobError {
    return new ClobError(400, "the order owner has to be the owner of the API KEY");
  }

  static signerAddress(): ClobError {
    return new ClobError(400, "the order signer address has to be the address of the API KEY");
  }

  /** Reported ("invalid signature"), not in the docs' table. */
  static signature(): ClobError {
    return new ClobError(400, "invalid signature");
  }
}
