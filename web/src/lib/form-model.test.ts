import { describe, expect, it } from "vitest";
import { checkModelForm, emptyModelForm, keyProblem, modelBody, type ModelForm } from "./form-model.ts";

const llm = (over: Partial<ModelForm> = {}): ModelForm => ({ ...emptyModelForm, kind: "llm", name: "Qwen", strategy: "baseline", model: "qwen2.5", ...over });

describe("keyProblem", () => {
  it("accepts variable names and nothing", () => {
    expect(keyProblem("")).toBeNull();
    expect(keyProblem("OPENROUTER_API_KEY")).toBeNull();
    expect(keyProblem("openai_key")).toBeNull();
  });
  it("refuses what looks like a key", () => {
    for (const key of ["sk-abc123", "sk-or-v1-0123456789abcdef", "gsk_0123", "xai-abc", "AIzaSyA0123", "Bearer abc", "a".repeat(65)]) {
      expect(keyProblem(key), key).toMatch(/looks like an API key/);
    }
  });
  it("accepts a long name with underscores", () => {
    expect(keyProblem(`A_${"B".repeat(70)}`)).toBeNull();
  });
  it("refuses what is not a variable name", () => {
    expect(keyProblem("my key")).toMatch(/environment variable's name/);
    expect(keyProblem("1ABC")).toMatch(/environment variable's name/);
  });
});

describe("checkModelForm", () => {
  it("needs a name and a strategy", () => {
    expect(checkModelForm(emptyModelForm)).toEqual({ name: expect.any(String), strategy: "Choose a strategy." });
  });
  it("passes a complete rule model", () => {
    expect(checkModelForm({ ...emptyModelForm, name: "A", strategy: "momentum" })).toEqual({});
  });
  it("checks the llm fields under their server paths", () => {
    const errors = checkModelForm(llm({ baseUrl: "", model: "", apiKeyEnv: "sk-secret", temperature: "3", maxSteps: "1.5" }));
    expect(Object.keys(errors).sort()).toEqual(["llm.apiKeyEnv", "llm.baseUrl", "llm.maxSteps", "llm.model", "llm.temperature"]);
  });
  it("ignores llm fields of a rule model", () => {
    expect(checkModelForm({ ...emptyModelForm, name: "A", strategy: "s", apiKeyEnv: "sk-x" })).toEqual({});
  });
  it("refuses a capital that is not an amount", () => {
    expect(checkModelForm({ ...emptyModelForm, name: "A", strategy: "s", initialCapital: "ten" })).toHaveProperty("initialCapital");
  });
});

describe("modelBody", () => {
  it("builds a rule model without llm settings", () => {
    expect(modelBody({ ...emptyModelForm, name: " A ", strategy: "momentum", apiKeyEnv: "X" })).toEqual({ name: "A", kind: "rule", strategy: "momentum", initialCapital: "10000" });
  });
  it("builds an llm model with numbers for temperature and steps and no empty fields", () => {
    expect(modelBody(llm({ apiKeyEnv: " OPENROUTER_API_KEY ", temperature: "0.7", maxSteps: "8", initialCapital: "" }))).toEqual({
      name: "Qwen",
      kind: "llm",
      strategy: "baseline",
      llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "qwen2.5", apiKeyEnv: "OPENROUTER_API_KEY", temperature: 0.7, maxSteps: 8 },
    });
    expect(modelBody(llm()).llm).toEqual({ baseUrl: "http://127.0.0.1:11434/v1", model: "qwen2.5" });
  });
});
