import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/agents/llm/prompt.js";
import { findVariant } from "../../src/agents/llm/variants.js";
import type { CompetitionView, Standing } from "../../src/agents/strategy.js";
import { formatUsd, usd } from "../../src/core/money.js";
import { competitionFor, LEADERS_SHOWN, type CycleStandings } from "../../src/scheduler/standings.js";
import { context } from "../agents/fixtures.js";

/**
 * The competition a prompt shows is worked out once per cycle (each model's row by id, each
 * variant's ranking) and shared by every model. It must be exactly what each model got when its
 * view was computed on its own: the previous code, kept here as the reference.
 */
function reference(modelId: string, s: CycleStandings): CompetitionView | undefined {
  const self = s.rows.find((r) => r.modelId === modelId);
  if (!self) return undefined;
  const view: CompetitionView = { rank: self.rank, of: s.rows.length, standings: s.rows, leaders: s.leaders.filter((l) => l.modelId !== modelId).slice(0, LEADERS_SHOWN) };
  const leader = s.rows[0]!;
  if (leader.modelId !== modelId) {
    const pnl = leader.pnl !== undefined && self.pnl !== undefined ? formatUsd(usd(leader.pnl) - usd(self.pnl)) : null;
    view.gapToLeader = { returnPoints: leader.returnPct - self.returnPct, pnl };
  }
  if (self.strategy !== undefined) {
    const peers = s.rows.filter((r) => r.strategy === self.strategy);
    if (peers.length >= 2) {
      const ranked = peers.map((r, i) => ({ ...r, rank: i + 1 }));
      view.variant = { name: self.strategy, rank: ranked.find((r) => r.modelId === modelId)!.rank, of: ranked.length, standings: ranked };
    }
  }
  return view;
}

const rowArb = fc.record({
  strategy: fc.option(fc.constantFrom("trend-only", "regime-adaptive", "leaderboard-aware"), { nil: undefined }),
  returnPct: fc.double({ min: -50, max: 50, noNaN: true }),
  equityCents: fc.integer({ min: 0, max: 10_000_000 }),
  pnlCents: fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: undefined }),
});

function standingsOf(rows: Array<typeof rowArb extends fc.Arbitrary<infer T> ? T : never>): CycleStandings {
  const ranked: Standing[] = rows
    .map((r, i) => ({
      modelId: `m${i}`,
      name: `model ${i}`,
      ...(r.strategy !== undefined ? { strategy: r.strategy } : {}),
      returnPct: r.returnPct,
      equity: formatUsd(BigInt(r.equityCents) * 10_000n),
      ...(r.pnlCents !== undefined ? { pnl: formatUsd(BigInt(r.pnlCents) * 10_000n) } : {}),
      rank: 0,
    }))
    .sort((a, b) => b.returnPct - a.returnPct)
    .map((r, i) => ({ ...r, rank: i + 1 }));
  const leaders = ranked.slice(0, LEADERS_SHOWN + 1).map((r) => ({ modelId: r.modelId, name: r.name, rank: r.rank, positions: [] }));
  return { rows: ranked, leaders };
}

describe("competition views shared by a cycle", () => {
  it("equal, model by model, the views computed one at a time; and the prompts read the same", () => {
    const variant = findVariant("trend-only")!;
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 40 }), (rows) => {
        const s = standingsOf(rows);
        for (const id of [...s.rows.map((r) => r.modelId), "absent"]) {
          const shared = competitionFor(id, s);
          const alone = reference(id, s);
          expect(shared).toEqual(alone);
          const ctx = (c: CompetitionView | undefined) => ({ ...context({}), modelId: id, ...(c ? { competition: c } : {}) });
          expect(buildPrompt(ctx(shared), variant)).toEqual(buildPrompt(ctx(alone), variant));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a standing changed in place after a prompt showed it is shown as it is now", () => {
    const rows: Standing[] = [
      { modelId: "m0", name: "model 0", returnPct: 5, equity: "10500", rank: 1 },
      { modelId: "m1", name: "model 1", returnPct: 1, equity: "10100", rank: 2 },
    ];
    const variant = findVariant("trend-only")!;
    const prompt = () => buildPrompt({ ...context({}), modelId: "m1", competition: { rank: 2, of: 2, standings: rows } }, variant).prompt;
    expect(prompt()).toContain("1. model 0: return +5.00%, equity $10500\n2. model 1 (you): return +1.00%, equity $10100");
    rows[0]!.returnPct = 7;
    rows[0]!.equity = "10700";
    expect(prompt()).toContain("1. model 0: return +7.00%, equity $10700\n");
  });
});
