import * as Curve from "./ecgfp5.js";
import type { Fp5 as Fp5Element } from "./gfp5.js";
import { hashToQuinticExtension } from "./poseidon2.js";

/**
 * Schnorr signatures over ECgFp5 with Poseidon2 as the challenge hash, as
 * elliottech/poseidon_crypto `signature/schnorr` (what lighter-go signs with):
 *
 *   r = encode(k·G), e = H(r ‖ m) mod n, s = k − e·sk mod n, signature = s (40 B LE) ‖ e (40 B LE)
 *   valid iff H(encode(s·G + e·pk) ‖ m) mod n = e
 *
 * m is the already-hashed message (one GF(p^5) element); the public key is encode(sk·G).
 */

export const SIGNATURE_BYTES = 2 * Curve.SCALAR_BYTES;

export function publicKeyFromScalar(sk: bigint): Fp5Element {
  return Curve.encode(Curve.multiplyGenerator(sk));
}

function challenge(r: Fp5Element, hashedMessage: Fp5Element): bigint {
  return Curve.scalarFromFp5(hashToQuinticExtension([...r, ...hashedMessage]));
}

/**
 * Signs with the nonce k given. Only for known-answer tests: reusing or predicting k reveals the
 * private key, so production code goes through `sign`, which draws k from the OS.
 */
export function signWithNonce(hashedMessage: Fp5Element, sk: bigint, k: bigint): Uint8Array {
  const e = challenge(Curve.encode(Curve.multiplyGenerator(k)), hashedMessage);
  const s = Curve.scalarSub(k, Curve.scalarMul(e, sk));
  const out = new Uint8Array(SIGNATURE_BYTES);
  out.set(Curve.scalarToBytesLE(s), 0);
  out.set(Curve.scalarToBytesLE(e), Curve.SCALAR_BYTES);
  return out;
}

/** A fresh signature: k comes from `node:crypto` randomBytes, so two signatures of one message differ. */
export function sign(hashedMessage: Fp5Element, sk: bigint): Uint8Array {
  return signWithNonce(hashedMessage, sk, Curve.randomScalar());
}

/**
 * True when `signature` is valid for `hashedMessage` under `publicKey`. Stricter than Go, which now
 * reduces s and e modulo n: a scalar at or above n is rejected here, so one signature has one
 * byte form (our signer never produces another).
 */
export function verify(publicKey: Fp5Element, hashedMessage: Fp5Element, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  const s = Curve.scalarFromBytesLE(signature.subarray(0, Curve.SCALAR_BYTES));
  const e = Curve.scalarFromBytesLE(signature.subarray(Curve.SCALAR_BYTES));
  if (s === undefined || e === undefined) return false;
  const pk = Curve.decode(publicKey);
  if (pk === undefined) return false;
  const r = Curve.add(Curve.multiplyGenerator(s), Curve.multiply(pk, e));
  return challenge(Curve.encode(r), hashedMessage) === e;
}
