import { MAX_INITIAL_CAPITAL_USD } from "../core/money.js";
import { z } from "zod";

/**
 * Field schemas shared by the routes. Requests may send decimals as strings or JSON numbers;
 * services always receive decimal strings, so a number is turned into the exact digits of its
 * shortest representation here, never rounded through arithmetic.
 */

/** Plain decimal notation: no sign, exponent or leading dot; bounded so no field can carry a huge bigint. */
const PLAIN_DECIMAL = /^\d{1,24}(\.\d{1,18})?$/;

/** `String(1e-7)` is "1e-7": expand the exponent by moving the point through the digits. */
export function numberToDecimalString(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = "", whole = "", frac = "", exp = "0"] = m;
  const digits = whole + frac;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A decimal string, or a JSON number read as one; undefined when it is neither. */
function toDecimalString(value: string | number): string | undefined {
  const text = typeof value === "number" ? numberToDecimalString(value) : value;
  return text !== undefined && PLAIN_DECIMAL.test(text) ? text : undefined;
}

const isZero = (decimal: string) => /^[0.]+$/.test(decimal);

/**
 * String or number in, decimal string out, with one message for every way it can be wrong;
 * `accept` may instead return a message of its own for a decimal that is well formed but refused.
 */
function decimalField(problem: string, accept: (decimal: string) => boolean | string) {
  return z.union([z.string(), z.number()], { error: (iss) => (iss.input === undefined ? "is required" : problem) }).transform((value, ctx) => {
    const decimal = toDecimalString(value);
    const verdict = decimal === undefined ? false : accept(decimal);
    if (verdict === true) return decimal!;
    ctx.issues.push({ code: "custom", message: typeof verdict === "string" ? verdict : problem, input: value });
    return z.NEVER;
  });
}

/** Quantities, prices and capital: strictly greater than zero. */
export const positiveDecimal = () => decimalField("must be a positive decimal", (d) => !isZero(d));

export { MAX_INITIAL_CAPITAL_USD };

/** Initial capital: dollars to the micro-dollar (at most 6 decimals), above zero, at most MAX_INITIAL_CAPITAL_USD. */
export const capital = () =>
  decimalField(`must be a positive decimal of dollars with at most 6 decimals, at most ${MAX_INITIAL_CAPITAL_USD}`, (d) => {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(d);
    if (!m || isZero(d)) return false;
    const frac = (m[2] ?? "").replace(/0+$/, "");
    if (frac.length > 6) return "must have at most 6 decimals (micro-dollars are the unit)";
    if (BigInt(m[1]!) > BigInt(MAX_INITIAL_CAPITAL_USD) || (BigInt(m[1]!) === BigInt(MAX_INITIAL_CAPITAL_USD) && frac !== "")) {
      return `must be at most ${MAX_INITIAL_CAPITAL_USD} dollars`;
    }
    return true;
  });

/** Leverage in hundredths must be 1.00–20.00: at most two decimals, checked on the digits. */
export const leverage = () =>
  decimalField("must be a number from 1 to 20 with at most 2 decimals", (d) => {
    const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(d);
    if (!m) return false;
    const centi = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
    return centi >= 100 && centi <= 2000;
  });

/** One of a fixed set of words; a missing value still reads "is required". */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (iss) => (iss.input === undefined ? "is required" : `must be one of ${values.map((v) => `"${v}"`).join(", ")}`),
  });

/** Symbols are base assets; clients may send "btc". */
export const symbol = () =>
  z
    .string()
    // Perpetuals are short (BTC); an outcome token's symbol is its market's slug and outcome (BTC-UP-OR-DOWN-0005-UP).
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,79}$/, { error: "must be a market symbol such as BTC or an outcome token's such as WILL-IT-RAIN-YES" })
    .transform((s) => s.toUpperCase());

/** Model ids are opaque text keys; this only keeps junk out of URLs and logs. */
export const modelId = () => z.string().regex(/^[\w.:-]{1,128}$/, { error: "must be a model id" });

/** An ISO-8601 timestamp with an offset (or Z), normalized to UTC. */
export const timestamp = () => z.iso.datetime({ offset: true, error: "must be an ISO-8601 timestamp such as 2025-01-01T00:00:00Z" }).transform((s) => new Date(s).toISOString());

/**
 * A positive integer query value with a default and a cap: values above the cap are clamped
 * (a client asking for "everything" gets the most we serve), anything else that is not a
 * whole number of at least 1 is rejected.
 */
export const cappedCount = (defaultValue: number, cap: number, min = 1) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return defaultValue;
      if (!/^\d+$/.test(value) || Number(value) < min) {
        const message = `must be a whole number from ${min} (at most ${cap} are returned)`;
        ctx.issues.push({ code: "custom", message, input: value });
        return z.NEVER;
      }
      return Math.min(Number(value), cap); // a very long digit string is a huge Number or Infinity: still capped
    });

/** The largest `offset` served: paging a million rows back is already beyond any screen. */
export const MAX_OFFSET = 1_000_000;

/**
 * `?offset=`: how many of the newest rows to skip, a whole number from 0 to MAX_OFFSET (default
 * 0). Unlike a limit a larger one is refused, not clamped: clamping would answer a different page.
 */
export const offset = () =>
  z
    .string()
    .transform((value, ctx) => {
      if (value === "") return 0;
      if (!/^\d+$/.test(value) || Number(value) > MAX_OFFSET) {
        ctx.issues.push({ code: "custom", message: `must be a whole number from 0 to ${MAX_OFFSET}`, input: value });
        return z.NEVER;
      }
      return Number(value);
    })
    // Optional outside the transform, so a typed client (hc<AppType>) may leave it out.
    .optional();

export const modelIdParam = z.object({ id: modelId() });
/** `?modelId=` with nothing after it means no filter, as it would in a form. */
export const optionalModelIdQuery = { modelId: z.preprocess((v) => (v === "" ? undefined : v), modelId().optional()) };

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** `?modelId=&limit=` of the newest-first lists (trades, invocations). */
export const listQuery = z.object({ ...optionalModelIdQuery, limit: cappedCount(DEFAULT_LIMIT, MAX_LIMIT) });

/** `?modelId=&limit=&offset=` of the lists that page back through history (trades, invocations). */
export const pagedListQuery = listQuery.extend({ offset: offset() });
