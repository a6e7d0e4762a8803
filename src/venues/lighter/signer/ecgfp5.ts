import { randomBytes } from "node:crypto";
import * as Fp5 from "./gfp5.js";
import type { Fp5 as Fp5Element } from "./gfp5.js";
import { P, readUint64LE, writeUint64LE } from "./goldilocks.js";

/**
 * The ECgFp5 curve (Pornin 2022, https://github.com/pornin/ecgfp5): y² = x(x² + a·x + b) over
 * GF(p^5) with a = 2, b = 263·X, as used by Lighter's API keys. Transcribed from
 * elliottech/poseidon_crypto `curve/ecgfp5`.
 *
 * The group has prime order n (no cofactor), its neutral element is the order-2 point N = (0, 0)
 * and the group law is P ⊕ Q = P + Q + N, which the complete formulas below already implement.
 * Every group element has exactly one 40-byte encoding w = y/x (the neutral encodes as 0).
 */

/** Fractional (x, u) coordinates: x = X/Z, u = x/y = U/T. The neutral has u = 0. */
export interface Point {
  readonly x: Fp5Element;
  readonly z: Fp5Element;
  readonly u: Fp5Element;
  readonly t: Fp5Element;
}

const A: Fp5Element = [2n, 0n, 0n, 0n, 0n];
const B1 = 263n;
const B_MUL4: Fp5Element = [0n, 4n * B1, 0n, 0n, 0n];
/** 1/2 in GF(p). */
const HALF = (P + 1n) / 2n;

/**
 * c·b·e for the curve's b = 263·X: multiplying by X only rotates the limbs (X^5 = 3), so this
 * costs five small products instead of a full GF(p^5) multiplication.
 */
function timesB(e: Fp5Element, c: bigint): Fp5Element {
  const k = B1 * c;
  return [(3n * k * e[4]) % P, (k * e[0]) % P, (k * e[1]) % P, (k * e[2]) % P, (k * e[3]) % P];
}

export const NEUTRAL: Point = { x: Fp5.ZERO, z: Fp5.ONE, u: Fp5.ZERO, t: Fp5.ONE };

/** The conventional generator; it encodes as w = 4. */
export const GENERATOR: Point = {
  x: [12883135586176881569n, 4356519642755055268n, 5248930565894896907n, 2165973894480315022n, 2448410071095648785n],
  z: Fp5.ONE,
  u: Fp5.ONE,
  t: [4n, 0n, 0n, 0n, 0n],
};

/** Complete addition (10 multiplications): no special case for equal points or the neutral. */
export function add(p: Point, q: Point): Point {
  const t1 = Fp5.mul(p.x, q.x);
  const t2 = Fp5.mul(p.z, q.z);
  const t3 = Fp5.mul(p.u, q.u);
  const t4 = Fp5.mul(p.t, q.t);
  const t5 = Fp5.sub(Fp5.mul(Fp5.add(p.x, p.z), Fp5.add(q.x, q.z)), Fp5.add(t1, t2));
  const t6 = Fp5.sub(Fp5.mul(Fp5.add(p.u, p.t), Fp5.add(q.u, q.t)), Fp5.add(t3, t4));
  const t7 = Fp5.add(t1, timesB(t2, 1n));
  const t8 = Fp5.mul(t4, t7);
  const t9 = Fp5.mul(t3, Fp5.add(timesB(t5, 2n), Fp5.double(t7)));
  const t10 = Fp5.mul(Fp5.add(t4, Fp5.double(t3)), Fp5.add(t5, t7));
  return {
    x: timesB(Fp5.sub(t10, t8), 1n),
    z: Fp5.sub(t8, t9),
    u: Fp5.mul(t6, Fp5.sub(timesB(t2, 1n), t1)),
    t: Fp5.add(t8, t9),
  };
}

/** Doubling (4 multiplications + 5 squarings). */
export function double(p: Point): Point {
  const t1 = Fp5.mul(p.z, p.t);
  const t2 = Fp5.mul(t1, p.t);
  const x1 = Fp5.square(t2);
  const z1 = Fp5.mul(t1, p.u);
  const t3 = Fp5.square(p.u);
  const w1 = Fp5.sub(t2, Fp5.mul(t3, Fp5.double(Fp5.add(p.x, p.z))));
  const t4 = Fp5.square(z1);
  const z = Fp5.square(w1);
  return {
    x: timesB(t4, 4n),
    z,
    u: Fp5.sub(Fp5.square(Fp5.add(w1, z1)), Fp5.add(t4, z)),
    t: Fp5.sub(Fp5.double(x1), Fp5.add(Fp5.scale(t4, 4n), z)),
  };
}

export function negate(p: Point): Point {
  return { ...p, u: Fp5.neg(p.u) };
}

/** Same group element (u/t is injective on the group, x/y being the encoding's inverse). */
export function equals(p: Point, q: Point): boolean {
  return Fp5.equals(Fp5.mul(p.u, q.t), Fp5.mul(q.u, p.t));
}

/** The encoding w = t/u = y/x, one GF(p^5) element (0 for the neutral). */
export function encode(p: Point): Fp5Element {
  return Fp5.mul(p.t, Fp5.inverseOrZero(p.u));
}

/**
 * The point encoded by w, or undefined when w encodes none. From w = y/x the curve equation gives
 * x² − (w² − a)·x + b = 0; of its two roots exactly one is not a square, and that is the x kept.
 */
export function decode(w: Fp5Element): Point | undefined {
  if (Fp5.isZero(w)) return NEUTRAL;
  const e = Fp5.sub(Fp5.square(w), A);
  const delta = Fp5.sub(Fp5.square(e), B_MUL4);
  const r = Fp5.canonicalSqrt(delta);
  if (r === undefined) return undefined;
  const x1 = Fp5.scale(Fp5.add(e, r), HALF);
  const x2 = Fp5.scale(Fp5.sub(e, r), HALF);
  const x = Fp5.legendre(x1) === 1n ? x2 : x1;
  return { x, z: Fp5.ONE, u: Fp5.ONE, t: w };
}

// ---------------------------------------------------------------------------------------------
// The scalar field: integers modulo the (prime) group order n ≈ 2^319.

export const ORDER = 1067993516717146951041484916571792702745057740581727230159139685185762082554198619328292418486241n;
export const SCALAR_BYTES = 40;

const WINDOW_BITS = 4;
const WINDOWS = 80; // 80 × 4 bits = 320 ≥ bit length of n

/** A scalar from 40 little-endian bytes; undefined when the value is not below n. */
export function scalarFromBytesLE(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== SCALAR_BYTES) return undefined;
  let v = 0n;
  for (let i = SCALAR_BYTES / 8 - 1; i >= 0; i--) v = (v << 64n) | readUint64LE(bytes, i * 8);
  return v < ORDER ? v : undefined;
}

export function scalarToBytesLE(s: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_BYTES);
  let v = s;
  for (let i = 0; i < SCALAR_BYTES / 8; i++) {
    writeUint64LE(v & 0xffff_ffff_ffff_ffffn, out, i * 8);
    v >>= 64n;
  }
  return out;
}

/** Go's `FromGfp5`: the five limbs as one 320-bit little-endian integer, reduced mod n. */
export function scalarFromFp5(e: Fp5Element): bigint {
  let v = 0n;
  for (let i = 4; i >= 0; i--) v = (v << 64n) | e[i]!;
  return v % ORDER;
}

/** A uniform non-zero scalar: rejection sampling on 319 random bits (n is just below 2^319). */
export function randomScalar(): bigint {
  for (;;) {
    const bytes = randomBytes(SCALAR_BYTES);
    bytes[SCALAR_BYTES - 1]! &= 0x7f;
    const s = scalarFromBytesLE(bytes);
    if (s !== undefined && s !== 0n) return s;
  }
}

export function scalarSub(a: bigint, b: bigint): bigint {
  const d = (a - b) % ORDER;
  return d < 0n ? d + ORDER : d;
}

export function scalarMul(a: bigint, b: bigint): bigint {
  return (a * b) % ORDER;
}

function nibble(s: bigint, index: number): number {
  return Number((s >> BigInt(index * WINDOW_BITS)) & 0xfn);
}

/** [0·p, 1·p, …, 15·p]. */
function multiplesOf(p: Point): Point[] {
  const table: Point[] = [NEUTRAL, p];
  for (let j = 2; j < 1 << WINDOW_BITS; j++) table.push(j % 2 === 0 ? double(table[j / 2]!) : add(table[j - 1]!, p));
  return table;
}

/** s·p for any point, 4-bit fixed window from the top: 320 doublings and 80 additions. */
export function multiply(p: Point, s: bigint): Point {
  if (s < 0n || s >= ORDER) throw new Error("scalar out of range");
  const table = multiplesOf(p);
  let acc = NEUTRAL;
  for (let i = WINDOWS - 1; i >= 0; i--) {
    for (let d = 0; d < WINDOW_BITS; d++) acc = double(acc);
    const digit = nibble(s, i);
    if (digit !== 0) acc = add(acc, table[digit]!);
  }
  return acc;
}

/**
 * GENERATOR_TABLE[i][j] = j·16^i·G, built on first use (about as long as three plain
 * multiplications). Signing and verifying multiply G by a fresh scalar every time; with the table
 * that is at most 80 additions and no doubling.
 */
let generatorTable: Point[][] | undefined;

function generatorMultiples(): Point[][] {
  if (generatorTable) return generatorTable;
  const rows: Point[][] = [];
  let base = GENERATOR;
  for (let i = 0; i < WINDOWS; i++) {
    rows.push(multiplesOf(base));
    for (let d = 0; d < WINDOW_BITS; d++) base = double(base);
  }
  generatorTable = rows;
  return rows;
}

/** s·G. */
export function multiplyGenerator(s: bigint): Point {
  if (s < 0n || s >= ORDER) throw new Error("scalar out of range");
  const rows = generatorMultiples();
  let acc = NEUTRAL;
  for (let i = 0; i < WINDOWS; i++) {
    const digit = nibble(s, i);
    if (digit !== 0) acc = add(acc, rows[i]![digit]!);
  }
  return acc;
}
