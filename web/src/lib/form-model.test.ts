import { describe, expect, it } from "vitest";
import { checkModelForm, emptyModelForm, keyProblem, lighterKeyProblem, modelBody, type ModelForm } from "./form-model.ts";

const lighter = (over: Partial<ModelForm> = {}): ModelForm => ({
  ...emptyModelForm,
  name: "Live",
  strategy: "momentum",
  venue: "lighter",
  accountIndex: "281",
  apiKeyIndex: "3",
  privateKeyEnv: "LIGHTER_API_KEY",
  ...over,
});
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

describe("a Lighter venue", () => {
  const hexKey = "0a1b".repeat(20);

  it("takes the name of the key's variable, never a key", () => {
    expect(lighterKeyProblem("LIGHTER_API_KEY")).toBeNull();
    for (const key of [hexKey, `0x${hexKey}`, "deadbeef".repeat(4)]) expect(lighterKeyProblem(key), key).toMatch(/looks like a private key.*LIGHTER_API_KEY/);
    expect(lighterKeyProblem("lighter key")).toMatch(/environment variable's name/);
  });

  it("passes a complete account, ignoring the capital (the exchange's collateral is)", () => {
    expect(checkModelForm(lighter({ initialCapital: "ten" }))).toEqual({});
  });

  it("checks each field under its server path", () => {
    expect(Object.keys(checkModelForm(lighter({ accountIndex: "-1", apiKeyIndex: "255", privateKeyEnv: "" }))).sort()).toEqual(["venue.accountIndex", "venue.apiKeyIndex", "venue.privateKeyEnv"]);
    expect(checkModelForm(lighter({ accountIndex: "1.5", apiKeyIndex: "x" }))).toHaveProperty(["venue.accountIndex"]);
    expect(checkModelForm(lighter({ privateKeyEnv: hexKey }))["venue.privateKeyEnv"]).toMatch(/looks like a private key/);
    expect(checkModelForm(lighter({ accountIndex: String(2 ** 48) }))).toHaveProperty(["venue.accountIndex"]);
    expect(checkModelForm(lighter({ apiKeyIndex: "0" }))).toEqual({});
  });

  it("sends the venue with numbers and no capital; paper sends no venue", () => {
    expect(modelBody(lighter({ accountIndex: " 281 ", privateKeyEnv: " LIGHTER_API_KEY " }))).toEqual({
      name: "Live",
      kind: "rule",
      strategy: "momentum",
      venue: { kind: "lighter", accountIndex: 281, apiKeyIndex: 3, privateKeyEnv: "LIGHTER_API_KEY" },
    });
    expect(modelBody({ ...lighter(), venue: "sim" })).not.toHaveProperty("venue");
  });
});
