import { createHash } from "node:crypto";
import { getContractConfig } from "@polymarket/clob-client-v2";
import { hashTypedData, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { OUTCOME_PAYOUT_TICKS, OUTCOME_PRICE_DECIMALS, OUTCOME_SIZE_DECIMALS, onOutcomeTick } from "../../core/instrument.js";
import type { PlaceOrder } from "../venue.js";

/**
 * One of our orders as a CLOB V2 order: the order type, the exact amounts and the EIP-712
 * signature, built here rather than by the SDK's createOrder so that nothing is left to chance:
 *   - amounts are exact integers: a price tick is 10^-4 dollar and a lot 10^-2 share, so a
 *     lot at a tick is exactly one micro-dollar (the CLOB's 10^-6 unit), never a float;
 *   - the salt is derived from the account and the client order id, not random, and the
 *     timestamp is taken once and kept with the signed order (see SignedOrderStore), so a
 *     retry posts the very same order (same hash: the CLOB answers "Duplicated") and never a
 *     second one.
 */

export type ClobOrderType = "GTC" | "GTD" | "FOK" | "FAK";

/** The CLOB's unit for pUSD and shares: 10^-6. */
const UNIT_DECIMALS = 6;
/** Micro-units per lot (10^-2 share) and per price tick (10^-4 dollar). */
export const MICRO_PER_LOT = 10n ** BigInt(UNIT_DECIMALS - OUTCOME_SIZE_DECIMALS);
export const MICRO_PER_TICK = 10n ** BigInt(UNIT_DECIMALS - OUTCOME_PRICE_DECIMALS);
/** The GTD security threshold: the CLOB takes a GTD order off the book a minute before its expiration. */
export const GTD_THRESHOLD_S = 60;
/** Reported minimum of a marketable BUY: one dollar. */
const MIN_MARKETABLE_BUY_MICRO = 1_000_000n;

const ZERO32 = `0x${"0".repeat(64)}` as Hex;

/** What a token's market requires, as the CLOB answered it. */
export interface TokenRules {
  tokenId: string;
  conditionId: string;
  /** Price ticks of one tick (0.01 → 100). */
  tickTicks: number;
  /** Minimum order size in lots. */
  minLots: number;
  negRisk: boolean;
  accepting: boolean;
}

/** The order to sign, before its salt, timestamp and signature. */
export interface OrderPlan {
  orderType: ClobOrderType;
  postOnly: boolean;
  side: "BUY" | "SELL";
  tokenId: string;
  /** Micro-units the maker gives: pUSD for a BUY, shares for a SELL. */
  makerAmount: bigint;
  /** Micro-units the maker gets. */
  takerAmount: bigint;
  /** Unix seconds; 0 = none (only GTD has one). */
  expiration: number;
  negRisk: boolean;
}

/**
 * Maps our order to a CLOB order, or the snake_case reason it cannot be sent (the simulator's
 * reasons for the same rules, src/venues/sim/outcome-rules.ts). `nowMs` judges a GTT expiry.
 *   MARKET (any TIF but FOK) and LIMIT IOC → FAK with our price as the worst price (required);
 *   FOK → FOK; LIMIT GTC → GTC; LIMIT GTT → GTD expiring at expiresAt + the 1-minute threshold.
 */
export function planOrder(req: PlaceOrder, rules: TokenRules, nowMs: number): OrderPlan | string {
  if (req.trigger || req.redeem) return "unsupported_order";
  if (!rules.accepting) return "market_not_accepting_orders";
  if (req.leverage !== 100) return "invalid_leverage";
  if (!Number.isSafeInteger(req.lots) || req.lots <= 0) return "invalid_quantity";
  // A market order on an outcome token always carries its worst price: the CLOB has no other bound.
  if (req.priceTicks === undefined) return "invalid_price";
  if (!onOutcomeTick(req.priceTicks, rules.tickTicks)) return "invalid_order_min_tick_size";
  let orderType: ClobOrderType;
  if (req.timeInForce === "FOK") orderType = "FOK";
  else if (req.type === "MARKET" || req.timeInForce === "IOC") orderType = "FAK";
  else if (req.timeInForce === "GTC") orderType = "GTC";
  else orderType = "GTD";
  const postOnly = req.postOnly ?? false;
  if (postOnly && (orderType === "FOK" || orderType === "FAK")) return "post_only_not_resting";
  let expiration = 0;
  if (orderType === "GTD") {
    if (req.expiresAt === undefined || req.expiresAt <= nowMs) return "invalid_expiry";
    expiration = Math.ceil(req.expiresAt / 1000) + GTD_THRESHOLD_S;
  }
  const shares = BigInt(req.lots) * MICRO_PER_LOT;
  // lots × ticks is micro-dollars exactly: (10^-2 share) × (10^-4 dollar) = 10^-6 dollar.
  const dollars = BigInt(req.lots) * BigInt(req.priceTicks);
  const marketable = orderType === "FOK" || orderType === "FAK";
  if (marketable && req.side === "BUY") {
    if (dollars < MIN_MARKETABLE_BUY_MICRO) return "invalid_order_min_size";
  } else if (req.lots < rules.minLots) return "invalid_order_min_size";
  // A BUY gives dollars for shares, a SELL shares for dollars; for a market BUY the dollars are the
  // budget the SDK would call `amount`, the shares what it buys at the worst price.
  const [makerAmount, takerAmount] = req.side === "BUY" ? [dollars, shares] : [shares, dollars];
  return { orderType, postOnly, side: req.side, tokenId: rules.tokenId, makerAmount, takerAmount, expiration, negRisk: rules.negRisk };
}

/** The signed order as clob-client-v2's postOrder takes it (types/ordersV2 NewOrderV2 plus signature). */
export interface SignedClobOrder {
  salt: string;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: "BUY" | "SELL";
  signatureType: number;
  timestamp: string;
  expiration: string;
  metadata: Hex;
  builder: Hex;
  signature: Hex;
}

/**
 * The salt of an order: 52 bits of SHA-256(maker, client order id). The SDK sends the salt as a
 * JSON number (parseInt), so it must stay a safe integer; the same client id always gives the same
 * salt, and with the kept timestamp the same order hash.
 */
export function saltOf(maker: string, clientOrderId: string): string {
  const digest = createHash("sha256").update(`${maker.toLowerCase()}\n${clientOrderId}`).digest();
  return (digest.readBigUInt64BE(0) >> 12n).toString();
}

const ORDER_STRUCT = [
  { name: "salt", type: "uint256" },
  { name: "maker", type: "address" },
  { name: "signer", type: "address" },
  { name: "tokenId", type: "uint256" },
  { name: "makerAmount", type: "uint256" },
  { name: "takerAmount", type: "uint256" },
  { name: "side", type: "uint8" },
  { name: "signatureType", type: "uint8" },
  { name: "timestamp", type: "uint256" },
  { name: "metadata", type: "bytes32" },
  { name: "builder", type: "bytes32" },
] as const;

/** The EIP-712 typed data of a V2 order (clob-client-v2 exchangeOrderBuilderV2): expiration travels beside it, unsigned. */
function typedData(o: Omit<SignedClobOrder, "signature">, chainId: number, negRisk: boolean) {
  const contracts = getContractConfig(chainId);
  return {
    domain: { name: "Polymarket CTF Exchange", version: "2", chainId, verifyingContract: (negRisk ? contracts.negRiskExchangeV2 : contracts.exchangeV2) as Hex },
    types: { Order: ORDER_STRUCT },
    primaryType: "Order" as const,
    message: {
      salt: BigInt(o.salt),
      maker: o.maker as Hex,
      signer: o.signer as Hex,
      tokenId: BigInt(o.tokenId),
      makerAmount: BigInt(o.makerAmount),
      takerAmount: BigInt(o.takerAmount),
      side: o.side === "BUY" ? 0 : 1,
      signatureType: o.signatureType,
      timestamp: BigInt(o.timestamp),
      metadata: o.metadata,
      builder: o.builder,
    },
  };
}

export interface SigningKey {
  /** The EOA that signs (the API key's address). */
  readonly signer: string;
  /** The wallet that holds the funds: the signer itself (EOA, type 0) or its proxy/safe (types 1, 2). */
  readonly maker: string;
  readonly signatureType: 0 | 1 | 2;
  sign(plan: OrderPlan, salt: string, timestampMs: number, chainId: number): Promise<{ order: SignedClobOrder; orderId: Hex }>;
}

/**
 * Holds a private key and signs orders with it; the key never leaves this closure (not logged,
 * not returned, not a property). Deposit wallets (POLY_1271) sign differently and are refused.
 */
export function signingKey(privateKey: Hex, signatureType: number, funder?: string): SigningKey {
  if (signatureType !== 0 && signatureType !== 1 && signatureType !== 2) throw new Error(`Polymarket signature type ${signatureType} is not supported (0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE)`);
  if (signatureType !== 0 && !funder) throw new Error(`Polymarket signature type ${signatureType} needs the funder (proxy or safe) address`);
  const account = privateKeyToAccount(privateKey);
  const maker = signatureType === 0 ? account.address : funder!;
  return {
    signer: account.address,
    maker,
    signatureType,
    async sign(plan, salt, timestampMs, chainId) {
      const unsigned = {
        salt,
        maker,
        signer: account.address,
        tokenId: plan.tokenId,
        makerAmount: plan.makerAmount.toString(),
        takerAmount: plan.takerAmount.toString(),
        side: plan.side,
        signatureType,
        timestamp: String(timestampMs),
        expiration: String(plan.expiration),
        metadata: ZERO32,
        builder: ZERO32,
      };
      const data = typedData(unsigned, chainId, plan.negRisk);
      const signature = await account.signTypedData(data);
      return { order: { ...unsigned, signature }, orderId: hashTypedData(data) };
    },
  };
}

/** A decimal amount of the CLOB (shares or dollars, e.g. "10.5") in micro-units, exactly; undefined when finer. */
export function microOf(text: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0") || "0");
}

/** A CLOB price ("0.52") in our price ticks, exactly; undefined when finer than 10^-4. */
export function priceTicksOf(text: string): number | undefined {
  const micro = microOf(text);
  if (micro === undefined || micro % MICRO_PER_TICK !== 0n) return undefined;
  const ticks = Number(micro / MICRO_PER_TICK);
  return ticks <= OUTCOME_PAYOUT_TICKS ? ticks : undefined;
}
