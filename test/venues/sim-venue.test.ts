import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import type { Level } from "../../src/core/book.js";
import { createRng } from "../../src/core/rng.js";
import { usd } from "../../src/core/money.js";
import type { SimVenue } from "../../src/venues/sim/sim-venue.js";
import type { OrderReport, PlaceOrder, VenueFill } from "../../src/venues/venue.js";
import { cashOf, delta, limit, streamArb, order, runOps, sim, snapshot, stableJson } from "./sim-support.js";

/**
 * What only the simulator promises (the shared Venue behaviour is in venue-contract.ts).
 * BTC: one tick x one lot = one micro-dollar, so a fill's notional is ticks x lots micro-dollars.
 */

const CAPITAL = usd("1000"); // 1 000 000 000 micro-dollars

const priceLots = (fills: VenueFill[]) => fills.map((f) => [f.priceTicks, f.lots]);

function funded(venue: SimVenue, ...accounts: string[]): void {
  for (const a of accounts) venue.restoreAccount(a, CAPITAL);
}

describe("SimVenue liquidity", () => {
  it("taken liquidity stays taken until the feed refreshes that price", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice", "bob", "carol");
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_020, 5],
        [100_030, 5],
      ],
    );

    const a = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    expect(priceLots(a.fills)).toEqual([[100_010, 5]]);
    // Same level, another account, before the feed moved: 100010 is gone, bob gets the next level.
    const b = await venue.placeOrder(order({ accountId: "bob", side: "BUY", lots: 5 }));
    expect(priceLots(b.fills)).toEqual([[100_020, 5]]);
    expect(venue.book("BTC", 5)!.asks).toEqual([[100_030, 5]]);

    // The feed refreshes 100010 only: that liquidity is back, 100020 stays consumed.
    clock.advance(100);
    delta(venue, clock, [], [[100_010, 5]]);
    expect(venue.book("BTC", 5)!.asks).toEqual([
      [100_010, 5],
      [100_030, 5],
    ]);
    const c = await venue.placeOrder(order({ accountId: "carol", side: "BUY", lots: 12 }));
    expect(priceLots(c.fills)).toEqual([
      [100_010, 5],
      [100_030, 5],
    ]);
    expect(c.status).toBe("CANCELED");
    expect(c.reason).toBe("ioc_remainder_canceled");

    // A snapshot refreshes everything.
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_020, 5],
      ],
    );
    const again = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 10 }));
    expect(priceLots(again.fills)).toEqual([
      [100_010, 5],
      [100_020, 5],
    ]);
  });

  it("a partly taken level leaves its rest to the next taker", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice", "bob");
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_020, 5],
      ],
    );
    await venue.placeOrder(order({ accountId: "alice", side: "SELL", lots: 4 }));
    const a = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 3 }));
    expect(priceLots(a.fills)).toEqual([[100_010, 3]]);
    const b = await venue.placeOrder(order({ accountId: "bob", side: "BUY", lots: 5 }));
    expect(priceLots(b.fills)).toEqual([
      [100_010, 2],
      [100_020, 3],
    ]);
    expect(venue.book("BTC", 5)!.bids).toEqual([[100_000, 6]]);
  });

  it("resting orders of two accounts never match each other, only the feed", async () => {
    const { venue, clock, updates } = sim();
    funded(venue, "alice", "bob");
    snapshot(venue, clock, [[100_000, 10]], [[100_010, 10]]);
    // alice bids above bob's offer: on one exchange book these would trade; here neither touches the feed.
    const bid = await venue.placeOrder(limit("alice", "BUY", 100_006, 3));
    const ask = await venue.placeOrder(limit("bob", "SELL", 100_004, 3));
    expect([bid.status, ask.status]).toEqual(["OPEN", "OPEN"]);
    expect([...bid.fills, ...ask.fills]).toEqual([]);

    clock.advance(100);
    snapshot(venue, clock, [[100_000, 10]], [[100_010, 10]]);
    expect(updates).toEqual([]);
    expect((await venue.openOrders("alice")).map((o) => o.clientOrderId)).toEqual([bid.clientOrderId]);
    expect((await venue.openOrders("bob")).map((o) => o.clientOrderId)).toEqual([ask.clientOrderId]);

    // The feed's sellers reach 100006: alice fills against them, bob's offer is untouched.
    snapshot(venue, clock, [[100_000, 10]], [[100_006, 3]]);
    expect(updates.map((u) => [u.accountId, u.status, priceLots(u.fills)])).toEqual([["alice", "FILLED", [[100_006, 3]]]]);
    expect((await venue.openOrders("bob")).map((o) => o.status)).toEqual(["OPEN"]);

    // The feed's buyers reach 100004: bob fills, as maker at his price.
    snapshot(venue, clock, [[100_004, 3]], [[100_010, 10]]);
    expect(updates.slice(1).map((u) => [u.accountId, u.status, u.fills.map((f) => [f.priceTicks, f.lots, f.liquidity])])).toEqual([["bob", "FILLED", [[100_004, 3, "MAKER"]]]]);
  });
});

describe("SimVenue prices", () => {
  it("extra slippage is adverse on both sides, rounded to the tick against the trader", async () => {
    const { venue, clock } = sim({ extraSlippageBps: 10 });
    funded(venue, "alice", "bob");
    snapshot(
      venue,
      clock,
      [
        [100_005, 5],
        [99_900, 50],
      ],
      [
        [100_015, 5],
        [100_100, 50],
      ],
    );
    const buy = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    const sell = await venue.placeOrder(order({ accountId: "bob", side: "SELL", lots: 5 }));
    // BUY:  100015 x 1.001 = 100115.015 -> up to 100116 (above the level)
    // SELL: 100005 x 0.999 =  99904.995 -> down to 99904 (below the level)
    expect(priceLots(buy.fills)).toEqual([[100_116, 5]]);
    expect(priceLots(sell.fills)).toEqual([[99_904, 5]]);
    expect(buy.fills[0]!.priceTicks).toBeGreaterThan(100_015);
    expect(sell.fills[0]!.priceTicks).toBeLessThan(100_005);
    // The fee is on the slipped notional: 100116 x 5 = 500580; 6 bp = 300.348 -> 301.
    expect(buy.fills[0]!.fee).toBe(301n);
    // Liquidity is consumed at the level's own price.
    expect(venue.book("BTC", 5)).toMatchObject({ bids: [[99_900, 50]], asks: [[100_100, 50]] });
  });

  it("extra slippage never takes a limit order's fill past its limit; a market order's fills slip in full", async () => {
    const { venue, clock } = sim({ extraSlippageBps: 10 });
    funded(venue, "alice");
    const bids: Level[] = [
      [100_005, 5],
      [99_900, 50],
    ];
    const asks: Level[] = [
      [100_015, 5],
      [100_100, 50],
    ];
    snapshot(venue, clock, bids, asks);
    const buy = await venue.placeOrder(limit("alice", "BUY", 100_015, 5, "IOC"));
    const sell = await venue.placeOrder(limit("alice", "SELL", 100_005, 5, "IOC"));
    expect(priceLots(buy.fills)).toEqual([[100_015, 5]]);
    expect(priceLots(sell.fills)).toEqual([[100_005, 5]]);

    // With room under the limit the slippage applies in full: 100015 x 1.001 -> 100116 <= 100200.
    snapshot(venue, clock, bids, asks);
    const roomy = await venue.placeOrder(limit("alice", "BUY", 100_200, 5, "IOC"));
    expect(priceLots(roomy.fills)).toEqual([[100_116, 5]]);

    // A market order's cap is on the book's average (Lighter's rule), so the modelled adverse move
    // applies in full: 100 bp on 101000 = 101000 x 1.01 = 102010.
    const wide = sim({ extraSlippageBps: 100 });
    funded(wide.venue, "alice");
    snapshot(wide.venue, wide.clock, [[100_000, 5]], [[101_000, 5]]);
    const m = await wide.venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    expect(priceLots(m.fills)).toEqual([[102_010, 5]]);
  });

  it("a market order walks while its average stays within 100 bp of the touch, then takes the part of the next level that keeps it there", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice", "bob");
    // Touch 100010: BUY bound = floor(100010 x 1.01) = floor(101010.1) = 101010.
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_500, 5],
        [101_100, 200],
      ],
    );
    const buy = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 200 }));
    // 5 @ 100010 + 5 @ 100500 = 1002550 over 10 lots; q more at 101100 while
    // (1002550 + 101100 q) / (10 + q) <= 101010, i.e. q <= (1010100 - 1002550) / 90 = 83.9: 83 lots.
    expect(priceLots(buy.fills)).toEqual([
      [100_010, 5],
      [100_500, 5],
      [101_100, 83],
    ]);
    expect(buy).toMatchObject({ status: "CANCELED", filledLots: 93, reason: "ioc_remainder_canceled" });
    expect(venue.book("BTC", 5)!.asks).toEqual([[101_100, 117]]);

    // Touch 100000: SELL bound = ceil(100000 x 0.99) = 99000. 5 @ 100000 + 5 @ 99500 = 997500 over
    // 10 lots; q more at 98900 while (997500 + 98900 q) / (10 + q) >= 99000, i.e. q <= 7500 / 100 = 75.
    snapshot(
      venue,
      clock,
      [
        [100_000, 5],
        [99_500, 5],
        [98_900, 200],
      ],
      [[100_010, 10]],
    );
    const sell = await venue.placeOrder(order({ accountId: "bob", side: "SELL", lots: 200 }));
    expect(priceLots(sell.fills)).toEqual([
      [100_000, 5],
      [99_500, 5],
      [98_900, 75],
    ]);
    expect(sell.filledLots).toBe(85);
  });

  it("an explicit worst price caps the average: nothing when even the touch is past it, exactly the cap when it is reached", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice");
    snapshot(
      venue,
      clock,
      [[90_000, 5]],
      [
        [100_000, 5],
        [100_100, 5],
      ],
    );
    const none = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 1, priceTicks: 99_999 }));
    expect(none).toMatchObject({ status: "CANCELED", filledLots: 0, fills: [], reason: "no_liquidity_within_bound" });
    // 5 @ 100000, then q @ 100100 with (500000 + 100100 q) / (5 + q) <= 100050: q <= 250 / 50 = 5.
    const capped = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 10, priceTicks: 100_050 }));
    expect(priceLots(capped.fills)).toEqual([
      [100_000, 5],
      [100_100, 5],
    ]);
    expect(capped.status).toBe("FILLED");
  });

  it("marketPriceBoundBps narrows the walk", async () => {
    const { venue, clock } = sim({ marketPriceBoundBps: 20 });
    funded(venue, "alice");
    // bound = floor(100010 x 1.002) = floor(100210.02) = 100210; after 5 @ 100010 (500050),
    // q @ 100500 with (500050 + 100500 q) / (5 + q) <= 100210: q <= 1000 / 290 = 3.4, so 3.
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_500, 5],
      ],
    );
    const r = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 10 }));
    expect(priceLots(r.fills)).toEqual([
      [100_010, 5],
      [100_500, 3],
    ]);
  });
});

describe("SimVenue fees", () => {
  it("makers pay 2 bp and takers 6 bp of the exact notional, rounded up to the micro-dollar", async () => {
    const { venue, clock, updates } = sim();
    funded(venue, "taker", "maker", "round");
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_013, 7],
        [100_050, 10],
      ],
    );

    // 7 x 100013 = 700091 micro; x 6 / 10000 = 420.0546 -> 421.
    const t = await venue.placeOrder(order({ accountId: "taker", side: "BUY", lots: 7 }));
    expect(t.fills.map((f) => [f.liquidity, f.fee])).toEqual([["TAKER", 421n]]);
    expect(cashOf(venue, "taker")).toBe(CAPITAL - 421n);

    // 7 x 100003 = 700021 micro; x 2 / 10000 = 140.0042 -> 141.
    const m = await venue.placeOrder(limit("maker", "BUY", 100_003, 7));
    expect(m.fills).toEqual([]);
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_003, 7],
        [100_050, 10],
      ],
    );
    expect(updates.flatMap((u) => u.fills).map((f) => [f.liquidity, f.priceTicks, f.fee])).toEqual([["MAKER", 100_003, 141n]]);
    expect(cashOf(venue, "maker")).toBe(CAPITAL - 141n);

    // 5 x 100000 = 500000 micro; x 6 / 10000 = 300 exactly: no rounding when none is due.
    const r = await venue.placeOrder(order({ accountId: "round", side: "SELL", lots: 5 }));
    expect(r.fills.map((f) => f.fee)).toEqual([300n]);
    expect(cashOf(venue, "round")).toBe(CAPITAL - 300n);
  });
});

describe("SimVenue positions and cash", () => {
  it("a same-side fill scales in at the weighted average; nothing is realized", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice");
    snapshot(
      venue,
      clock,
      [[100_000, 10]],
      [
        [100_010, 5],
        [100_020, 5],
      ],
    );
    const first = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    const second = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    // cost 5 x 100010 + 5 x 100020 = 1000150; fees 6 bp: 300.03 -> 301 and 300.06 -> 301.
    expect(await venue.positions("alice")).toEqual([{ symbol: "BTC", side: "LONG", lots: 10n, cost: 1_000_150n, leverage: 100 }]);
    expect([...first.fills, ...second.fills].map((f) => f.fee)).toEqual([301n, 301n]);
    expect(cashOf(venue, "alice")).toBe(CAPITAL - 602n);
  });

  it("a BUY larger than an open SHORT closes it and opens a LONG with the rest; cash = initial + realized - fees", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice");
    snapshot(venue, clock, [[100_003, 5]], [[100_020, 20]]);
    const short = await venue.placeOrder(order({ accountId: "alice", side: "SELL", lots: 5, leverage: 500 }));
    // 5 x 100003 = 500015; fee 300.009 -> 301.
    expect(short.fills.map((f) => [f.priceTicks, f.lots, f.fee])).toEqual([[100_003, 5, 301n]]);
    expect(await venue.positions("alice")).toEqual([{ symbol: "BTC", side: "SHORT", lots: 5n, cost: 500_015n, leverage: 500 }]);

    clock.advance(1_000);
    snapshot(venue, clock, [[99_990, 5]], [[99_993, 20]]);
    const flip = await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 8, leverage: 500 }));
    // 8 x 99993 = 799944; fee 479.9664 -> 480.
    expect(flip.fills.map((f) => [f.priceTicks, f.lots, f.fee])).toEqual([[99_993, 8, 480n]]);
    expect(flip.status).toBe("FILLED");
    // Short of 5 closed at 99993: gross = 500015 - 5 x 99993 = 500015 - 499965 = +50.
    // The remaining 3 lots open a LONG costing 3 x 99993 = 299979.
    expect(await venue.positions("alice")).toEqual([{ symbol: "BTC", side: "LONG", lots: 3n, cost: 299_979n, leverage: 500 }]);
    expect(cashOf(venue, "alice")).toBe(CAPITAL + 50n - 301n - 480n);

    // available = cash + unrealized at mid - initial margin:
    // mid = floor((99990 + 99993) / 2) = 99991; unrealized = 3 x 99991 - 299979 = -6; margin at 5x = ceil(299979 / 5) = 59996.
    expect(venue.available("alice")).toBe(CAPITAL + 50n - 781n - 6n - 59_996n);
  });
});

describe("SimVenue determinism", () => {
  /** Places `n` orders one after the other and measures, in milliseconds of the venue's clock, when each resolves. */
  /** Lets the awaited work of a woken order run. */
  const flush = () => new Promise((r) => setImmediate(r));

  // Latency runs on the venue's clock (a backtest's simulated time), not on timers.
  async function measuredDelays(venue: SimVenue, clock: ManualClock, n: number): Promise<{ delays: number[]; reports: OrderReport[] }> {
    const delays: number[] = [];
    const reports: OrderReport[] = [];
    for (let i = 0; i < n; i++) {
      const askBefore = venue.book("BTC", 1)!.asks;
      let report: OrderReport | undefined;
      void venue.placeOrder(order({ clientOrderId: `lat-${i}`, accountId: "alice", side: "BUY", lots: 1 })).then((r) => (report = r));
      let waited = 0;
      while (report === undefined && waited < 20) {
        // Not executed yet: the book is untouched while the order is in flight.
        expect(venue.book("BTC", 1)!.asks).toEqual(askBefore);
        clock.advance(1);
        await flush();
        waited++;
      }
      expect(report).toBeDefined();
      delays.push(waited);
      reports.push(report!);
    }
    return { delays, reports };
  }

  it("latency is drawn from the seeded RNG: the same seed gives the same delays and the same fills", async () => {
    const runs = [7, 7, 8].map((seed) => {
      const s = sim({ seed, latency: { minMs: 1, maxMs: 5 } });
      s.venue.restoreAccount("alice", CAPITAL);
      snapshot(
        s.venue,
        s.clock,
        [[100_000, 100]],
        [
          [100_010, 3],
          [100_020, 3],
          [100_030, 100],
        ],
      );
      return s;
    });
    const first = await measuredDelays(runs[0]!.venue, runs[0]!.clock, 8);
    const same = await measuredDelays(runs[1]!.venue, runs[1]!.clock, 8);
    const other = await measuredDelays(runs[2]!.venue, runs[2]!.clock, 8);

    const rng = createRng(7);
    const expected = Array.from({ length: 8 }, () => rng.int(1, 5));
    expect(first.delays).toEqual(expected);
    expect(same.delays).toEqual(first.delays);
    expect(first.delays.every((d) => d >= 1 && d <= 5)).toBe(true);
    expect(new Set(first.delays).size).toBeGreaterThan(1);
    expect(other.delays).not.toEqual(first.delays);
    expect(stableJson(same.reports)).toBe(stableJson(first.reports));
    // One lot per order: 3 at 100010, 3 at 100020, then 100030.
    expect(first.reports.map((r) => r.fills[0]!.priceTicks)).toEqual([100_010, 100_010, 100_010, 100_020, 100_020, 100_020, 100_030, 100_030]);
  });

  it("property: two fresh venues with the same seed give identical reports for the same stream, bit for bit", async () => {
    const accounts = ["alice", "bob"] as const;
    await fc.assert(
      fc.asyncProperty(fc.integer(), streamArb(accounts, 40), async (seed, ops) => {
        const outputs: string[] = [];
        for (let run = 0; run < 2; run++) {
          const { venue, clock } = sim({ seed, latency: { minMs: 1, maxMs: 5 } });
          for (const a of accounts) venue.restoreAccount(a, usd("30"));
          const reports: OrderReport[] = [];
          const wait = async <T>(p: Promise<T>): Promise<T> => {
            clock.advance(5);
            await flush();
            return p;
          };
          await runOps(venue, clock, ops, (r) => reports.push(r), wait);
          const positions = await Promise.all(accounts.map((a) => venue.positions(a)));
          outputs.push(stableJson({ reports, positions, cash: accounts.map((a) => cashOf(venue, a)) }));
        }
        expect(outputs[1]).toBe(outputs[0]);
      }),
      { numRuns: 60 },
    );
  });
});

// Not part of the port, so the idempotency of a retried send is also checked here on the simulator's ledger.
describe("SimVenue retries", () => {
  it("a retried clientOrderId does not charge fees or move cash again", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice");
    snapshot(venue, clock, [[100_000, 10]], [[100_010, 10]]);
    const req: PlaceOrder = order({ accountId: "alice", side: "BUY", lots: 5 });
    await venue.placeOrder(req);
    const cash = cashOf(venue, "alice");
    const again = await venue.placeOrder(req);
    expect(again.fills).toEqual([]);
    expect(cashOf(venue, "alice")).toBe(cash);
    expect(venue.book("BTC", 1)!.asks).toEqual([[100_010, 5]]);
  });

  it("client ids are global: another account reusing one is rejected, and the first order is untouched", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice", "bob");
    snapshot(venue, clock, [[100_000, 10]], [[100_010, 10]]);
    const req: PlaceOrder = order({ accountId: "alice", side: "BUY", lots: 5 });
    const first = await venue.placeOrder(req);
    const bobs = await venue.placeOrder({ ...req, accountId: "bob" });
    expect(bobs).toMatchObject({ accountId: "bob", status: "REJECTED", reason: "duplicate_client_order_id", filledLots: 0, fills: [] });
    expect(cashOf(venue, "bob")).toBe(CAPITAL);
    expect(await venue.orderStatus("alice", req.clientOrderId)).toMatchObject({ venueOrderId: first.venueOrderId, status: "FILLED", filledLots: 5 });
    expect(await venue.orderStatus("bob", req.clientOrderId)).toBeUndefined();
  });
});

describe("SimVenue reduce-only resting orders", () => {
  it("a resting reduce-only order never fills beyond the position it reduces", async () => {
    const { venue, clock } = sim();
    funded(venue, "alice");
    snapshot(venue, clock, [[100_000, 10]], [[100_010, 50]]);
    await venue.placeOrder(order({ accountId: "alice", side: "BUY", lots: 5 }));
    await venue.placeOrder(limit("alice", "SELL", 100_100, 10, "GTC", { reduceOnly: true }));
    snapshot(venue, clock, [[100_200, 50]], [[100_300, 50]]);
    expect(await venue.positions("alice")).toEqual([]);
    const [report] = await venue.openOrders("alice");
    expect(report).toBeUndefined(); // the rest of the reduce-only order was canceled with the position
  });
});
