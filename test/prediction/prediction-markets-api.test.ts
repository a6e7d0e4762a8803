import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { sql } from "drizzle-orm";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { ModelView, OrderView, PositionView, TradeView } from "../../src/app/services.js";
import type { PredictionBookView, PredictionMarketView } from "../../src/prediction/prediction-api.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import { DRIVERS } from "../support/databases.js";
import { kernelEnvironment } from "../support/kernel-env.js";
import { errorOf, sendJson } from "../server/helpers.js";

const CONDITION = `0x${"ab".repeat(32)}`;
const YES = "1111111111111111111111111111";
const NO = "2222222222222222222222222222";
const MARKET: PredictionMarketInput = {
  conditionId: CONDITION,
  question: "Will the test pass?",
  slug: "will-the-test-pass",
  status: "open",
  endDate: Date.parse("2030-01-01T00:00:00Z"),
  tickSize: "0.01",
  minOrderSize: "5",
  negRisk: false,
  category: "testing",
  outcomes: [
    { outcome: "Yes", tokenId: YES },
    { outcome: "No", tokenId: NO },
  ],
  source: "synthetic",
};

/** Prices in 10^-4 dollars, sizes in 10^-2 shares (the outcome token's ticks and lots). */
const px = (dollars: string) => Math.round(Number(dollars) * 10_000);
const sh = (shares: number) => shares * 100;

// Each test boots the kernel two or three times (restarts): seconds each on a loaded machine.
describe.each(DRIVERS)("prediction markets through the API on %s", { timeout: 180_000 }, (driver) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const environment = () => kernelEnvironment(driver, cleanups, { AUTONOME_PM_FEED: "off" });

  async function boot(env: Record<string, string>) {
    const autonome: Autonome = await createAutonome(loadConfig({ AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", ...env }), pino({ level: "silent" }));
    await autonome.start();
    cleanups.push(() => autonome.stop().catch(() => undefined));
    const app = createApp({ services: autonome.services });
    const get = async <T>(path: string) => (await app.request(path)).json() as Promise<T>;
    return { autonome, app, get };
  }

  function books(autonome: Autonome) {
    autonome.prediction.applyBook(YES, {
      ts: autonome.service.quote("BTC") ? Date.now() : Date.now(),
      kind: "snapshot",
      bids: [
        [px("0.40"), sh(1000)],
        [px("0.39"), sh(1000)],
      ],
      asks: [
        [px("0.42"), sh(50)],
        [px("0.43"), sh(1000)],
        [px("0.50"), sh(1000)],
      ],
    });
    autonome.prediction.applyBook(NO, {
      ts: Date.now(),
      kind: "snapshot",
      bids: [[px("0.57"), sh(1000)]],
      asks: [[px("0.59"), sh(1000)]],
    });
  }

  it("lists markets with their prices, trades outcome tokens long only on the tick and over the minimum, and settles a resolution to the cent", async () => {
    const env = await environment();
    const node = await boot(env);
    await node.autonome.prediction.upsert(MARKET);
    books(node.autonome);

    const [listed] = await node.get<PredictionMarketView[]>("/api/prediction-markets");
    expect(listed).toMatchObject({ conditionId: CONDITION, question: MARKET.question, status: "open", tickSize: "0.01", minOrderSize: "5", negRisk: false, endDate: "2030-01-01T00:00:00.000Z" });
    const yes = listed!.outcomes.find((o) => o.outcome === "Yes")!;
    const no = listed!.outcomes.find((o) => o.outcome === "No")!;
    expect(yes).toMatchObject({ tokenId: YES, bid: "0.4", ask: "0.42", mid: "0.41" });
    expect(no).toMatchObject({ tokenId: NO, bid: "0.57", ask: "0.59", mid: "0.58" });
    expect(yes.symbol).toBe("WILL-THE-TEST-PASS-YES");
    // Perpetual market lists stay perpetual.
    expect((await node.get<Array<{ symbol: string }>>("/api/markets")).map((m) => m.symbol)).toEqual(["BTC", "ETH", "SOL"]);

    const book = await node.get<PredictionBookView>(`/api/prediction-markets/${CONDITION}/book?tokenId=${YES}&depth=2`);
    expect(book).toMatchObject({
      outcome: "Yes",
      symbol: yes.symbol,
      bids: [
        ["0.4", "1000"],
        ["0.39", "1000"],
      ],
      asks: [
        ["0.42", "50"],
        ["0.43", "1000"],
      ],
    });
    expect((await node.app.request(`/api/prediction-markets/${CONDITION}/book?tokenId=999`)).status).toBe(404);
    expect((await node.app.request(`/api/prediction-markets/0x12/book?tokenId=${YES}`)).status).toBe(404);
    expect((await node.app.request(`/api/prediction-markets/nothex/book?tokenId=${YES}`)).status).toBe(400);

    const [model] = await node.get<ModelView[]>("/api/models");
    const id = model!.id;
    const cashBefore = model!.account.cash;
    const open = (body: Record<string, unknown>) => sendJson(node.app, "POST", `/api/models/${id}/positions`, body);

    // Long only: betting against Yes is buying No.
    const short = await open({ symbol: yes.symbol, side: "SHORT", quantity: "10" });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).message).toContain("never sold short");
    // Polymarket's refusals, as the CLOB words them.
    const small = await open({ symbol: yes.symbol, side: "LONG", quantity: "3" });
    expect(small.status).toBe(422);
    expect((await errorOf(small)).code).toBe("invalid_order_min_size");
    const offTick = await open({ symbol: yes.symbol, side: "LONG", quantity: "10", type: "LIMIT", price: "0.425", timeInForce: "IOC" });
    expect(offTick.status).toBe(422);
    expect((await errorOf(offTick)).code).toBe("invalid_order_min_tick_size");
    const leveraged = await open({ symbol: yes.symbol, side: "LONG", quantity: "10", leverage: "2" });
    expect(leveraged.status).toBe(400);

    // 50 shares at 0.42 and 50 at 0.43: 42.50 dollars, no fee.
    const bought = await open({ symbol: yes.symbol, side: "LONG", quantity: "100" });
    expect(bought.status).toBe(201);
    // A FAK at a worst price of 0.42 takes only what is there at 0.42 or better (nothing left: the first buy took it).
    const capped = await open({ symbol: yes.symbol, side: "LONG", quantity: "10", type: "LIMIT", price: "0.42", timeInForce: "IOC" });
    expect(capped.status).toBe(422);
    const hedge = await open({ symbol: no.symbol, side: "LONG", quantity: "20" });
    expect(hedge.status).toBe(201);
    const resting = await open({ symbol: yes.symbol, side: "LONG", quantity: "10", type: "LIMIT", price: "0.3" });
    expect(resting.status).toBe(202);

    const positions = await node.get<PositionView[]>(`/api/positions?modelId=${id}`);
    const yesPos = positions.find((p) => p.symbol === yes.symbol)!;
    expect(yesPos).toMatchObject({ side: "LONG", quantity: "100", entryPrice: "0.425", leverage: "1", instrument: { kind: "outcome", conditionId: CONDITION, tokenId: YES, outcome: "Yes" } });

    // A restart keeps the market, the tokens' symbols and the positions in them.
    await node.autonome.stop();
    const again = await boot(env);
    books(again.autonome);
    const restored = await again.get<PositionView[]>(`/api/positions?modelId=${id}`);
    expect(restored.map((p) => [p.symbol, p.quantity, p.entryPrice]).sort()).toEqual(
      [
        [yes.symbol, "100", "0.425"],
        [no.symbol, "20", "0.59"],
      ].sort(),
    );

    const wrong = await sendJson(again.app, "POST", `/api/sim/prediction-markets/${CONDITION}/resolve`, { winner: "Maybe" });
    expect(wrong.status).toBe(400);
    const resolved = await sendJson(again.app, "POST", `/api/sim/prediction-markets/${CONDITION}/resolve`, { winner: "Yes" });
    expect(resolved.status).toBe(200);
    const result = (await resolved.json()) as { market: PredictionMarketView; redeemed: number };
    expect(result.redeemed).toBe(2);
    expect(result.market).toMatchObject({ status: "resolved", winner: "Yes" });

    const trades = await again.get<TradeView[]>(`/api/trades?modelId=${id}`);
    const won = trades.find((t) => t.symbol === yes.symbol)!;
    const lost = trades.find((t) => t.symbol === no.symbol)!;
    expect(won).toMatchObject({ side: "LONG", closeTrigger: "RESOLUTION", exitPrice: "1", quantity: "100", instrument: { kind: "outcome", tokenId: YES, outcome: "Yes" } });
    expect(lost).toMatchObject({ side: "LONG", closeTrigger: "RESOLUTION", exitPrice: "0", quantity: "20", instrument: { tokenId: NO, outcome: "No" } });
    // (1 - 0.425) x 100 = 57.50 won; (0 - 0.59) x 20 = 11.80 lost: exact, in cents.
    expect(won.realizedPnl).toBe("57.5");
    expect(lost.realizedPnl).toBe("-11.8");
    // The model's decision history tells why the positions closed, and the books are gone.
    const history = await again.get<Array<{ kind: string; closeTrigger?: string; reason?: string }>>(`/api/invocations?modelId=${id}&include=closes`);
    const resolutions = history.filter((h) => h.kind === "close" && h.closeTrigger === "RESOLUTION");
    expect(resolutions).toHaveLength(2);
    expect(resolutions[0]!.reason).toContain("prediction market resolved");
    const [gone] = await again.get<PredictionMarketView[]>("/api/prediction-markets");
    expect(gone!.outcomes.map((o) => [o.bid, o.ask])).toEqual([
      [null, null],
      [null, null],
    ]);
    const after = await again.get<ModelView>(`/api/models/${id}`);
    expect(BigInt(Math.round(Number(after.account.cash) * 1e6)) - BigInt(Math.round(Number(cashBefore) * 1e6))).toBe(45_700_000n);
    expect(await again.get<PositionView[]>(`/api/positions?modelId=${id}`)).toEqual([]);
    const canceled = (await again.get<OrderView[]>(`/api/orders?modelId=${id}`)).find((o) => o.price === "0.3")!;
    expect(canceled).toMatchObject({ status: "CANCELED" });
    const ledger = await again.autonome.database.db.execute(sql`select kind, amount::text as amount from ledger where model_id = ${id} and kind = 'REALIZED_PNL' order by id`);
    expect((ledger as unknown as { rows: Array<{ amount: string }> }).rows.map((r) => Number(r.amount)).sort()).toEqual([-11.8, 57.5]);

    // The market trades no more; resolving it again is idempotent with the same winner and refused with another.
    const late = await sendJson(again.app, "POST", `/api/models/${id}/positions`, { symbol: yes.symbol, side: "LONG", quantity: "10" });
    expect(late.status).toBe(422);
    expect((await errorOf(late)).code).toBe("market_not_accepting_orders");
    const same = await sendJson(again.app, "POST", `/api/sim/prediction-markets/${CONDITION}/resolve`, { winner: "Yes" });
    expect(((await same.json()) as { redeemed: number }).redeemed).toBe(0);
    const other = await sendJson(again.app, "POST", `/api/sim/prediction-markets/${CONDITION}/resolve`, { winner: "No" });
    expect(other.status).toBe(409);
  });

  it("a resolution recorded before its positions redeemed (the process stopped in between) redeems them at the next start, once", async () => {
    const env = await environment();
    const node = await boot(env);
    await node.autonome.prediction.upsert(MARKET);
    books(node.autonome);
    const [model] = await node.get<ModelView[]>("/api/models");
    const symbol = node.autonome.prediction.symbolOf(NO)!;
    const placed = await sendJson(node.app, "POST", `/api/models/${model!.id}/positions`, { symbol, side: "LONG", quantity: "10" });
    expect(placed.status, await placed.clone().text()).toBe(201);
    // What the first step of a resolution writes, without the redemptions after it.
    await node.autonome.database.db.execute(sql`update prediction_markets set status = 'resolved', winner = 'No', resolved_at = now()`);
    await node.autonome.stop();

    const again = await boot(env);
    const trades = await again.get<TradeView[]>(`/api/trades?modelId=${model!.id}`);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ symbol, closeTrigger: "RESOLUTION", exitPrice: "1", quantity: "10" });
    // (1 - 0.59) x 10 = 4.10
    expect(trades[0]!.realizedPnl).toBe("4.1");
    await again.autonome.stop();
    const third = await boot(env);
    expect(await third.get<TradeView[]>(`/api/trades?modelId=${model!.id}`)).toHaveLength(1);
  });
});
