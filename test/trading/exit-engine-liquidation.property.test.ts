import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARKETS, notional } from "../../src/core/market.js";
import type { PositionState } from "../../src/core/position.js";
import type { CloseTrigger, Side } from "../../src/core/types.js";
import type { UnitOfWork } from "../../src/db/unit-of-work.js";
import { ModelAccount, type OpenPosition } from "../../src/trading/account.js";
import { ExitEngine, liquidationPrice } from "../../src/trading/exit-engine.js";
import { EMPTY_PLAN, exitTrigger } from "../../src/trading/exit-plan.js";
import type { TradingService } from "../../src/trading/trading-service.js";

/**
 * The exit engine keeps each position's liquidation price by its place in the walk over the
 * accounts and solves it again when the state there is another object. Whatever happens between
 * two book updates (a fill replaces a position's state, accounts come and go and shift the
 * places, a position closes or opens), the closes it starts must be exactly those a direct
 * computation of every plan and liquidation price gives.
 */
const BTC = DEFAULT_MARKETS.find((m) => m.symbol === "BTC")!;
const ENTRY = 500_000; // $50,000.0

const stateArb = fc.record({
  side: fc.constantFrom<Side>("LONG", "SHORT"),
  lots: fc.integer({ min: 10, max: 5_000 }),
  leverage: fc.integer({ min: 500, max: 2_000 }), // 5x-20x: liquidation 4-19% away
  entryOffsetBps: fc.integer({ min: -300, max: 300 }),
  stopBps: fc.option(fc.integer({ min: 50, max: 2_000 }), { nil: null }),
});

type PlanInput = typeof stateArb extends fc.Arbitrary<infer T> ? T : never;

const stepArb = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("book" as const), moveBps: fc.integer({ min: -2_500, max: 2_500 }) }), weight: 4 },
  fc.record({ kind: fc.constant("refill" as const), account: fc.nat(), state: stateArb }),
  fc.record({ kind: fc.constant("open" as const), state: stateArb }),
  fc.record({ kind: fc.constant("remove-account" as const), account: fc.nat() }),
  fc.record({ kind: fc.constant("close" as const), account: fc.nat() }),
);

function positionOf(modelId: string, id: string, s: PlanInput): OpenPosition {
  const entry = Math.round(ENTRY * (1 + s.entryOffsetBps / 10_000));
  const state: PositionState = { symbol: "BTC", side: s.side, lots: BigInt(s.lots), cost: notional(BTC, entry, s.lots), entryFees: 0n, leverage: s.leverage };
  const away = (bps: number, sign: number) => Math.round(entry * (1 + (sign * bps) / 10_000));
  const stop = s.stopBps === null ? null : away(s.stopBps, s.side === "LONG" ? -1 : 1);
  return { id, modelId, state, plan: { ...EMPTY_PLAN, stop }, openedAt: 0, entryClientOrderId: null };
}

describe("exit engine: liquidation prices kept between updates", () => {
  it("starts exactly the closes a direct computation gives, after any change between updates", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stateArb, { minLength: 1, maxLength: 6 }), fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (initial, steps) => {
        const accounts = new Map<string, ModelAccount>();
        let next = 0;
        const open = (s: PlanInput) => {
          const modelId = `m${next++}`;
          const account = new ModelAccount(modelId, 1_000_000_000n);
          account.positions.set("BTC", positionOf(modelId, `p${next}`, s));
          accounts.set(modelId, account);
        };
        initial.forEach(open);
        const started: string[] = [];
        const service = {
          accounts,
          closePosition: (modelId: string, symbol: string, trigger: CloseTrigger) => {
            started.push(`${modelId}:${symbol}:${trigger}`);
            return Promise.resolve({ status: "closed" });
          },
        } as unknown as TradingService;
        const uow = { run: () => Promise.reject(new Error("no close should fail here")) } as unknown as UnitOfWork;
        const engine = new ExitEngine({ service, uow, markets: DEFAULT_MARKETS, now: () => 0 });
        const nth = (i: number) => [...accounts.values()][i % Math.max(1, accounts.size)];

        for (const step of steps) {
          if (step.kind === "book") {
            const bid = Math.round(ENTRY * (1 + step.moveBps / 10_000));
            const ask = bid + 1;
            const expected: string[] = [];
            for (const a of accounts.values()) {
              const pos = a.positions.get("BTC");
              if (!pos) continue;
              const px = pos.state.side === "LONG" ? bid : ask;
              const liq = liquidationPrice(BTC, pos.state);
              const trigger = exitTrigger(pos.state.side, pos.plan, bid, ask, 0) ?? ((pos.state.side === "LONG" ? px <= liq : px >= liq) ? "LIQUIDATION" : null);
              if (trigger) expected.push(`${a.modelId}:BTC:${trigger}`);
            }
            started.length = 0;
            engine.onBook("BTC", bid, ask);
            await engine.idle();
            expect(started.sort()).toEqual(expected.sort());
          } else if (step.kind === "refill") {
            // A fill: the same position (same id) with a new state object.
            const a = nth(step.account);
            const pos = a?.positions.get("BTC");
            if (a && pos) a.positions.set("BTC", { ...positionOf(a.modelId, pos.id, step.state), id: pos.id });
          } else if (step.kind === "open") {
            open(step.state);
          } else if (step.kind === "remove-account") {
            const a = nth(step.account);
            if (a) accounts.delete(a.modelId);
          } else {
            nth(step.account)?.positions.delete("BTC");
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
