import { hashTypedData, recoverTypedDataAddress, type Address, type Hex } from "viem";
import type { Side } from "./book.js";
import { ClobError } from "./errors.js";

/**
 * The signed order of POST /order as clob-client-v2 sends it (types/ordersV2.ts `orderToJsonV2`)
 * and its EIP-712 check (order-utils/exchangeOrderBuilderV2.ts): domain "Polymarket CTF Exchange"
 * version "2" on the CTF exchange V2, or the Neg Risk CTF exchange V2 for neg-risk markets; the
 * struct Order(salt, maker, signer, tokenId, makerAmount, takerAmount, side, signatureType,
 * timestamp, metadata, builder) — expiration travels beside it, unsigned. The order id is the
 * EIP-712 hash.
 */

export type OrderType = "GTC" | "GTD" | "FOK" | "FAK";
const ORDER_TYPES: readonly string[] = ["GTC", "GTD", "FOK", "FAK"];

/** Exchange V2 contracts (clob-client-v2 src/config.ts), by chain id. */
export const EXCHANGES: Record<number, { exchangeV2: Address; negRiskExchangeV2: Address }> = {
  137: { exchangeV2: "0xE111180000d2663C0091e4f400237545B87B996B", negRiskExchangeV2: "0xe2222d279d744050d28e00520010520000310F59" },
  80002: { exchangeV2: "0xE111180000d2663C0091e4f400237545B87B996B", negRiskExchangeV2: "0xe2222d279d744050d28e00520010520000310F59" },
};

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

export interface SignedOrderV2 {
  salt: bigint;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: bigint;
  takerAmount: bigint;
  side: Side;
  signatureType: number;
  /** Milliseconds, as the SDK writes it. */
  timestamp: bigint;
  /** Unix seconds; 0 = none. */
  expiration: bigint;
  metadata: Hex;
  builder: Hex;
  signature: Hex;
}

export interface OrderRequest {
  order: SignedOrderV2;
  owner: string;
  orderType: OrderType;
  postOnly: boolean;
  deferExec: boolean;
}

const UINT = /^\d+$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x[0-9a-fA-F]*$/;

/** A V1 order (nonce, feeRateBps, no timestamp/metadata/builder) is answered with order_version_mismatch. */
export function parseOrderRequest(body: unknown): OrderRequest {
  if (!isRecord(body) || !isRecord(body.order)) throw ClobError.invalidPayload();
  const o = body.order;
  const looksV1 = "nonce" in o || "feeRateBps" in o;
  const looksV2 = "timestamp" in o && "metadata" in o && "builder" in o;
  if (looksV1 && !looksV2) throw ClobError.versionMismatch();
  const text = (v: unknown): string => (typeof v === "number" && Number.isSafeInteger(v) ? String(v) : typeof v === "string" ? v : "");
  const salt = text(o.salt);
  const fields = {
    maker: text(o.maker),
    signer: text(o.signer),
    tokenId: text(o.tokenId),
    makerAmount: text(o.makerAmount),
    takerAmount: text(o.takerAmount),
    timestamp: text(o.timestamp),
    expiration: text(o.expiration ?? "0"),
  };
  const orderType = body.orderType;
  if (
    !UINT.test(salt) ||
    !ADDRESS.test(fields.maker) ||
    !ADDRESS.test(fields.signer) ||
    !UINT.test(fields.tokenId) ||
    !UINT.test(fields.makerAmount) ||
    !UINT.test(fields.takerAmount) ||
    !UINT.test(fields.timestamp) ||
    !UINT.test(fields.expiration) ||
    (o.side !== "BUY" && o.side !== "SELL") ||
    typeof o.signatureType !== "number" ||
    typeof o.metadata !== "string" ||
    !BYTES32.test(o.metadata) ||
    typeof o.builder !== "string" ||
    !BYTES32.test(o.builder) ||
    typeof o.signature !== "string" ||
    !HEX.test(o.signature) ||
    typeof body.owner !== "string" ||
    typeof orderType !== "string" ||
    !ORDER_TYPES.includes(orderType)
  ) {
    throw ClobError.invalidPayload();
  }
  return {
    order: {
      salt: BigInt(salt),
      maker: fields.maker,
      signer: fields.signer,
      tokenId: fields.tokenId,
      makerAmount: BigInt(fields.makerAmount),
      takerAmount: BigInt(fields.takerAmount),
      side: o.side,
      signatureType: o.signatureType,
      timestamp: BigInt(fields.timestamp),
      expiration: BigInt(fields.expiration),
      metadata: o.metadata as Hex,
      builder: o.builder as Hex,
      signature: o.signature as Hex,
    },
    owner: body.owner,
    orderType: orderType as OrderType,
    postOnly: body.postOnly === true,
    deferExec: body.deferExec === true,
  };
}

function typedData(order: SignedOrderV2, chainId: number, negRisk: boolean) {
  const contracts = EXCHANGES[chainId];
  if (!contracts) throw new Error(`no exchange contracts for chain ${chainId}`);
  return {
    domain: {
      name: "Polymarket CTF Exchange",
      version: "2",
      chainId,
      verifyingContract: negRisk ? contracts.negRiskExchangeV2 : contracts.exchangeV2,
    },
    types: { Order: ORDER_STRUCT },
    primaryType: "Order" as const,
    message: {
      salt: order.salt,
      maker: order.maker as Address,
      signer: order.signer as Address,
      tokenId: BigInt(order.tokenId),
      makerAmount: order.makerAmount,
      takerAmount: order.takerAmount,
      side: order.side === "BUY" ? 0 : 1,
      signatureType: order.signatureType,
      timestamp: order.timestamp,
      metadata: order.metadata,
      builder: order.builder,
    },
  };
}

/** The order id: the EIP-712 hash of the order for its exchange. */
export function orderHash(order: SignedOrderV2, chainId: number, negRisk: boolean): Hex {
  return hashTypedData(typedData(order, chainId, negRisk));
}

/**
 * EOA (0): signer must be the maker. POLY_PROXY (1) / POLY_GNOSIS_SAFE (2): the maker is the
 * funder wallet; the fake trusts the pairing (the real server checks the proxy/safe on chain).
 * POLY_1271 (3, deposit wallets) is not supported by the fake: "invalid signature".
 */
export async function signatureValid(order: SignedOrderV2, chainId: number, negRisk: boolean): Promise<boolean> {
  if (order.signatureType === 0 && order.signer.toLowerCase() !== order.maker.toLowerCase()) return false;
  if (order.signatureType !== 0 && order.signatureType !== 1 && order.signatureType !== 2) return false;
  try {
    const recovered = await recoverTypedDataAddress({ ...typedData(order, chainId, negRisk), signature: order.signature });
    return recovered.toLowerCase() === order.signer.toLowerCase();
  } catch {
    return false;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
