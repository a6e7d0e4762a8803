import { describe, expect, it } from "vitest";
import { checkNewStop, stopDistance } from "./exit-plan.ts";

describe("stopDistance", () => {
  it("measures a long's stop below the mark in price, dollars and percent", () => {
    expect(stopDistance({ side: "LONG", quantity: "0.5", markPrice: "100.10", stop: "95.05" })).toEqual({ price: "5.05", usd: "2.525", pct: 5.045, crossed: false });
  });

  it("measures a short's stop above the mark", () => {
    expect(stopDistance({ side: "SHORT", quantity: "2", markPrice: "3000", stop: "3150" })).toEqual({ price: "150", usd: "300", pct: 5, crossed: false });
  });

  it("flags a stop the mark has reached", () => {
    expect(stopDistance({ side: "LONG", quantity: "1", markPrice: "90", stop: "95" })?.crossed).toBe(true);
    expect(stopDistance({ side: "LONG", quantity: "1", markPrice: "95", stop: "95" })?.crossed).toBe(true);
    expect(stopDistance({ side: "SHORT", quantity: "1", markPrice: "3200", stop: "3150" })?.crossed).toBe(true);
  });

  it("stays exact where floats would not", () => {
    // 0.3 - 0.1 = 0.19999999999999998 in floating point
    expect(stopDistance({ side: "LONG", quantity: "3", markPrice: "0.3", stop: "0.1" })?.usd).toBe("0.6");
  });

  it("is null without a stop or a mark", () => {
    expect(stopDistance({ side: "LONG", quantity: "1", markPrice: null, stop: "95" })).toBeNull();
    expect(stopDistance({ side: "LONG", quantity: "1", markPrice: "100", stop: null })).toBeNull();
  });
});

describe("checkNewStop", () => {
  const long = { side: "LONG" as const, currentStop: "95", markPrice: "100" };
  const short = { side: "SHORT" as const, currentStop: "105", markPrice: "100" };

  it("lets a long's stop move up and a short's move down", () => {
    expect(checkNewStop({ ...long, input: "97.5" })).toEqual({ ok: true, stop: "97.5" });
    expect(checkNewStop({ ...short, input: " 102 " })).toEqual({ ok: true, stop: "102" });
  });

  it("refuses a widening and says why", () => {
    const l = checkNewStop({ ...long, input: "94" });
    expect(l.ok).toBe(false);
    expect(!l.ok && l.reason).toMatch(/only move up/);
    const s = checkNewStop({ ...short, input: "106" });
    expect(!s.ok && s.reason).toMatch(/only move down/);
  });

  it("compares exactly, not as floats or text", () => {
    expect(checkNewStop({ ...long, currentStop: "95.10", input: "95.09" }).ok).toBe(false);
    expect(checkNewStop({ ...long, currentStop: "95.1", input: "95.10" }).ok).toBe(false); // the same stop
    expect(checkNewStop({ ...long, currentStop: "9.5", input: "10" }).ok).toBe(true);
  });

  it("refuses a stop on the wrong side of the price", () => {
    expect(checkNewStop({ ...long, input: "100" }).ok).toBe(false);
    expect(checkNewStop({ ...short, input: "99" }).ok).toBe(false);
  });

  it("accepts a first stop on the right side", () => {
    expect(checkNewStop({ side: "LONG", currentStop: null, markPrice: "100", input: "90" }).ok).toBe(true);
    expect(checkNewStop({ side: "SHORT", currentStop: null, markPrice: "100", input: "90" }).ok).toBe(false);
  });

  it("refuses what is not a price", () => {
    expect(checkNewStop({ ...long, input: "" }).ok).toBe(false);
    expect(checkNewStop({ ...long, input: "abc" }).ok).toBe(false);
    expect(checkNewStop({ ...long, input: "-5" }).ok).toBe(false);
    expect(checkNewStop({ ...long, input: "0" }).ok).toBe(false);
  });
});
