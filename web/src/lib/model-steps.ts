/**
 * Reads an LLM run's recorded steps (src/agents/llm/agent.ts LlmStep) defensively: stored JSON
 * of an earlier version, or of a run that failed midway, may lack fields. Null when the value is
 * not a list of steps at all, so the page can show it raw instead.
 */

export interface StepReading {
  step: number;
  attempts: number | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string | null;
  text: string;
  /** The account as the model was shown it before this step (steps after the first); null when none was recorded. */
  stateUpdate: string | null;
  toolCalls: Array<{ tool: string; args: unknown; ok: boolean | null; executed: boolean | null; error: string | null }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const boolOrNull = (v: unknown) => (typeof v === "boolean" ? v : null);
const strOrNull = (v: unknown) => (typeof v === "string" ? v : null);

export function readSteps(steps: unknown): StepReading[] | null {
  if (!Array.isArray(steps) || !steps.every(isRecord)) return null;
  return steps.map((s, i) => ({
    step: numOrNull(s.step) ?? i + 1,
    attempts: numOrNull(s.attempts),
    latencyMs: numOrNull(s.latencyMs),
    inputTokens: numOrNull(s.inputTokens),
    outputTokens: numOrNull(s.outputTokens),
    finishReason: strOrNull(s.finishReason),
    text: strOrNull(s.text) ?? "",
    stateUpdate: strOrNull(s.stateUpdate),
    toolCalls: (Array.isArray(s.toolCalls) ? s.toolCalls : []).filter(isRecord).map((c) => ({
      tool: strOrNull(c.tool) ?? "unknown",
      args: c.args ?? null,
      ok: boolOrNull(c.ok),
      executed: boolOrNull(c.executed),
      error: strOrNull(c.error),
    })),
  }));
}
