import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BookUpdate, type Level, midTicks } from "../../src/core/book.js";
import { DEFAULT_MARKETS, type MarketSpec } from "../../src/core/market.js";
import { createSyntheticMarket, defaultStartMid, parseSyntheticState } from "../../src/feeds/synthetic/index.js";

const [BTC, ETH, SOL] = DEFAULT_MARKETS as [MarketSpec, MarketSpec, MarketSpec];

/** What is wrong with a book, or "" when nothing is (plain checks: expect() per level is slow). */
function bookProblem(u: BookUpdate, mid: number): string {
  if (u.kind !== "snapshot") return "not a snapshot";
  if (u.bids.length < 20 || u.asks.length < 20) return `only ${u.bids.length}/${u.asks.length} levels`;
  const side = (levels: Level[], direction: 1 | -1): string => {
    for (let i = 0; i < levels.length; i++) {
      const [price, size] = levels[i]!;
      if (!Number.isInteger(price) || !Number.isInteger(size) || price <= 0 || size <= 0) return `bad level ${price}@${size}`;
      if (i === 0) continue;
      const [prevPrice, prevSize] = levels[i - 1]!;
      if (Math.sign(price - prevPrice) !== direction) return `level ${i} does not move away from the touch`;
      if (size <= prevSize) return `level ${i} is not larger than the one before`;
    }
    return "";
  };
  const problem = side(u.bids, -1) || side(u.asks, 1);
  if (problem) return problem;
  const bestBid = u.bids[0]![0];
  const bestAsk = u.asks[0]![0];
  if (bestAsk - bestBid < 1) return `crossed or locked ${bestBid}/${bestAsk}`;
  if (midTicks(bestBid, bestAsk) !== mid) return `book mid ${midTicks(bestBid, bestAsk)} is not the process mid ${mid}`;
  return "";
}

function expectSaneBook(u: BookUpdate, mid: number): void {
  expect(bookProblem(u, mid)).toBe("");
}

describe("synthetic price process", () => {
  it("starts at the documented realistic prices", () => {
    expect(defaultStartMid(BTC)).toBe(970_000);
    expect(defaultStartMid(ETH)).toBe(340_000);
    expect(defaultStartMid(SOL)).toBe(240_000);
  });

  it("always emits a sane, uncrossed book whose mid is the process mid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(BTC, ETH, SOL), fc.integer({ min: 1, max: 120_000 }), (seed, market, dt) => {
        const p = createSyntheticMarket({ market, seed, startMid: defaultStartMid(market) });
        for (let i = 0; i < 30; i++) {
          const { update, volumeLots } = p.step(dt, i * dt);
          if (!Number.isInteger(volumeLots) || volumeLots < 0) return false;
          if (bookProblem(update, p.mid()) !== "") return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const run = (seed: number): BookUpdate[] => {
      const p = createSyntheticMarket({ market: BTC, seed, startMid: 970_000 });
      return Array.from({ length: 200 }, (_, i) => p.step(500, i * 500).update);
    };
    expect(JSON.stringify(run(7))).toBe(JSON.stringify(run(7)));
    expect(JSON.stringify(run(7))).not.toBe(JSON.stringify(run(8)));
  });

  it("move() puts the mid exactly there and the walk continues from it", () => {
    const p = createSyntheticMarket({ market: SOL, seed: 1, startMid: 240_000 });
    p.move(180_123);
    expect(p.mid()).toBe(180_123);
    expectSaneBook(p.book(0), 180_123);
    p.step(500, 500);
    expect(Math.abs(p.mid() - 180_123)).toBeLessThan(180_123 * 0.01);
    expect(() => p.move(0)).toThrow(/positive integer/);
  });

  it("resumes bit for bit from a JSON round-tripped state", () => {
    const a = createSyntheticMarket({ market: ETH, seed: "resume", startMid: 340_000 });
    for (let i = 0; i < 37; i++) a.step(500, i); // odd count: no hidden cached normal may matter
    const saved = JSON.parse(JSON.stringify(a.snapshotState())) as unknown;
    const b = createSyntheticMarket({ market: ETH, seed: "resume", startMid: 1, rngState: saved });
    expect(b.book(99)).toEqual(a.book(99));
    for (let i = 0; i < 100; i++) expect(b.step(500, i)).toEqual(a.step(500, i));
  });

  it("rejects a state that is not one, saying why", () => {
    expect(() => parseSyntheticState({ v: 1, mid: -3 })).toThrow(/invalid synthetic market state/);
  });

  it("switches regimes over a day", () => {
    const p = createSyntheticMarket({ market: BTC, seed: 3, startMid: 970_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 24 * 60 * 6; i++) {
      p.evolve(10_000);
      seen.add(p.regime());
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });
});
