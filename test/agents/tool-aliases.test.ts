import { describe, expect, it } from "vitest";
import { z } from "zod";
import { normalizeToolArgs } from "../../src/agents/tool-aliases.js";
import { parseToolArgs, TOOL_DEFINITIONS } from "../../src/agents/tools.js";

/** The original system's snake_case argument names, accepted as aliases of today's. */

const camel = { symbol: "BTC", side: "LONG", quantity: "0.015", leverage: 3, stopLoss: "49000", profitTarget: "52000.5", invalidationCondition: "1h close below 48k", confidence: 70 };

describe("tool argument aliases", () => {
  it("an entry in the original's names parses to the same arguments as today's", () => {
    const original = {
      decisions: [
        {
          coin: "BTC",
          signal: "buy_to_enter",
          quantity: 0.015,
          leverage: 3,
          stop_loss: 49000,
          profit_target: "52000.5",
          invalidation_condition: "1h close below 48k",
          invalidation_price: "48000",
          time_exit_minutes: 240,
          cooldown_minutes: 30,
          confidence: 70,
          risk_usd: 15, // the original's; sizing here is the quantity, so it is ignored like any unknown field
        },
      ],
    };
    const parsed = parseToolArgs("createPosition", original);
    expect(parsed).toEqual({
      ok: true,
      args: {
        decisions: [
          {
            symbol: "BTC",
            side: "LONG",
            quantity: 0.015,
            leverage: 3,
            stopLoss: 49000,
            profitTarget: "52000.5",
            invalidationCondition: "1h close below 48k",
            invalidationPrice: "48000",
            timeExitMinutes: 240,
            cooldownMinutes: 30,
            confidence: 70,
          },
        ],
      },
    });
  });

  it.each([
    ["buy_to_enter", "LONG"],
    ["sell_to_enter", "SHORT"],
    ["hold", "HOLD"],
    ["long", "LONG"],
    ["Short", "SHORT"],
  ])("reads the signal %s as side %s", (signal, side) => {
    const { side: _side, symbol: _symbol, ...rest } = camel;
    const decision = side === "HOLD" ? { coin: "ETH", signal, leverage: 1, confidence: 10 } : { ...rest, coin: "ETH", signal };
    const parsed = parseToolArgs("createPosition", { decisions: [decision] });
    expect(parsed.ok && parsed.args.decisions[0]).toMatchObject({ symbol: "ETH", side });
  });

  it("accepts both names when they agree (a number and its decimal string are one value)", () => {
    const parsed = parseToolArgs("createPosition", { decisions: [{ ...camel, stop_loss: 49000, stopLoss: "49000.0", coin: "BTC", signal: "buy_to_enter" }] });
    expect(parsed.ok && parsed.args.decisions[0]).toMatchObject({ stopLoss: "49000.0", symbol: "BTC", side: "LONG" });
  });

  it("refuses both names with different values, naming both, and the call changes nothing", () => {
    const r = parseToolArgs("createPosition", { decisions: [camel, { ...camel, symbol: "ETH", stop_loss: "2900", stopLoss: "2950" }] });
    expect(r).toEqual({
      ok: false,
      result: { ok: false, results: [], error: { code: "invalid_arguments", message: 'decisions[1]: stop_loss "2900" and stopLoss "2950" disagree; give one of them' } },
    });
    const side = parseToolArgs("createPosition", { decisions: [{ ...camel, signal: "sell_to_enter" }] });
    expect(side.ok ? "" : side.result.error!.message).toBe('decisions[0]: signal "sell_to_enter" and side "LONG" disagree; give one of them');
  });

  it('says that a "close" signal is the closePosition tool', () => {
    const r = parseToolArgs("createPosition", { decisions: [{ ...camel, side: undefined, signal: "close" }] });
    expect(r.ok ? "" : r.result.error!.message).toBe('decisions[0].side: "close" is not an entry: call closePosition with the symbol');
  });

  it("renames the other tools' arguments too", () => {
    expect(parseToolArgs("updateExitPlan", { updates: [{ coin: "BTC", stop_loss: 49500, take_profit: "53000", time_exit_minutes: 60 }] })).toEqual({
      ok: true,
      args: { updates: [{ symbol: "BTC", stopLoss: 49500, profitTarget: "53000", timeExitMinutes: 60 }] },
    });
    expect(parseToolArgs("closePosition", { coins: ["BTC", "ETH"] })).toEqual({ ok: true, args: { symbols: ["BTC", "ETH"] } });
    expect(parseToolArgs("closePosition", { coin: "SOL" })).toEqual({ ok: true, args: { symbols: ["SOL"] } });
    expect(parseToolArgs("holding", { justification: "nothing clean" })).toEqual({ ok: true, args: { reason: "nothing clean" } });
    const conflict = parseToolArgs("updateExitPlan", { updates: [{ symbol: "BTC", profit_target: "53000", take_profit: "54000" }] });
    expect(conflict.ok ? "" : conflict.result.error!.message).toBe('updates[0]: take_profit "54000" and profitTarget "53000" disagree; give one of them');
  });

  it("leaves today's arguments and anything that is not an object as they are", () => {
    const args = { decisions: [camel] };
    expect(normalizeToolArgs("createPosition", args)).toEqual({ ok: true, value: args });
    expect(normalizeToolArgs("createPosition", "not json")).toEqual({ ok: true, value: "not json" });
    expect(normalizeToolArgs("createPosition", { decisions: "x" })).toEqual({ ok: true, value: { decisions: "x" } });
  });

  it("keeps the JSON Schema the provider is sent in today's names only", () => {
    const schema = JSON.stringify(z.toJSONSchema(TOOL_DEFINITIONS.createPosition.schema, { io: "input" }));
    expect(schema).toContain('"stopLoss"');
    expect(schema).not.toContain("stop_loss");
  });
});
