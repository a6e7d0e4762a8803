import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { wrapLanguageModel } from "ai";
import { LlmConfigError } from "./settings.js";

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
