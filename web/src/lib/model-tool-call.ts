/**
 * Reads a recorded tool call's `metadata` (`{args, result}`, see src/scheduler/model-tools.ts)
 * defensively: it is stored JSON from a model run, so any part may be missing or odd, and the
 * page must still show what is there. Rejections are pulled out so they can be highlighted.
 */

export interface ToolCallOutcome {
  /** The symbol it concerned, when the result names one. */
  symbol: string | null;
  status: string;
  /** The rejection's code (e.g. "insufficient_margin"), or a holding's reason. */
  reason: string | null;
  /** The rejection's human text. */
  message: string | null;
  rejected: boolean;
  /** The other fields of the result (filled quantity, price, fees...), for display. */
  details: Array<[string, string]>;
}

export interface ToolCallReading {
  args: unknown;
  /** The result's own verdict; null when the call has no readable result. */
  ok: boolean | null;
  error: { code: string; message: string } | null;
  outcomes: ToolCallOutcome[];
  /** Something in it failed: a tool error, a rejected symbol, or ok=false. */
  failed: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null);

function outcome(raw: unknown): ToolCallOutcome {
  if (!isRecord(raw)) return { symbol: null, status: text(raw) ?? "unknown", reason: null, message: null, rejected: false, details: [] };
  const status = text(raw.status) ?? "unknown";
  const details: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k === "symbol" || k === "status" || k === "reason" || k === "message" || v === null || v === undefined) continue;
    details.push([k, text(v) ?? JSON.stringify(v)]);
  }
  return { symbol: text(raw.symbol), status, reason: text(raw.reason), message: text(raw.message), rejected: status === "rejected", details };
}

export function readToolCall(metadata: unknown): ToolCallReading {
  const meta = isRecord(metadata) ? metadata : {};
  const result = isRecord(meta.result) ? meta.result : null;
  const ok = result && typeof result.ok === "boolean" ? result.ok : null;
  const err = result && isRecord(result.error) ? { code: text(result.error.code) ?? "error", message: text(result.error.message) ?? "" } : null;
  const outcomes = result && Array.isArray(result.results) ? result.results.map(outcome) : [];
  return { args: meta.args ?? null, ok, error: err, outcomes, failed: ok === false || err !== null || outcomes.some((o) => o.rejected) };
}

/** How many of a run's tool calls failed in some way (for the run's summary line). */
export function failedToolCalls(calls: ReadonlyArray<{ metadata: unknown }>): number {
  return calls.filter((c) => readToolCall(c.metadata).failed).length;
}

/** A tool type for people: "CREATE_POSITION" → "create position". */
export function toolLabel(type: string): string {
  return type.toLowerCase().replace(/_/g, " ");
}
