import { keyRedactor } from "../agents/llm/model-output.js";
import { createLlmModel } from "../agents/llm/provider.js";
import { recordingModel } from "../agents/llm/recording.js";
import type { LlmCallTable } from "../agents/llm/recording-table.js";
import type { DeciderOptions } from "../scheduler/llm-decider.js";

/**
 * Deciders of a paper (or live) kernel that record every LLM call of every run into llm_calls,
 * through the very recorder a backtest's `--llm record` uses (recording.ts): the model each run
 * talks to is wrapped, the run's answers pass through unchanged, and each answered call becomes
 * a row filed under the run's invocation. A what-if of the day then answers the model from these
 * rows instead of calling it (src/backtest/paper-llm.ts).
 */
export function recordLlmCalls(deciders: DeciderOptions, options: { table: LlmCallTable; now: () => number }): DeciderOptions {
  const env = deciders.env ?? process.env;
  // The run each LLM model is in: the scheduler runs a model once at a time, and its model is made as the run starts.
  const runs = new Map<string, { invocationId: string; at: number }>();
  return {
    ...deciders,
    around: (model, own) => {
      const decide = deciders.around ? deciders.around(model, own) : own;
      if (model.kind !== "llm" || !decide) return decide;
      return async (ctx, tools, report) => {
        const invocationId = report.invocationId;
        if (invocationId) runs.set(model.id, { invocationId, at: ctx.now });
        try {
          await decide(ctx, tools, report);
        } finally {
          if (runs.get(model.id)?.invocationId === invocationId) runs.delete(model.id);
        }
      };
    },
    model: (settings, model) => {
      // Made at once, as the agent would: a missing key fails the run before any request, naming its variable.
      const real = deciders.model ? deciders.model(settings, model) : createLlmModel(settings, env);
      const run = runs.get(model.id);
      if (!run) return real;
      return recordingModel({
        mode: "record",
        store: options.table.forRun({ invocationId: run.invocationId, modelId: model.id, redact: keyRedactor(settings, env) }),
        model: () => real,
        modelId: settings.model,
        describe: (step) => `model "${model.name}" at ${new Date(run.at).toISOString()}, step ${step}`,
        now: options.now,
      });
    },
  };
}
