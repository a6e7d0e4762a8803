import { parseScaled } from "../core/decimal.js";
import { AppError, invalid, rejected } from "../core/errors.js";
import { MAX_PRICE_TICKS, priceToTicks, ticksToPrice, type MarketSpec } from "../core/market.js";
import type { CloseTrigger, Side } from "../core/types.js";
import type { ExitPlanJson } from "../db/schema.js";
import type { ExitPlanInput } from "./contracts.js";
import { priceProblem } from "./order-input.js";

/** An exit plan in integer ticks and epoch milliseconds. */
export interface ExitPlan {
  stop: number | null;
  target: number | null;
  invalidation: string | null;
  invalidationPrice: number | null;
  confidence: number | null;
  timeExit: number | null;
  cooldownUntil: number | null;
}

export const EMPTY_PLAN: ExitPlan = {
  stop: null,
  target: null,
  invalidation: null,
  invalidationPrice: null,
  confidence: null,
  timeExit: null,
  cooldownUntil: null,
};

function price(m: MarketSpec, field: string, v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  try {
    return priceToTicks(m, v, "half-up");
  } catch (e) {
    throw invalid(`exitPlan.${field}: ${priceProblem(v, e)}`);
  }
}

function time(field: string, v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw invalid(`exitPlan.${field}: "${v}" is not an ISO-8601 timestamp`);
  return ms;
}

/**
 * A price read back from the database: plans written before prices were bounded may hold one
 * beyond MAX_PRICE_TICKS. It is clamped to the bound (a stop or target that far away never
 * triggers either way) so restoring such a position cannot fail; new input is never clamped.
 */
function storedPrice(m: MarketSpec, field: string, v: string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  try {
    const ticks = parseScaled(v, m.priceDecimals, "half-up");
    if (ticks > 0n) return ticks > BigInt(MAX_PRICE_TICKS) ? MAX_PRICE_TICKS : Number(ticks);
  } catch {
    // reported below
  }
  throw invalid(`exitPlan.${field}: "${v}" is not a positive price`);
}

/** Converts wire input to ticks and ms; only the fields present in the input are returned. */
export function parsePlanPatch(m: MarketSpec, input: ExitPlanInput, readPrice = price): Partial<ExitPlan> {
  const out: Partial<ExitPlan> = {};
  const stop = readPrice(m, "stop", input.stop);
  if (stop !== undefined) out.stop = stop;
  const target = readPrice(m, "target", input.target);
  if (target !== undefined) out.target = target;
  const inv = readPrice(m, "invalidationPrice", input.invalidationPrice);
  if (inv !== undefined) out.invalidationPrice = inv;
  if (input.invalidation !== undefined) out.invalidation = input.invalidation;
  if (input.confidence !== undefined) {
    if (input.confidence !== null && !(input.confidence >= 0 && input.confidence <= 100)) throw invalid("exitPlan.confidence: must be between 0 and 100");
    out.confidence = input.confidence;
  }
  const te = time("timeExit", input.timeExit);
  if (te !== undefined) out.timeExit = te;
  const cd = time("cooldownUntil", input.cooldownUntil);
  if (cd !== undefined) out.cooldownUntil = cd;
  return out;
}

/**
 * A stop and an invalidation price below (long) or above (short) the reference price, a target
 * on the other side.
 * The reference is the price the position would exit at now (bid for a long, ask for a short).
 */
export function assertPlanSides(m: MarketSpec, side: Side, plan: ExitPlan, exitTicks: number): void {
  const long = side === "LONG";
  const at = ticksToPrice(m, exitTicks);
  if (plan.stop !== null && (long ? plan.stop >= exitTicks : plan.stop <= exitTicks)) {
    throw rejected("stop_wrong_side", `a ${side} stop must be ${long ? "below" : "above"} the current exit price ${at}, got ${ticksToPrice(m, plan.stop)}`);
  }
  if (plan.target !== null && (long ? plan.target <= exitTicks : plan.target >= exitTicks)) {
    throw rejected("target_wrong_side", `a ${side} target must be ${long ? "above" : "below"} the current exit price ${at}, got ${ticksToPrice(m, plan.target)}`);
  }
  // An invalidation price triggers at or beyond it (exitTrigger): on the wrong side it would close
  // the position at the next book update, so it is refused like a wrong-side stop.
  if (plan.invalidationPrice !== null && (long ? plan.invalidationPrice >= exitTicks : plan.invalidationPrice <= exitTicks)) {
    throw rejected("invalidation_price_wrong_side", `a ${side} invalidation price must be ${long ? "below" : "above"} the current exit price ${at}, got ${ticksToPrice(m, plan.invalidationPrice)}`);
  }
}

/** Applies a patch; a stop may only tighten (move towards the price) and never be removed. */
export function mergePlan(m: MarketSpec, side: Side, current: ExitPlan, patch: Partial<ExitPlan>): ExitPlan {
  if (patch.stop !== undefined && current.stop !== null) {
    const widens = patch.stop === null || (side === "LONG" ? patch.stop < current.stop : patch.stop > current.stop);
    if (widens) {
      const to = patch.stop === null ? "no stop" : ticksToPrice(m, patch.stop);
      throw new AppError(422, "stop_would_widen", `the ${side} stop may only tighten: ${ticksToPrice(m, current.stop)} -> ${to} widens it`);
    }
  }
  return { ...current, ...patch };
}

/**
 * Which exit fires at this book, if any. A long exits at the bid, a short at the ask; the
 * stop wins over the target when both are crossed (the conservative reading of a gap).
 */
export function exitTrigger(side: Side, plan: ExitPlan, bid: number | undefined, ask: number | undefined, now: number): CloseTrigger | null {
  const px = side === "LONG" ? bid : ask;
  if (px !== undefined) {
    const long = side === "LONG";
    if (plan.stop !== null && (long ? px <= plan.stop : px >= plan.stop)) return "STOP";
    if (plan.invalidationPrice !== null && (long ? px <= plan.invalidationPrice : px >= plan.invalidationPrice)) return "INVALIDATION";
    if (plan.target !== null && (long ? px >= plan.target : px <= plan.target)) return "TARGET";
  }
  if (plan.timeExit !== null && now >= plan.timeExit) return "TIME";
  return null;
}

export function planToJson(m: MarketSpec, p: ExitPlan): ExitPlanJson {
  const px = (t: number | null) => (t === null ? null : ticksToPrice(m, t));
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    stop: px(p.stop),
    target: px(p.target),
    invalidation: p.invalidation,
    invalidationPrice: px(p.invalidationPrice),
    confidence: p.confidence,
    timeExit: iso(p.timeExit),
    cooldownUntil: iso(p.cooldownUntil),
  };
}

export function planFromJson(m: MarketSpec, j: ExitPlanJson | null | undefined): ExitPlan {
  if (!j) return { ...EMPTY_PLAN };
  return { ...EMPTY_PLAN, ...parsePlanPatch(m, j, storedPrice) };
}
