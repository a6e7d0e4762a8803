/**
 * Downsampling of a time series for charts: largest-triangle-three-buckets (LTTB, Sveinn
 * Steinarsson 2013). Pure and I/O-free. The first and last points are always kept; between them
 * the series is cut into `n − 2` buckets of consecutive points and from each bucket the point
 * forming the largest triangle with the point kept before it and the mean of the next bucket is
 * kept: peaks and troughs survive, flat stretches thin out.
 *
 * What comes out are points of the input, the same objects in the same order: nothing is
 * averaged or invented, so an equity string or a timestamp is exactly as it was stored.
 */

/**
 * At most `n` points of `points` (which must be in x order), the first and the last always
 * among them; a series of at most `n` points is returned whole (a copy). `n` must be a whole
 * number of at least 2.
 */
export function downsampleLttb<T>(points: readonly T[], n: number, x: (p: T) => number, y: (p: T) => number): T[] {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`downsampling needs a whole number of at least 2 points, got ${n}`);
  const length = points.length;
  if (length <= n) return points.slice();

  const xs = points.map(x);
  const ys = points.map(y);
  const buckets = n - 2;
  const inner = length - 2;
  // Bucket i covers the inner points [start(i), start(i + 1)): integer arithmetic, so the buckets
  // tile 1 .. length − 2 exactly, each holding at least one point (inner > buckets).
  const start = (i: number) => 1 + Math.floor((i * inner) / buckets);

  const out: T[] = [points[0]!];
  let kept = 0; // index of the point kept last
  for (let i = 0; i < buckets; i++) {
    const from = start(i);
    const to = start(i + 1);
    // The third corner: the mean of the next bucket, or the last point after the last bucket.
    let avgX: number;
    let avgY: number;
    if (i + 1 < buckets) {
      const nextTo = start(i + 2);
      avgX = 0;
      avgY = 0;
      for (let j = to; j < nextTo; j++) {
        avgX += xs[j]!;
        avgY += ys[j]!;
      }
      avgX /= nextTo - to;
      avgY /= nextTo - to;
    } else {
      avgX = xs[length - 1]!;
      avgY = ys[length - 1]!;
    }
    const ax = xs[kept]!;
    const ay = ys[kept]!;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      // Twice the triangle's area; the factor does not change which is largest.
      const area = Math.abs((ax - avgX) * (ys[j]! - ay) - (ax - xs[j]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]!);
    kept = best;
  }
  out.push(points[length - 1]!);
  return out;
}
