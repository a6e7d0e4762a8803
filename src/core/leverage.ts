import { parseScaled, DecimalError, formatScaled, divCeil } from "./decimal.js";
import type { Micro } from "./money.js";

/** Leverage is kept in hundredths (250 = 2.5x): the API allows up to 2 decimals. */
export type LeverageCenti = number;

export function parseLeverage(input: string | number, maxLeverage: number): LeverageCenti {
  const centi = Number(parseScaled(input, 2, "exact"));
  if (centi < 100 || centi > maxLeverage * 100) {
    throw new DecimalError(`leverage ${input} must be between 1 and ${maxLeverage}`);
  }
  return centi;
}

export function formatLeverage(centi: LeverageCenti): string {
  return formatScaled(BigInt(centi), 2);
}

/** Initial margin = notional / leverage, rounded up to the micro-dollar. */
export function initialMargin(notional: Micro, leverage: LeverageCenti): Micro {
  return divCeil(notional * 100n, BigInt(leverage));
}
