import { describe, expect, it } from "vitest";
import { backtestRequestFromBody } from "../../src/backtest/backtest-body.js";
import type { Db } from "../../src/db/client.js";

/** A backtest's LLM model may name its variant by the original persona name, as POST /api/models may. */
describe("backtest request bodies", () => {
  // Models given in full (no ids of this installation): nothing is read from the database.
  const context = { db: {} as Db, cwd: "/tmp", defaultLlmFile: "/tmp/llm.json" };
  const body = (strategy: string, kind = "llm") => ({
    from: "2026-01-01T00:00:00Z",
    to: "2026-01-01T01:00:00Z",
    feed: { kind: "synthetic", seed: 7 },
    ...(kind === "llm" ? { llm: { mode: "replay", file: "/tmp/llm.json" } } : {}),
    models: [{ name: "M", kind, strategy, ...(kind === "llm" ? { llm: { baseUrl: "http://127.0.0.1:1/v1", model: "m" } } : {}) }],
  });

  it("accepts a variant's original name in any case", async () => {
    for (const name of ["Apex", "sovereign", "aggressive-momentum"]) {
      const request = await backtestRequestFromBody(body(name), context);
      expect(request.models[0]!.strategy).toBe(name);
    }
  });

  it("refuses an unknown variant, listing both names of each, and an alias for a rule model", async () => {
    await expect(backtestRequestFromBody(body("Oracle"), context)).rejects.toThrow(
      /models\[0\]\.strategy: unknown llm strategy "Oracle" \(known: capital-preservation \(Guardian\), aggressive-momentum \(Apex\),/,
    );
    await expect(backtestRequestFromBody(body("Apex", "rule"), context)).rejects.toThrow(/models\[0\]\.strategy: unknown rule strategy "Apex"/);
  });
});
