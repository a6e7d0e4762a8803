import { z } from "zod";
import { parseScaled } from "../../core/decimal.js";
import { invalid } from "../../core/errors.js";

/**
 * A model's risk limits, in the units a person writes them in (a model's `config.risk`, the
 * API): leverage and exposure as multiples, losses and reserves as percentages. Every number
 * has at most 2 decimals, so the checks turn them into exact integers (hundredths of a
 * multiple, basis points) and never compare money through floating point.
 */
export interface RiskLimits {
  /** Highest leverage of a new position (the market's own maximum still applies). */
  maxLeverage: number;
  /** Gross exposure (every open position's notional at the mark, resting entries and this order) as a multiple of equity. */
  maxGrossExposure: number;
  /** Loss if the resulting position is stopped out (entry to stop × quantity), as a % of equity. */
  maxRiskPerTradePct: number;
  /** An entry without a stop loss is rejected. */
  requireStop: boolean;
  /** Equity not committed as margin (equity − margin used) that must remain after the order, as a % of equity. */
  minCashReservePct: number;
  /** Symbols with an open position or a resting entry; a scale-in is not a new one. */
  maxOpenPositions: number;
  /** A model's run may open or change the exit plan of each symbol once (closing is always allowed). */
  oneActionPerSymbolPerRun: boolean;
  /** Minutes after a position closed before the same symbol may be opened on the other side. */
  flipCooldownMinutes: number;
  /** New entries stop once today's loss (UTC day, against the day's first equity) exceeds this % of it. */
  maxDailyLossPct: number;
  /** New entries stop once the loss against the initial capital exceeds this %. */
  maxTotalLossPct: number;
}

export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  maxLeverage: 10,
  maxGrossExposure: 3,
  maxRiskPerTradePct: 2,
  requireStop: true,
  minCashReservePct: 10,
  maxOpenPositions: 3,
  oneActionPerSymbolPerRun: true,
  flipCooldownMinutes: 15,
  maxDailyLossPct: 5,
  maxTotalLossPct: 20,
});

const hasTwoDecimals = (v: number) => {
  try {
    parseScaled(v, 2, "exact");
    return true;
  } catch {
    return false;
  }
};

function amount(what: string, min: number, max: number, minInclusive = true) {
  const range = `${minInclusive ? "from" : "above"} ${min} to ${max}`;
  const message = `must be ${what} ${range}, with at most 2 decimals`;
  const base = z.number({ error: message });
  return (minInclusive ? base.min(min, { error: message }) : base.gt(min, { error: message })).max(max, { error: message }).refine(hasTwoDecimals, { error: message });
}

function count(what: string, min: number, max: number) {
  const message = `must be ${what} from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

const flag = z.boolean({ error: "must be true or false" });

/**
 * Per-model overrides: any subset of the limits; an unknown field is an error (a misspelled
 * limit must not silently fall back to the default). Messages name no field, so a caller that
 * nests it (`risk.maxLeverage: ...`) gets one readable line per problem.
 */
export const riskLimitsSchema = z.strictObject({
  maxLeverage: amount("a leverage", 1, 100).optional(),
  maxGrossExposure: amount("a multiple of equity", 0, 1000, false).optional(),
  maxRiskPerTradePct: amount("a percentage", 0, 100, false).optional(),
  requireStop: flag.optional(),
  minCashReservePct: amount("a percentage", 0, 100).optional(),
  maxOpenPositions: count("a whole number", 0, 1000).optional(),
  oneActionPerSymbolPerRun: flag.optional(),
  flipCooldownMinutes: count("a whole number of minutes", 0, 7 * 24 * 60).optional(),
  maxDailyLossPct: amount("a percentage", 0, 100, false).optional(),
  maxTotalLossPct: amount("a percentage", 0, 100, false).optional(),
});

export type RiskLimitsInput = z.input<typeof riskLimitsSchema>;

/**
 * The limits of a model: `overrides` (validated; `undefined` or `null` means none) over
 * `base` (the defaults). A bad override is a 400 `invalid_request` naming each bad field.
 */
export function resolveLimits(overrides: unknown, base: Readonly<RiskLimits> = DEFAULT_RISK_LIMITS): RiskLimits {
  if (overrides === undefined || overrides === null) return { ...base };
  const parsed = riskLimitsSchema.safeParse(overrides);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const field = i.path.map(String).join(".");
      return field ? `risk.${field}: ${i.message}` : `risk: ${i.code === "invalid_type" ? "must be an object of limits" : i.message}`;
    });
    throw invalid(problems.join("; "));
  }
  const out: RiskLimits = { ...base };
  for (const [key, value] of Object.entries(parsed.data) as Array<[keyof RiskLimits, RiskLimits[keyof RiskLimits] | undefined]>) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
