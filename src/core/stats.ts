/**
 * Small statistics over plain numbers, for analytics: correlations and order statistics. Pure.
 * Correlations are floats (they are statistics, not money); quantiles pick a value of the data
 * itself, so a quantile of exact amounts stays exact.
 */

/**
 * Pearson's correlation of paired values; null with fewer than two pairs, when either side does
 * not vary, or when a value is not finite.
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`pearson needs paired values, got ${xs.length} and ${ys.length}`);
  const n = xs.length;
  if (n < 2 || !xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return null;
  // Float noise can push a perfect correlation a hair past ±1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks from 1, ties sharing the mean of the ranks they span (1, 2.5, 2.5, 4). */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[order[k]!.i] = rank;
    start = end + 1;
  }
  return out;
}

/** Spearman's rank correlation: Pearson's on the ranks (ties averaged), so any monotonic relation is ±1. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`spearman needs paired values, got ${xs.length} and ${ys.length}`);
  if (xs.length < 2 || !xs.every(Number.isFinite) || !ys.every(Number.isFinite)) return null;
  return pearson(ranks(xs), ranks(ys));
}

export interface Quantiles<T> {
  min: T;
  p25: T;
  median: T;
  p75: T;
  max: T;
}

/**
 * Nearest-rank quantiles of values already sorted ascending: the p-quantile is the value at rank
 * ⌈p·n⌉ (the smallest value with at least p of the data at or below it). Null without values.
 */
export function nearestRankQuantiles<T>(sorted: readonly T[]): Quantiles<T> | null {
  const n = sorted.length;
  if (n === 0) return null;
  const at = (p: number) => sorted[Math.max(1, Math.ceil(p * n)) - 1]!;
  return { min: sorted[0]!, p25: at(0.25), median: at(0.5), p75: at(0.75), max: sorted[n - 1]! };
}
