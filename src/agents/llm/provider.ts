import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { wrapLanguageModel } from "ai";
import { z } from "zod";

/**
 * LLM connection settings and the model they make. Every OpenAI-compatible server (OpenAI,
 * OpenRouter, Ollama, vLLM, LM Studio) speaks chat completions, so one provider serves them all.
 *
 * Keys come only from the environment: the settings name the variable (`apiKeyEnv`), the key is
 * read when a run starts, handed to the provider for its Authorization header, and never kept,
 * logged or returned. A missing variable fails that run with a message naming the variable.
 */

/** A chat model object (AI SDK language model spec v3): what the agent runs; tests inject a MockLanguageModelV3. */
export type ChatModel = ReturnType<typeof wrapLanguageModel>;

/** A URL without a user name or password in it (`http://user:pass@host/v1` is refused). */
function withoutCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username === "" && parsed.password === "";
  } catch {
    return true; // not a URL: z.url says so
  }
}

/** An environment variable name: letters, digits and underscores, not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * What `POST /api/models` accepts as `llm` (messages read after the field name, as the API
 * prints them: `llm.baseUrl: must be an http(s) URL ...`). Strict: a client that sends `apiKey`
 * is told keys are never accepted, rather than having a secret silently dropped or stored.
 */
export const llmSettingsSchema = z.strictObject(
  {
    baseUrl: z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL of an OpenAI-compatible API, such as http://127.0.0.1:11434/v1 or https://openrouter.ai/api/v1",
      })
      // Settings are stored and returned by the API: a user:password in the URL would be a secret in both.
      .refine(withoutCredentials, {
        error: "must not contain credentials (user:password@): the URL is stored and shown; put the key in an environment variable and name it in apiKeyEnv",
        abort: true,
      }),
    model: z
      .string({ error: "must be the model id as the server names it, such as gpt-4o-mini or llama3.1" })
      .trim()
      .min(1, { error: "must not be empty: the model id as the server names it, such as gpt-4o-mini or llama3.1" })
      .max(200, { error: "must be at most 200 characters" }),
    apiKeyEnv: z
      .string({ error: "must be the name of the environment variable holding the key, such as OPENROUTER_API_KEY" })
      .regex(ENV_NAME, { error: "must be the name of an environment variable (letters, digits, _), such as OPENROUTER_API_KEY" })
      .optional(),
    temperature: z
      .number({ error: "must be a number from 0 to 2" })
      .min(0, { error: "must be at least 0" })
      .max(2, { error: "must be at most 2" })
      .optional(),
    maxSteps: z
      .int({ error: "must be a whole number of steps from 1 to 50" })
      .min(1, { error: "must be at least 1" })
      .max(50, { error: "must be at most 50" })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field ${issue.keys.join(", ")}: keys are never sent to the API, name their environment variable in apiKeyEnv`
        : "must be an object {baseUrl, model, apiKeyEnv?, temperature?, maxSteps?}",
  },
);

export type LlmSettings = z.infer<typeof llmSettingsSchema>;

/** A run that cannot start because of its configuration (bad stored settings, a missing key). */
export class LlmConfigError extends Error {
  override readonly name = "LlmConfigError";
}

/** Parses stored or submitted settings; the error lists every bad field (`baseUrl: must be ...`). */
export function parseLlmSettings(input: unknown): LlmSettings {
  const parsed = llmSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  throw new LlmConfigError(`invalid LLM settings: ${message}`);
}

export interface CreateLlmModelOptions {
  /** For tests and proxies; the default is the global fetch. */
  fetch?: typeof fetch;
}

/** Reads the key at call time; the error names the variable, never a value. */
function readKey(name: string, env: NodeJS.ProcessEnv): string {
  const key = env[name];
  if (key === undefined || key.trim() === "") {
    throw new LlmConfigError(`the API key variable ${name} is not set in the environment (apiKeyEnv names it; set it and restart, or remove apiKeyEnv for a server without keys)`);
  }
  return key.trim();
}

/** Replaces every occurrence of the key in an error's message: a server that echoes it back must not get it into a log or a row. */
function scrubbed(error: unknown, key: string): unknown {
  if (error instanceof Error && error.message.includes(key)) error.message = error.message.split(key).join("[redacted]");
  return error;
}

/**
 * The chat-completions model of an OpenAI-compatible server. The AbortSignal of each call
 * reaches the HTTP request (the provider passes it to fetch), so a run's timeout cancels it.
 */
export function createLlmModel(
  settings: { baseUrl: string; model: string; apiKeyEnv?: string; temperature?: number; maxSteps?: number },
  env: NodeJS.ProcessEnv = process.env,
  options: CreateLlmModelOptions = {},
): ChatModel {
  const apiKey = settings.apiKeyEnv ? readKey(settings.apiKeyEnv, env) : undefined;
  const provider = createOpenAICompatible({
    name: "openai-compatible",
    baseURL: settings.baseUrl.replace(/\/+$/, ""),
    ...(apiKey ? { apiKey } : {}),
    // Token counts of streamed answers arrive only when asked for.
    includeUsage: true,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const model = provider.chatModel(settings.model);
  if (!apiKey) return model;
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v3",
      wrapGenerate: async ({ doGenerate }) => {
        try {
          return await doGenerate();
        } catch (error) {
          throw scrubbed(error, apiKey);
        }
      },
      wrapStream: async ({ doStream }) => {
        try {
          return await doStream();
        } catch (error) {
          throw scrubbed(error, apiKey);
        }
      },
    },
  });
}
