import { describe, expect, it } from "vitest";
import { failedToolCalls, readToolCall, toolLabel } from "./model-tool-call.ts";

describe("readToolCall", () => {
  it("reads a filled entry", () => {
    const r = readToolCall({
      args: { decisions: [{ symbol: "BTC", side: "LONG" }] },
      result: { ok: true, results: [{ symbol: "BTC", status: "filled", filledQuantity: "0.01", averagePrice: "65000", fees: "0.26" }] },
    });
    expect(r.ok).toBe(true);
    expect(r.failed).toBe(false);
    expect(r.args).toEqual({ decisions: [{ symbol: "BTC", side: "LONG" }] });
    expect(r.outcomes).toEqual([
      {
        symbol: "BTC",
        status: "filled",
        reason: null,
        message: null,
        rejected: false,
        details: [
          ["filledQuantity", "0.01"],
          ["averagePrice", "65000"],
          ["fees", "0.26"],
        ],
      },
    ]);
  });

  it("marks rejected symbols with their reason", () => {
    const r = readToolCall({
      args: {},
      result: {
        ok: false,
        results: [
          { symbol: "ETH", status: "rejected", reason: "insufficient_margin", message: "needs $120.00, $80.00 available" },
          { symbol: "SOL", status: "held" },
        ],
      },
    });
    expect(r.failed).toBe(true);
    expect(r.outcomes[0]).toMatchObject({ symbol: "ETH", rejected: true, reason: "insufficient_margin", message: "needs $120.00, $80.00 available" });
    expect(r.outcomes[1]).toMatchObject({ symbol: "SOL", rejected: false, status: "held" });
  });

  it("reads a tool error", () => {
    const r = readToolCall({ args: { bogus: 1 }, result: { ok: false, results: [], error: { code: "invalid_arguments", message: "decisions: required" } } });
    expect(r.failed).toBe(true);
    expect(r.error).toEqual({ code: "invalid_arguments", message: "decisions: required" });
  });

  it("survives missing or odd metadata", () => {
    expect(readToolCall(null)).toEqual({ args: null, ok: null, error: null, outcomes: [], failed: false });
    expect(readToolCall({ result: { results: ["weird", 3] } }).outcomes.map((o) => o.status)).toEqual(["weird", "3"]);
    expect(readToolCall({ result: { ok: true, results: [{ status: "closed", extra: { a: 1 } }] } }).outcomes[0]?.details).toEqual([["extra", '{"a":1}']]);
  });

  it("counts a run's failed calls", () => {
    expect(failedToolCalls([{ metadata: { result: { ok: true, results: [] } } }, { metadata: { result: { ok: false, results: [] } } }])).toBe(1);
  });

  it("labels tool types for people", () => {
    expect(toolLabel("UPDATE_EXIT_PLAN")).toBe("update exit plan");
  });
});
