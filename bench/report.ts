/** Small helpers the benchmarks share: figures with their goal, number formatting, percentiles. */

/** One measured figure, with the goal it is held against (if the issue sets one). */
export interface Figure {
  benchmark: string;
  figure: string;
  measured: string;
  goal: string;
  /** undefined when there is no goal (informational figure) or nothing was measured. */
  met: boolean | undefined;
}

export const int = (n: number): string => Math.round(n).toLocaleString("en-US");

export const ms = (n: number, digits = 2): string => `${n.toFixed(digits)} ms`;

export const verdict = (met: boolean | undefined): string => (met === undefined ? "-" : met ? "met" : "MISSED");

/** Nearest-rank percentile of an ascending array (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Distribution {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}
