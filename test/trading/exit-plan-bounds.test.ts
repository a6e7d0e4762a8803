import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { DEFAULT_MARKETS, MAX_PRICE_TICKS, priceToTicks } from "../../src/core/market.js";
import { assertPlanSides, EMPTY_PLAN, exitTrigger, parsePlanPatch, planFromJson, type ExitPlan } from "../../src/trading/exit-plan.js";

const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const px = (p: string) => priceToTicks(BTC, p);

function rejection(f: () => void): AppError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
}

describe("an invalidation price on the wrong side is refused like a wrong-side stop", () => {
  const plan = (invalidationPrice: string): ExitPlan => ({ ...EMPTY_PLAN, invalidationPrice: px(invalidationPrice) });
  const bid = px("97000");
  const ask = px("97001");

  it.each([
    ["LONG", "97000", bid],
    ["LONG", "97000.1", bid],
    ["LONG", "150000", bid],
    ["SHORT", "97001", ask],
    ["SHORT", "96000", ask],
  ] as const)("%s invalidation price %s against %s: 422 invalidation_price_wrong_side", (side, price, exit) => {
    const e = rejection(() => assertPlanSides(BTC, side, plan(price), exit));
    expect(e).toMatchObject({ status: 422, code: "invalidation_price_wrong_side" });
    expect(e!.message).toContain(side === "LONG" ? "below" : "above");
    // Accepted, it would have closed the position at the very next book.
    expect(exitTrigger(side, plan(price), bid, ask, 0)).toBe("INVALIDATION");
  });

  it.each([
    ["LONG", "96999.9", bid],
    ["SHORT", "97001.1", ask],
  ] as const)("%s invalidation price %s on the right side is accepted", (side, price, exit) => {
    expect(rejection(() => assertPlanSides(BTC, side, plan(price), exit))).toBeUndefined();
    expect(exitTrigger(side, plan(price), bid, ask, 0)).toBeNull();
  });
});

describe("exit-plan prices", () => {
  it("a request price beyond the market's range is a 400 naming the field, never rounded", () => {
    const e = rejection(() => parsePlanPatch(BTC, { target: "123456789012345678901" }));
    expect(e).toMatchObject({ status: 400, code: "invalid_request" });
    expect(e!.message).toMatch(/^exitPlan\.target: .*above the largest BTC price/);
    expect(rejection(() => parsePlanPatch(BTC, { invalidationPrice: "-1" }))!.message).toBe('exitPlan.invalidationPrice: "-1" is not a positive price');
  });

  it("a plan stored before the bound existed is restored clamped, not refused", () => {
    const stored = { stop: null, target: "123456789012345685803.008", invalidation: null, invalidationPrice: null, confidence: null, timeExit: null, cooldownUntil: null };
    expect(planFromJson(BTC, stored).target).toBe(MAX_PRICE_TICKS);
  });
});
