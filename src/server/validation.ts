import type { Context } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { invalid } from "../core/errors.js";
import { textProblem } from "../core/text.js";

export { textProblem };

/**
 * Request validation at the HTTP boundary: every path param, query and JSON body goes through a
 * zod schema before a service is called, and a failure becomes one 400 `invalid_request` whose
 * message names each bad field ("quantity: must be a positive decimal"). Built on Hono's
 * `validator`, so handlers read typed values with `c.req.valid(...)` and the typed client sees them.
 */

type Where = "body" | "query" | "path" | "header";

/** `exitPlan.stop`, `symbols[0]`; the root of the input is named after where it came from. */
function fieldName(where: Where, path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return where;
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("");
}

/** A missing field reads "is required" instead of zod's "expected string, received undefined". */
const requiredMessage: z.core.$ZodErrorMap = (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined);

/**
 * Every string in the input, keys included, checked with textProblem; at most a few reported.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
function textProblems(input: unknown, where: Where): string[] {
  const problems: string[] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: input, path: [] }];
  while (stack.length > 0 && problems.length < 5) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) problems.push(`${fieldName(where, path)}: ${problem}`);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      for (const [key, child] of entries.reverse()) {
        const problem = textProblem(key);
        if (problem) problems.push(`${fieldName(where, path)}: keys ${problem}`);
        else stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return problems;
}

/** Parses `input` or throws the 400 that lists every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: Where): z.output<S> {
  const badText = textProblems(input, where);
  if (badText.length > 0) throw invalid(badText.join("; "));
  const result = schema.safeParse(input, { error: requiredMessage });
  if (result.success) return result.data;
  const message = result.error.issues.map((issue) => `${fieldName(where, issue.path)}: ${issue.message}`).join("; ");
  throw invalid(message);
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** One JSON number literal: at the position of a sticky match. */
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A decimal literal as sign, significant digits and exponent ("1.50e2" and "150" read "15e1"); "NaN" when it is none. */
function normalizedDecimal(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return "NaN";
  const frac = m[3] ?? "";
  let digits = (m[2]! + frac).replace(/^0+/, "");
  if (digits === "") return "0";
  let exponent = Number(m[4] ?? 0) - frac.length;
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${m[1]}${digits}e${exponent}`;
}

/** The index just past the string literal that opens at `start` (valid JSON assumed). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

/**
 * The first number in a JSON text that a double does not carry as written, with where it is.
 * JSON.parse reads 123456789012345678901 as 123456789012345680000 and 1e-400 as 0; the services
 * read numbers through their shortest representation (String(n)), so a literal is kept only when
 * that representation has the value the client wrote. `text` has already parsed as JSON.
 */
export function firstAlteredNumber(text: string): { path: PropertyKey[]; literal: string } | undefined {
  const path: PropertyKey[] = [];
  const containers: Array<"object" | "array"> = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "{" || ch === "[") {
      containers.push(ch === "{" ? "object" : "array");
      path.push(ch === "{" ? "" : 0);
      expectKey = ch === "{";
      i++;
    } else if (ch === "}" || ch === "]") {
      containers.pop();
      path.pop();
      expectKey = false;
      i++;
    } else if (ch === ",") {
      if (containers.at(-1) === "array") path[path.length - 1] = (path.at(-1) as number) + 1;
      else expectKey = true;
      i++;
    } else if (ch === '"') {
      const end = endOfString(text, i);
      if (expectKey) {
        path[path.length - 1] = JSON.parse(text.slice(i, end)) as string;
        expectKey = false;
      }
      i = end;
    } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
      NUMBER_TOKEN.lastIndex = i;
      const literal = NUMBER_TOKEN.exec(text)?.[0];
      if (!literal) return undefined; // not JSON after all: leave it to the parser's verdict
      if (normalizedDecimal(literal) !== normalizedDecimal(String(Number(literal)))) return { path: [...path], literal };
      i += literal.length;
    } else {
      i++; // whitespace, ':', true, false, null
    }
  }
  return undefined;
}

/**
 * A JSON body. The Content-Type must say JSON: that keeps a browser on another site from posting
 * a "simple" text/plain request that skips the CORS preflight, and Hono would otherwise read a
 * non-JSON body as `{}`. Unparseable JSON is turned into a 400 by the error handler.
 */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  // The explicit input type lets the typed client accept what the schema accepts (a decimal as
  // string or number) rather than only what it produces.
  validator<z.input<S>, string, string, "json", string, (value: unknown, c: Context) => Promise<z.output<S>>>("json", async (value, c) => {
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw invalid("body: must be JSON sent with Content-Type: application/json");
    // The parsed body came from this text (Hono caches it), so the numbers can be checked as written.
    const altered = firstAlteredNumber(await c.req.text());
    if (altered) {
      const shown = altered.literal.length > 40 ? `${altered.literal.slice(0, 40)}...` : altered.literal;
      throw invalid(`${fieldName("body", altered.path)}: the JSON number ${shown} cannot be read exactly (a JSON number carries about 15 significant digits): send it as a decimal string`);
    }
    return parseOrThrow(schema, value, "body");
  });

export const queryOf = <S extends z.ZodType>(schema: S) => validator("query", (value) => parseOrThrow(schema, value, "query"));

export const paramsOf = <S extends z.ZodType>(schema: S) => validator("param", (value) => parseOrThrow(schema, value, "path"));
