/**
 * The Goldilocks prime field, p = 2^64 − 2^32 + 1: the base field of Lighter's Poseidon2 hash and
 * of the ECgFp5 curve (transcribed from elliottech/poseidon_crypto `field/goldilocks`).
 *
 * Elements are canonical bigints in [0, p). Every function returns a canonical value, so callers
 * can compare with `===` and serialise without a final reduction.
 */

export const P = 0xffff_ffff_0000_0001n;

/** Bytes of one element in Lighter's little-endian encodings. */
export const ELEMENT_BYTES = 8;

/** Generator of the subgroup of order 2^32 (p − 1 = 2^32 · (2^32 − 1)), used by the square root. */
const TWO_ADIC_GENERATOR = 7277203076849721926n;
const TWO_ADICITY = 32;

/**
 * Go writes `g.GoldilocksField(int64Value)`: the 64-bit two's complement pattern read as an
 * unsigned integer, then reduced. So −1 becomes 2^64 − 1 ≡ 2^32 − 2, not p − 1.
 */
export function fromInt64(x: bigint): bigint {
  return BigInt.asUintN(64, x) % P;
}

export function add(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + P : d;
}

export function neg(a: bigint): bigint {
  return a === 0n ? 0n : P - a;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % P;
}

export function square(a: bigint): bigint {
  return (a * a) % P;
}

export function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

/** a^(2^n): n squarings. */
export function powerOfTwoPower(a: bigint, n: number): bigint {
  let r = a;
  for (let i = 0; i < n; i++) r = (r * r) % P;
  return r;
}

/** 1/a, and 0 for a = 0 (Fermat: a^(p−2)), as Go's `InverseOrZero`. */
export function inverseOrZero(a: bigint): bigint {
  return a === 0n ? 0n : pow(a, P - 2n);
}

/** Euler's criterion: 1 for a non-zero square, p − 1 for a non-square, 0 for zero. */
export function legendre(a: bigint): bigint {
  return pow(a, (P - 1n) / 2n);
}

/** A square root of a (Tonelli–Shanks, as Go's `SqrtF`), or undefined when a is not a square. */
export function sqrt(a: bigint): bigint | undefined {
  if (a === 0n) return 0n;
  if (legendre(a) !== 1n) return undefined;
  const oddPart = (P - 1n) >> BigInt(TWO_ADICITY);
  let z = TWO_ADIC_GENERATOR;
  let w = pow(a, (oddPart - 1n) / 2n);
  let x = mul(a, w);
  let b = mul(x, w);
  let v = TWO_ADICITY;
  while (b !== 1n) {
    let k = 0;
    for (let b2k = b; b2k !== 1n; b2k = square(b2k)) k++;
    w = powerOfTwoPower(z, v - k - 1);
    z = square(w);
    b = mul(b, z);
    x = mul(x, w);
    v = k;
  }
  return x;
}

/** Little-endian 8-byte value at `offset`, not reduced (callers decide what non-canonical means). */
export function readUint64LE(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = ELEMENT_BYTES - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i] ?? 0);
  return v;
}

export function writeUint64LE(value: bigint, out: Uint8Array, offset: number): void {
  let v = value;
  for (let i = 0; i < ELEMENT_BYTES; i++) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
