import { describe, expect, it, onTestFinished, vi, type TestContext } from "vitest";
import type { Level } from "../../src/core/book.js";
import { notional } from "../../src/core/market.js";
import type { OrderReport, PlaceOrder, Venue, VenueFill } from "../../src/venues/venue.js";

/**
 * The behaviour every Venue implementation owes the trading service, as one suite run against
 * each of them: the simulator (sim-venue.contract.test.ts) and, later, the fake Lighter server.
 * A venue that cannot run here (a fake server that is not built yet, a missing binary) returns
 * a skip reason from its factory, and every test is reported skipped with that reason.
 *
 * Prices are ticks and sizes lots of the harness's market. The book used throughout, around a
 * BTC-like price of 60 000.0 (600 000 ticks):
 *
 *   asks 600300 x 2000, 600200 x 1000, 600100 x 1000
 *   bids 599900 x 1000, 599800 x 2000                      mid = (599900 + 600100) / 2 = 600000
 */
export interface VenueHarness {
  venue: Venue;
  /** The market the suite trades (one of venue.markets()). */
  symbol: string;
  /** Replaces the book of `symbol` with exactly these levels, best first, as a feed snapshot taken now. */
  setBook(symbol: string, bids: Level[], asks: Level[]): void | Promise<void>;
  /** Creates the account with this collateral, in dollars as a decimal string. */
  fund(accountId: string, usd: string): void | Promise<void>;
  /** The venue's current time, epoch ms (GTT expiry is judged against it). */
  now(): number;
  /** Moves the venue's clock forward. */
  advance(ms: number): void;
  /** Releases servers and sockets. */
  close?(): Promise<void>;
}

/** A harness, or the reason this implementation cannot run the suite here. */
export type VenueFactory = () => VenueHarness | string | Promise<VenueHarness | string>;

export const BIDS: Level[] = [
  [599_900, 1000],
  [599_800, 2000],
];
export const ASKS: Level[] = [
  [600_100, 1000],
  [600_200, 1000],
  [600_300, 2000],
];

const SNAKE_CASE = /^[a-z]+(_[a-z]+)*$/;

export function venueContract(name: string, factory: VenueFactory): void {
  /** A fresh venue with the book above and a funded account "alice"; skips the test when the factory says so. */
  async function setup(ctx: TestContext, capital = "100000") {
    const h = await factory();
    if (typeof h === "string") ctx.skip(h);
    if (h.close) onTestFinished(() => h.close!());
    const market = h.venue.markets().find((m) => m.symbol === h.symbol);
    if (!market) throw new Error(`${name}: harness symbol ${h.symbol} is not among venue.markets()`);
    await h.setBook(h.symbol, BIDS, ASKS);
    await h.fund("alice", capital);
    const updates: OrderReport[] = [];
    h.venue.onOrderUpdate((r) => updates.push(r));
    let n = 0;
    const req = (o: Partial<PlaceOrder> & Pick<PlaceOrder, "side" | "lots">): PlaceOrder => ({
      clientOrderId: `${name}-order-${++n}`,
      accountId: "alice",
      symbol: h.symbol,
      type: "MARKET",
      timeInForce: "IOC",
      leverage: 100,
      ...o,
    });
    return { h, venue: h.venue, symbol: h.symbol, market, updates, req };
  }

  /** Waits for an asynchronous order update (immediate for the simulator, a socket message for live fakes). */
  async function updateFor(updates: OrderReport[], clientOrderId: string, status: OrderReport["status"]): Promise<OrderReport> {
    await vi.waitFor(() => expect(updates.some((u) => u.clientOrderId === clientOrderId && u.status === status)).toBe(true));
    return updates.find((u) => u.clientOrderId === clientOrderId && u.status === status)!;
  }

  const priceLots = (fills: VenueFill[]) => fills.map((f) => [f.priceTicks, f.lots]);
  const lotsOf = (fills: VenueFill[]) => fills.reduce((s, f) => s + f.lots, 0);

  describe(`Venue contract: ${name}`, () => {
    it("a market BUY walks the ask levels: one fill per level, the volume-weighted average, FILLED", async (ctx) => {
      const { venue, symbol, market, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "BUY", lots: 2500 }));
      expect(r.status).toBe("FILLED");
      expect(r.filledLots).toBe(2500);
      expect(priceLots(r.fills)).toEqual([
        [600_100, 1000],
        [600_200, 1000],
        [600_300, 500],
      ]);
      for (const f of r.fills) {
        expect(f).toMatchObject({ side: "BUY", liquidity: "TAKER", symbol, accountId: "alice", clientOrderId: r.clientOrderId });
        expect(f.fee).toBeGreaterThanOrEqual(0n);
      }
      // (600100*1000 + 600200*1000 + 600300*500) / 2500 = 1 500 450 000 / 2500 = 600 180
      const total = r.fills.reduce((s, f) => s + BigInt(f.priceTicks) * BigInt(f.lots), 0n);
      expect(total / 2500n).toBe(600_180n);
      expect(total % 2500n).toBe(0n);
      expect(new Set(r.fills.map((f) => f.tradeId)).size).toBe(3);
      const positions = await venue.positions("alice");
      expect(positions).toEqual([
        expect.objectContaining({ symbol, side: "LONG", lots: 2500n, cost: notional(market, 600_100, 1000) + notional(market, 600_200, 1000) + notional(market, 600_300, 500) }),
      ]);
    });

    it("a market SELL walks the bids downwards", async (ctx) => {
      const { venue, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "SELL", lots: 1500 }));
      expect(r.status).toBe("FILLED");
      expect(priceLots(r.fills)).toEqual([
        [599_900, 1000],
        [599_800, 500],
      ]);
      expect((await venue.positions("alice"))[0]).toMatchObject({ side: "SHORT", lots: 1500n });
    });

    it("a market order larger than the depth fills what is there and cancels the rest (IOC)", async (ctx) => {
      const { venue, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "BUY", lots: 5000 }));
      // The asks hold 1000 + 1000 + 2000 = 4000 lots.
      expect(r.status).toBe("CANCELED");
      expect(r.filledLots).toBe(4000);
      expect(r.filledLots).toBeLessThan(r.lots);
      expect(lotsOf(r.fills)).toBe(4000);
      expect(r.reason).toMatch(SNAKE_CASE);
      expect((await venue.positions("alice"))[0]).toMatchObject({ side: "LONG", lots: 4000n });
    });

    it("an unfillable FOK fills nothing and leaves the book as it was; a fillable one fills completely", async (ctx) => {
      const { venue, symbol, req } = await setup(ctx);
      const before = venue.book(symbol, 10);
      // 4000 lots rest at 600300 or better: 4001 cannot fill completely.
      const r = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 600_300, timeInForce: "FOK", lots: 4001 }));
      expect(r.status).toBe("CANCELED");
      expect(r.filledLots).toBe(0);
      expect(r.fills).toEqual([]);
      expect(venue.book(symbol, 10)).toEqual(before);
      expect(await venue.positions("alice")).toEqual([]);

      // 2000 lots rest at 600200 or better: exactly enough.
      const ok = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 600_200, timeInForce: "FOK", lots: 2000 }));
      expect(ok.status).toBe("FILLED");
      expect(priceLots(ok.fills)).toEqual([
        [600_100, 1000],
        [600_200, 1000],
      ]);
    });

    it("post-only is rejected when it would cross and rests when it does not", async (ctx) => {
      const { venue, req } = await setup(ctx);
      const crossing = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 600_100, timeInForce: "GTC", postOnly: true, lots: 100 }));
      expect(crossing.status).toBe("REJECTED");
      expect(crossing.reason).toBe("post_only_would_cross");
      expect(crossing.fills).toEqual([]);

      const sellCrossing = await venue.placeOrder(req({ side: "SELL", type: "LIMIT", priceTicks: 599_900, timeInForce: "GTC", postOnly: true, lots: 100 }));
      expect(sellCrossing.reason).toBe("post_only_would_cross");

      const resting = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 600_000, timeInForce: "GTC", postOnly: true, lots: 100 }));
      expect(resting.status).toBe("OPEN");
      expect(resting.filledLots).toBe(0);
      const open = await venue.openOrders("alice");
      expect(open.map((o) => o.clientOrderId)).toEqual([resting.clientOrderId]);
      expect(await venue.positions("alice")).toEqual([]);
    });

    it("a GTC limit rests, then fills as MAKER at its limit price when the book crosses it", async (ctx) => {
      const { h, venue, symbol, updates, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 600_000, timeInForce: "GTC", lots: 1500 }));
      expect(r.status).toBe("OPEN");
      expect(r.fills).toEqual([]);

      // Sellers come down through the bid, 500 lots at 599950: a partial fill, at the bid's own price.
      await h.setBook(symbol, BIDS, [
        [599_950, 500],
        [600_100, 1000],
      ]);
      const partial = await updateFor(updates, r.clientOrderId, "PARTIALLY_FILLED");
      expect(partial.filledLots).toBe(500);
      expect(partial.fills.map((f) => [f.priceTicks, f.lots, f.liquidity])).toEqual([[600_000, 500, "MAKER"]]);

      // More sellers at the same price: the remaining 1000 fill.
      await h.setBook(symbol, BIDS, [[600_000, 3000]]);
      const filled = await updateFor(updates, r.clientOrderId, "FILLED");
      expect(filled.filledLots).toBe(1500);
      expect(filled.fills.map((f) => [f.priceTicks, f.lots, f.liquidity])).toEqual([[600_000, 1000, "MAKER"]]);
      expect(await venue.openOrders("alice")).toEqual([]);
      expect(await venue.orderStatus("alice", r.clientOrderId)).toMatchObject({ status: "FILLED", filledLots: 1500 });
      expect((await venue.positions("alice"))[0]).toMatchObject({ side: "LONG", lots: 1500n });
    });

    it("a canceled resting order is gone and never fills", async (ctx) => {
      const { h, venue, symbol, updates, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 599_000, timeInForce: "GTC", lots: 100 }));
      expect(r.status).toBe("OPEN");
      const c = await venue.cancelOrder("alice", r.clientOrderId);
      expect(c.status).toBe("CANCELED");
      expect(c.filledLots).toBe(0);
      expect(await venue.openOrders("alice")).toEqual([]);

      await h.setBook(symbol, [[598_000, 1000]], [[598_500, 1000]]); // would have crossed 599000
      expect(updates.filter((u) => u.clientOrderId === r.clientOrderId && u.fills.length > 0)).toEqual([]);
      expect(await venue.positions("alice")).toEqual([]);
      expect(await venue.orderStatus("alice", r.clientOrderId)).toMatchObject({ status: "CANCELED", filledLots: 0 });
    });

    it("orderStatus finds an order by client id, for its own account only", async (ctx) => {
      const { h, venue, req } = await setup(ctx);
      const r = await venue.placeOrder(req({ side: "BUY", lots: 1200 }));
      const s = await venue.orderStatus("alice", r.clientOrderId);
      expect(s).toMatchObject({ clientOrderId: r.clientOrderId, venueOrderId: r.venueOrderId, status: "FILLED", filledLots: 1200, lots: 1200, side: "BUY" });
      expect(await venue.orderStatus("alice", "never-sent")).toBeUndefined();
      await h.fund("bob", "1000");
      expect(await venue.orderStatus("bob", r.clientOrderId)).toBeUndefined();
    });

    it("the same clientOrderId sent twice places once: the retry gets the first order back, with no new fills", async (ctx) => {
      const { venue, symbol, req } = await setup(ctx);
      const order = req({ side: "BUY", lots: 1500 });
      const first = await venue.placeOrder(order);
      expect(first.status).toBe("FILLED");
      const bookAfterFirst = venue.book(symbol, 10);
      const second = await venue.placeOrder({ ...order });
      expect(second).toMatchObject({ clientOrderId: first.clientOrderId, venueOrderId: first.venueOrderId, status: "FILLED", filledLots: 1500 });
      expect(second.fills).toEqual([]);
      expect(venue.book(symbol, 10)).toEqual(bookAfterFirst);
      expect(await venue.positions("alice")).toEqual([expect.objectContaining({ lots: 1500n })]);
    });

    it("a clientOrderId already used by another account never returns that account's order", async (ctx) => {
      const { h, venue, req } = await setup(ctx);
      await h.fund("bob", "100000");
      const alices = await venue.placeOrder(req({ side: "BUY", lots: 1000 }));
      expect(alices.status).toBe("FILLED");
      // Venues differ (per-account ids place normally, global ids reject), but bob must hear about bob's order only.
      const bobs = await venue.placeOrder(req({ clientOrderId: alices.clientOrderId, accountId: "bob", side: "BUY", lots: 500 }));
      expect(bobs.accountId).toBe("bob");
      expect(bobs.venueOrderId).not.toBe(alices.venueOrderId);
      expect(bobs.filledLots).toBe(lotsOf(bobs.fills));
      const bobLots = (await venue.positions("bob")).reduce((s, p) => s + p.lots, 0n);
      expect(bobLots).toBe(BigInt(bobs.filledLots));
      expect(await venue.positions("alice")).toEqual([expect.objectContaining({ lots: 1000n })]);
    });

    it("a reduce-only order without a position is rejected and changes nothing", async (ctx) => {
      const { venue, symbol, req } = await setup(ctx);
      const before = venue.book(symbol, 10);
      const r = await venue.placeOrder(req({ side: "SELL", lots: 100, reduceOnly: true }));
      expect(r.status).toBe("REJECTED");
      expect(r.reason).toMatch(SNAKE_CASE);
      expect(r.fills).toEqual([]);
      expect(venue.book(symbol, 10)).toEqual(before);
      expect(await venue.positions("alice")).toEqual([]);
    });

    it("an order the collateral cannot margin is rejected, nothing filled", async (ctx) => {
      // $100 of collateral; 1000 lots at ~600100 ticks is a $600 notional at 1x.
      const { venue, symbol, req } = await setup(ctx, "100");
      const before = venue.book(symbol, 10);
      const r = await venue.placeOrder(req({ side: "BUY", lots: 1000 }));
      expect(r.status).toBe("REJECTED");
      expect(r.reason).toBe("insufficient_margin");
      expect(r.filledLots).toBe(0);
      expect(r.fills).toEqual([]);
      expect(venue.book(symbol, 10)).toEqual(before);
      expect(await venue.positions("alice")).toEqual([]);
    });

    it("a GTT order expires at expiresAt: EXPIRED arrives through onOrderUpdate after a later book update", async (ctx) => {
      const { h, venue, symbol, updates, req } = await setup(ctx);
      const expiresAt = h.now() + 60_000;
      const r = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", priceTicks: 599_000, timeInForce: "GTT", expiresAt, lots: 100 }));
      expect(r.status).toBe("OPEN");

      h.advance(30_000);
      await h.setBook(symbol, BIDS, ASKS);
      expect(updates.filter((u) => u.clientOrderId === r.clientOrderId)).toEqual([]);
      expect(await venue.openOrders("alice")).toHaveLength(1);

      h.advance(30_001);
      await h.setBook(symbol, BIDS, ASKS);
      const expired = await updateFor(updates, r.clientOrderId, "EXPIRED");
      expect(expired.filledLots).toBe(0);
      expect(expired.fills).toEqual([]);
      expect(await venue.openOrders("alice")).toEqual([]);
      expect(await venue.orderStatus("alice", r.clientOrderId)).toMatchObject({ status: "EXPIRED" });

      // Expired means off the book: a later crossing book does not fill it.
      await h.setBook(symbol, [[598_000, 1000]], [[598_500, 1000]]);
      expect(await venue.positions("alice")).toEqual([]);
    });
  });
}
