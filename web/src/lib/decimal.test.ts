import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDecimals, compareDecimal, isDecimal, multiplyDecimal, percentOf, roundDecimal, subtractDecimal } from "./decimal.ts";

describe("decimal arithmetic", () => {
  it("subtracts exactly across scales", () => {
    expect(subtractDecimal("0.3", "0.1")).toBe("0.2");
    expect(subtractDecimal("100", "100.25")).toBe("-0.25");
    expect(subtractDecimal("65000.5", "64000.125")).toBe("1000.375");
    expect(subtractDecimal("1.10", "1.1")).toBe("0");
    expect(subtractDecimal("abc", "1")).toBeNull();
  });

  it("multiplies exactly", () => {
    expect(multiplyDecimal("0.1", "0.2")).toBe("0.02");
    expect(multiplyDecimal("1000.375", "0.0123")).toBe("12.3046125");
    expect(multiplyDecimal("-2.5", "4")).toBe("-10");
    expect(multiplyDecimal("1e3", "2")).toBeNull();
  });

  it("gives a percentage rounded half away from zero", () => {
    expect(percentOf("1", "3")).toBe(33.3333);
    expect(percentOf("2", "3")).toBe(66.6667);
    expect(percentOf("0.5", "100", 2)).toBe(0.5);
    expect(percentOf("-1", "8", 2)).toBe(-12.5);
    expect(percentOf("1", "0")).toBeNull();
  });

  it("recognises plain decimals only", () => {
    expect(isDecimal("101.25")).toBe(true);
    expect(isDecimal(" 7 ")).toBe(true);
    expect(isDecimal("1e5")).toBe(false);
    expect(isDecimal("1,000")).toBe(false);
    expect(isDecimal("")).toBe(false);
  });

  it("compares decimals exactly", () => {
    expect(compareDecimal("100.10", "100.1")).toBe(0);
    expect(compareDecimal("0.30000000000000001", "0.3")).toBe(1);
    expect(compareDecimal("-2", "-10")).toBe(1);
  });
});

describe("addDecimals", () => {
  it("adds exactly", () => {
    expect(addDecimals("0.1", "0.2")).toBe("0.3");
    expect(addDecimals("1.005", "2")).toBe("3.005");
    expect(addDecimals("0.5", "0.5")).toBe("1");
    expect(addDecimals("12", "30")).toBe("42");
  });
  it("refuses what is not a decimal", () => expect(addDecimals("x", "1")).toBeNull());
});

describe("roundDecimal", () => {
  it("rounds half away from zero on the string, carrying through nines", () => {
    expect(roundDecimal("1234.565", 2)).toBe("1234.57");
    expect(roundDecimal("-1234.565", 2)).toBe("-1234.57");
    expect(roundDecimal("9.995", 2)).toBe("10.00");
    expect(roundDecimal("0.004", 2)).toBe("0.00");
    expect(roundDecimal("-0.004", 2)).toBe("0.00");
    expect(roundDecimal("12", 2)).toBe("12.00");
    expect(roundDecimal("0.5", 0)).toBe("1");
    expect(roundDecimal("abc", 2)).toBeNull();
  });

  it("agrees with exact integer arithmetic for any amount in micro-units", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (micros) => {
        const neg = micros < 0n;
        const abs = neg ? -micros : micros;
        const text = `${neg ? "-" : ""}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, "0")}`;
        const cents = (abs + 5_000n) / 10_000n; // half away from zero on the magnitude
        const expected = `${neg && cents > 0n ? "-" : ""}${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
        expect(roundDecimal(text, 2)).toBe(expected);
      }),
    );
  });
});
