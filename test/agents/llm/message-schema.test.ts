import { modelMessageSchema } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod/v4";
import { resolveMessageSchema } from "../../../src/agents/llm/message-schema.js";

/** What the AI SDK does with every call's messages: a new array schema, checked. */
const check = (messages: unknown) => z.array(modelMessageSchema).safeParse(messages).success;

/** Property descriptors read during one check: zod's recursion walk over the message schema reads hundreds. */
function descriptorsRead(messages: unknown): number {
  const spy = vi.spyOn(Object, "getOwnPropertyDescriptor");
  try {
    check(messages);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const prompt = [
  { role: "system", content: "You trade BTC, ETH and SOL." },
  { role: "user", content: "Markets: ..." },
];

describe("the AI SDK's prompt check, resolved once", () => {
  afterEach(() => vi.restoreAllMocks());

  it("walks the message schema on every check until resolved, never after", () => {
    expect(descriptorsRead(prompt), "unresolved: the walk on each check").toBeGreaterThan(50);
    expect(descriptorsRead(prompt), "and again").toBeGreaterThan(50);
    resolveMessageSchema();
    expect(descriptorsRead(prompt)).toBeLessThan(10);
    expect(descriptorsRead(prompt)).toBeLessThan(10);
  });

  it("accepts and refuses what it did before", () => {
    resolveMessageSchema();
    expect(check(prompt)).toBe(true);
    expect(check([{ role: "user", content: [{ type: "text", text: "hi" }], providerOptions: { openai: { user: "x" } } }])).toBe(true);
    expect(check([{ role: "robot", content: "hi" }])).toBe(false);
    expect(check([{ role: "user" }])).toBe(false);
    expect(check([{ role: "user", content: "hi", providerOptions: { openai: () => 1 } }])).toBe(false);
  });
});
