import { describe, expect, it } from "vitest";
import { cleanText, cleanValue, keyRedactor, redactor, storableText } from "../../../src/agents/llm/model-output.js";

describe("model output cleaning", () => {
  it("replaces NUL and lone surrogates with U+FFFD, keeping valid pairs and everything else", () => {
    expect(storableText("a\u0000b")).toBe("a\uFFFDb");
    expect(storableText("\uD800x\uDC00")).toBe("\uFFFDx\uFFFD");
    expect(storableText("end\uD83D")).toBe("end\uFFFD");
    expect(storableText("\uDE00start")).toBe("\uFFFDstart");
    expect(storableText("\uDC00\uD800")).toBe("\uFFFD\uFFFD"); // low then high is no pair
    expect(storableText("pair \uD83D\uDE00 ok, tab\t and é")).toBe("pair \uD83D\uDE00 ok, tab\t and é");
  });

  it("redacts every occurrence of the key, and only a key that is set", () => {
    const redact = redactor(["sk-abc123", undefined, ""]);
    expect(redact("sk-abc123 then sk-abc123sk-abc123")).toBe("[redacted] then [redacted][redacted]");
    expect(redact("nothing here")).toBe("nothing here");
    expect(keyRedactor({ apiKeyEnv: "K" }, { K: "  sk-trimmed  " })("a sk-trimmed b")).toBe("a [redacted] b");
    expect(keyRedactor({ apiKeyEnv: "K" }, {})("sk-trimmed")).toBe("sk-trimmed");
    expect(keyRedactor({}, { K: "x" })("x")).toBe("x");
    expect(cleanText("sk-abc123\u0000", redact)).toBe("[redacted]\uFFFD");
  });

  it("cleans every string of a value, keys included, without changing its shape or the input", () => {
    const input = { "k\u0000": ["sk-abc123", 1, null, true, { deep: "\uD800" }], n: 2 };
    const cleaned = cleanValue(input, redactor(["sk-abc123"]));
    expect(cleaned).toEqual({ "k\uFFFD": ["[redacted]", 1, null, true, { deep: "\uFFFD" }], n: 2 });
    expect(input["k\u0000"][0]).toBe("sk-abc123");
    const shared = { s: "\u0000" };
    expect(cleanValue({ a: shared, b: shared })).toEqual({ a: { s: "\uFFFD" }, b: { s: "\uFFFD" } });
    const cyclic: Record<string, unknown> = { s: "x" };
    cyclic.self = cyclic;
    expect(cleanValue(cyclic)).toEqual({ s: "x", self: null });
  });
});
