import type { EquityCurveView, EquityPoint } from "../api/types.ts";

/**
 * Equity curves as chart lines. Pure functions (the caches below only remember answers), so
 * the arena's chart and the model page share one meaning of "%" and of the aggregate lines.
 *
 * Percent: each model's return relative to its **first point inside the window** (the line
 * starts at 0%). That is what the leaderboard's return over a window means too (equity against
 * the window's start), and it keeps models of different ages and capitals comparable.
 *
 * Aggregates: one dashed line per strategy / prompt variant that at least two models run. The
 * lines of that group are aligned on a common time grid (the union of their point times,
 * thinned evenly to at most `maxPoints`); at each grid time every model counts with its last
 * known value (step-forward), and a model whose curve has not started yet does not count at all.
 * The aggregate is the mean of the counted models' values: their mean return in %, their mean
 * equity in USD. (A sum in USD, the group's total capital, is available from aggregateLine, but
 * on the chart's one price scale it sits several times above every single model and squeezes
 * their lines flat; the mean stays on their scale.)
 */

/**
 * Points per curve the arena asks for: a hundred points a line is smooth across a chart of any
 * width, and with a hundred models the answer, its parsing and the drawing stay small (the
 * server downsamples each curve to it).
 */
export const ARENA_CURVE_POINTS = 100;

export type Unit = "usd" | "pct";

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  time: number;
  value: number;
}

export interface ChartSeries {
  id: string;
  name: string;
  color?: string;
  points: ChartPoint[];
  dashed?: boolean;
}

/** Distinct on a dark background; beyond them colours are spread round the hue circle. */
const PALETTE = ["#58a6ff", "#3fb950", "#f0883e", "#bc8cff", "#ff7b72", "#39c5cf", "#d29922", "#f778ba", "#a5d6ff", "#7ee787", "#ffa657", "#d2a8ff"];

/** The colour of the n-th line (stable as long as the order of the models is). */
export function seriesColor(index: number): string {
  if (index < PALETTE.length) return PALETTE[index]!;
  // golden-angle steps keep neighbours apart however many lines there are
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue}, 70%, 62%)`;
}

const usdCache = new WeakMap<EquityPoint[], ChartPoint[]>();
const pctCache = new WeakMap<EquityPoint[], ChartPoint[]>();

/**
 * One curve in dollars or in percent of its first point. Unreadable points are dropped; a curve
 * whose first point is not positive has no percent line (returns against nothing). Cached by
 * the points array, so an unchanged curve (react-query keeps unchanged parts of an answer) gives
 * the very same array and the chart can skip it.
 */
export function curvePoints(points: EquityPoint[], unit: Unit): ChartPoint[] {
  const cache = unit === "usd" ? usdCache : pctCache;
  const hit = cache.get(points);
  if (hit) return hit;
  const usd: ChartPoint[] = [];
  for (const p of points) {
    const time = Date.parse(p.ts);
    const value = Number(p.equity);
    if (Number.isFinite(time) && Number.isFinite(value)) usd.push({ time, value });
  }
  let out = usd;
  if (unit === "pct") {
    const base = usd[0]?.value ?? 0;
    out = base > 0 ? usd.map((p) => ({ time: p.time, value: (p.value / base - 1) * 100 })) : [];
  }
  cache.set(points, out);
  return out;
}

/**
 * Bucket sizes for putting many curves on one time grid. The chart aligns its lines on the union
 * of all series' times, one slot each: a hundred curves downsampled on the server keep different
 * times, so 100 × 400 points would make 40,000 slots (each line mostly gaps, 4 million cells).
 * On a shared grid they make a few hundred. Round sizes keep the grid (and so the cache
 * below) the same from one refresh to the next.
 */
const BUCKETS_MS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** The smallest round bucket that cuts `spanMs` into at most about `slots` slots. */
export function bucketFor(spanMs: number, slots: number): number {
  const raw = spanMs / Math.max(1, slots);
  return BUCKETS_MS.find((b) => b >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

const snapCache = new WeakMap<ChartPoint[], Map<number, ChartPoint[]>>();

/** A line on an epoch-anchored grid of `bucketMs`: each point moved to its bucket's start, the last of a bucket kept. Input sorted by time. */
export function snapToGrid(points: ChartPoint[], bucketMs: number): ChartPoint[] {
  let byBucket = snapCache.get(points);
  const hit = byBucket?.get(bucketMs);
  if (hit) return hit;
  const out: ChartPoint[] = [];
  for (const p of points) {
    const time = Math.floor(p.time / bucketMs) * bucketMs;
    if (out.length > 0 && out[out.length - 1]!.time === time) out[out.length - 1] = { time, value: p.value };
    else out.push({ time, value: p.value });
  }
  if (!byBucket) snapCache.set(points, (byBucket = new Map()));
  byBucket.set(bucketMs, out);
  return out;
}

/** The time span covered by all the curves' points, milliseconds (0 without points). */
export function spanOf(curves: readonly EquityCurveView[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const c of curves) {
    const first = c.points[0];
    const last = c.points[c.points.length - 1];
    if (first) min = Math.min(min, Date.parse(first.ts));
    if (last) max = Math.max(max, Date.parse(last.ts));
  }
  return Number.isFinite(min) && Number.isFinite(max) ? max - min : 0;
}

/** One line per model, coloured by its place in `curves`. */
export function modelSeries(curves: readonly EquityCurveView[], unit: Unit, bucketMs?: number): ChartSeries[] {
  return curves.map((c, i) => {
    const points = curvePoints(c.points, unit);
    return { id: c.modelId, name: c.name, color: seriesColor(i), points: bucketMs ? snapToGrid(points, bucketMs) : points };
  });
}

/** `count` times out of a sorted grid, evenly spread, the first and the last always kept. */
export function thinGrid(grid: readonly number[], count: number): number[] {
  if (grid.length <= count) return [...grid];
  if (count < 2) return grid.length ? [grid[grid.length - 1]!] : [];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(grid[Math.round((i * (grid.length - 1)) / (count - 1))]!);
  return out;
}

/**
 * Each line's value at each grid time: its last point at or before that time (step-forward),
 * undefined before its first point. Lines and grid are sorted by time.
 */
export function stepForward(lines: readonly ChartPoint[][], grid: readonly number[]): Array<Array<number | undefined>> {
  return lines.map((line) => {
    const out: Array<number | undefined> = [];
    let j = -1;
    for (const t of grid) {
      while (j + 1 < line.length && line[j + 1]!.time <= t) j++;
      out.push(j >= 0 ? line[j]!.value : undefined);
    }
    return out;
  });
}

/** The aggregate of several lines: the mean (or sum) of the values of the lines started at each grid time. */
export function aggregateLine(lines: readonly ChartPoint[][], how: "mean" | "sum", maxPoints = 500): ChartPoint[] {
  const times = new Set<number>();
  for (const line of lines) for (const p of line) times.add(p.time);
  const grid = thinGrid(
    [...times].sort((a, b) => a - b),
    maxPoints,
  );
  const values = stepForward(
    lines.map((l) => [...l].sort((a, b) => a.time - b.time)),
    grid,
  );
  const out: ChartPoint[] = [];
  grid.forEach((time, i) => {
    let sum = 0;
    let n = 0;
    for (const v of values) {
      const x = v[i];
      if (x !== undefined) {
        sum += x;
        n++;
      }
    }
    if (n > 0) out.push({ time, value: how === "mean" ? sum / n : sum });
  });
  return out;
}

/** One dashed aggregate line per strategy / prompt variant run by at least two models (with a line); on the grid of `bucketMs` when given. */
export function aggregateSeries(curves: readonly EquityCurveView[], unit: Unit, maxPoints = 500, bucketMs?: number): ChartSeries[] {
  const groups = new Map<string, ChartPoint[][]>();
  for (const c of curves) {
    const raw = curvePoints(c.points, unit);
    const line = bucketMs ? snapToGrid(raw, bucketMs) : raw;
    if (line.length === 0) continue;
    const g = groups.get(c.strategy);
    if (g) g.push(line);
    else groups.set(c.strategy, [line]);
  }
  const out: ChartSeries[] = [];
  let i = 0;
  for (const [strategy, lines] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (lines.length < 2) continue;
    out.push({
      id: `aggregate:${strategy}`,
      name: `${strategy} (mean of ${lines.length})`,
      color: AGGREGATE_COLORS[i++ % AGGREGATE_COLORS.length],
      points: aggregateLine(lines, "mean", maxPoints),
      dashed: true,
    });
  }
  return out;
}

/** Light, so the dashed aggregates stand out over the model lines. */
const AGGREGATE_COLORS = ["#e6edf3", "#ffdf5d", "#9be9a8", "#ffc1e3", "#c9d1ff"];

const usdFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

/** "$1,234" or "1.23%": the axis and crosshair labels of a chart in that unit (never "-0.00%"). */
export function formatChartValue(value: number, unit: Unit): string {
  if (unit === "usd") return usdFormat.format(Math.round(value) || 0);
  const fixed = value.toFixed(2);
  return `${Number(fixed) === 0 ? "0.00" : fixed}%`;
}
