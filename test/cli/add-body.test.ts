import { describe, expect, it } from "vitest";
import { addBody } from "../../src/cli/models.js";

describe("models add options", () => {
  const base = { name: "m", strategy: "trend-following", capital: "10000" };

  it("builds a rule model", () => {
    expect(addBody(base)).toEqual({ name: "m", kind: "rule", strategy: "trend-following", initialCapital: "10000" });
  });

  it("builds an LLM model with its connection settings, never a key", () => {
    const body = addBody({ ...base, strategy: "capital-preservation", llm: true, baseUrl: "http://127.0.0.1:11434/v1", model: "qwen3:8b", apiKeyEnv: "OLLAMA_KEY", temperature: "0.3", maxSteps: "6" });
    expect(body).toEqual({
      name: "m",
      kind: "llm",
      strategy: "capital-preservation",
      initialCapital: "10000",
      llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "qwen3:8b", apiKeyEnv: "OLLAMA_KEY", temperature: 0.3, maxSteps: 6 },
    });
  });

  it.each([
    [{ llm: true, model: "x" }, "--base-url"],
    [{ llm: true, baseUrl: "http://h/v1" }, "--model"],
    [{ model: "x" }, "need --llm"],
    [{ llm: true, baseUrl: "http://h/v1", model: "x", maxSteps: "2.5" }, "--max-steps"],
    [{ llm: true, baseUrl: "http://h/v1", model: "x", temperature: "hot" }, "--temperature"],
    [{ capital: "-1" }, "--capital"],
  ])("%j is refused naming %s", (extra, needle) => {
    expect(() => addBody({ ...base, ...extra })).toThrow(needle);
  });
});
