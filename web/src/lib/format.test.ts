import { describe, expect, it } from "vitest";
import { duration, num, pct, pnlClass, usd } from "./format.ts";

describe("display", () => {
  it("formats dollars with grouping, sign and no float drift", () => {
    expect(usd("1234567.891")).toBe("$1,234,567.89");
    expect(usd("-12")).toBe("-$12.00");
    expect(usd("5.5", { signed: true })).toBe("+$5.50");
    expect(usd("0", { signed: true })).toBe("$0.00");
    expect(usd("0.1000000000000000055511151231257827")).toBe("$0.10");
    expect(usd(null)).toBe("—");
  });

  it("formats quantities and percentages", () => {
    expect(num("0.00120000")).toBe("0.0012");
    expect(num("65000.5", 2, 2)).toBe("65,000.50");
    expect(pct(1.234, { signed: true })).toBe("+1.23%");
    expect(pct(-0.001, { signed: true })).toBe("0.00%");
    expect(pct(null)).toBe("—");
  });

  it("colours by sign", () => {
    expect(pnlClass("-0.01")).toBe("loss");
    expect(pnlClass("3")).toBe("gain");
    expect(pnlClass("0.00")).toBe("");
    // what is shown decides: -0.004 shows as $0.00 or 0.00%, so it is not red
    expect(pnlClass("-0.004")).toBe("");
    expect(pnlClass(-0.004)).toBe("");
    expect(pnlClass(-0.006)).toBe("loss");
    expect(pnlClass(null)).toBe("");
  });

  it("says durations in the largest useful units", () => {
    expect(duration(850)).toBe("850 ms");
    expect(duration(12_345)).toBe("12.3 s");
    expect(duration(245_000)).toBe("4m 05s");
    expect(duration(7_800_000)).toBe("2h 10m");
    expect(duration(273_600_000)).toBe("3d 4h");
    expect(duration(null)).toBe("—");
  });
});
