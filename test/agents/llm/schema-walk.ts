import { modelMessageSchema } from "ai";
import { vi } from "vitest";
import { z } from "zod/v4";

/** What the AI SDK does with every call's messages: a new array schema, checked. */
export const checkMessages = (messages: unknown): boolean => z.array(modelMessageSchema).safeParse(messages).success;

/** Property descriptors read during one check: zod's recursion walk over an unresolved message schema reads hundreds. */
export function descriptorsRead(messages: unknown): number {
  const spy = vi.spyOn(Object, "getOwnPropertyDescriptor");
  try {
    checkMessages(messages);
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

export const PROMPT = [
  { role: "system", content: "You trade BTC, ETH and SOL." },
  { role: "user", content: "Markets: ..." },
];
