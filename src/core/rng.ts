/**
 * Seeded pseudo-random numbers (sfc32 seeded through splitmix32): the same seed gives the
 * same sequence on every machine, so simulations are reproducible bit for bit.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, sd 1). */
  normal(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** The internal state, to resume the sequence after a restart. */
  state(): number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number | string, restore?: number[]): Rng {
  const numericSeed = typeof seed === "number" ? seed : hashString(seed);
  const init = splitmix32(numericSeed);
  const start = restore && restore.length === 4 ? restore : [init(), init(), init(), init()];
  let a = start[0]! >>> 0;
  let b = start[1]! >>> 0;
  let c = start[2]! >>> 0;
  let d = start[3]! >>> 0;
  let spareNormal: number | null = null;
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  const rng: Rng = {
    next: () => nextUint() / 4294967296,
    normal: () => {
      if (spareNormal !== null) {
        const v = spareNormal;
        spareNormal = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    state: () => [a, b, c, d],
  };
  return rng;
}

/** FNV-1a: turns a string seed (a model id, a symbol) into a 32-bit seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
