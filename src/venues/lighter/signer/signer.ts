import * as Curve from "./ecgfp5.js";
import * as Fp5 from "./gfp5.js";
import type { Fp5 as Fp5Element } from "./gfp5.js";
import { bytesToElements, hashToQuinticExtension } from "./poseidon2.js";
import * as Schnorr from "./schnorr.js";
import { ATTRIBUTE, attributesProblem, GO_INT_RANGE, isSupportedTxType, LEADING_FIELDS, TRAILING_FIELDS, TX_BODY, TX_TYPE, txMessageHash } from "./tx-hash.js";
import type { AttributeMap, FieldSpec, TxContent, TxType } from "./tx-hash.js";

/**
 * Lighter (zkLighter) transaction signing in pure TypeScript: the same tx_info, tx hash and
 * signature scheme as the official Go signer (elliottech/lighter-go), for the five trading txs and
 * the auth token. Validation mirrors lighter-go's `Validate()`; time windows that depend on "now"
 * (order expiry 5 min..30 d ahead, token lifetime ≤ 8 h) are the caller's and the exchange's to check.
 *
 * The private key lives only in the closure of `createSigner`: it is never a property of the
 * signer, never logged and never part of an error message.
 */

export interface SignedTx {
  txType: number;
  /** Go's encoding/json of the tx struct: PascalCase keys in struct order, Sig = base64 of 80 bytes. */
  txInfo: string;
  /** 80 lowercase hex chars, no 0x: the signed message hash, which Lighter reports as the tx hash. */
  txHash: string;
}

export const ORDER_TYPE = { limit: 0, market: 1, stopLoss: 2, stopLossLimit: 3, takeProfit: 4, takeProfitLimit: 5, twap: 6 } as const;
export const TIME_IN_FORCE = { immediateOrCancel: 0, goodTillTime: 1, postOnly: 2 } as const;
export const CANCEL_ALL_TIME_IN_FORCE = { immediate: 0, scheduled: 1, abortScheduled: 2 } as const;
export const MARGIN_MODE = { cross: 0, isolated: 1 } as const;

/**
 * lighter-go's `types.L2TxAttributes`: each property set here becomes one map entry, as
 * `ConstructL2TxAttributes` does. `skipNonce: true` lets the server accept any unused nonce.
 */
export interface TxAttributes {
  integratorAccountIndex?: number;
  /** 1e-6 of notional (FeeTick = 1e6). */
  integratorTakerFee?: number;
  integratorMakerFee?: number;
  skipNonce?: boolean;
  /** Only with an immediate cancel-all: restricts it to one market (255 = all). */
  cancelAllMarketIndex?: number;
  /** 0 expire maker (default), 1 expire taker, 2 cancel both, 3 reduce. */
  selfTradeBehaviorMode?: number;
  /** 0 same account (default), 1 same master account. */
  selfTradeEqualityMode?: number;
}

/** Every tx: the per-(account, API key) nonce and the tx's own expiry (epoch ms, lighter-go's default is now + 10 min − 1 s). */
interface TxEnvelope {
  nonce: number;
  expiredAt: number;
  attributes?: TxAttributes;
}

export interface CreateOrderInput extends TxEnvelope {
  marketIndex: number;
  /** 0 = none, else 1 … 2^48 − 1, unique among the account's live orders. */
  clientOrderIndex: number;
  /** size × 10^size_decimals, 1 … 2^48 − 1 (0 only for reduce-only). */
  baseAmount: number;
  /** price × 10^price_decimals, 1 … 2^32 − 1; for a market order the worst acceptable average price. */
  price: number;
  isAsk: boolean;
  /** ORDER_TYPE. */
  type: number;
  /** TIME_IN_FORCE. */
  timeInForce: number;
  reduceOnly: boolean;
  /** 0 = none. */
  triggerPrice: number;
  /** Epoch ms, 0 = none (IOC and market orders). */
  orderExpiry: number;
}

export interface CancelOrderInput extends TxEnvelope {
  marketIndex: number;
  /** Client order index (< 2^48) or exchange order index (2^48 … 2^60 − 1: pass a bigint above 2^53). */
  index: number | bigint;
}

export interface CancelAllOrdersInput extends TxEnvelope {
  /** CANCEL_ALL_TIME_IN_FORCE. */
  timeInForce: number;
  /** Epoch ms of a scheduled cancel-all, else 0. */
  time: number;
}

export interface ModifyOrderInput extends TxEnvelope {
  marketIndex: number;
  index: number | bigint;
  baseAmount: number;
  price: number;
  triggerPrice: number;
}

export interface UpdateLeverageInput extends TxEnvelope {
  marketIndex: number;
  /** 1e-4 units: 10000 / leverage (500 = 20x). */
  initialMarginFraction: number;
  /** MARGIN_MODE. */
  marginMode: number;
}

export interface Signer {
  readonly accountIndex: number;
  readonly apiKeyIndex: number;
  /** 80 lowercase hex chars, no 0x, as `/api/v1/apikeys` reports it. */
  readonly publicKey: string;
  createOrder(o: CreateOrderInput): SignedTx;
  cancelOrder(o: CancelOrderInput): SignedTx;
  cancelAllOrders(o: CancelAllOrdersInput): SignedTx;
  modifyOrder(o: ModifyOrderInput): SignedTx;
  updateLeverage(o: UpdateLeverageInput): SignedTx;
  /** "{deadline}:{account}:{apiKey}:{hex sig}" for private REST/WS reads; deadline in unix seconds. */
  authToken(deadlineUnixSeconds: number): string;
}

export interface SignerOptions {
  /** 80 hex chars (40 bytes, little-endian scalar), optional 0x. */
  privateKey: string;
  accountIndex: number;
  apiKeyIndex: number;
  /** 304 mainnet, 300 testnet. */
  chainId: number;
}

// ---------------------------------------------------------------------------------------------
// Limits (lighter-go types/txtypes/constants.go).

const MAX_48 = 2 ** 48 - 1;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_ORDER_INDEX = (1n << 60n) - 1n;
const MAX_TIMESTAMP = 2 ** 48 - 1;
const MAX_ACCOUNT_INDEX = 2 ** 48 - 2;
const MAX_API_KEY_INDEX = 254;
const PERPS_MARKETS = [0, 254] as const;
const SPOT_MARKETS = [2048, 4094] as const;
const MAX_INITIAL_MARGIN_FRACTION = 10_000;

// ---------------------------------------------------------------------------------------------
// Input checks: every message names the operation, the field and the rule.

class InputError extends Error {
  constructor(op: string, field: string, rule: string) {
    super(`${op}: ${field} ${rule}`);
    this.name = "LighterSignerInputError";
  }
}

/** An integer in [min, max]: a safe-integer number, or a bigint where the field allows one. */
function integer(op: string, field: string, value: unknown, min: number | bigint, max: number | bigint): bigint {
  const ok = (typeof value === "number" && Number.isSafeInteger(value)) || typeof value === "bigint";
  const v = ok ? BigInt(value as number | bigint) : undefined;
  if (v === undefined || v < BigInt(min) || v > BigInt(max)) {
    const got = typeof value === "number" || typeof value === "bigint" ? String(value) : typeof value;
    throw new InputError(op, field, `must be an integer in ${min}..${max} (got ${got})`);
  }
  return v;
}

/** A JS number only: every field but the order index stays below 2^53. */
function safeInteger(op: string, field: string, value: unknown, min: number, max: number): bigint {
  if (typeof value === "bigint") throw new InputError(op, field, `must be a number, not a bigint`);
  return integer(op, field, value, min, max);
}

function flag(op: string, field: string, value: unknown): bigint {
  if (typeof value !== "boolean") throw new InputError(op, field, `must be a boolean (got ${typeof value})`);
  return value ? 1n : 0n;
}

function isPerpsMarket(m: bigint): boolean {
  return m >= PERPS_MARKETS[0] && m <= PERPS_MARKETS[1];
}

function marketIndex(op: string, value: unknown): bigint {
  const m = safeInteger(op, "marketIndex", value, PERPS_MARKETS[0], SPOT_MARKETS[1]);
  const isSpot = m >= SPOT_MARKETS[0] && m <= SPOT_MARKETS[1];
  if (!isPerpsMarket(m) && !isSpot) throw new InputError(op, "marketIndex", `must be a perps market (0..254) or a spot market (2048..4094) (got ${m})`);
  return m;
}

/** Client order index (1 … 2^48 − 1) or exchange order index (2^48 … 2^60 − 1). */
function orderIndex(op: string, value: unknown): bigint {
  return integer(op, "index", value, 1, MAX_ORDER_INDEX);
}

function attributeMap(op: string, a: TxAttributes | undefined): AttributeMap {
  const map = new Map<number, number>();
  if (a === undefined) return map;
  const numeric: [keyof TxAttributes, number][] = [
    ["integratorAccountIndex", ATTRIBUTE.integratorAccountIndex],
    ["integratorTakerFee", ATTRIBUTE.integratorTakerFee],
    ["integratorMakerFee", ATTRIBUTE.integratorMakerFee],
    ["cancelAllMarketIndex", ATTRIBUTE.cancelAllMarketIndex],
    ["selfTradeBehaviorMode", ATTRIBUTE.selfTradeBehaviorMode],
    ["selfTradeEqualityMode", ATTRIBUTE.selfTradeEqualityMode],
  ];
  for (const [key, type] of numeric) {
    const v = a[key];
    if (v === undefined) continue;
    if (typeof v !== "number") throw new InputError(op, `attributes.${key}`, "must be a number");
    map.set(type, v);
  }
  if (a.skipNonce !== undefined) {
    if (typeof a.skipNonce !== "boolean") throw new InputError(op, "attributes.skipNonce", "must be a boolean");
    // Go accepts only the value 1 for this attribute, so `false` means "leave it out".
    if (a.skipNonce) map.set(ATTRIBUTE.skipNonce, 1);
  }
  const problem = attributesProblem(map);
  if (problem) throw new Error(`${op}: attributes: ${problem}`);
  return new Map([...map].sort(([x], [y]) => x - y));
}

/** nonce, expiredAt and attributes, common to every tx. */
function envelope(op: string, o: TxEnvelope): Pick<TxContent, "nonce" | "expiredAt" | "attributes"> {
  return {
    nonce: safeInteger(op, "nonce", o.nonce, 0, Number.MAX_SAFE_INTEGER),
    expiredAt: safeInteger(op, "expiredAt", o.expiredAt, 0, MAX_TIMESTAMP),
    attributes: attributeMap(op, o.attributes),
  };
}

/** lighter-go `L2CreateOrderTxInfo.Validate`: the field ranges, then what each order type allows. */
function createOrderBody(o: CreateOrderInput): Record<string, bigint> {
  const op = "createOrder";
  const market = marketIndex(op, o.marketIndex);
  const reduceOnly = flag(op, "reduceOnly", o.reduceOnly);
  const body = {
    MarketIndex: market,
    ClientOrderIndex: safeInteger(op, "clientOrderIndex", o.clientOrderIndex, 0, MAX_48),
    BaseAmount: safeInteger(op, "baseAmount", o.baseAmount, 0, MAX_48),
    Price: safeInteger(op, "price", o.price, 1, MAX_UINT32),
    IsAsk: flag(op, "isAsk", o.isAsk),
    Type: safeInteger(op, "type", o.type, ORDER_TYPE.limit, ORDER_TYPE.twap),
    TimeInForce: safeInteger(op, "timeInForce", o.timeInForce, TIME_IN_FORCE.immediateOrCancel, TIME_IN_FORCE.postOnly),
    ReduceOnly: reduceOnly,
    TriggerPrice: safeInteger(op, "triggerPrice", o.triggerPrice, 0, MAX_UINT32),
    OrderExpiry: safeInteger(op, "orderExpiry", o.orderExpiry, 0, Number.MAX_SAFE_INTEGER),
  };
  if (body.BaseAmount === 0n && reduceOnly === 0n) throw new InputError(op, "baseAmount", "must be at least 1 unless reduceOnly (0 is only for reduce-only SL/TP legs)");
  if (reduceOnly === 1n && !isPerpsMarket(market)) throw new InputError(op, "reduceOnly", "is not allowed on a spot market");

  const ioc = BigInt(TIME_IN_FORCE.immediateOrCancel);
  const rule = (field: string, holds: boolean, text: string) => {
    if (!holds) throw new InputError(op, field, text);
  };
  const orderType = Number(body.Type);
  const noTrigger = body.TriggerPrice === 0n;
  const noExpiry = body.OrderExpiry === 0n;
  switch (orderType) {
    case ORDER_TYPE.market:
      rule("timeInForce", body.TimeInForce === ioc, "must be immediate-or-cancel (0) for a market order");
      rule("orderExpiry", noExpiry, "must be 0 for a market order");
      rule("triggerPrice", noTrigger, "must be 0 for a market order");
      break;
    case ORDER_TYPE.limit:
      rule("triggerPrice", noTrigger, "must be 0 for a limit order");
      if (body.TimeInForce === ioc) rule("orderExpiry", noExpiry, "must be 0 for an immediate-or-cancel limit order");
      else rule("orderExpiry", !noExpiry, "must be set (epoch ms) for a good-till-time or post-only limit order");
      break;
    case ORDER_TYPE.stopLoss:
    case ORDER_TYPE.takeProfit:
      rule("type", isPerpsMarket(market), "stop-loss/take-profit orders exist only on perps markets");
      rule("timeInForce", body.TimeInForce === ioc, "must be immediate-or-cancel (0) for a stop-loss/take-profit market order");
      rule("triggerPrice", !noTrigger, "must be set for a stop-loss/take-profit order");
      rule("orderExpiry", !noExpiry, "must be set (epoch ms) for a stop-loss/take-profit order");
      break;
    case ORDER_TYPE.stopLossLimit:
    case ORDER_TYPE.takeProfitLimit:
      rule("type", isPerpsMarket(market), "stop-loss/take-profit limit orders exist only on perps markets");
      rule("triggerPrice", !noTrigger, "must be set for a stop-loss/take-profit limit order");
      rule("orderExpiry", !noExpiry, "must be set (epoch ms) for a stop-loss/take-profit limit order");
      break;
    case ORDER_TYPE.twap:
      rule("timeInForce", body.TimeInForce === BigInt(TIME_IN_FORCE.goodTillTime), "must be good-till-time (1) for a TWAP order");
      rule("triggerPrice", noTrigger, "must be 0 for a TWAP order");
      rule("orderExpiry", !noExpiry, "must be set (epoch ms) for a TWAP order");
      break;
  }
  return body;
}

function cancelAllOrdersBody(o: CancelAllOrdersInput, attributes: AttributeMap): Record<string, bigint> {
  const op = "cancelAllOrders";
  const tif = safeInteger(op, "timeInForce", o.timeInForce, CANCEL_ALL_TIME_IN_FORCE.immediate, CANCEL_ALL_TIME_IN_FORCE.abortScheduled);
  const time = safeInteger(op, "time", o.time, 0, Number.MAX_SAFE_INTEGER);
  if (Number(tif) === CANCEL_ALL_TIME_IN_FORCE.scheduled) {
    if (time === 0n) throw new InputError(op, "time", "must be set (epoch ms) for a scheduled cancel-all");
  } else if (time !== 0n) {
    throw new InputError(op, "time", "must be 0 unless the cancel-all is scheduled (timeInForce 1)");
  }
  const market = attributes.get(ATTRIBUTE.cancelAllMarketIndex);
  if (market !== undefined && market !== 255 && Number(tif) !== CANCEL_ALL_TIME_IN_FORCE.immediate) {
    throw new InputError(op, "attributes.cancelAllMarketIndex", "is only allowed with an immediate cancel-all (timeInForce 0)");
  }
  return { TimeInForce: tif, Time: time };
}

// ---------------------------------------------------------------------------------------------
// tx_info JSON, written and read the way Go's encoding/json does for lighter-go's structs.

/**
 * Go struct order. L2TxAttributes is written only when the tx has attributes: the official WASM
 * signer the reference samples come from omits the key, newer lighter-go writes `null`, and the
 * exchange's Go decoder reads an absent key as that same nil map.
 */
function txInfoJson(tx: TxContent, sig: Uint8Array): string {
  const values: [string, bigint][] = [
    ["AccountIndex", tx.accountIndex],
    ["ApiKeyIndex", tx.apiKeyIndex],
    ...TX_BODY[tx.txType].map(({ name }): [string, bigint] => [name, tx.body[name] ?? 0n]),
    ["ExpiredAt", tx.expiredAt],
    ["Nonce", tx.nonce],
  ];
  let json = "{" + values.map(([k, v]) => `"${k}":${v}`).join(",") + `,"Sig":"${Buffer.from(sig).toString("base64")}"`;
  if (tx.attributes.size > 0) {
    // Go sorts map keys by their text; for the single-digit types 1..7 that is numeric order.
    const entries = [...tx.attributes].map(([k, v]) => [String(k), v] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    json += `,"L2TxAttributes":{` + entries.map(([k, v]) => `"${k}":${v}`).join(",") + "}";
  }
  return json + "}";
}

type JsonValue = { kind: "int"; value: bigint } | { kind: "string"; value: string } | { kind: "null" } | { kind: "object"; entries: [string, JsonValue][] };

/**
 * A strict reader for tx_info: one object of integers, strings, null and (for L2TxAttributes) one
 * nested object. JSON.parse is no use here: it rounds integers above 2^53, and order indices go to 2^60.
 */
function parseJsonObject(text: string): [string, JsonValue][] {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`tx_info is not valid JSON: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) fail(`expected '${c}'`);
    i++;
  };
  const string = (): string => {
    expect('"');
    let out = "";
    for (;;) {
      const c = text[i++];
      if (c === undefined) return fail("unterminated string");
      if (c === '"') return out;
      if (c < " ") fail("control character in string");
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else fail("bad escape");
    }
  };
  const value = (depth: number): JsonValue => {
    ws();
    const c = text[i];
    if (c === '"') return { kind: "string", value: string() };
    if (c === "{") {
      if (depth > 0) fail("nested object too deep");
      return { kind: "object", entries: object(depth + 1) };
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return { kind: "null" };
    }
    const m = /^-?(0|[1-9][0-9]*)([.eE][-+0-9.eE]*)?/.exec(text.slice(i, i + 40));
    if (!m) return fail("unexpected value");
    if (m[2]) fail("number is not an integer");
    i += m[0].length;
    return { kind: "int", value: BigInt(m[0]) };
  };
  const object = (depth: number): [string, JsonValue][] => {
    expect("{");
    const entries: [string, JsonValue][] = [];
    ws();
    if (text[i] === "}") {
      i++;
      return entries;
    }
    for (;;) {
      const key = string();
      if (entries.some(([k]) => k === key)) fail(`duplicate key "${key}"`);
      expect(":");
      entries.push([key, value(depth)]);
      ws();
      if (text[i] === ",") {
        i++;
        ws();
        continue;
      }
      expect("}");
      return entries;
    }
  };
  const top = object(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return top;
}

/** The tx as the exchange would decode it: exactly the struct's keys, each integer within its Go type. */
function txFromJson(txType: TxType, txInfo: string): { tx: TxContent; sig: Uint8Array } {
  const entries = new Map(parseJsonObject(txInfo));
  const fields: FieldSpec[] = [...LEADING_FIELDS, ...TX_BODY[txType], ...TRAILING_FIELDS];
  const known = new Set([...fields.map((f) => f.name), "Sig", "L2TxAttributes"]);
  for (const key of entries.keys()) if (!known.has(key)) throw new Error(`unexpected field "${key}" for tx type ${txType}`);

  const ints: Record<string, bigint> = {};
  for (const { name, type } of fields) {
    const v = entries.get(name);
    if (v?.kind !== "int") throw new Error(`${name}: missing or not an integer`);
    const [min, max] = GO_INT_RANGE[type];
    if (v.value < min || v.value > max) throw new Error(`${name}: ${v.value} does not fit Go's ${type}`);
    ints[name] = v.value;
  }

  const sigValue = entries.get("Sig");
  if (sigValue?.kind !== "string") throw new Error("Sig: missing or not a base64 string");
  const sig = Buffer.from(sigValue.value, "base64");
  if (sig.toString("base64") !== sigValue.value || sig.length !== Schnorr.SIGNATURE_BYTES) throw new Error(`Sig: must be standard base64 of ${Schnorr.SIGNATURE_BYTES} bytes`);

  const attributes = new Map<number, number>();
  const attrValue = entries.get("L2TxAttributes");
  if (attrValue?.kind === "object") {
    for (const [key, v] of attrValue.entries) {
      if (!/^[0-9]{1,3}$/.test(key) || Number(key) > 255) throw new Error(`L2TxAttributes: key "${key}" is not a uint8`);
      if (v.kind !== "int" || v.value < GO_INT_RANGE.int64[0] || v.value > GO_INT_RANGE.int64[1]) throw new Error(`L2TxAttributes: value of "${key}" is not an integer`);
      if (attributes.has(Number(key))) throw new Error(`L2TxAttributes: duplicate key "${key}"`);
      attributes.set(Number(key), Number(v.value));
    }
    const problem = attributesProblem(attributes);
    if (problem) throw new Error(`L2TxAttributes: ${problem}`);
  } else if (attrValue !== undefined && attrValue.kind !== "null") {
    throw new Error("L2TxAttributes: must be an object or null");
  }

  const { AccountIndex, ApiKeyIndex, ExpiredAt, Nonce, ...body } = ints;
  return { tx: { txType, accountIndex: AccountIndex!, apiKeyIndex: ApiKeyIndex!, body, expiredAt: ExpiredAt!, nonce: Nonce!, attributes }, sig };
}

// ---------------------------------------------------------------------------------------------
// Keys.

const HEX_80 = /^(?:0x)?([0-9a-fA-F]{80})$/;

/** Never echoes the input: a malformed key must not end up in a log through the error. */
function privateScalar(privateKeyHex: string): bigint {
  const m = typeof privateKeyHex === "string" ? HEX_80.exec(privateKeyHex) : null;
  if (!m) throw new Error("privateKey: must be 80 hex characters (40 bytes), optionally 0x-prefixed");
  const s = Curve.scalarFromBytesLE(Buffer.from(m[1]!, "hex"));
  if (s === undefined || s === 0n) throw new Error("privateKey: must encode a non-zero scalar below the ECgFp5 group order");
  return s;
}

function publicKeyElement(publicKeyHex: string): Fp5Element | undefined {
  const m = typeof publicKeyHex === "string" ? HEX_80.exec(publicKeyHex) : null;
  return m ? Fp5.fromBytesLE(Buffer.from(m[1]!, "hex")) : undefined;
}

function hex(e: Fp5Element): string {
  return Buffer.from(Fp5.toBytesLE(e)).toString("hex");
}

export function publicKeyOf(privateKeyHex: string): string {
  return hex(Schnorr.publicKeyFromScalar(privateScalar(privateKeyHex)));
}

/** lighter-go `ConstructAuthToken`: the text's bytes, 8 per element, hashed with Poseidon2. */
function authMessageHash(message: string): Fp5Element {
  return hashToQuinticExtension(bytesToElements(new TextEncoder().encode(message)));
}

// ---------------------------------------------------------------------------------------------
// The public API.

function chainIdOf(op: string, chainId: number): number {
  return Number(safeInteger(op, "chainId", chainId, 0, MAX_UINT32));
}

export function createSigner(opts: SignerOptions): Signer {
  const op = "createSigner";
  const sk = privateScalar(opts.privateKey);
  const accountIndex = safeInteger(op, "accountIndex", opts.accountIndex, -1, MAX_ACCOUNT_INDEX);
  const apiKeyIndex = safeInteger(op, "apiKeyIndex", opts.apiKeyIndex, 0, MAX_API_KEY_INDEX);
  const chainId = chainIdOf(op, opts.chainId);
  const publicKey = hex(Schnorr.publicKeyFromScalar(sk));

  const signTx = (txType: TxType, body: Record<string, bigint>, common: Pick<TxContent, "nonce" | "expiredAt" | "attributes">): SignedTx => {
    const tx: TxContent = { txType, accountIndex, apiKeyIndex, body, ...common };
    const hash = txMessageHash(chainId, tx);
    return { txType, txInfo: txInfoJson(tx, Schnorr.sign(hash, sk)), txHash: hex(hash) };
  };

  return Object.freeze({
    accountIndex: Number(accountIndex),
    apiKeyIndex: Number(apiKeyIndex),
    publicKey,
    createOrder(o: CreateOrderInput): SignedTx {
      return signTx(TX_TYPE.createOrder, createOrderBody(o), envelope("createOrder", o));
    },
    cancelOrder(o: CancelOrderInput): SignedTx {
      const op = "cancelOrder";
      return signTx(TX_TYPE.cancelOrder, { MarketIndex: marketIndex(op, o.marketIndex), Index: orderIndex(op, o.index) }, envelope(op, o));
    },
    cancelAllOrders(o: CancelAllOrdersInput): SignedTx {
      const common = envelope("cancelAllOrders", o);
      return signTx(TX_TYPE.cancelAllOrders, cancelAllOrdersBody(o, common.attributes), common);
    },
    modifyOrder(o: ModifyOrderInput): SignedTx {
      const op = "modifyOrder";
      const body = {
        MarketIndex: marketIndex(op, o.marketIndex),
        Index: orderIndex(op, o.index),
        BaseAmount: safeInteger(op, "baseAmount", o.baseAmount, 0, MAX_48),
        Price: safeInteger(op, "price", o.price, 1, MAX_UINT32),
        TriggerPrice: safeInteger(op, "triggerPrice", o.triggerPrice, 0, MAX_UINT32),
      };
      return signTx(TX_TYPE.modifyOrder, body, envelope(op, o));
    },
    updateLeverage(o: UpdateLeverageInput): SignedTx {
      const op = "updateLeverage";
      const body = {
        MarketIndex: marketIndex(op, o.marketIndex),
        InitialMarginFraction: safeInteger(op, "initialMarginFraction", o.initialMarginFraction, 1, MAX_INITIAL_MARGIN_FRACTION),
        MarginMode: safeInteger(op, "marginMode", o.marginMode, MARGIN_MODE.cross, MARGIN_MODE.isolated),
      };
      return signTx(TX_TYPE.updateLeverage, body, envelope(op, o));
    },
    authToken(deadlineUnixSeconds: number): string {
      const deadline = safeInteger("authToken", "deadlineUnixSeconds", deadlineUnixSeconds, 0, Number.MAX_SAFE_INTEGER);
      const message = `${deadline}:${accountIndex}:${apiKeyIndex}`;
      return `${message}:${Buffer.from(Schnorr.sign(authMessageHash(message), sk)).toString("hex")}`;
    },
  });
}

/**
 * For a fake exchange: decodes tx_info as Lighter would, recomputes the tx hash on `chainId` and
 * checks Sig against the API key's public key. Field ranges are checked only as far as Go's integer
 * types go; order rules (§4: price > 0, expiry windows, …) are the exchange's to answer with its
 * own error codes.
 */
export function verifyTx(txType: number, txInfo: string, chainId: number, publicKeyHex: string): { ok: true; txHash: string } | { ok: false; reason: string } {
  if (!isSupportedTxType(txType)) return { ok: false, reason: `unsupported tx type ${txType} (supported: ${Object.values(TX_TYPE).join(", ")})` };
  if (!Number.isSafeInteger(chainId) || chainId < 0 || chainId > MAX_UINT32) return { ok: false, reason: "chainId must be a uint32" };
  const publicKey = publicKeyElement(publicKeyHex);
  if (!publicKey) return { ok: false, reason: "public key must be 80 hex characters encoding a GF(p^5) element" };
  let decoded: ReturnType<typeof txFromJson>;
  try {
    decoded = txFromJson(txType, txInfo);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const hash = txMessageHash(chainId, decoded.tx);
  if (!Schnorr.verify(publicKey, hash, decoded.sig)) return { ok: false, reason: "invalid signature" };
  return { ok: true, txHash: hex(hash) };
}

const AUTH_TOKEN = /^(-?[0-9]+:-?[0-9]+:[0-9]+):([0-9a-fA-F]{160})$/;

/** True when `token` ("{deadline}:{account}:{apiKey}:{hex sig}") is signed by `publicKeyHex`; the deadline itself is not judged here. */
export function verifyAuthToken(token: string, publicKeyHex: string): boolean {
  const m = typeof token === "string" ? AUTH_TOKEN.exec(token) : null;
  const publicKey = publicKeyElement(publicKeyHex);
  if (!m || !publicKey) return false;
  return Schnorr.verify(publicKey, authMessageHash(m[1]!), Buffer.from(m[2]!, "hex"));
}
