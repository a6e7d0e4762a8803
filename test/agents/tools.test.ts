import { describe, expect, it } from "vitest";
import { z } from "zod";
import { closePositionSchema, createPositionSchema, formatZodError, holdingSchema, parseToolArgs, TOOL_DEFINITIONS, updateExitPlanSchema } from "../../src/agents/tools.js";

const long = { symbol: "BTC", side: "LONG", quantity: "0.015", leverage: 3, stopLoss: 49_000, profitTarget: "52000.5", confidence: 70 };

function errorOf(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a validation error");
  return formatZodError(r.error);
}

describe("createPosition schema", () => {
  it("accepts decimal strings and numbers, optional exit fields, and a HOLD without or with zero quantity", () => {
    const ok = createPositionSchema.safeParse({
      decisions: [
        { ...long, invalidationCondition: "1h close below 48k", invalidationPrice: "48000", timeExitMinutes: 240, cooldownMinutes: 30 },
        { symbol: "ETH", side: "HOLD", leverage: 1, confidence: 10 },
        { symbol: "SOL", side: "HOLD", quantity: "0", leverage: 1, confidence: 10, stopLoss: null },
      ],
    });
    expect(ok.success).toBe(true);
  });

  it("rejects a HOLD with a size and a LONG without one, naming the field", () => {
    expect(errorOf(createPositionSchema, { decisions: [{ ...long, side: "HOLD" }] })).toBe("decisions[0].quantity: a HOLD decision must have no quantity (or 0)");
    const { quantity: _q, ...noSize } = long;
    expect(errorOf(createPositionSchema, { decisions: [noSize] })).toBe("decisions[0].quantity: a LONG decision needs a quantity above 0");
  });

  it.each([
    ["leverage 50", { leverage: 50 }, "decisions[0].leverage: leverage must be at most 20"],
    ["leverage 0", { leverage: 0 }, "decisions[0].leverage: leverage must be at least 1"],
    ["leverage as text", { leverage: "high" }, "decisions[0].leverage: leverage must be a number between 1 and 20"],
    ["NaN quantity", { quantity: Number.NaN }, "decisions[0].quantity: quantity must be a number or a decimal string"],
    ['"NaN" quantity', { quantity: "NaN" }, "decisions[0].quantity: quantity must be a non-negative decimal"],
    ["negative quantity", { quantity: "-1" }, "decisions[0].quantity: quantity must be a non-negative decimal"],
    ["text quantity", { quantity: "a lot" }, "decisions[0].quantity: quantity must be a non-negative decimal"],
    ["boolean quantity", { quantity: true }, "decisions[0].quantity: quantity must be a number or a decimal string"],
    ["zero stop", { stopLoss: 0 }, "decisions[0].stopLoss: stopLoss must be above zero"],
    ["confidence 150", { confidence: 150 }, "decisions[0].confidence: confidence must be at most 100"],
    ["unknown side", { side: "BUY" }, "decisions[0].side: side must be LONG, SHORT or HOLD"],
    ["fractional minutes", { timeExitMinutes: 1.5 }, "decisions[0].timeExitMinutes: timeExitMinutes must be a whole number of minutes"],
  ])("rejects %s with a readable message", (_name, patch, message) => {
    expect(errorOf(createPositionSchema, { decisions: [{ ...long, ...patch }] })).toContain(message);
  });

  it("rejects an empty decision list and lists several problems on one line", () => {
    expect(errorOf(createPositionSchema, { decisions: [] })).toBe("decisions: decisions must hold at least one decision");
    const both = errorOf(createPositionSchema, { decisions: [{ ...long, leverage: 21, confidence: -1 }] });
    expect(both).toBe("decisions[0].leverage: leverage must be at most 20; decisions[0].confidence: confidence must be at least 0");
    expect(both).not.toContain("\n");
  });
});

describe("the other tools", () => {
  it("closePosition needs at least one symbol", () => {
    expect(closePositionSchema.safeParse({ symbols: ["BTC", "eth"] }).success).toBe(true);
    expect(errorOf(closePositionSchema, { symbols: [] })).toBe("symbols: symbols must name at least one symbol");
    expect(errorOf(closePositionSchema, { symbols: ["BTC; DROP TABLE"] })).toContain("symbols[0]: symbol must be an asset name");
  });

  it("updateExitPlan needs something to change", () => {
    expect(updateExitPlanSchema.safeParse({ updates: [{ symbol: "BTC", stopLoss: "50100.5" }] }).success).toBe(true);
    expect(errorOf(updateExitPlanSchema, { updates: [{ symbol: "BTC" }] })).toMatch(/^updates\[0\]: an update must change at least one/);
  });

  it("holding takes a reason of at most 1000 characters", () => {
    expect(holdingSchema.safeParse({ reason: "nothing to do" }).success).toBe(true);
    expect(errorOf(holdingSchema, { reason: "x".repeat(1001) })).toBe("reason: reason must be at most 1000 characters");
    expect(errorOf(holdingSchema, { reason: "   " })).toBe("reason: reason must not be empty");
  });
});

describe("parseToolArgs and the definitions", () => {
  it("returns the parsed arguments or an invalid_arguments result for the model", () => {
    expect(parseToolArgs("holding", { reason: "flat" })).toEqual({ ok: true, args: { reason: "flat" } });
    expect(parseToolArgs("closePosition", "BTC")).toEqual({
      ok: false,
      result: { ok: false, results: [], error: { code: "invalid_arguments", message: expect.stringContaining("expected object") } },
    });
  });

  it("every tool schema exports to JSON Schema, which is what an LLM provider is sent", () => {
    for (const def of Object.values(TOOL_DEFINITIONS)) {
      const json = z.toJSONSchema(def.schema) as { type: string };
      expect(json.type).toBe("object");
      expect(def.description.length).toBeGreaterThan(10);
    }
  });

  it("formats errors that are not zod errors too", () => {
    expect(formatZodError(new Error("boom"))).toBe("boom");
    expect(formatZodError("plain")).toBe("plain");
  });
});
