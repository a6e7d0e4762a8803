import { describe, expect, it, vi } from "vitest";
import { PolymarketOutcomeUnknown } from "../../../src/venues/polymarket/clob-errors.js";
import { PLAIN, YES, expectWellFormed, priceLots, setup } from "./clob-support.js";

/**
 * The Polymarket venue adapter against the fake CLOB V2 (asks 0.50 × 10, 0.52 × 20; bids 0.40 × 100,
 * 0.39 × 100; tick 0.01, minimum 5 shares). Prices in 10^-4 dollars, sizes in 10^-2 shares.
 */

describe("market orders (FAK / FOK)", () => {
  it("a FAK buy with a worst price fills only within it and cancels the rest", async () => {
    const { venue, req } = await setup();
    const r0 = req({ side: "BUY", lots: 2000, priceTicks: 5000 });
    const r = await venue.placeOrder(r0);
    // $10 budget at 0.50: the 10 shares at 0.50 ($5); nothing else at or under 0.50.
    expectWellFormed(r, r0);
    expect(r.status).toBe("CANCELED");
    expect(r.reason).toBe("ioc_remainder_canceled");
    expect(priceLots(r.fills)).toEqual([[5000, 1000]]);
    expect(r.filledLots).toBe(1000);
    expect(r.fills[0]!.liquidity).toBe("TAKER");
    expect(r.fills[0]!.fee).toBe(0n);
  });

  it("refuses a market order without a worst price before sending anything", async () => {
    const { venue, req, posts } = await setup();
    const r = await venue.placeOrder(req({ side: "BUY", lots: 1000 }));
    expect(r).toMatchObject({ status: "REJECTED", reason: "invalid_price" });
    expect(posts()).toEqual([]);
  });

  it("FOK is all or nothing", async () => {
    const { venue, req, fake } = await setup();
    const tooMuch = req({ side: "BUY", lots: 2000, priceTicks: 5000, timeInForce: "FOK" });
    const killed = await venue.placeOrder(tooMuch);
    expectWellFormed(killed, tooMuch);
    expect(killed).toMatchObject({ status: "CANCELED", reason: "fok_unfillable", filledLots: 0, fills: [] });
    expect(fake.exchange.books.get(YES)!.bestAsk()).toBe(5000n);

    const fits = req({ side: "BUY", lots: 1000, priceTicks: 5000, timeInForce: "FOK" });
    const ok = await venue.placeOrder(fits);
    expectWellFormed(ok, fits);
    expect(ok.status).toBe("FILLED");
    expect(priceLots(ok.fills)).toEqual([[5000, 1000]]);
  });
});

describe("resting orders", () => {
  it("a GTC rests, then an outside trader fills it: each fill reported once, also across a user-channel reconnect", async () => {
    const { venue, req, fake, updates } = await setup();
    const r0 = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 });
    const placed = await venue.placeOrder(r0);
    expectWellFormed(placed, r0);
    expect(placed).toMatchObject({ status: "OPEN", filledLots: 0, fills: [] });
    expect(placed.venueOrderId).toMatch(/^0x[0-9a-f]{64}$/);

    fake.outsideTrade({ tokenId: YES, side: "SELL", size: "6", price: "0.45" });
    await vi.waitFor(() => expect(updates.some((u) => u.status === "PARTIALLY_FILLED")).toBe(true));
    const partial = updates.find((u) => u.status === "PARTIALLY_FILLED")!;
    expectWellFormed(partial, r0);
    expect(priceLots(partial.fills)).toEqual([[4500, 600]]);
    expect(partial.fills[0]!.liquidity).toBe("MAKER");

    // The user channel drops; the rest fills while it is down: REST reconciles on reconnect.
    fake.closeWebSockets("user");
    fake.outsideTrade({ tokenId: YES, side: "SELL", size: "4", price: "0.45" });
    await vi.waitFor(() => expect(updates.some((u) => u.status === "FILLED")).toBe(true), { timeout: 3_000 });
    // The trades go MINED and CONFIRMED meanwhile: more events, no more fills.
    fake.advance(1_000);
    await new Promise((r) => setTimeout(r, 200));
    const fills = updates.flatMap((u) => u.fills);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length);
    expect(fills.reduce((s, f) => s + f.lots, 0)).toBe(1000);
    expect(updates.at(-1)).toMatchObject({ status: "FILLED", filledLots: 1000 });

    const status = await venue.orderStatus("alice", r0.clientOrderId);
    expect(status).toMatchObject({ status: "FILLED", filledLots: 1000 });
    expect(status!.fills.map((f) => f.tradeId).sort()).toEqual(fills.map((f) => f.tradeId).sort());
  });

  it("a GTD order expires a minute before its CLOB expiration, reported EXPIRED", async () => {
    const { venue, req, fake, updates } = await setup();
    const r0 = req({ side: "BUY", type: "LIMIT", timeInForce: "GTT", lots: 1000, priceTicks: 4500, expiresAt: fake.exchange.now() + 2_000 });
    const placed = await venue.placeOrder(r0);
    expect(placed.status).toBe("OPEN");
    const body = fake.requests.find((q) => q.path === "/order")!.body!;
    const sent = JSON.parse(body) as { orderType: string; order: { expiration: string } };
    expect(sent.orderType).toBe("GTD");
    expect(Number(sent.order.expiration)).toBe(Math.ceil(r0.expiresAt! / 1000) + 60);
    fake.advance(3_000);
    await vi.waitFor(() => expect(updates.some((u) => u.clientOrderId === r0.clientOrderId && u.status === "EXPIRED")).toBe(true));
    expect(updates.find((u) => u.status === "EXPIRED")!.reason).toBe("gtt_expired");
  });

  it("refuses a post-only order that would cross, and one on a FAK", async () => {
    const { venue, req } = await setup();
    const cross = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 5000, postOnly: true });
    const r = await venue.placeOrder(cross);
    expectWellFormed(r, cross);
    expect(r).toMatchObject({ status: "REJECTED", reason: "post_only_would_cross" });
    const fak = await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000, postOnly: true }));
    expect(fak).toMatchObject({ status: "REJECTED", reason: "post_only_not_resting" });
    const rests = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4900, postOnly: true }));
    expect(rests.status).toBe("OPEN");
  });
});

describe("refused before sending", () => {
  it("an off-tick price and a size under the minimum never reach the CLOB", async () => {
    const { venue, req, posts } = await setup();
    const offTick = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4550 });
    const r1 = await venue.placeOrder(offTick);
    expectWellFormed(r1, offTick);
    expect(r1).toMatchObject({ status: "REJECTED", reason: "invalid_order_min_tick_size" });
    const small = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 499, priceTicks: 4500 }));
    expect(small).toMatchObject({ status: "REJECTED", reason: "invalid_order_min_size" });
    expect(posts()).toEqual([]);
  });

  it("reads the tick from the CLOB: after a tick change the new tick is honoured", async () => {
    const { venue, req, fake, posts } = await setup({}, { rulesTtlMs: 1 });
    fake.setTickSize(PLAIN.conditionId, "0.001");
    await new Promise((r) => setTimeout(r, 5));
    const r = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4550 }));
    expect(r.status).toBe("OPEN");
    expect(posts()).toHaveLength(1);
  });

  it("a market not accepting orders is refused up front", async () => {
    const { venue, req, fake, posts } = await setup({}, { rulesTtlMs: 1 });
    fake.setAcceptingOrders(PLAIN.conditionId, false);
    await new Promise((r) => setTimeout(r, 5));
    expect(await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000 }))).toMatchObject({ status: "REJECTED", reason: "market_not_accepting_orders" });
    expect(posts()).toEqual([]);
  });
});

describe("exactly once", () => {
  it("the answer to POST /order is lost: the same signed order is posted again, the first one found, one order", async () => {
    const { venue, req, fake, address, posts } = await setup();
    fake.dropNextOrderResponses();
    const r0 = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 });
    const r = await venue.placeOrder(r0);
    expect(r.status).toBe("OPEN");
    expect(fake.exchange.openOrdersOf(address.toLowerCase()).map((o) => o.id)).toEqual([r.venueOrderId]);
    expect(posts().length).toBe(2);
    expect(new Set(posts().map((p) => p.order.signature)).size).toBe(1);
  });

  it("no answer at all: thrown as unknown; orderStatus finds the order; a second placement is the same order", async () => {
    const { venue, req, fake, address, posts } = await setup({}, { postAttempts: 1 });
    fake.dropNextOrderResponses();
    const r0 = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 });
    // The order landed; the one GET that would show it fails too.
    fake.failNext({ status: 503, count: 1, path: "/data/order" });
    await expect(venue.placeOrder(r0)).rejects.toBeInstanceOf(PolymarketOutcomeUnknown);
    const found = await venue.orderStatus("alice", r0.clientOrderId);
    expect(found).toMatchObject({ status: "OPEN", clientOrderId: r0.clientOrderId });
    const again = await venue.placeOrder(r0);
    expect(again).toMatchObject({ status: "OPEN", venueOrderId: found!.venueOrderId });
    expect(fake.exchange.openOrdersOf(address.toLowerCase())).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(await venue.lostForGood("alice", r0.clientOrderId, fake.exchange.now())).toBe(false);
  });

  it("a 5xx on POST /order is retried with the same signature", async () => {
    const { venue, req, fake, address, posts } = await setup();
    fake.failNext({ status: 503, count: 2, path: "/order" });
    const r = await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000, timeInForce: "FOK" }));
    expect(r.status).toBe("FILLED");
    expect(fake.requests.filter((q) => q.path === "/order")).toHaveLength(3);
    expect(posts()).toHaveLength(3);
    expect(new Set(posts().map((p) => `${p.order.salt}/${p.order.signature}`)).size).toBe(1);
    expect(fake.exchange.lifecycle.trades.filter((t) => t.taker.address === address.toLowerCase())).toHaveLength(1);
  });

  it("order_version_mismatch is reported as such", async () => {
    const { venue, req, fake } = await setup();
    fake.failNext({ status: 400, count: 1, path: "/order", error: "order_version_mismatch" });
    expect(await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000 }))).toMatchObject({ status: "REJECTED", reason: "order_version_mismatch" });
  });
});

describe("settlement lag", () => {
  it("a sell right after a buy succeeds once the balance is refreshed", async () => {
    const { venue, req, fake, posts } = await setup();
    const buy = await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000, timeInForce: "FOK" }));
    expect(buy.status).toBe("FILLED");
    const s0 = req({ side: "SELL", lots: 1000, priceTicks: 4000 });
    const sell = await venue.placeOrder(s0);
    expectWellFormed(sell, s0);
    expect(sell.status).toBe("FILLED");
    expect(priceLots(sell.fills)).toEqual([[4000, 1000]]);
    // Refused at first (the shares were not settled), refreshed, then the same signed sell again.
    expect(fake.requests.some((q) => q.path === "/balance-allowance/update")).toBe(true);
    const sells = posts().slice(1);
    expect(sells.length).toBeGreaterThan(1);
    expect(new Set(sells.map((p) => p.order.signature)).size).toBe(1);
  });

  it("a sell of shares never held is refused after the bounded retries", async () => {
    const { venue, req } = await setup({}, { settlementAttempts: 2, settlementBackoffMs: 5 });
    expect(await venue.placeOrder(req({ side: "SELL", lots: 1000, priceTicks: 4000 }))).toMatchObject({ status: "REJECTED", reason: "invalid_order_not_enough_balance" });
  });
});

describe("heartbeats", () => {
  it("beats while an order rests and stops when none does; a lapse cancels the resting orders", async () => {
    const { venue, req, fake, updates } = await setup({ heartbeatTimeoutMs: 400 });
    expect(venue.heartbeating("alice")).toBe(false);
    const a = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 }));
    expect(venue.heartbeating("alice")).toBe(true);
    // Longer than the switch's timeout: the heartbeats keep the order alive.
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.orderStatus(a.venueOrderId)!.live).toBe(true);
    const canceled = await venue.cancelOrder("alice", a.clientOrderId);
    expect(canceled.status).toBe("CANCELED");
    expect(venue.heartbeating("alice")).toBe(false);

    const b = await venue.placeOrder(req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4400 }));
    fake.pauseHeartbeats(true);
    await vi.waitFor(() => expect(updates.some((u) => u.clientOrderId === b.clientOrderId && u.status === "CANCELED")).toBe(true), { timeout: 3_000 });
    expect(fake.orderStatus(b.venueOrderId)!.live).toBe(false);
    expect(venue.heartbeating("alice")).toBe(false);
  });
});

describe("account", () => {
  it("collateral and positions are exact", async () => {
    const { venue, req, fake } = await setup();
    expect(await venue.collateral("alice")).toBe(1_000_000_000n);
    expect(await venue.positions("alice")).toEqual([]);
    await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000, timeInForce: "FOK" }));
    expect(await venue.collateral("alice")).toBe(995_000_000n);
    fake.advance(500); // mined: the shares land on chain
    expect(await venue.positions("alice")).toEqual([expect.objectContaining({ symbol: "FAKE-CLOB-YES", side: "LONG", lots: 1000n })]);
  });

  it("a trade that FAILED after its fill was reported is reversed", async () => {
    const { venue, req, fake, updates } = await setup();
    const reversed: string[] = [];
    venue.onFillReversed((fill) => reversed.push(fill.tradeId));
    const r0 = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 });
    await venue.placeOrder(r0);
    fake.failTrades(1);
    fake.outsideTrade({ tokenId: YES, side: "SELL", size: "6", price: "0.45" });
    await vi.waitFor(() => expect(updates.some((u) => u.fills.length === 1)).toBe(true));
    const tradeId = updates.find((u) => u.fills.length === 1)!.fills[0]!.tradeId;
    fake.advance(1_000);
    await vi.waitFor(() => expect(reversed).toEqual([tradeId]));
    expect(updates.at(-1)).toMatchObject({ reason: "trade_failed", filledLots: 0, fills: [] });
  });
});
