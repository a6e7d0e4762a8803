import { z } from "zod";

/**
 * LLM connection settings, as stored on a model and accepted by the API: apart from the
 * provider so that validating them (the HTTP layer, the CLI) never loads the AI SDK.
 * Keys come only from the environment: the settings name the variable (`apiKeyEnv`).
 */

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
    temperature: z.number({ error: "must be a number from 0 to 2" }).min(0, { error: "must be at least 0" }).max(2, { error: "must be at most 2" }).optional(),
    maxSteps: z.int({ error: "must be a whole number of steps from 1 to 50" }).min(1, { error: "must be at least 1" }).max(50, { error: "must be at most 50" }).optional(),
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
