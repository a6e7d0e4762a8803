import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { verifyTypedData, type Address, type Hex } from "viem";
import { ClobError } from "./errors.js";

/**
 * CLOB authentication as clob-client-v2 produces it (src/headers, src/signing):
 *   L1: POLY_ADDRESS, POLY_SIGNATURE (EIP-712 `ClobAuth` in domain {name "ClobAuthDomain",
 *       version "1", chainId}), POLY_TIMESTAMP, POLY_NONCE — to create or derive API keys;
 *   L2: POLY_ADDRESS, POLY_SIGNATURE = url-safe base64 (with "=") HMAC-SHA256 over
 *       `timestamp + method + requestPath + body` keyed by the base64 secret, POLY_TIMESTAMP,
 *       POLY_API_KEY, POLY_PASSPHRASE — on every private route. requestPath is the path without
 *       the query string (the SDK signs the endpoint constant only).
 */

export const CLOB_AUTH_MESSAGE = "This message attests that I control the given wallet";

export interface ApiCreds {
  key: string;
  secret: string;
  passphrase: string;
}

export interface ApiKeyRecord extends ApiCreds {
  /** Lower-case address of the key's owner (the L1 signer). */
  address: string;
  nonce: bigint;
}

export type Headers = Record<string, string | undefined>;

/** Unverified: the fake does not check POLY_TIMESTAMP freshness (the real server's window is not documented). */
export class Auth {
  private readonly byKey = new Map<string, ApiKeyRecord>();
  private readonly byAddressNonce = new Map<string, ApiKeyRecord>();

  constructor(private readonly chainId: number) {}

  /** Checks the L1 headers; answers the signer's lower-case address and nonce. */
  async verifyL1(headers: Headers): Promise<{ address: string; nonce: bigint }> {
    const address = headers["poly_address"];
    const signature = headers["poly_signature"];
    const timestamp = headers["poly_timestamp"];
    const nonceText = headers["poly_nonce"] ?? "0";
    if (!address || !signature || !timestamp || !/^0x[0-9a-fA-F]{40}$/.test(address) || !/^\d+$/.test(nonceText)) throw ClobError.l1();
    const nonce = BigInt(nonceText);
    let ok = false;
    try {
      ok = await verifyTypedData({
        address: address as Address,
        domain: { name: "ClobAuthDomain", version: "1", chainId: this.chainId },
        types: {
          ClobAuth: [
            { name: "address", type: "address" },
            { name: "timestamp", type: "string" },
            { name: "nonce", type: "uint256" },
            { name: "message", type: "string" },
          ],
        },
        primaryType: "ClobAuth",
        message: { address: address as Address, timestamp, nonce, message: CLOB_AUTH_MESSAGE },
        signature: signature as Hex,
      });
    } catch {
      ok = false;
    }
    if (!ok) throw ClobError.l1();
    return { address: address.toLowerCase(), nonce };
  }

  /** POST /auth/api-key: one key per (address, nonce); a second create fails as on the real server. */
  create(address: string, nonce: bigint): ApiKeyRecord {
    const id = `${address}:${nonce}`;
    if (this.byAddressNonce.has(id)) throw new ClobError(400, "Could not create api key");
    const record: ApiKeyRecord = {
      key: randomUUID(),
      secret: randomBytes(32).toString("base64url") + "=",
      passphrase: randomBytes(32).toString("hex"),
      address,
      nonce,
    };
    this.byAddressNonce.set(id, record);
    this.byKey.set(record.key, record);
    return record;
  }

  /** GET /auth/derive-api-key: the key created earlier with that nonce. */
  derive(address: string, nonce: bigint): ApiKeyRecord {
    const record = this.byAddressNonce.get(`${address}:${nonce}`);
    if (!record) throw new ClobError(400, "Could not derive api key!");
    return record;
  }

  keysOf(address: string): ApiKeyRecord[] {
    return [...this.byKey.values()].filter((r) => r.address === address);
  }

  revoke(key: string): void {
    const r = this.byKey.get(key);
    if (!r) return;
    this.byKey.delete(key);
    this.byAddressNonce.delete(`${r.address}:${r.nonce}`);
  }

  /** Checks the L2 headers against the raw request; answers the key. 401 otherwise. */
  verifyL2(headers: Headers, method: string, path: string, body: string): ApiKeyRecord {
    const key = headers["poly_api_key"];
    const record = key ? this.byKey.get(key) : undefined;
    const signature = headers["poly_signature"];
    const timestamp = headers["poly_timestamp"];
    if (!record || !signature || !timestamp) throw ClobError.unauthorized();
    if (headers["poly_passphrase"] !== record.passphrase) throw ClobError.unauthorized();
    if ((headers["poly_address"] ?? "").toLowerCase() !== record.address) throw ClobError.unauthorized();
    const expected = hmacSignature(record.secret, timestamp, method, path, body);
    if (!safeEqual(expected, signature)) throw ClobError.unauthorized();
    return record;
  }

  /** The user WebSocket's auth: the three credentials must belong together. */
  checkCreds(creds: Partial<ApiCreds>): ApiKeyRecord | undefined {
    const record = creds.key ? this.byKey.get(creds.key) : undefined;
    if (!record || record.secret !== creds.secret || record.passphrase !== creds.passphrase) return undefined;
    return record;
  }
}

export function hmacSignature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  const digest = createHmac("sha256", key).update(`${timestamp}${method}${path}${body}`).digest("base64");
  return digest.replace(/\+/g, "-").replace(/\//g, "_");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
