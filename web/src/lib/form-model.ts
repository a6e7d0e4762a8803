/**
 * The add-a-model form: what it checks before sending, and the body of POST /api/models it
 * builds. The server validates everything again; the checks here are the ones that must happen
 * before anything leaves the browser (an API key typed where its variable's name belongs).
 */
import type { CreateModelInput } from "../api/types.ts";

export interface ModelForm {
  kind: "rule" | "llm";
  name: string;
  strategy: string;
  initialCapital: string;
  baseUrl: string;
  model: string;
  apiKeyEnv: string;
  temperature: string;
  maxSteps: string;
}

export const emptyModelForm: ModelForm = {
  kind: "rule",
  name: "",
  strategy: "",
  initialCapital: "10000",
  baseUrl: "http://127.0.0.1:11434/v1",
  model: "",
  apiKeyEnv: "",
  temperature: "",
  maxSteps: "",
};

/** Prefixes of the common providers' keys (OpenAI, Anthropic, OpenRouter, Groq, xAI, Google). */
const KEY_PREFIX = /^(sk-|sk_|gsk_|xai-|pk-|rk-|bearer\s)/i;
const GOOGLE_KEY = /^AIza/;

/**
 * Why `value` looks like an API key rather than the name of the variable holding one, or null.
 * A key must never be typed into the form: the settings are stored and shown by the API.
 */
export function keyProblem(value: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  const looksLikeKey = KEY_PREFIX.test(v) || GOOGLE_KEY.test(v) || (v.length > 64 && !v.includes("_"));
  if (looksLikeKey) return "This looks like an API key. Enter the NAME of the environment variable that holds the key (for example OPENROUTER_API_KEY), never the key itself; it was not sent.";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return "Must be an environment variable's name: letters, digits and _ (for example OPENROUTER_API_KEY).";
  return null;
}

/** Problems found before sending, keyed like the server's field paths ("llm.apiKeyEnv"). */
export function checkModelForm(f: ModelForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.name.trim() === "") errors.name = "Give the model a name.";
  if (f.strategy === "") errors.strategy = f.kind === "llm" ? "Choose a prompt variant." : "Choose a strategy.";
  if (f.initialCapital.trim() !== "" && !/^\d+(\.\d+)?$/.test(f.initialCapital.trim())) errors.initialCapital = "Must be an amount of dollars, such as 10000.";
  if (f.kind === "llm") {
    if (f.baseUrl.trim() === "") errors["llm.baseUrl"] = "The OpenAI-compatible endpoint, such as http://127.0.0.1:11434/v1.";
    if (f.model.trim() === "") errors["llm.model"] = "The model id as the server names it, such as llama3.1 or gpt-4o-mini.";
    const key = keyProblem(f.apiKeyEnv);
    if (key) errors["llm.apiKeyEnv"] = key;
    if (f.temperature.trim() !== "" && !(Number.isFinite(Number(f.temperature)) && Number(f.temperature) >= 0 && Number(f.temperature) <= 2)) {
      errors["llm.temperature"] = "A number from 0 to 2, or empty for the default.";
    }
    if (f.maxSteps.trim() !== "" && !(/^\d+$/.test(f.maxSteps.trim()) && Number(f.maxSteps) >= 1 && Number(f.maxSteps) <= 50)) {
      errors["llm.maxSteps"] = "A whole number from 1 to 50, or empty for the default.";
    }
  }
  return errors;
}

/** The request body; call only after checkModelForm found nothing. Empty optional fields are left out. */
export function modelBody(f: ModelForm): CreateModelInput {
  const body: CreateModelInput = { name: f.name.trim(), kind: f.kind, strategy: f.strategy };
  if (f.initialCapital.trim() !== "") body.initialCapital = f.initialCapital.trim();
  if (f.kind === "llm") {
    body.llm = { baseUrl: f.baseUrl.trim(), model: f.model.trim() };
    if (f.apiKeyEnv.trim() !== "") body.llm.apiKeyEnv = f.apiKeyEnv.trim();
    if (f.temperature.trim() !== "") body.llm.temperature = Number(f.temperature);
    if (f.maxSteps.trim() !== "") body.llm.maxSteps = Number(f.maxSteps);
  }
  return body;
}
