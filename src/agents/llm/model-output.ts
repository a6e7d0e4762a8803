/**
 * What a model writes, made fit to store and to show. A model's answer is untrusted text: it may
 * hold a NUL character or a lone UTF-16 surrogate (neither can be written to a PostgreSQL text or
 * jsonb column, so the run's record would be lost), and it may repeat the API key it was called
 * with (a server that echoes its Authorization header, a model told the key in a prompt). Unlike
 * user input, which is refused, model output is altered: each unstorable character becomes
 * U+FFFD and every occurrence of the key becomes "[redacted]", before the text reaches a tool, a
 * row, the log or an event.
 */

/** NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const REPLACEMENT = "\uFFFD";
export const REDACTED = "[redacted]";

/** Text with every NUL and lone surrogate replaced by U+FFFD (a valid surrogate pair is kept). */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT);
}

/** Removes secrets from text. */
export type Redact = (text: string) => string;

export const noRedaction: Redact = (text) => text;

/** Replaces every occurrence of each secret (empty ones ignored) with "[redacted]". */
export function redactor(secrets: ReadonlyArray<string | undefined>): Redact {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s !== ""))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return noRedaction;
  return (text) => values.reduce((t, secret) => (t.includes(secret) ? t.split(secret).join(REDACTED) : t), text);
}

/** The key a run is called with (the value of the variable `apiKeyEnv` names, trimmed as the provider reads it). */
export function apiKeyOf(settings: { apiKeyEnv?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = settings.apiKeyEnv ? env[settings.apiKeyEnv]?.trim() : undefined;
  return key ? key : undefined;
}

/** The redaction of a run's model output: its key, if it has one. */
export function keyRedactor(settings: { apiKeyEnv?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Redact {
  return redactor([apiKeyOf(settings, env)]);
}

/** One string a model wrote: secrets redacted, then made storable. */
export function cleanText(text: string, redact: Redact = noRedaction): string {
  return storableText(redact(text));
}

/**
 * A value built from a model's output (tool arguments, step telemetry, tool results), with every
 * string in it (object keys included) cleaned. Arrays and plain objects are copied; other values
 * are kept as they are; a cycle becomes null rather than a stack overflow.
 */
export function cleanValue<T>(value: T, redact: Redact = noRedaction): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return cleanText(v, redact);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return null;
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map(walk);
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[cleanText(k, redact)] = walk(item);
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value) as T;
}
