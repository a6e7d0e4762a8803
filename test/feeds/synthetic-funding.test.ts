import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ManualClock } from "../../src/core/clock.js";
import { parseScaled } from "../../src/core/decimal.js";
import { DEFAULT_MARKETS, findMarket } from "../../src/core/market.js";
import type { DerivativesSnapshot } from "../../src/market/derivatives.js";
import { createSyntheticFeed, createSyntheticFunding, DEFAULT_FUNDING_PROFILE } from "../../src/feeds/synthetic/index.js";

const T0 = Date.UTC(2026, 0, 1);
const BTC = findMarket(DEFAULT_MARKETS, "BTC")!;
const HOUR = 3_600_000;

/** Every derivatives report of a feed stepped by hand from T0 to `until`. */
function reports(seed: number, until: number, options: { derivativesEveryMs?: number } = {}): DerivativesSnapshot[] {
  const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed, clock: new ManualClock(T0), intervalMs: 1_000, timers: { setInterval: () => 0, clearInterval: () => undefined }, ...options });
  const out: DerivativesSnapshot[] = [];
  feed.start(
    () => undefined,
    undefined,
    (d) => out.push(d),
  );
  feed.advanceTo(until);
  return out;
}

/** The rate in units of 1e-8 (the published grid): throws when it has more decimals. */
const rate8 = (s: DerivativesSnapshot) => parseScaled(s.fundingRate, 8);

describe("synthetic funding rate and open interest", () => {
  it("the feed reports each market at start, then every minute of feed time, on the 8-hour funding grid", () => {
    const out = reports(7, T0 + 3 * 60_000);
    expect(out.map((d) => `${d.symbol}@${(d.ts - T0) / 60_000}`)).toEqual(["BTC@0", "ETH@0", "SOL@0", "BTC@1", "ETH@1", "SOL@1", "BTC@2", "ETH@2", "SOL@2", "BTC@3", "ETH@3", "SOL@3"]);
    for (const d of out) {
      expect(d.fundingIntervalMs).toBe(8 * HOUR);
      expect(d.nextFundingAt).toBe(T0 + 8 * HOUR);
      expect(Number.isSafeInteger(d.openInterestLots) && d.openInterestLots! > 0).toBe(true);
    }
    // It starts at the interest rate (no premium yet).
    expect(out[0]!.fundingRate).toBe("0.0001");
  });

  it("is deterministic per seed: the same seed gives the same reports, another seed others", () => {
    const a = reports(42, T0 + 12 * HOUR);
    expect(reports(42, T0 + 12 * HOUR)).toEqual(a);
    const b = reports(43, T0 + 12 * HOUR);
    expect(b.map((d) => d.fundingRate)).not.toEqual(a.map((d) => d.fundingRate));
    // Rates move over half a day (it is a process, not a constant).
    expect(new Set(a.filter((d) => d.symbol === "BTC").map((d) => d.fundingRate)).size).toBeGreaterThan(10);
  });

  it("does not depend on whether anyone listens, and leaves every book as it was", () => {
    const clock = () => new ManualClock(T0);
    const timers = { setInterval: () => 0, clearInterval: () => undefined };
    const heard = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 3, clock: clock(), intervalMs: 1_000, timers });
    const deaf = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 3, clock: clock(), intervalMs: 1_000, timers });
    heard.start(
      () => undefined,
      undefined,
      () => undefined,
    );
    const booksHeard = heard.advanceTo(T0 + HOUR);
    expect(deaf.advanceTo(T0 + HOUR)).toEqual(booksHeard);
    for (const m of DEFAULT_MARKETS) expect(deaf.derivatives(m.symbol)).toEqual(heard.derivatives(m.symbol));
  });

  it("a restart from state() reports exactly what the original run would have", () => {
    const timers = { setInterval: () => 0, clearInterval: () => undefined };
    const original = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 11, clock: new ManualClock(T0), intervalMs: 1_000, timers });
    original.advanceTo(T0 + 2 * HOUR);
    const saved = JSON.parse(JSON.stringify(original.state())) as Record<string, unknown>;
    const restarted = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 11, clock: new ManualClock(T0 + 2 * HOUR), intervalMs: 1_000, timers, states: saved });
    const heard = (feed: typeof original) => {
      const out: DerivativesSnapshot[] = [];
      feed.start(
        () => undefined,
        undefined,
        (d) => out.push(d),
      );
      feed.advanceTo(T0 + 4 * HOUR);
      return out;
    };
    expect(heard(restarted)).toEqual(heard(original));
  });

  it("the interval is configurable", () => {
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 1, clock: new ManualClock(T0 + 90 * 60_000), funding: { intervalMs: HOUR } });
    expect(feed.derivatives("ETH")).toMatchObject({ fundingIntervalMs: HOUR, nextFundingAt: T0 + 2 * HOUR });
    expect(() => createSyntheticFeed({ markets: DEFAULT_MARKETS, seed: 1, clock: new ManualClock(T0), funding: { intervalMs: 0 } })).toThrow(/funding intervalMs/);
  });

  it("follows the trend: a rising market's longs pay shorts more than interest, a falling one's shorts pay longs", () => {
    const run = (pctPerHour: number) => {
      const f = createSyntheticFunding({ market: BTC, seed: 5, startMid: 500_000, startAt: T0 });
      let mid = 500_000;
      for (let minute = 1; minute <= 12 * 60; minute++) {
        mid = Math.round(mid * (1 + pctPerHour / 100 / 60));
        f.step(T0 + minute * 60_000, mid);
      }
      return rate8(f.snapshot());
    };
    // 0.5%/h for 12 h: the mid runs about 2% above its 4-hour average; premium 0.05 x 2% = 0.1%.
    expect(run(0.5)).toBeGreaterThan(50_000n); // above 0.05% (interest alone is 0.01%)
    expect(run(-0.5)).toBeLessThan(-30_000n); // below -0.03%
  });

  it("is bounded: whatever the path, the rate stays within ±0.3% on the 1e-8 grid and open interest is whole lots", () => {
    const cap = BigInt(Math.round(DEFAULT_FUNDING_PROFILE.cap * 1e8));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 1, max: 2 ** 40 })), { minLength: 1, maxLength: 80 }),
        (seed, path) => {
          const f = createSyntheticFunding({ market: BTC, seed, startMid: 500_000, startAt: T0 });
          let t = T0;
          for (const [dt, mid] of path) {
            t += dt;
            f.step(t, mid);
            const s = f.snapshot();
            const r = rate8(s);
            expect(r <= cap && r >= -cap).toBe(true);
            expect(Number.isSafeInteger(s.openInterestLots) && s.openInterestLots! >= 0).toBe(true);
            expect(s.nextFundingAt > s.ts && s.nextFundingAt % (8 * HOUR) === 0).toBe(true);
          }
        },
      ),
      { numRuns: 200, seed: 20260101 },
    );
  });

  it("refuses a bad mid or a corrupt saved state with the reason", () => {
    const f = createSyntheticFunding({ market: BTC, seed: 1, startMid: 500_000, startAt: T0 });
    expect(() => f.step(T0 + 1, 0)).toThrow(/positive mid/);
    expect(() => createSyntheticFunding({ market: BTC, seed: 1, startMid: 500_000, startAt: T0, state: { v: 1, at: "x" } })).toThrow(/invalid synthetic funding state of BTC/);
  });
});
