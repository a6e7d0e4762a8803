import type { Logger } from "../../core/logger.js";
import { GroupCommit } from "../../db/group-commit.js";
import { llmCalls } from "../../db/schema.js";
import type { UnitOfWork } from "../../db/unit-of-work.js";
import { cleanValue, type Redact } from "./model-output.js";
import type { LlmRecordingStore } from "./recording-store.js";

/**
 * Paper and live runs record every answered LLM call into the llm_calls table, in the format of
 * a backtest's recording file (one RecordedLlmCall a row), filed under the run's invocation and
 * numbered within it. Rows of runs that answer together are written in one transaction
 * (GroupCommit). A row that cannot be written is logged and dropped: a recording is for later
 * replays, and losing one must not fail the decision it records.
 *
 * The request holds no key by construction (recording-key.ts leaves the transport out); the
 * answer is the model's own text, so the run's key is redacted from the whole row like any
 * other record of model output, and NUL characters (which jsonb refuses) are replaced.
 */

export interface LlmRunRef {
  invocationId: string;
  modelId: string;
  /** Removes the run's key from what is written. */
  redact: Redact;
}

export class LlmCallTable {
  private readonly rows: GroupCommit<typeof llmCalls.$inferInsert>;

  constructor(
    uow: UnitOfWork,
    private readonly logger: Logger,
  ) {
    this.rows = new GroupCommit(uow, async (tx, _ctx, rows) => void (await tx.insert(llmCalls).values(rows)));
  }

  /** The recording of one run: each call put becomes a row, numbered from 1 in the order answered. */
  forRun(run: LlmRunRef): LlmRecordingStore {
    let seq = 0;
    return {
      get: () => undefined,
      put: async (key, call) => {
        const clean = cleanValue(call, run.redact);
        const row = {
          invocationId: run.invocationId,
          seq: ++seq,
          modelId: run.modelId,
          key,
          step: clean.step ?? null,
          request: clean.request,
          response: clean.response,
          usage: clean.usage,
          recordedAt: new Date(call.recordedAt ?? 0),
        };
        await this.rows.add(row).catch((e: unknown) => this.logger.warn({ err: e, invocationId: run.invocationId, seq: row.seq }, "could not record an LLM call"));
      },
    };
  }
}
