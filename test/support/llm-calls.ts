import type { Db } from "../../src/db/client.js";
import { invocations, llmCalls, models } from "../../src/db/schema.js";

/**
 * Recorded LLM calls written by hand (as recording-table.ts writes them): a model, and runs each
 * with its calls' recording times. The request and answer are small stand-ins: retention and the
 * what-if's checks look at runs and times, not at what was asked.
 */
export async function seedModel(db: Db, id: string, kind: "llm" | "rule" = "llm"): Promise<void> {
  await db.insert(models).values({ id, name: id, kind, strategy: kind === "llm" ? "capital-preservation" : "trend-following", initialCapital: "10000" });
}

export async function seedRun(db: Db, run: { id: string; modelId: string; at: number; calls: readonly number[]; status?: "ok" | "error" }): Promise<void> {
  await db.insert(invocations).values({ id: run.id, modelId: run.modelId, status: run.status ?? "ok", createdAt: new Date(run.at) });
  if (run.calls.length === 0) return;
  await db.insert(llmCalls).values(
    run.calls.map((t, i) => ({
      invocationId: run.id,
      seq: i + 1,
      modelId: run.modelId,
      key: `key-${run.id}-${i + 1}`,
      step: `step ${i + 1}`,
      request: { modelId: "fake-model", call: { prompt: [] } },
      response: { content: [{ type: "text", text: `answer ${i + 1}` }] },
      usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } },
      recordedAt: new Date(t),
    })),
  );
}

/** Every stored call as `run:seq`, in order. */
export async function storedCalls(db: Db): Promise<string[]> {
  const rows = await db.select({ run: llmCalls.invocationId, seq: llmCalls.seq }).from(llmCalls);
  return rows.map((r) => `${r.run}:${r.seq}`).sort();
}
