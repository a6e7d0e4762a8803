import type { Context } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { invalid } from "../core/errors.js";

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
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/** A missing field reads "is required" instead of zod's "expected string, received undefined". */
const requiredMessage: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined;

/** Parses `input` or throws the 400 that lists every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: Where): z.output<S> {
  const result = schema.safeParse(input, { error: requiredMessage });
  if (result.success) return result.data;
  const message = result.error.issues.map((issue) => `${fieldName(where, issue.path)}: ${issue.message}`).join("; ");
  throw invalid(message);
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * A JSON body. The Content-Type must say JSON: that keeps a browser on another site from posting
 * a "simple" text/plain request that skips the CORS preflight, and Hono would otherwise read a
 * non-JSON body as `{}`. Unparseable JSON is turned into a 400 by the error handler.
 */
export const jsonBody = <S extends z.ZodType>(schema: S) =>
  // The explicit input type lets the typed client accept what the schema accepts (a decimal as
  // string or number) rather than only what it produces.
  validator<z.input<S>, string, string, "json", string, (value: unknown, c: Context) => z.output<S>>("json", (value, c) => {
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw invalid("body: must be JSON sent with Content-Type: application/json");
    return parseOrThrow(schema, value, "body");
  });

export const queryOf = <S extends z.ZodType>(schema: S) =>
  validator("query", (value) => parseOrThrow(schema, value, "query"));

export const paramsOf = <S extends z.ZodType>(schema: S) =>
  validator("param", (value) => parseOrThrow(schema, value, "path"));
