import { ApiError } from "@polymarket/clob-client-v2";

/**
 * What a CLOB answer means for an order. The messages are the docs' "Error Codes" strings (and a
 * few reported ones); reasons are the snake_case ones the simulator uses for the same rules.
 */
export type ClobFailure =
  /** The CLOB refused: nothing was placed. `status` CANCELED for a FOK/FAK that found too little. */
  | { kind: "refused"; reason: string; status: "REJECTED" | "CANCELED"; message: string }
  /** This exact order is already on the CLOB: look it up by its hash. */
  | { kind: "duplicate"; message: string }
  /** Sell-after-buy settlement lag (or really no balance): refresh the balance and retry. */
  | { kind: "balance"; message: string }
  /** 429 / 5xx: the same signed order may be posted again after a pause. */
  | { kind: "retryable"; message: string; status?: number }
  /** No answer (connection lost, timeout): it may or may not have landed. */
  | { kind: "transport"; message: string };

const RULES: Array<[RegExp, string, "REJECTED" | "CANCELED"]> = [
  [/breaks minimum tick size rule/i, "invalid_order_min_tick_size", "REJECTED"],
  [/lower than the minimum|min size: \$/i, "invalid_order_min_size", "REJECTED"],
  [/crosses book/i, "post_only_would_cross", "REJECTED"],
  [/only GTC and GTD/i, "post_only_not_resting", "REJECTED"],
  [/FOK orders are fully filled or killed/i, "fok_unfillable", "CANCELED"],
  [/no orders found to match with FAK/i, "no_liquidity_within_bound", "CANCELED"],
  [/not yet ready to process new orders|market is closed|closed_only/i, "market_not_accepting_orders", "REJECTED"],
  [/invalid expiration/i, "invalid_expiry", "REJECTED"],
  [/order_version_mismatch/i, "order_version_mismatch", "REJECTED"],
  [/orderbook does not exist/i, "unknown_symbol", "REJECTED"],
  [/invalid signature|signer address|order owner/i, "invalid_signature", "REJECTED"],
];

export function classify(error: unknown): ClobFailure {
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : undefined;
  if (status === undefined) return { kind: "transport", message };
  if (status === 429 || status >= 500) return { kind: "retryable", message, status };
  if (/Duplicated/i.test(message)) return { kind: "duplicate", message };
  if (/not enough balance/i.test(message)) return { kind: "balance", message };
  for (const [pattern, reason, st] of RULES) if (pattern.test(message)) return { kind: "refused", reason, status: st, message };
  return { kind: "refused", reason: "clob_rejected", status: "REJECTED", message };
}

/** The order was sent and its fate could not be learned: the trading service leaves it UNKNOWN. */
export class PolymarketOutcomeUnknown extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolymarketOutcomeUnknown";
  }
}
