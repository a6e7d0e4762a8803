/** The exchange answered and refused: nothing happened (an API-level rejection consumes no nonce). */
export class LighterApiError extends Error {
  constructor(
    readonly code: number,
    readonly apiMessage: string,
    readonly httpStatus: number,
    readonly path: string,
  ) {
    super(`Lighter ${path} refused (code ${code}): ${apiMessage.trim()}`);
    this.name = "LighterApiError";
  }
}

/**
 * No usable answer (timeout, connection lost, 5xx, an HTML page from the CDN): the request may
 * or may not have reached the exchange, so a sent transaction's outcome is unknown.
 */
export class LighterTransportError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`Lighter ${path}: ${message}`);
    this.name = "LighterTransportError";
  }
}

/** Refused here before anything was sent (the signer's range checks): no nonce spent, nothing to reconcile. */
export class LighterLocalRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LighterLocalRefusal";
  }
}
