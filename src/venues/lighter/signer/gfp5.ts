import * as F from "./goldilocks.js";

/**
 * GF(p^5) = GF(p)[X]/(X^5 − 3), p the Goldilocks prime: the field the ECgFp5 curve lives in and the
 * shape of every Lighter hash (a "quintic extension" element, 40 bytes little-endian). Transcribed
 * from elliottech/poseidon_crypto `field/goldilocks_quintic_extension`.
 *
 * An element is five canonical limbs [c0..c4] meaning c0 + c1·X + … + c4·X^4.
 */
export type Fp5 = readonly [bigint, bigint, bigint, bigint, bigint];

export const FP5_BYTES = 5 * F.ELEMENT_BYTES;

/** X^5 = W. */
const W = 3n;
/** W^((p−1)/5): X^p = DTH_ROOT·X, which makes the Frobenius map a limb-wise scaling. */
const DTH_ROOT = 1041288259238279555n;

export const ZERO: Fp5 = [0n, 0n, 0n, 0n, 0n];
export const ONE: Fp5 = [1n, 0n, 0n, 0n, 0n];

export function fromBase(c: bigint): Fp5 {
  return [c, 0n, 0n, 0n, 0n];
}

export function isZero(a: Fp5): boolean {
  return a[0] === 0n && a[1] === 0n && a[2] === 0n && a[3] === 0n && a[4] === 0n;
}

export function equals(a: Fp5, b: Fp5): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4];
}

export function add(a: Fp5, b: Fp5): Fp5 {
  return [F.add(a[0], b[0]), F.add(a[1], b[1]), F.add(a[2], b[2]), F.add(a[3], b[3]), F.add(a[4], b[4])];
}

export function sub(a: Fp5, b: Fp5): Fp5 {
  return [F.sub(a[0], b[0]), F.sub(a[1], b[1]), F.sub(a[2], b[2]), F.sub(a[3], b[3]), F.sub(a[4], b[4])];
}

export function neg(a: Fp5): Fp5 {
  return [F.neg(a[0]), F.neg(a[1]), F.neg(a[2]), F.neg(a[3]), F.neg(a[4])];
}

export function double(a: Fp5): Fp5 {
  return add(a, a);
}

export function scale(a: Fp5, c: bigint): Fp5 {
  return [F.mul(a[0], c), F.mul(a[1], c), F.mul(a[2], c), F.mul(a[3], c), F.mul(a[4], c)];
}

/**
 * Schoolbook product with X^5 folded back as 3. The sums of raw 128-bit products are reduced once
 * per limb: bigint division is the expensive step, and one signature costs thousands of these products.
 */
export function mul(a: Fp5, b: Fp5): Fp5 {
  const [a0, a1, a2, a3, a4] = a;
  const [b0, b1, b2, b3, b4] = b;
  return [
    (a0 * b0 + W * (a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1)) % F.P,
    (a0 * b1 + a1 * b0 + W * (a2 * b4 + a3 * b3 + a4 * b2)) % F.P,
    (a0 * b2 + a1 * b1 + a2 * b0 + W * (a3 * b4 + a4 * b3)) % F.P,
    (a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + W * a4 * b4) % F.P,
    (a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0) % F.P,
  ];
}

/** a², with the symmetric cross products computed once. */
export function square(a: Fp5): Fp5 {
  const [a0, a1, a2, a3, a4] = a;
  return [
    (a0 * a0 + 2n * W * (a1 * a4 + a2 * a3)) % F.P,
    (2n * a0 * a1 + W * (2n * a2 * a4 + a3 * a3)) % F.P,
    (2n * a0 * a2 + a1 * a1 + 2n * W * a3 * a4) % F.P,
    (2n * (a0 * a3 + a1 * a2) + W * a4 * a4) % F.P,
    (2n * (a0 * a4 + a1 * a3) + a2 * a2) % F.P,
  ];
}

export function powerOfTwoPower(a: Fp5, n: number): Fp5 {
  let r = a;
  for (let i = 0; i < n; i++) r = square(r);
  return r;
}

/** FROBENIUS_FACTORS[c][i] = (DTH_ROOT^c)^i, computed once. */
const FROBENIUS_FACTORS: readonly Fp5[] = [0, 1, 2, 3, 4].map((c) => {
  const z = F.pow(DTH_ROOT, BigInt(c));
  return [1n, z, F.pow(z, 2n), F.pow(z, 3n), F.pow(z, 4n)] as const;
});

/** a^(p^count): limb i is multiplied by (DTH_ROOT^count)^i. */
export function frobenius(a: Fp5, count = 1): Fp5 {
  const z = FROBENIUS_FACTORS[count % 5] ?? ONE;
  return [a[0], F.mul(a[1], z[1]), F.mul(a[2], z[2]), F.mul(a[3], z[3]), F.mul(a[4], z[4])];
}

/**
 * The base-field component of a·f where f = a^(p+p²+p³+p⁴): that product is the norm of a, which
 * lies in GF(p), so only its constant limb needs computing.
 */
function constantLimbOfProduct(a: Fp5, f: Fp5): bigint {
  return (a[0] * f[0] + W * (a[1] * f[4] + a[2] * f[3] + a[3] * f[2] + a[4] * f[1])) % F.P;
}

/** 1/a (0 for 0): a^-1 = a^(p+…+p⁴) / norm(a), the norm being a base-field element. */
export function inverseOrZero(a: Fp5): Fp5 {
  if (isZero(a)) return ZERO;
  const d = frobenius(a);
  const e = mul(d, frobenius(d));
  const f = mul(e, frobenius(e, 2));
  return scale(f, F.inverseOrZero(constantLimbOfProduct(a, f)));
}

/** Legendre symbol of a in GF(p^5), which equals that of its norm in GF(p): 1, p − 1 or 0. */
export function legendre(a: Fp5): bigint {
  const f1 = frobenius(a);
  const f2 = frobenius(f1);
  const f1f2 = mul(f1, f2);
  const norm = mul(mul(a, f1f2), frobenius(f1f2, 2))[0];
  return F.legendre(norm);
}

/** A square root of x, or undefined when x is not a square (Go's `Sqrt`, same root chosen). */
export function sqrt(x: Fp5): Fp5 | undefined {
  const v = powerOfTwoPower(x, 31);
  const d = mul(mul(x, powerOfTwoPower(v, 32)), inverseOrZero(v));
  const e = frobenius(mul(d, frobenius(d, 2)));
  const f = square(e);
  const s = F.sqrt(constantLimbOfProduct(x, f));
  if (s === undefined) return undefined;
  return scale(inverseOrZero(e), s);
}

/**
 * Go's sign convention for picking one of the two roots: true when the first non-zero limb is even,
 * or when the leading limbs up to it are zero and even (transcribed literally, quirks included).
 */
export function sgn0(x: Fp5): boolean {
  let sign = false;
  let zero = true;
  for (const limb of x) {
    sign = sign || (zero && (limb & 1n) === 0n);
    zero = zero && limb === 0n;
  }
  return sign;
}

/** The square root Go's `CanonicalSqrt` returns, so decoding picks the same point. */
export function canonicalSqrt(x: Fp5): Fp5 | undefined {
  const r = sqrt(x);
  if (r === undefined) return undefined;
  return sgn0(r) ? neg(r) : r;
}

export function toBytesLE(a: Fp5): Uint8Array {
  const out = new Uint8Array(FP5_BYTES);
  a.forEach((limb, i) => F.writeUint64LE(limb, out, i * F.ELEMENT_BYTES));
  return out;
}

/** The 40-byte little-endian form; undefined when the length is wrong or a limb is not below p. */
export function fromBytesLE(bytes: Uint8Array): Fp5 | undefined {
  if (bytes.length !== FP5_BYTES) return undefined;
  const limbs: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const limb = F.readUint64LE(bytes, i * F.ELEMENT_BYTES);
    if (limb >= F.P) return undefined;
    limbs.push(limb);
  }
  return limbs as unknown as Fp5;
}
