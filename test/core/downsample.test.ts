import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleLttb } from "../../src/core/downsample.js";

interface P {
  ts: number;
  equity: string;
}

const series = (ys: number[]): P[] => ys.map((y, i) => ({ ts: i * 60_000, equity: String(y) }));
const lttb = (points: readonly P[], n: number) =>
  downsampleLttb(
    points,
    n,
    (p) => p.ts,
    (p) => Number(p.equity),
  );
const indices = (input: readonly P[], output: readonly P[]) => output.map((p) => input.indexOf(p));

describe("downsampleLttb (largest triangle three buckets)", () => {
  it("keeps a spike: one bucket, the point making the largest triangle with the ends", () => {
    // a = (0, 0), c = last (6, 0): twice the area is 6 × y, largest at the spike.
    const input = series([0, 0, 0, 10, 0, 0, 0]);
    expect(indices(input, lttb(input, 3))).toEqual([0, 3, 6]);
  });

  it("picks from each bucket against the mean of the next one (hand-computed)", () => {
    // 10 points, 2 buckets of the 8 inner points: [1, 5) and [5, 9).
    // Bucket 1: a = (0, 5), next bucket mean = (6.5, 6); twice the areas |−6.5 (y − 5) + x| are
    // 1, 28, 3, 4 for x = 1..4: the dip at 2. Bucket 2: a = (2, 1), c = the last point (9, 5);
    // |−7 (y − 1) − 4 (2 − x)| is 16, 12, 36, 4 for x = 5..8: the peak at 7.
    const input = series([5, 5, 1, 5, 5, 5, 5, 9, 5, 5]);
    expect(indices(input, lttb(input, 4))).toEqual([0, 2, 7, 9]);
  });

  it("returns the same objects: equity strings are untouched", () => {
    const input = series([1, 2, 3, 4, 5, 6]).map((p, i) => ({ ...p, equity: `${10_000 + i}.000001` }));
    const out = lttb(input, 3);
    for (const p of out) expect(input).toContain(p);
    expect(out[0]!.equity).toBe("10000.000001");
  });

  it("two points are the ends; fewer than two is refused", () => {
    const input = series([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(lttb(input, 2)).toEqual([input[0], input[7]]);
    expect(() => lttb(input, 1)).toThrow(RangeError);
    expect(() => lttb(input, 2.5)).toThrow(RangeError);
    expect(lttb([], 2)).toEqual([]);
  });

  const arbitrarySeries = fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 0, maxLength: 400 }).map(series);

  it("never more than n points, exactly min(n, length), first and last kept, a subsequence in order (property)", () => {
    fc.assert(
      fc.property(arbitrarySeries, fc.integer({ min: 2, max: 500 }), (input, n) => {
        const out = lttb(input, n);
        expect(out.length).toBeLessThanOrEqual(n);
        expect(out.length).toBe(Math.min(n, input.length));
        if (input.length > 0) {
          expect(out[0]).toBe(input[0]);
          expect(out[out.length - 1]).toBe(input[input.length - 1]);
        }
        const at = indices(input, out);
        for (let i = 0; i < at.length; i++) {
          expect(at[i]).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(at[i]).toBeGreaterThan(at[i - 1]!);
        }
      }),
    );
  });

  it("is the identity (a copy) when the input has at most n points (property)", () => {
    fc.assert(
      fc.property(arbitrarySeries, fc.integer({ min: 0, max: 50 }), (input, extra) => {
        const n = Math.max(2, input.length + extra);
        const out = lttb(input, n);
        expect(out).toEqual(input);
        expect(out).not.toBe(input);
      }),
    );
  });
});
