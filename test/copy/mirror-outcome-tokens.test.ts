import { afterEach, describe, expect, it } from "vitest";
import { and, eq, gt, inArray } from "drizzle-orm";
import { orders, outbox, venueOrders } from "../../src/db/schema.js";
import type { ExecutionView } from "../../src/copy/mirror-store.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import { DRIVERS } from "../support/databases.js";
import { createMirrorHarness, restartEngine, type MirrorHarness } from "../support/mirror-harness.js";
import { predictionHarness, type PredictionHarness } from "../support/prediction-harness.js";
import { FaultyVenue } from "../support/faulty-venue.js";
import type { OrderReport, PlaceOrder } from "../../src/venues/venue.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A remote venue (as Polymarket's CLOB is) whose own minimum order for some accounts is above the
 * one the catalog knew (the adapter reads min_order_size per token from the CLOB): it refuses
 * smaller orders with INVALID_ORDER_MIN_SIZE, as the adapter reports it.
 */
class ClobMinimum extends FaultyVenue {
  readonly minimumLots = new Map<string, number>();

  override async placeOrder(req: PlaceOrder): Promise<OrderReport> {
    const min = this.minimumLots.get(req.accountId);
    if (min === undefined || req.lots >= min) return super.placeOrder(req);
    this.sends++;
    const { clientOrderId, accountId, symbol, side, type, timeInForce, lots } = req;
    return {
      clientOrderId,
      venueOrderId: "",
      accountId,
      symbol,
      side,
      type,
      timeInForce,
      priceTicks: req.priceTicks ?? null,
      lots,
      filledLots: 0,
      status: "REJECTED",
      fills: [],
      reason: "invalid_order_min_size",
      ts: 0,
    };
  }
}

const WALLET = `0x${"ab".repeat(20)}`;
const DAY = 86_400_000;

const market = (id: string, slug: string, yes: string, no: string, end: number): PredictionMarketInput => ({
  conditionId: `0x${id.repeat(32)}`,
  question: `Will ${slug}?`,
  slug,
  status: "open",
  endDate: end,
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  outcomes: [
    { outcome: "Yes", tokenId: yes },
    { outcome: "No", tokenId: no },
  ],
  source: "synthetic",
});

/**
 * LT on paper: a follow model (FT) copies a wallet's trades of outcome tokens, and mirrors copy
 * the follow model onto follower accounts, as they would onto a live Polymarket account. Every
 * source change gets exactly one execution per mirror, with its outcome and reason, and each
 * copied trade is measured against the source's fill and the wallet's own price.
 */
describe.each(DRIVERS)("mirrors of a follow model on outcome tokens on %s", { timeout: 120_000 }, (driver) => {
  let h: MirrorHarness;
  afterEach(async () => h?.dispose());

  it("filled, partial, below_min_size, slippage_exceeded, no_follower_position, market_closed and a resolution; slippage against the trader; P&L against FT", async () => {
    h = await createMirrorHarness(driver);
    const pm: PredictionHarness = await predictionHarness(h, h.services);
    const end = h.clock.now() + DAY;
    const A = market("aa", "a-happens", "1001", "1002", end);
    const B = market("bb", "b-happens", "2001", "2002", end);
    const C = market("cc", "c-happens", "3001", "3002", end);
    for (const m of [A, B, C]) await pm.market(m);
    const symbolA = pm.catalog.symbolOf("1001")!;
    // A's Yes: 30 shares at 0.42, then 0.43; bids at 0.40.
    pm.book(
      "1001",
      [["0.40", "1000"]],
      [
        ["0.42", "30"],
        ["0.43", "1000"],
      ],
    );
    pm.book(
      "2001",
      [["0.29", "1000"]],
      [
        ["0.30", "31.25"],
        ["0.35", "1000"],
      ],
    );
    pm.book("3001", [["0.48", "1000"]], [["0.50", "1000"]]);

    // FT: $10 a copied buy, at most 2 cents above the trader's price.
    const ft = await pm.followModel("FT whale", [WALLET], { sizing: { mode: "fixed", usd: "10" }, maxSignalAgeMs: 3_600_000 });
    const main = await h.mirror(ft.id, { sizing: { mode: "ratio", ratio: "1" }, maxSlippageBps: 300 }, "1000");
    const tiny = await h.mirror(ft.id, { sizing: { mode: "ratio", ratio: "0.1" }, maxSlippageBps: 300 }, "1000");
    await h.engine.start();
    await pm.follow.runModel(ft.id, ft.settings); // called directly: the wallet is followed from this read on
    const trade = async (m: PredictionMarketInput, side: "BUY" | "SELL", price: string, size: string) => {
      pm.wallets.trade({ wallet: WALLET, conditionId: m.conditionId, tokenId: m.outcomes[0]!.tokenId, side, price, size, at: h.clock.now() });
      await pm.follow.runModel(ft.id, ft.settings);
      await h.settle();
    };
    const last = async (mirrorId: string) => (await h.services.mirrors.executions(mirrorId, { limit: 1 }))[0]!;

    // 1. The wallet buys 100 at 0.41. FT's $10 at a worst 0.43 buys 23.25 shares, filled at 0.42
    // (6.75 left there). The follower (ratio 1) buys 23.25 up to 0.42 x 1.03 = 0.4326, on the
    // 0.01 tick 0.43: 6.75 at 0.42 and 16.5 at 0.43, average 9.93 / 23.25 = 0.427096774...
    await trade(A, "BUY", "0.41", "100");
    const open = await last(main.id);
    expect(open).toMatchObject({ action: "open", symbol: symbolA, outcome: "filled", intendedQuantity: "23.25", filledQuantity: "23.25", avgPrice: "0.427096774194" });
    expect(open.source).toMatchObject({ price: "0.42", quantity: "23.25" });
    // Against FT's 0.42: (0.427096774194 - 0.42) / 0.42 = 168.97 bps; against the wallet's 0.41: (0.427096774194 - 0.41) / 0.41 = 416.99 bps.
    expect([open.slippageBps, open.traderSlippageBps]).toEqual(["168.97", "416.99"]);
    expect(open.trader).toMatchObject({ wallet: WALLET, price: "0.41", at: new Date(h.clock.now()).toISOString() });
    // The order was a limit at the bound on the market's tick, IOC (a FAK on Polymarket).
    const [sent] = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, open.clientOrderId!));
    expect([sent!.price, sent!.timeInForce, sent!.leverage]).toEqual(["0.430000000000", "IOC", "1.00"]);
    // The small mirror's share, 2.32 shares, is under the market's 5-share minimum: nothing sent.
    expect(await last(tiny.id)).toMatchObject({ action: "open", outcome: "skipped", reason: "below_min_size", clientOrderId: null });

    // 2. The wallet buys 50 more at 0.43; only 40 shares are offered at 0.44. FT's $10 at a worst
    // 0.45 is 22.22 shares, filled at 0.44; the follower's scale-in (bound 0.4532, so 0.45) finds
    // the 17.78 left at 0.44 and no more: partial, the rest beyond the bound.
    pm.book(
      "1001",
      [["0.40", "1000"]],
      [
        ["0.44", "40"],
        ["0.47", "1000"],
      ],
    );
    await trade(A, "BUY", "0.43", "50");
    const scale = await last(main.id);
    expect(scale).toMatchObject({ action: "scale", outcome: "partial", reason: "slippage_exceeded", intendedQuantity: "22.22", filledQuantity: "17.78", avgPrice: "0.44" });
    // Against FT's 0.44: 0; against the wallet's 0.43: 0.01 / 0.43 = 232.56 bps.
    expect([scale.slippageBps, scale.traderSlippageBps]).toEqual(["0", "232.56"]);

    // 3. The wallet sells 50 of its 150 at 0.41: FT sells a third of its 45.47 (15.15) at the 0.40
    // bid, leaving 30.32; the follower sells 41.03 x 15.15 / 45.47 = 13.67 of its own at 0.40.
    await trade(A, "SELL", "0.41", "50");
    const reduce = await last(main.id);
    expect(reduce).toMatchObject({ action: "reduce", outcome: "filled", filledQuantity: "13.67", avgPrice: "0.4" });
    // A sale is worse when it gets less: 0 against FT's 0.40, (0.41 - 0.40) / 0.41 = 243.9 bps against the wallet.
    expect([reduce.slippageBps, reduce.traderSlippageBps]).toEqual(["0", "243.9"]);
    expect(await last(tiny.id)).toMatchObject({ action: "reduce", outcome: "skipped", reason: "no_follower_position" });

    // 4. B: FT takes all 31.25 shares at 0.30; the next ask, 0.35, is past the follower's bound
    // (0.309, so 0.30): nothing fills. Then the wallet sells everything: FT closes, the follower has nothing to close.
    await trade(B, "BUY", "0.30", "100");
    expect(await last(main.id)).toMatchObject({ action: "open", outcome: "skipped", reason: "slippage_exceeded", filledQuantity: "0" });
    await trade(B, "SELL", "0.29", "100");
    expect(await last(main.id)).toMatchObject({ action: "close", outcome: "skipped", reason: "no_follower_position", clientOrderId: null });

    // 5. C: the mirrors' process is down while FT buys, and the market closes before it is back:
    // the entry is skipped as market_closed, nothing sent.
    await h.engine.stop();
    h.engine = restartEngine(h);
    pm.wallets.trade({ wallet: WALLET, conditionId: C.conditionId, tokenId: "3001", side: "BUY", price: "0.50", size: "20", at: h.clock.now() });
    await pm.follow.runModel(ft.id, ft.settings);
    await pm.catalog.close(C.conditionId);
    await h.engine.start();
    await h.settle();
    for (const m of [main, tiny]) expect(await last(m.id)).toMatchObject({ action: "open", outcome: "skipped", reason: "market_closed", clientOrderId: null });
    // Taken in while no engine ran (pending, then claimed): the wallet's trade came in with it all the same.
    expect((await last(main.id)).trader).toMatchObject({ wallet: WALLET, price: "0.5" });

    // 6. A resolves Yes: every position in it redeems at 1 dollar by the resolution itself. The
    // source's RESOLUTION close is recorded, never sent as an order: the follower's own 27.36
    // shares are redeemed by the same resolution, once.
    await pm.catalog.resolve(A.conditionId, "Yes");
    await h.settle();
    for (const m of [main, tiny]) {
      const resolved = await last(m.id);
      expect(resolved).toMatchObject({ action: "close", outcome: "skipped", reason: "market_resolved", clientOrderId: null, sentAt: null });
      expect(resolved.message).toMatch(/resolved and redeemed the source's position at \$1 a share/);
    }
    const redeemed = await h.t.database.db
      .select()
      .from(orders)
      .where(and(eq(orders.modelId, main.followerModelId), eq(orders.symbol, symbolA), eq(orders.status, "CLOSED")));
    expect(redeemed.map((r) => [r.closeTrigger, r.quantity, r.exitPrice]).sort()).toEqual([
      ["MIRROR", "13.6700000000", "0.400000000000"],
      ["RESOLUTION", "27.3600000000", "1.000000000000"],
    ]);
    expect(h.service.account(main.followerModelId).positions.size).toBe(0);

    // Exactly one execution per (signal, mirror): FT's seven position changes since the mirrors began.
    const changes = await h.t.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.modelId, ft.id), gt(outbox.id, main.signalCursor), inArray(outbox.type, ["PositionOpened", "PositionScaled", "PositionReduced", "PositionClosed"])));
    expect(changes).toHaveLength(7);
    for (const m of [main, tiny]) {
      const all: ExecutionView[] = await h.services.mirrors.executions(m.id, { limit: 100 });
      expect(all.map((e) => Number(e.signalId)).sort((a, b) => a - b)).toEqual(changes.map((c) => c.id).sort((a, b) => a - b));
      expect(all.every((e) => e.state === "done")).toBe(true);
    }
    // The small mirror never sent anything; the main one sent one order per execution that traded.
    expect(await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, tiny.followerModelId))).toHaveLength(0);
    const mainOrders = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, main.followerModelId));
    expect(mainOrders.filter((o) => o.clientOrderId.startsWith("mx-"))).toHaveLength(4);

    // The metrics: outcomes, the fill rate without the resolution (no order wanted), slippage
    // against FT and against the wallet, and P&L against FT.
    const metrics = await h.services.mirrors.metrics(main.id, "all");
    expect(metrics.counts).toMatchObject({ signals: 7, filled: 2, partial: 1, skipped: 4, failed: 0, inFlight: 0 });
    expect(metrics.counts.byReason).toEqual({ slippage_exceeded: 2, no_follower_position: 1, market_closed: 1, market_resolved: 1 });
    expect(metrics.fillRate).toBe(3 / 6);
    expect(metrics.traderSlippageBps.count).toBe(3);
    expect(metrics.traderSlippageBps.mean).toBeCloseTo((416.99 + 232.56 + 243.9) / 3, 9);
    expect(metrics.slippageBps.mean).toBeCloseTo(168.97 / 3, 9);
    // The follower: 23.25 at 0.427096774 (9.93) + 17.78 at 0.44 (7.8232) = 17.7532 in; 13.67 sold at
    // 0.40 (5.468) and 27.36 redeemed at 1 (27.36): 15.0748 made, 84.9131% of the cost.
    expect(metrics.pnl.follower).toMatchObject({ positions: 1, cost: "17.7532", realizedPnl: "15.0748", unrealizedPnl: "0", pnl: "15.0748", returnPct: 84.9131 });
    // FT: A 9.765 + 9.7768 in, 6.06 + 30.32 out (16.8382); B 9.375 in, 9.0625 out (-0.3125); C 19.23
    // at 0.50 (9.615), marked at the 0.49 mid (-0.1923). 38.5318 in, 16.3334 made: 42.3894%.
    expect(metrics.pnl.source).toMatchObject({ positions: 3, cost: "38.5318", realizedPnl: "16.5257", unrealizedPnl: "-0.1923", pnl: "16.3334", returnPct: 42.3894 });
    expect(metrics.pnl.pnlDiff).toBe("-1.2586");
    expect(metrics.pnl.returnDiffPct).toBeCloseTo(84.9131 - 42.3894, 9);

    // The audit reports both slippages too, and the executions it samples carry the trader.
    const audit = await h.services.mirrors.audit("all");
    expect(audit.traderSlippageBps).toMatchObject({ count: 3 });
    // Against FT: the three that filled (B's open filled nothing, so has no slippage).
    expect(audit.slippageBps.count).toBe(3);
    expect(audit.samples.market_resolved).toHaveLength(2);
  });

  it("order types on an outcome token: FOK all or nothing, GTC resting until reaped, and the CLOB's own minimum refused as below_min_size", async () => {
    let clob!: ClobMinimum;
    h = await createMirrorHarness(driver, {}, { venue: (sim) => (clob = new ClobMinimum(sim)) });
    const pm = await predictionHarness(h, h.services);
    const D = market("dd", "d-happens", "4001", "4002", h.clock.now() + DAY);
    await pm.market(D);
    const symbol = pm.catalog.symbolOf("4001")!;
    const refill = () =>
      pm.book(
        "4001",
        [["0.40", "1000"]],
        [
          ["0.42", "10"],
          ["0.50", "1000"],
        ],
      );
    const [s1, s2, s3] = [await h.source("1000"), await h.source("1000"), await h.source("1000")];
    const fok = await h.mirror(s1, { orderType: "FOK", sizing: { mode: "ratio", ratio: "1" }, maxSlippageBps: 300 }, "1000");
    const gtc = await h.mirror(s2, { orderType: "GTC", ttlMs: 1000, sizing: { mode: "ratio", ratio: "1" }, maxSlippageBps: 300 }, "1000");
    const min = await h.mirror(s3, { sizing: { mode: "ratio", ratio: "1" }, maxSlippageBps: 300 }, "1000");
    clob.minimumLots.set(min.followerModelId, 5_000); // 50 shares
    await h.engine.start();
    const buy = async (source: string, shares: string) => {
      await h.service.openPosition(source, { symbol, side: "LONG", quantity: shares, type: "LIMIT", price: "0.42", timeInForce: "IOC" });
      await h.settle();
    };
    const only = async (mirrorId: string) => {
      const list = await h.services.mirrors.executions(mirrorId, { limit: 10 });
      expect(list).toHaveLength(1);
      return list[0]!;
    };

    // The source takes 8 of the 10 shares at 0.42: the FOK follower wants 8 within 0.43 and finds 2.
    refill();
    await buy(s1, "8");
    expect(await only(fok.id)).toMatchObject({ outcome: "skipped", reason: "slippage_exceeded", detail: "fok_unfillable", filledQuantity: "0" });

    // The source takes 6: the GTC follower fills the 4 left at 0.42 and rests 2 at 0.43 until the reaper cancels them.
    refill();
    await buy(s2, "6");
    expect(await only(gtc.id)).toMatchObject({ state: "working", outcome: null, filledQuantity: "4" });
    const resting = (await only(gtc.id)).clientOrderId!;
    const [row] = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, resting));
    expect([row!.status, row!.price, row!.timeInForce]).toEqual(["PARTIALLY_FILLED", "0.430000000000", "GTC"]);
    await sleep(1100);
    await h.settle();
    expect(await only(gtc.id)).toMatchObject({ state: "done", outcome: "partial", reason: "expired", filledQuantity: "4", avgPrice: "0.42" });
    const [reaped] = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, resting));
    expect(reaped!.status).toBe("CANCELED");

    // 10 shares pass the catalog's 5-share minimum but not the CLOB's 50 for this account: refused there, skipped here.
    refill();
    await buy(s3, "10");
    expect(await only(min.id)).toMatchObject({ outcome: "skipped", reason: "below_min_size", detail: "invalid_order_min_size", filledQuantity: "0" });
  });
});
