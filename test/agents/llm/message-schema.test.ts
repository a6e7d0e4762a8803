import { describe, expect, it } from "vitest";
import { resolveMessageSchema } from "../../../src/agents/llm/message-schema.js";
import { checkMessages as check, descriptorsRead, PROMPT } from "./schema-walk.js";

describe("the AI SDK's prompt check, resolved once", () => {
  it("walks the message schema on every check until resolved, never after", () => {
    expect(descriptorsRead(PROMPT), "unresolved: the walk on each check").toBeGreaterThan(50);
    expect(descriptorsRead(PROMPT), "and again").toBeGreaterThan(50);
    resolveMessageSchema();
    expect(descriptorsRead(PROMPT)).toBeLessThan(10);
    expect(descriptorsRead(PROMPT)).toBeLessThan(10);
  });

  it("accepts and refuses what it did before", () => {
    resolveMessageSchema();
    expect(check(PROMPT)).toBe(true);
    expect(check([{ role: "user", content: [{ type: "text", text: "hi" }], providerOptions: { openai: { user: "x" } } }])).toBe(true);
    expect(check([{ role: "robot", content: "hi" }])).toBe(false);
    expect(check([{ role: "user" }])).toBe(false);
    expect(check([{ role: "user", content: "hi", providerOptions: { openai: () => 1 } }])).toBe(false);
  });
});
