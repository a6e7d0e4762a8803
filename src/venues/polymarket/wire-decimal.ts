import { z } from "zod";
import { formatScaled, parseScaled } from "../../core/decimal.js";

/**
 * Prices, sizes and amounts arrive from the Data API and Gamma as JSON numbers (sometimes as
 * strings). They leave this file as canonical decimal strings and never meet arithmetic as floats.
 *
 * Why a JSON number can be recovered exactly: JavaScript prints a number as the shortest decimal
 * that reads back to the same double, and any decimal of at most 15 significant digits reads
 * back to itself (IEEE-754 doubles carry 15.95 decimal digits). So the printed text IS the wire
 * text for every value with at most 15 significant digits, which covers every Polymarket price
 * (at most 4 decimals) and size (6 decimals, the "6-decimal grain" of the v2 Data API) below a
 * billion shares. A number printed with more digits cannot be proven exact and is refused.
 */

const MAX_SIGNIFICANT = 15;
const SCALE = 18;

export class WireDecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireDecimalError";
  }
}

function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, "").split(/e/i)[0]!.replace(".", "");
  return mantissa.replace(/^0+/, "").replace(/0+$/, "").length;
}

/** The canonical decimal text of a wire number or numeric string: no exponent, no trailing zeros ("0.5", "12", "0.0001"). */
export function wireDecimal(value: number | string): string {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new WireDecimalError(`${value} is not a finite number`);
    text = String(value);
    if (significantDigits(text) > MAX_SIGNIFICANT) throw new WireDecimalError(`${text} has more than ${MAX_SIGNIFICANT} significant digits: its exact decimal value is unknown`);
  } else {
    text = value.trim();
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new WireDecimalError(`"${value}" is not a decimal number`);
  }
  try {
    return formatScaled(parseScaled(text, SCALE, "exact"), SCALE);
  } catch (error) {
    throw new WireDecimalError(`${text}: ${(error as Error).message}`);
  }
}

/** A zod field for a wire decimal (number or numeric string) that parses to its canonical text. */
export const decimalField = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return wireDecimal(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** Like decimalField but must be zero or more. */
export const nonNegativeDecimalField = decimalField.refine((text) => !text.startsWith("-"), "must not be negative");
