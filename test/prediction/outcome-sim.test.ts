import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { usd } from "../../src/core/money.js";
import { createRng } from "../../src/core/rng.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { outcomeSpecs, type PredictionMarket } from "../../src/prediction/prediction-market.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import type { OrderReport, PlaceOrder } from "../../src/venues/venue.js";
import { createSyntheticPredictionFeed } from "../../src/feeds/prediction/synthetic-prediction-feed.js";
import { onOutcomeTick } from "../../src/core/instrument.js";
import type { PredictionSink } from "../../src/feeds/prediction/prediction-feed.js";

const T0 = Date.parse("2026-06-15T00:00:00Z");
const MARKET: PredictionMarket = {
  conditionId: "0x01",
  question: "Up or down?",
  slug: "up-or-down",
  status: "open",
  endDate: T0 + 300_000,
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  outcomes: [
    { outcome: "Up", tokenId: "1", symbol: "UP-OR-DOWN-UP" },
    { outcome: "Down", tokenId: "2", symbol: "UP-OR-DOWN-DOWN" },
  ],
  source: "synthetic",
};

/** A simulator on a room the outcome tokens join while it runs (as the catalog adds them). */
function setup() {
  const clock = new ManualClock(T0);
  const room = new MarketRoom({ markets: [] });
  const venue = new SimVenue({ clock, markets: [] }, room);
  for (const spec of outcomeSpecs(MARKET)) room.addMarket(spec);
  venue.restoreAccount("a", usd("1000"));
  const updates: OrderReport[] = [];
  venue.onOrderUpdate((r) => updates.push(r));
  // Up: 0.40 bid / 0.42 ask (50 shares) / 0.43 (1000); prices in 10^-4 dollars, sizes in 10^-2 shares.
  room.apply({
    symbol: "UP-OR-DOWN-UP",
    ts: T0,
    kind: "snapshot",
    bids: [[4000, 100_000]],
    asks: [
      [4200, 5_000],
      [4300, 100_000],
    ],
  });
  room.apply({ symbol: "UP-OR-DOWN-DOWN", ts: T0, kind: "snapshot", bids: [[5700, 100_000]], asks: [[5900, 100_000]] });
  return { clock, room, venue, updates };
}

let n = 0;
const buy = (lots: number, extra: Partial<PlaceOrder> = {}): PlaceOrder => ({
  clientOrderId: `o${++n}`,
  accountId: "a",
  symbol: "UP-OR-DOWN-UP",
  side: "BUY",
  type: "MARKET",
  timeInForce: "IOC",
  lots,
  leverage: 100,
  ...extra,
});

describe("the simulator on outcome tokens", () => {
  it("trades a token that joined the room after it started, with no fee", async () => {
    const { venue } = setup();
    expect(venue.markets().map((m) => m.symbol)).toEqual(["UP-OR-DOWN-UP", "UP-OR-DOWN-DOWN"]);
    const r = await venue.placeOrder(buy(10_000));
    expect(r.status).toBe("FILLED");
    expect(r.fills.map((f) => [f.priceTicks, f.lots, f.fee])).toEqual([
      [4200, 5_000, 0n],
      [4300, 5_000, 0n],
    ]);
  });

  it("refuses with Polymarket's reasons: off the tick, out of [tick, 1 - tick], under the minimum, selling what it does not hold, leverage", async () => {
    const { venue } = setup();
    const reason = async (o: PlaceOrder) => (await venue.placeOrder(o)).reason;
    expect(await reason(buy(1_000, { side: "SELL" }))).toBe("invalid_order_not_enough_balance");
    expect(await reason(buy(1_000, { type: "LIMIT", priceTicks: 4250, timeInForce: "GTC" }))).toBe("invalid_order_min_tick_size");
    expect(await reason(buy(1_000, { type: "LIMIT", priceTicks: 10_000, timeInForce: "GTC" }))).toBe("invalid_order_min_tick_size");
    // 0.99 is the highest price on a 0.01 tick: it buys (10 shares), and then 11 shares are more than it holds.
    expect(await reason(buy(1_000, { type: "LIMIT", priceTicks: 9_900, timeInForce: "GTC" }))).toBeUndefined();
    expect(await reason(buy(1_100, { side: "SELL" }))).toBe("invalid_order_not_enough_balance");
    expect(await reason(buy(499))).toBe("invalid_order_min_size");
    expect(await reason(buy(1_000, { leverage: 200 }))).toBe("invalid_leverage");
  });

  it("a FAK's worst price caps every level (not the average, as on a perpetual)", async () => {
    const { venue } = setup();
    const r = await venue.placeOrder(buy(10_000, { priceTicks: 4200 }));
    expect(r.filledLots).toBe(5_000);
    expect(r.fills.every((f) => f.priceTicks <= 4200)).toBe(true);
    expect(r.status).toBe("CANCELED");
  });

  it("follows a tick-size change at once: a price on the old tick only is refused after it", async () => {
    const { venue } = setup();
    const spec = venue.market("UP-OR-DOWN-UP")!;
    expect((await venue.placeOrder(buy(1_000, { type: "LIMIT", priceTicks: 3_510, timeInForce: "GTC" }))).reason).toBe("invalid_order_min_tick_size");
    spec.instrument!.tickTicks = 10;
    expect((await venue.placeOrder(buy(1_000, { type: "LIMIT", priceTicks: 3_510, timeInForce: "GTC" }))).status).toBe("OPEN");
  });

  it("on resolution cancels resting orders, takes no more orders, and redeems only at the payout", async () => {
    const { venue, updates } = setup();
    await venue.placeOrder(buy(10_000));
    const resting = await venue.placeOrder(buy(1_000, { type: "LIMIT", priceTicks: 3_000, timeInForce: "GTC" }));
    expect(resting.status).toBe("OPEN");
    venue.resolveOutcome("UP-OR-DOWN-UP", 10_000);
    expect(updates.map((u) => [u.clientOrderId, u.status, u.reason])).toEqual([[resting.clientOrderId, "CANCELED", "market_resolved"]]);
    expect((await venue.placeOrder(buy(1_000))).reason).toBe("market_not_accepting_orders");
    const sell = (priceTicks: number): PlaceOrder => buy(10_000, { side: "SELL", reduceOnly: true, priceTicks, redeem: true });
    expect((await venue.placeOrder(sell(9_999))).reason).toBe("redeem_not_at_payout");
    expect((await venue.placeOrder({ ...sell(0), symbol: "UP-OR-DOWN-DOWN" })).reason).toBe("market_not_resolved");
    const redeemed = await venue.placeOrder(sell(10_000));
    expect(redeemed.status).toBe("FILLED");
    expect(redeemed.fills.map((f) => [f.priceTicks, f.lots, f.fee])).toEqual([[10_000, 10_000, 0n]]);
    expect(await venue.positions("a")).toEqual([]);
    // Paid 0.425 x 100 = 42.50, redeemed 100.00: cash is 1000 + 57.50 exactly.
    const cash = (venue as unknown as { accounts: Map<string, { cash: bigint }> }).accounts.get("a")!.cash;
    expect(cash).toBe(usd("1057.5"));
  });
});

function recorder() {
  const events: string[] = [];
  const books = new Map<string, { bids: number[][]; asks: number[][] }>();
  const sink: PredictionSink = {
    market: (m) => events.push(`market ${m.conditionId} ${m.outcomes.map((o) => o.outcome).join("/")}`),
    book: (tokenId, u) => {
      books.set(tokenId, { bids: u.bids.map((l) => [...l]), asks: u.asks.map((l) => [...l]) });
      events.push(`book ${tokenId.slice(0, 6)} ${u.bids[0]?.[0] ?? "-"} ${u.asks[0]?.[0] ?? "-"}`);
    },
    tickSize: (c, t) => events.push(`tick ${c} ${t}`),
    closed: (c) => events.push(`closed ${c}`),
    resolved: (c, w) => events.push(`resolved ${c} ${w}`),
  };
  return { sink, events, books };
}

describe("the synthetic prediction feed", () => {
  const run = (seed: number, minutes: number) => {
    const clock = new ManualClock(T0);
    const feed = createSyntheticPredictionFeed({ seed, clock, intervalMs: 1000, openMarkets: 3, resolveDelayMs: 30_000 });
    const r = recorder();
    feed.start(r.sink);
    for (let s = 1; s <= minutes * 60; s++) feed.advanceTo(T0 + s * 1000);
    feed.stop();
    return r;
  };

  it("is deterministic: the same seed gives the same markets, books and winners; another seed does not", () => {
    const a = run(7, 20);
    const b = run(7, 20);
    expect(a.events).toEqual(b.events);
    expect(run(8, 20).events).not.toEqual(a.events);
  });

  it("keeps markets open, closes each at its end, resolves it later to one of its outcomes, and replaces it", () => {
    const { events } = run(3, 70);
    const markets = events.filter((e) => e.startsWith("market "));
    const closed = events.filter((e) => e.startsWith("closed "));
    const resolved = events.filter((e) => e.startsWith("resolved "));
    expect(resolved.length).toBeGreaterThan(0);
    expect(markets.length).toBeGreaterThan(3);
    for (const r of resolved) {
      const [, id, winner] = r.split(" ");
      const created = markets.find((m) => m.split(" ")[1] === id)!;
      expect(created.split(" ")[2]!.split("/")).toContain(winner);
      // Closed before resolved, and nothing of it after.
      expect(events.indexOf(`closed ${id}`)).toBeGreaterThan(-1);
      expect(events.indexOf(`closed ${id}`)).toBeLessThan(events.indexOf(r));
    }
    expect(closed.length).toBeGreaterThanOrEqual(resolved.length);
  });

  it("drops a market resolved elsewhere (by hand, in simulation) and opens another in its place", () => {
    const clock = new ManualClock(T0);
    const resolved = new Set<string>();
    const feed = createSyntheticPredictionFeed({ seed: 1, clock, openMarkets: 2, resolvedElsewhere: (id) => resolved.has(id) });
    const r = recorder();
    feed.start(r.sink);
    const [first] = feed.markets();
    resolved.add(first!.meta.conditionId);
    feed.advanceTo(T0 + 1_000);
    expect(feed.markets().map((m) => m.meta.conditionId)).not.toContain(first!.meta.conditionId);
    expect(feed.markets().filter((m) => m.phase === "open")).toHaveLength(2);
    // The feed never reports its own resolution of it afterwards.
    for (let s = 2; s < 3_600; s++) feed.advanceTo(T0 + s * 1_000);
    expect(r.events.filter((e) => e.startsWith(`resolved ${first!.meta.conditionId}`))).toEqual([]);
  });

  it("every book is on its tick, inside (0, 1), uncrossed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), (seed) => {
        const { books } = run(seed, 3);
        for (const { bids, asks } of books.values()) {
          for (const [p] of [...bids, ...asks]) expect(onOutcomeTick(p!, 10)).toBe(true);
          if (bids[0] && asks[0]) expect(bids[0][0]!).toBeLessThan(asks[0][0]!);
        }
      }),
      { numRuns: 15 },
    );
    // The RNG is the project's seeded one (no Math.random): a second look at one seed agrees.
    expect(createRng("x").next()).toBe(createRng("x").next());
  });
});
