/**
 * The add-a-model form: what it checks before sending, and the body of POST /api/models it
 * builds. The server validates everything again; the checks here are the ones that must happen
 * before anything leaves the browser (a key typed where its variable's name belongs).
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
  /** Where it trades: paper (the exchange simulator) or a Lighter account. */
  venue: "sim" | "lighter";
  accountIndex: string;
  apiKeyIndex: string;
  /** The NAME of the server's environment variable holding the Lighter API private key. */
  privateKeyEnv: string;
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
  venue: "sim",
  accountIndex: "",
  apiKeyIndex: "",
  privateKeyEnv: "",
};

/** Prefixes of the common providers' keys (OpenAI, Anthropic, OpenRouter, Groq, xAI, Google). */
const KEY_PREFIX = /^(sk-|sk_|gsk_|xai-|pk-|rk-|bearer\s)/i;
const GOOGLE_KEY = /^AIza/;

/** A private key in hex (Lighter's are 80 hex characters), with or without 0x. */
const HEX_KEY = /^(0x)?[0-9a-f]{32,}$/i;

function nameProblem(value: string, what: string, example: string): string | null {
  const v = value.trim();
  if (v === "") return null;
  const looksLikeKey = KEY_PREFIX.test(v) || GOOGLE_KEY.test(v) || HEX_KEY.test(v) || (v.length > 64 && !v.includes("_"));
  if (looksLikeKey) return `This looks like ${what}. Enter the NAME of the environment variable that holds the key (for example ${example}), never the key itself; it was not sent.`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return `Must be an environment variable's name: letters, digits and _ (for example ${example}).`;
  return null;
}

/**
 * Why `value` looks like an API key rather than the name of the variable holding one, or null.
 * A key must never be typed into the form: the settings are stored and shown by the API.
 */
export function keyProblem(value: string): string | null {
  return nameProblem(value, "an API key", "OPENROUTER_API_KEY");
}

/** The same for a Lighter account: the name of the variable holding its API private key, never the key. */
export function lighterKeyProblem(value: string): string | null {
  return nameProblem(value, "a private key", "LIGHTER_API_KEY");
}

/** The largest Lighter account index the server takes (2^48 − 2). */
const MAX_ACCOUNT_INDEX = 2 ** 48 - 2;

/** The form's inputs for the server's 422 codes about a Lighter account, so its message shows under the input to fix. */
export const VENUE_ERROR_FIELD: Readonly<Record<string, string>> = {
  account_in_use: "venue.accountIndex",
  no_collateral: "venue.accountIndex",
  api_key_not_registered: "venue.apiKeyIndex",
  api_key_mismatch: "venue.apiKeyIndex",
  private_key_missing: "venue.privateKeyEnv",
  private_key_invalid: "venue.privateKeyEnv",
};

/** Problems found before sending, keyed like the server's field paths ("llm.apiKeyEnv"). */
export function checkModelForm(f: ModelForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.name.trim() === "") errors.name = "Give the model a name.";
  if (f.strategy === "") errors.strategy = f.kind === "llm" ? "Choose a prompt variant." : "Choose a strategy.";
  if (f.venue === "sim" && f.initialCapital.trim() !== "" && !/^\d+(\.\d+)?$/.test(f.initialCapital.trim())) errors.initialCapital = "Must be an amount of dollars, such as 10000.";
  if (f.venue === "lighter") {
    const account = f.accountIndex.trim();
    if (!/^\d+$/.test(account) || Number(account) > MAX_ACCOUNT_INDEX) errors["venue.accountIndex"] = "The index of your Lighter account: a whole number.";
    const key = f.apiKeyIndex.trim();
    if (!/^\d+$/.test(key) || Number(key) > 254) errors["venue.apiKeyIndex"] = "The index of the API key registered on that account: a whole number from 0 to 254.";
    const env = f.privateKeyEnv.trim();
    const problem = env === "" ? "The name of the environment variable holding the API private key, for example LIGHTER_API_KEY." : lighterKeyProblem(env);
    if (problem) errors["venue.privateKeyEnv"] = problem;
  }
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
  // A Lighter model's capital is its account's collateral on the exchange: the server refuses one here.
  if (f.venue === "lighter") {
    body.venue = { kind: "lighter", accountIndex: Number(f.accountIndex.trim()), apiKeyIndex: Number(f.apiKeyIndex.trim()), privateKeyEnv: f.privateKeyEnv.trim() };
  } else if (f.initialCapital.trim() !== "") body.initialCapital = f.initialCapital.trim();
  if (f.kind === "llm") {
    body.llm = { baseUrl: f.baseUrl.trim(), model: f.model.trim() };
    if (f.apiKeyEnv.trim() !== "") body.llm.apiKeyEnv = f.apiKeyEnv.trim();
    if (f.temperature.trim() !== "") body.llm.temperature = Number(f.temperature);
    if (f.maxSteps.trim() !== "") body.llm.maxSteps = Number(f.maxSteps);
  }
  return body;
}
