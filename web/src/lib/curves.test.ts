import { describe, expect, it } from "vitest";
import type { EquityCurveView } from "../api/types.ts";
import { aggregateLine, aggregateSeries, bucketFor, curvePoints, formatChartValue, snapToGrid, spanOf, modelSeries, seriesColor, stepForward, thinGrid } from "./curves.ts";

const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const curve = (modelId: string, strategy: string, points: Array<[number, string]>): EquityCurveView => ({
  modelId,
  name: `Model ${modelId}`,
  strategy,
  initialCapital: "10000.00",
  points: points.map(([m, equity]) => ({ ts: at(m), equity })),
});

describe("curvePoints", () => {
  it("gives dollars as numbers at millisecond times", () => {
    expect(
      curvePoints(
        curve("a", "s", [
          [0, "10000.00"],
          [1, "10250.50"],
        ]).points,
        "usd",
      ),
    ).toEqual([
      { time: T0, value: 10000 },
      { time: T0 + 60_000, value: 10250.5 },
    ]);
  });

  it("gives percent against the first point in the window", () => {
    const points = curve("a", "s", [
      [0, "8000.00"],
      [1, "8800.00"],
      [2, "6000.00"],
    ]).points;
    expect(curvePoints(points, "pct").map((p) => p.value)).toEqual([0, expect.closeTo(10, 9), expect.closeTo(-25, 9)]);
  });

  it("has no percent line without a positive start, and drops unreadable points", () => {
    expect(
      curvePoints(
        curve("a", "s", [
          [0, "0.00"],
          [1, "5.00"],
        ]).points,
        "pct",
      ),
    ).toEqual([]);
    expect(
      curvePoints(
        [
          { ts: "nonsense", equity: "1" },
          { ts: at(0), equity: "x" },
          { ts: at(1), equity: "2" },
        ],
        "usd",
      ),
    ).toEqual([{ time: T0 + 60_000, value: 2 }]);
  });

  it("answers the same array for the same points (the chart skips unchanged lines)", () => {
    const points = curve("a", "s", [[0, "1.00"]]).points;
    expect(curvePoints(points, "pct")).toBe(curvePoints(points, "pct"));
    expect(curvePoints(points, "usd")).not.toBe(curvePoints(points, "pct"));
  });
});

describe("modelSeries", () => {
  it("makes one coloured line per model in the given order", () => {
    const s = modelSeries([curve("a", "x", [[0, "1"]]), curve("b", "x", [[0, "2"]])], "usd");
    expect(s.map((l) => [l.id, l.name, l.color])).toEqual([
      ["a", "Model a", seriesColor(0)],
      ["b", "Model b", seriesColor(1)],
    ]);
  });

  it("keeps colours distinct beyond the palette", () => {
    const colors = new Set(Array.from({ length: 100 }, (_, i) => seriesColor(i)));
    expect(colors.size).toBe(100);
  });
});

describe("thinGrid", () => {
  it("keeps a short grid and spreads a long one evenly with both ends", () => {
    expect(thinGrid([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(thinGrid([0, 1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([0, 4, 8]);
    expect(thinGrid([0, 1, 2, 3, 4], 2)).toEqual([0, 4]);
  });
});

describe("stepForward", () => {
  it("carries each line's last known value forward, nothing before its start", () => {
    const a = [
      { time: 10, value: 1 },
      { time: 30, value: 3 },
    ];
    const b = [{ time: 20, value: 7 }];
    expect(stepForward([a, b], [5, 10, 20, 25, 30, 40])).toEqual([
      [undefined, 1, 1, 1, 3, 3],
      [undefined, undefined, 7, 7, 7, 7],
    ]);
  });
});

describe("aggregateLine", () => {
  // a: 0% at t=0, +10% at t=2;  b: starts at t=1 with 0%, -4% at t=3
  const a = [
    { time: 0, value: 0 },
    { time: 2, value: 10 },
  ];
  const b = [
    { time: 1, value: 0 },
    { time: 3, value: -4 },
  ];

  it("means the started models' values on the union grid", () => {
    // t0: a alone 0; t1: (0+0)/2; t2: (10+0)/2; t3: (10-4)/2
    expect(aggregateLine([a, b], "mean")).toEqual([
      { time: 0, value: 0 },
      { time: 1, value: 0 },
      { time: 2, value: 5 },
      { time: 3, value: 3 },
    ]);
  });

  it("sums equity in dollars", () => {
    const x = [
      { time: 0, value: 100 },
      { time: 2, value: 110 },
    ];
    const y = [
      { time: 1, value: 50 },
      { time: 3, value: 40 },
    ];
    expect(aggregateLine([x, y], "sum").map((p) => p.value)).toEqual([100, 150, 160, 150]);
  });

  it("thins the grid to at most maxPoints", () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ time: i, value: i }));
    const line = aggregateLine([long, long], "sum", 100);
    expect(line).toHaveLength(100);
    expect(line[0]).toEqual({ time: 0, value: 0 });
    expect(line[99]).toEqual({ time: 999, value: 1998 });
  });
});

describe("aggregateSeries", () => {
  it("adds a dashed line for each strategy that two or more models run", () => {
    const curves = [
      curve("a", "momentum", [
        [0, "100"],
        [2, "110"],
      ]),
      curve("b", "momentum", [
        [1, "200"],
        [3, "192"],
      ]),
      curve("c", "meanrev", [[0, "100"]]),
    ];
    const pct = aggregateSeries(curves, "pct");
    expect(pct).toHaveLength(1);
    expect(pct[0]).toMatchObject({ id: "aggregate:momentum", name: "momentum (mean of 2)", dashed: true });
    expect(pct[0]!.points.map((p) => p.value)).toEqual([0, 0, expect.closeTo(5, 9), expect.closeTo(3, 9)]);
    // dollars: t0 a alone 100; t1 (100+200)/2; t2 (110+200)/2; t3 (110+192)/2
    expect(aggregateSeries(curves, "usd")[0]!.points.map((p) => p.value)).toEqual([100, 150, 155, 151]);
  });

  it("leaves out models without points", () => {
    expect(aggregateSeries([curve("a", "m", [[0, "1"]]), curve("b", "m", [])], "usd")).toEqual([]);
  });
});

describe("formatChartValue", () => {
  it("shows whole dollars with separators and percent to the hundredth, never a negative zero", () => {
    expect(formatChartValue(1234.4, "usd")).toBe("$1,234");
    expect(formatChartValue(-1234.6, "usd")).toBe("-$1,235");
    expect(formatChartValue(-0.2, "usd")).toBe("$0");
    expect(formatChartValue(1.234, "pct")).toBe("1.23%");
    expect(formatChartValue(-0.001, "pct")).toBe("0.00%");
    expect(formatChartValue(-2.5, "pct")).toBe("-2.50%");
  });
});

describe("the shared time grid", () => {
  it("picks the smallest round bucket giving at most the wanted slots", () => {
    expect(bucketFor(30 * 86_400_000, 500)).toBe(7_200_000); // 86.4 min → 2 h
    expect(bucketFor(86_400_000, 500)).toBe(300_000); // 2.88 min → 5 min
    expect(bucketFor(60_000, 500)).toBe(1_000);
    expect(bucketFor(0, 500)).toBe(1_000);
    expect(bucketFor(2000 * 86_400_000, 500)).toBe(4 * 86_400_000);
  });

  it("moves points to their bucket's start and keeps the last of each bucket", () => {
    const line = [
      { time: 61_000, value: 1 },
      { time: 119_000, value: 2 },
      { time: 120_000, value: 3 },
      { time: 250_000, value: 4 },
    ];
    expect(snapToGrid(line, 60_000)).toEqual([
      { time: 60_000, value: 2 },
      { time: 120_000, value: 3 },
      { time: 240_000, value: 4 },
    ]);
    expect(snapToGrid(line, 60_000)).toBe(snapToGrid(line, 60_000));
  });

  it("measures the span of all curves", () => {
    expect(
      spanOf([
        curve("a", "s", [
          [0, "1"],
          [10, "1"],
        ]),
        curve("b", "s", [
          [5, "1"],
          [30, "1"],
        ]),
        curve("c", "s", []),
      ]),
    ).toBe(30 * 60_000);
    expect(spanOf([])).toBe(0);
  });
});
