import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AccountSnapshot, AccountSnapshotSource } from "../../../src/agents/account-snapshot.js";
import { runLlmAgent, type LlmStep } from "../../../src/agents/llm/agent.js";
import { findVariant } from "../../../src/agents/llm/variants.js";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.js";
import { context } from "../fixtures.js";
import { AcceptingTools } from "./mock-model.js";

/**
 * The agent's state update on the wire (chat completions, JSON and streamed): before each step
 * after the first, the request ends with a user message telling the account as the tools say it
 * stands; a tool without an account (or one that cannot read it now) adds nothing.
 */

const variant = findVariant("Apex")!;
const OPEN = { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "49000", profitTarget: "52000", confidence: 65 }] };

const FLAT: AccountSnapshot = { cash: "10000", equity: "10000", available: "10000", exposure: "0", positions: [] };
const LONG: AccountSnapshot = {
  cash: "9999.7",
  equity: "9999.65",
  available: "9749.65",
  exposure: "499.95",
  positions: [
    {
      symbol: "BTC",
      side: "LONG",
      quantity: "0.01",
      leverage: "2",
      entryPrice: "50000",
      markPrice: "49995",
      unrealizedPnl: "-0.05",
      stop: "49000",
      target: "52000",
      timeExit: "2026-01-01T02:00:00.000Z",
      liquidationPrice: "25303.6",
    },
  ],
};

/** Accepting tools whose account is flat until a position is opened. */
class ToolsWithAccount extends AcceptingTools implements AccountSnapshotSource {
  broken = false;
  accountSnapshot = (): AccountSnapshot => {
    if (this.broken) throw new Error("the account is not loaded");
    return this.calls.some((c) => c.tool === "createPosition") ? LONG : FLAT;
  };
}

type Messages = Array<{ role: string; content: unknown }>;

describe("the state update before each step", () => {
  let server: FakeOpenAi;
  beforeEach(async () => {
    server = await startFakeOpenAi();
  });
  afterEach(async () => server.close());

  for (const stream of [false, true]) {
    it(`follows the tool results of the step before (${stream ? "streamed" : "JSON"}), with the figures after the calls`, async () => {
      server.reply(
        { kind: "tool-calls", calls: [{ name: "createPosition", arguments: OPEN }] },
        { kind: "tool-calls", calls: [{ name: "updateExitPlan", arguments: { updates: [{ symbol: "BTC", stopLoss: "49500" }] } }] },
        { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "in" } }] },
      );
      const steps: LlmStep[] = [];
      await runLlmAgent({ ctx: context({}), tools: new ToolsWithAccount(), settings: { baseUrl: server.baseUrl, model: "m" }, variant, stream, onStep: (s) => steps.push(s) });
      const bodies = server.requests.map((r) => (r.body as { messages: Messages }).messages);
      expect(bodies.map((m) => m.map((x) => x.role))).toEqual([
        ["system", "user"],
        ["system", "user", "assistant", "tool", "user"],
        // The update of step 2 is not kept: step 3 sees its own, after the calls of steps 1 and 2.
        ["system", "user", "assistant", "tool", "assistant", "tool", "user"],
      ]);
      const expected = (step: number) =>
        [
          `## State update before step ${step} (after your tool calls so far; it replaces the account figures above)`,
          "cash $9999.7, equity $9999.65, available margin $9749.65, gross exposure $499.95",
          "open positions (1):",
          "- BTC LONG 0.01 @ average entry 50000, leverage 2x, mark 49995, unrealized P&L -$0.05; stop 49000, target 52000, time exit 2026-01-01T02:00:00.000Z; liquidation price 25303.6",
        ].join("\n");
      expect(bodies[1]!.at(-1)!.content).toBe(expected(2));
      expect(bodies[2]!.at(-1)!.content).toBe(expected(3));
      expect(steps.map((s) => s.stateUpdate ?? null)).toEqual([null, expected(2), expected(3)]);
    });
  }

  it("adds nothing when the tools cannot tell the account, or cannot read it now", async () => {
    for (const tools of [new AcceptingTools(), Object.assign(new ToolsWithAccount(), { broken: true })]) {
      server.requests.length = 0;
      server.reply({ kind: "tool-calls", calls: [{ name: "createPosition", arguments: OPEN }] }, { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "in" } }] });
      const result = await runLlmAgent({ ctx: context({}), tools, settings: { baseUrl: server.baseUrl, model: "m" }, variant });
      expect(result.held).toBe(true);
      expect((server.requests[1]!.body as { messages: Messages }).messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
      expect(result.steps[1]!.stateUpdate).toBeUndefined();
    }
  });
});
