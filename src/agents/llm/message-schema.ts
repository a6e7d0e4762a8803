import { modelMessageSchema } from "ai";

/**
 * Makes the AI SDK's prompt check cheap, once per process.
 *
 * `generateText` checks every call's messages against a new `z.array(modelMessageSchema)`, and
 * zod (4.6) first asks whether that schema can re-enter itself. The message schema holds a lazy
 * (JSON values, for provider options and tool outputs) that stays unresolved until a value is
 * parsed through it; an unresolved lazy only "may" recurse, an answer zod does not keep, so it
 * walked the whole message schema again on every call: 200 of the property reads a check makes,
 * about a fifth of a scheduler cycle's work before its first model call with 100 models. One
 * message with provider options resolves the lazy; from then on the answer is kept and a check
 * reads nothing of the kind. What the check accepts and refuses is unchanged.
 */
export function resolveMessageSchema(): void {
  modelMessageSchema.safeParse({ role: "user", content: "", providerOptions: { resolve: { json: [null] } } });
}
