/**
 * A 400's message split by field. The server names each bad field by its full path
 * (`name: must not be empty; llm.baseUrl: must be an http(s) URL ...`), joined with "; ".
 * ApiError.fieldErrors() keys by the top-level name only, which would put every `llm.*`
 * problem under "llm"; a form with one input per nested field needs the full path.
 */

const FIELD = /^([A-Za-z_]\w*(?:\.\w+|\[\d+\])*): (.*)$/s;

/**
 * Messages by full field path ("llm.baseUrl"); problems without a field (or naming the whole
 * body) under "". A part that does not start with a field name continues the previous message
 * (a message may itself contain "; ").
 */
export function parseFieldErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const part of message.split(/;\s+/)) {
    const text = part.trim();
    if (text === "") continue;
    const m = FIELD.exec(text);
    if (!m && last !== null) {
      out[last] = `${out[last]}; ${text}`;
      continue;
    }
    const field = m ? (m[1] === "body" ? "" : m[1]!) : "";
    const problem = m ? m[2]! : text;
    out[field] = out[field] ? `${out[field]}; ${problem}` : problem;
    last = field;
  }
  return out;
}

/**
 * Splits parsed errors into those a form shows under one of its inputs (`fields`) and the
 * rest, which it shows above the form, each still naming its field.
 */
export function placeFieldErrors(errors: Record<string, string>, fields: readonly string[]): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const [field, text] of Object.entries(errors)) {
    if (fields.includes(field)) byField[field] = text;
    else other.push(field === "" ? text : `${field}: ${text}`);
  }
  return { byField, other };
}
