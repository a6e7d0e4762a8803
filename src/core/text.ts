/** Text as the database can store it, unaltered. */
const NUL = "\u0000";
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text cannot be stored as sent: PostgreSQL refuses NUL in text and jsonb (a 500 once it
 * reached the database), and an unpaired surrogate is not Unicode at all (it would be stored as
 * U+FFFD, silently changed). Both are refused at the boundary rather than altered.
 */
export function textProblem(text: string): string | undefined {
  if (text.includes(NUL)) return "must not contain NUL characters (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "must not contain unpaired UTF-16 surrogates (text must be valid Unicode)";
  return undefined;
}
