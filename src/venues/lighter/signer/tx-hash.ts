import type { Fp5 } from "./gfp5.js";
import { fromInt64 } from "./goldilocks.js";
import { hashToQuinticExtension } from "./poseidon2.js";

/**
 * What Lighter signs for each transaction type, after elliottech/lighter-go `types/txtypes/*.go`:
 *
 *   H( chainId, txType, Nonce, ExpiredAt, AccountIndex, ApiKeyIndex, …body fields in struct order )
 *
 * with H = Poseidon2 `HashToQuinticExtension` over Goldilocks; when the tx carries non-nil
 * L2TxAttributes the result is hashed once more together with the attributes' own hash. The 40
 * little-endian bytes of that element are both the signed message and the tx hash.
 *
 * The body tables below also fix the tx_info JSON layout: Go writes AccountIndex, ApiKeyIndex, the
 * body fields, ExpiredAt, Nonce, Sig, then L2TxAttributes — struct order.
 */

export const TX_TYPE = {
  createOrder: 14,
  cancelOrder: 15,
  cancelAllOrders: 16,
  modifyOrder: 17,
  updateLeverage: 20,
} as const;

export type TxType = (typeof TX_TYPE)[keyof typeof TX_TYPE];

export function isSupportedTxType(t: number): t is TxType {
  return (Object.values(TX_TYPE) as number[]).includes(t);
}

/** The Go integer type of a field: the range its JSON number must fit. */
export type GoInt = "uint8" | "uint16" | "uint32" | "int16" | "int64";

export const GO_INT_RANGE: Readonly<Record<GoInt, readonly [bigint, bigint]>> = {
  uint8: [0n, 255n],
  uint16: [0n, 65_535n],
  uint32: [0n, 4_294_967_295n],
  int16: [-32_768n, 32_767n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
};

export interface FieldSpec {
  readonly name: string;
  readonly type: GoInt;
}

/** Before the body in the JSON, and fifth and sixth in the hash. */
export const LEADING_FIELDS: readonly FieldSpec[] = [
  { name: "AccountIndex", type: "int64" },
  { name: "ApiKeyIndex", type: "uint8" },
];

/** After the body in the JSON, yet third and fourth in the hash. */
export const TRAILING_FIELDS: readonly FieldSpec[] = [
  { name: "ExpiredAt", type: "int64" },
  { name: "Nonce", type: "int64" },
];

/** The type-specific fields, in Go struct order (CreateOrder's come from the embedded OrderInfo). */
export const TX_BODY: Readonly<Record<TxType, readonly FieldSpec[]>> = {
  [TX_TYPE.createOrder]: [
    { name: "MarketIndex", type: "int16" },
    { name: "ClientOrderIndex", type: "int64" },
    { name: "BaseAmount", type: "int64" },
    { name: "Price", type: "uint32" },
    { name: "IsAsk", type: "uint8" },
    { name: "Type", type: "uint8" },
    { name: "TimeInForce", type: "uint8" },
    { name: "ReduceOnly", type: "uint8" },
    { name: "TriggerPrice", type: "uint32" },
    { name: "OrderExpiry", type: "int64" },
  ],
  [TX_TYPE.cancelOrder]: [
    { name: "MarketIndex", type: "int16" },
    { name: "Index", type: "int64" },
  ],
  [TX_TYPE.cancelAllOrders]: [
    { name: "TimeInForce", type: "uint8" },
    { name: "Time", type: "int64" },
  ],
  [TX_TYPE.modifyOrder]: [
    { name: "MarketIndex", type: "int16" },
    { name: "Index", type: "int64" },
    { name: "BaseAmount", type: "int64" },
    { name: "Price", type: "uint32" },
    { name: "TriggerPrice", type: "uint32" },
  ],
  [TX_TYPE.updateLeverage]: [
    { name: "MarketIndex", type: "int16" },
    { name: "InitialMarginFraction", type: "uint16" },
    { name: "MarginMode", type: "uint8" },
  ],
};

/**
 * Go's `L2TxAttributes map[uint8]int`: attribute type → value. An entry may hold its type's nil
 * value; such entries are written to JSON but ignored by the hash.
 */
export type AttributeMap = ReadonlyMap<number, number>;

export const ATTRIBUTE = {
  integratorAccountIndex: 1,
  integratorTakerFee: 2,
  integratorMakerFee: 3,
  skipNonce: 4,
  cancelAllMarketIndex: 5,
  selfTradeBehaviorMode: 6,
  selfTradeEqualityMode: 7,
} as const;

/** lighter-go's NbAttributesPerTx: at most four entries, and the hash always covers four slots. */
export const MAX_ATTRIBUTES = 4;

interface AttributeRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The value that means "not set": excluded from the hash. */
  readonly nil: number;
}

/** lighter-go `AttributeTypeToConfig` (fees in 1e-6 units, FeeTick = 1e6; 255 = no market). */
export const ATTRIBUTE_RULES: ReadonlyMap<number, AttributeRule> = new Map([
  [ATTRIBUTE.integratorAccountIndex, { name: "integratorAccountIndex", min: 0, max: 2 ** 48 - 2, nil: 0 }],
  [ATTRIBUTE.integratorTakerFee, { name: "integratorTakerFee", min: 0, max: 1_000_000, nil: 0 }],
  [ATTRIBUTE.integratorMakerFee, { name: "integratorMakerFee", min: 0, max: 1_000_000, nil: 0 }],
  [ATTRIBUTE.skipNonce, { name: "skipNonce", min: 1, max: 1, nil: 0 }],
  [ATTRIBUTE.cancelAllMarketIndex, { name: "cancelAllMarketIndex", min: 0, max: 255, nil: 255 }],
  [ATTRIBUTE.selfTradeBehaviorMode, { name: "selfTradeBehaviorMode", min: 0, max: 3, nil: 0 }],
  [ATTRIBUTE.selfTradeEqualityMode, { name: "selfTradeEqualityMode", min: 0, max: 1, nil: 0 }],
]);

const SELF_TRADE_BEHAVIOR_REDUCE = 3;
const SELF_TRADE_EQUALITY_MASTER_ACCOUNT = 1;

function valueOrNil(attributes: AttributeMap, type: number): number {
  return attributes.get(type) ?? ATTRIBUTE_RULES.get(type)?.nil ?? 0;
}

function isSet(attributes: AttributeMap, type: number): boolean {
  return valueOrNil(attributes, type) !== ATTRIBUTE_RULES.get(type)?.nil;
}

/** Why lighter-go's `L2TxAttributes.Validate` would refuse these attributes, or undefined. */
export function attributesProblem(attributes: AttributeMap): string | undefined {
  if (attributes.size > MAX_ATTRIBUTES) return `L2TxAttributes must hold at most ${MAX_ATTRIBUTES} attributes (got ${attributes.size})`;
  for (const [type, value] of attributes) {
    const rule = ATTRIBUTE_RULES.get(type);
    if (!rule) return `L2TxAttributes type ${type} is unknown (known: 1..7)`;
    if (!Number.isSafeInteger(value) || value < rule.min || value > rule.max) return `${rule.name} must be an integer in ${rule.min}..${rule.max} (got ${value})`;
  }
  const hasFees = isSet(attributes, ATTRIBUTE.integratorTakerFee) || isSet(attributes, ATTRIBUTE.integratorMakerFee);
  if (hasFees && !isSet(attributes, ATTRIBUTE.integratorAccountIndex)) return "integratorAccountIndex is required when an integrator fee is non-zero";
  const hasSelfTrade = isSet(attributes, ATTRIBUTE.selfTradeBehaviorMode) || isSet(attributes, ATTRIBUTE.selfTradeEqualityMode);
  if (hasSelfTrade && hasFees) return "selfTradeBehaviorMode/selfTradeEqualityMode are not allowed together with integrator fees";
  if (attributes.get(ATTRIBUTE.selfTradeBehaviorMode) === SELF_TRADE_BEHAVIOR_REDUCE && attributes.get(ATTRIBUTE.selfTradeEqualityMode) === SELF_TRADE_EQUALITY_MASTER_ACCOUNT) {
    return "selfTradeBehaviorMode reduce (3) is not allowed with master-account equality (selfTradeEqualityMode 1)";
  }
  return undefined;
}

/** Go's `IsEmpty`: every entry holds its nil value (an absent map is empty too). */
function attributesAreEmpty(attributes: AttributeMap): boolean {
  for (const type of attributes.keys()) if (isSet(attributes, type)) return false;
  return true;
}

/** The set types in ascending order, each followed by its value, zero-padded to four pairs. */
function attributeElements(attributes: AttributeMap): bigint[] {
  const types = [...attributes.keys()].filter((t) => isSet(attributes, t)).sort((a, b) => a - b);
  const out: bigint[] = [];
  for (let slot = 0; slot < MAX_ATTRIBUTES; slot++) {
    const type = types[slot];
    out.push(BigInt(type ?? 0), type === undefined ? 0n : fromInt64(BigInt(valueOrNil(attributes, type))));
  }
  return out;
}

/** An unsigned transaction as integers: everything the hash covers. */
export interface TxContent {
  readonly txType: TxType;
  readonly accountIndex: bigint;
  readonly apiKeyIndex: bigint;
  /** Keyed by the Go field names of TX_BODY[txType]. */
  readonly body: Readonly<Record<string, bigint>>;
  readonly expiredAt: bigint;
  readonly nonce: bigint;
  readonly attributes: AttributeMap;
}

/** The field elements of the tx itself, before attributes, in lighter-go's `Hash` order. */
export function txElements(chainId: number, tx: TxContent): bigint[] {
  const body = TX_BODY[tx.txType].map(({ name }) => {
    const v = tx.body[name];
    if (v === undefined) throw new Error(`${name}: missing from tx type ${tx.txType}`);
    return v;
  });
  return [BigInt(chainId), BigInt(tx.txType), tx.nonce, tx.expiredAt, tx.accountIndex, tx.apiKeyIndex, ...body].map(fromInt64);
}

/** The signed message hash (= tx hash) of `tx` on chain `chainId` (304 mainnet, 300 testnet). */
export function txMessageHash(chainId: number, tx: TxContent): Fp5 {
  const txHash = hashToQuinticExtension(txElements(chainId, tx));
  if (attributesAreEmpty(tx.attributes)) return txHash;
  const attributesHash = hashToQuinticExtension(attributeElements(tx.attributes));
  return hashToQuinticExtension([...txHash, ...attributesHash]);
}
