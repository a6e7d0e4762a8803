import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { PositionView, TradeView } from "../../src/app/services.js";
import type { PredictionBookView, PredictionMarketView } from "../../src/prediction/prediction-api.js";
import { cents } from "../../web/src/lib/prediction.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, WAIT, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { confirmIfAsked } from "./support/page-actions.js";
import { createRuleModel, eventually } from "./support/scenario.js";

/**
 * Prediction markets in the browser against a real server and its synthetic prediction feed
 * (on by default: four markets open at start): the list shows the markets and prices the API
 * gave the page, a market's page shows a token's book as the API gave it, and a market resolved
 * from the page moves to the resolved ones with the chosen winner while a model's position in it
 * becomes a RESOLUTION trade (on the market's page and the model's); the empty state; desktop and
 * phone widths.
 *
 * Prices move every second, so the page is compared with the answer it received (its own
 * responses, captured), not with a second request made a moment later.
 *
 * Run: `npm run build:web && npx vitest run test/browser/predictions.test.ts` (needs Debian's
 * chromium at /usr/bin/chromium). Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

/** The last JSON body the page received from API paths matching `pattern`. */
function lastResponse<T>(page: Page, pattern: RegExp): () => T | undefined {
  let last: T | undefined;
  page.on("response", (res) => {
    if (!pattern.test(new URL(res.url()).pathname + new URL(res.url()).search) || !res.ok()) return;
    res
      .json()
      .then((body: T) => (last = body))
      .catch(() => undefined);
  });
  return () => last;
}

/** Polls until the page shows what `expected()` says it last received; the error shows both. */
async function untilPageShows<T>(what: string, shown: () => Promise<T>, expected: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT;
  let seen: T | undefined;
  let want: T | undefined;
  for (;;) {
    want = expected();
    seen = await shown();
    if (want !== undefined && JSON.stringify(seen) === JSON.stringify(want)) return seen;
    if (Date.now() > deadline) throw new Error(`${what}: the page shows ${JSON.stringify(seen)}, the API gave it ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(chromiumMissing !== null)(title("prediction markets page in a browser"), { timeout: 150_000 }, () => {
  const s = useBrowserSuite();

  it("lists the open markets with the prices the API gave it, each as cents and a probability", async () => {
    const page = await s.t.open(`${s.server.url}/predictions`, DESKTOP);
    const received = lastResponse<PredictionMarketView[]>(page, /^\/api\/prediction-markets$/);
    await waitForPageReady(page);
    expect(await page.locator("nav a.nav-link.active").innerText()).toBe("Predictions");

    const shown = () =>
      page.locator("[data-testid=pm-open] [data-condition-id]").evaluateAll((cards) =>
        cards.map((card) => ({
          conditionId: card.getAttribute("data-condition-id"),
          outcomes: [...card.querySelectorAll("tr[data-outcome]")].map((row) => {
            const price = (field: string) => row.querySelector(`[data-field=${field}] [data-price]`)?.getAttribute("data-price") ?? null;
            return { outcome: row.getAttribute("data-outcome"), bid: price("bid"), ask: price("ask"), mid: price("mid") };
          }),
        })),
      );
    const fromApi = () =>
      received()
        ?.filter((m) => m.status === "open")
        .map((m) => ({ conditionId: m.conditionId, outcomes: m.outcomes.map((o) => ({ outcome: o.outcome, bid: o.bid, ask: o.ask, mid: o.mid })) }));
    const cards = await untilPageShows("the open markets and their prices", shown, fromApi);
    expect(cards.length, "the synthetic feed keeps four markets open").toBe(4);

    // Each card: the question, the countdown, the tick and minimum, the neg-risk badge where it applies,
    // and each price as cents with its probability (read from the page's own answer).
    const markets = received()!;
    for (const m of markets.filter((x) => x.status === "open")) {
      const card = page.locator(`[data-testid=pm-open] [data-condition-id="${m.conditionId}"]`);
      await waitForText(card, m.question, `${m.conditionId}'s question`);
      await waitForText(card, /ends in \d/, `${m.conditionId}'s countdown`);
      await waitForText(card, `tick ${cents(m.tickSize)} · min ${m.minOrderSize} shares`, `${m.conditionId}'s tick and minimum size`);
      expect(await card.locator(".pm-negrisk").count(), `${m.conditionId}'s neg-risk badge`).toBe(m.negRisk ? 1 : 0);
    }
    const negRisk = markets.find((m) => m.negRisk && m.status === "open");
    expect(negRisk?.outcomes.length, "the synthetic feed's neg-risk market has three outcomes").toBe(3);
    const mid = await page.locator(`[data-condition-id="${negRisk!.conditionId}"] tr[data-outcome] [data-field=mid] [data-price]`).first();
    const price = (await mid.getAttribute("data-price"))!;
    expect((await mid.innerText()).replace(/\s+/g, " ")).toBe(`${cents(price)} ${cents(price).replace("¢", "%")}`);
  });

  it("shows a token's book as the API gave it, and says so when there is no market at all", async () => {
    const [market] = (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).filter((m) => m.status === "open");
    const outcome = market!.outcomes[1]!;
    const page = await s.t.open(`${s.server.url}/predictions/${market!.conditionId}`, DESKTOP);
    const received = lastResponse<PredictionBookView>(page, new RegExp(`^/api/prediction-markets/${market!.conditionId}/book\\?tokenId=${outcome.tokenId}&`));
    await waitForPageReady(page);
    await waitForText(page.locator("main h1"), market!.question, "the market's question");
    const book = page.locator(`[data-testid="pm-outcome-${outcome.outcome}"] [data-testid=pm-book]`);
    await waitForElement(page, `[data-testid="pm-outcome-${outcome.outcome}"] [data-testid=pm-book]`, `${outcome.outcome}'s book`);
    const levels = await untilPageShows(
      `${outcome.outcome}'s book`,
      async () => ({
        bids: await book.locator("[data-side=bid] tr[data-price]").evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-price"), r.getAttribute("data-size")])),
        asks: await book.locator("[data-side=ask] tr[data-price]").evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-price"), r.getAttribute("data-size")])),
      }),
      () => {
        const b = received();
        return b && { bids: b.bids, asks: b.asks };
      },
    );
    expect(levels.bids.length, "the synthetic feed publishes five levels a side").toBe(5);
    expect(levels.asks.length).toBe(5);
    await waitForText(book.locator("[data-side=bid] tbody tr").first(), cents(levels.bids[0]![0]!), "the best bid in cents");
    await waitForElement(page, `[data-testid="pm-outcome-${outcome.outcome}"] [data-testid=market-chart] canvas`, `${outcome.outcome}'s chart`);

    // With no market listed (the feed off), the page says why instead of showing nothing.
    const empty = await s.t.open("about:blank");
    await empty.route("**/api/prediction-markets", (route) => route.fulfill({ status: 200, contentType: "application/json", body: "[]" }));
    await empty.goto(`${s.server.url}/predictions`);
    await waitForText(empty.locator("main"), "No prediction markets", "the empty state");
    await waitForText(empty.locator("main"), "AUTONOME_PM_FEED=off", "the empty state's reason");
    for (const viewport of [DESKTOP, PHONE]) {
      await empty.setViewportSize(viewport);
      await screenshot(empty, "predictions-empty");
    }
  });

  it("buys shares and resolves a market from its page: the market is resolved with the chosen winner and the position is a RESOLUTION trade", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 4\d\d/, "the buy under the minimum size is refused on purpose");
    const model = await createRuleModel(s.server, "Bettor");
    // The open market that ends last: no end (and the feed's own resolution) comes during the test.
    const open = (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).filter((m) => m.status === "open");
    const market = open.sort((a, b) => Date.parse(b.endDate) - Date.parse(a.endDate))[0]!;
    const [held, winner] = [market.outcomes[0]!, market.outcomes[1]!];

    const page = await s.t.open(`${s.server.url}/predictions/${market.conditionId}`, DESKTOP);
    await waitForPageReady(page);
    const buy = await waitForElement(page, "[data-testid=pm-buy]", "the Buy shares form (simulation)");
    await buy.getByLabel("Model").selectOption({ label: model.name });
    await buy.getByLabel("Outcome").selectOption(held.symbol);

    // Under the minimum: the CLOB's refusal under the shares input.
    await buy.getByLabel("Shares").fill("1");
    await buy.getByRole("button", { name: "Buy shares" }).click();
    await waitForText(buy.locator(".field-error"), "invalid_order_min_size", "the server's refusal under the shares");
    expect(await s.server.get<PositionView[]>(`/api/positions?modelId=${model.id}`)).toEqual([]);

    await buy.getByLabel("Shares").fill("10");
    await buy.getByRole("button", { name: "Buy shares" }).click();
    await waitForText(buy.locator("[role=status]"), /Bought 10 of 10 shares/, "the fill");
    const [position] = await s.server.get<PositionView[]>(`/api/positions?modelId=${model.id}`);
    expect(position).toMatchObject({ symbol: held.symbol, side: "LONG", quantity: "10", instrument: { kind: "outcome", conditionId: market.conditionId, outcome: held.outcome } });
    const positionRow = page.locator(`[data-testid=pm-positions] [data-position-id="${position!.id}"]`);
    await waitForText(positionRow, model.name, "the position in the market's positions");
    await waitForText(positionRow, held.outcome, "the position's outcome");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "prediction-market");
    }
    await page.setViewportSize(DESKTOP);

    // Resolve with the other outcome winning: pick it, confirm in place.
    const resolve = await waitForElement(page, "[data-testid=pm-resolve]", "the Resolve control (simulation)");
    await resolve.getByLabel("Winner").selectOption(winner.outcome);
    await page.locator("[data-testid=pm-resolve-button]").click();
    await confirmIfAsked(
      page,
      async () => (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).find((m) => m.conditionId === market.conditionId)?.status === "resolved",
      "resolving",
    );
    const resolved = (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).find((m) => m.conditionId === market.conditionId)!;
    expect(resolved).toMatchObject({ status: "resolved", winner: winner.outcome });
    await waitForText(page.locator("[data-testid=pm-winner]"), `winner: ${winner.outcome}`, "the market's winner");

    // The position redeemed at $0 a share (its outcome lost): a RESOLUTION trade, here and in the API.
    const trade = await eventually(`${model.name}'s redeemed trade`, async () => (await s.server.get<TradeView[]>(`/api/trades?modelId=${model.id}`)).find((t) => t.closeTrigger === "RESOLUTION"));
    expect(trade).toMatchObject({ symbol: held.symbol, quantity: "10", instrument: { conditionId: market.conditionId, outcome: held.outcome } });
    expect(Number(trade.exitPrice), "a losing outcome pays nothing").toBe(0);
    expect(await s.server.get<PositionView[]>(`/api/positions?modelId=${model.id}`)).toEqual([]);
    const tradeRow = page.locator(`[data-testid=pm-trades] [data-trade-id="${trade.id}"]`);
    await waitForText(tradeRow.locator("[data-field=closeTrigger]"), "RESOLUTION", "the trade's close reason on the market's page");
    await waitForText(page.locator("main"), "No open positions", "the positions after redemption");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "prediction-market-resolved");
    }

    // The list: the market among the resolved ones, with its winner.
    const list = await s.t.open(`${s.server.url}/predictions`, DESKTOP);
    const row = list.locator(`[data-testid=pm-ended] [data-condition-id="${market.conditionId}"]`);
    await waitForText(row, market.question, "the resolved market in the ended list");
    await waitForText(row.locator("[data-field=winner]"), winner.outcome, "its winner");
    expect(await row.getAttribute("data-status")).toBe("resolved");
    expect(await list.locator(`[data-testid=pm-open] [data-condition-id="${market.conditionId}"]`).count(), "no longer among the open ones").toBe(0);

    // The model's page names the token by question and outcome, closed by RESOLUTION.
    const modelPage = await s.t.open(`${s.server.url}/models/${model.id}`, DESKTOP);
    const modelTrade = modelPage.locator(`[data-testid=trades] [data-trade-id="${trade.id}"]`);
    await waitForText(modelTrade, market.question, "the trade's market question on the model page");
    await waitForText(modelTrade, held.outcome, "the trade's outcome on the model page");
    await waitForText(modelTrade, "RESOLUTION", "the trade's close reason on the model page");
    await screenshot(modelPage, "model-prediction-trade");

    for (const [name, p] of [
      ["predictions", list],
      ["prediction-market-resolved", page],
    ] as const) {
      for (const viewport of [DESKTOP, PHONE]) {
        await p.setViewportSize(viewport);
        await waitForPageReady(p);
        if (name === "predictions") await screenshot(p, name);
        const overflow = await horizontalOverflow(p);
        expect
          .soft(overflow.scrollWidth, `${name} at ${viewport.width}×${viewport.height} scrolls sideways (${overflow.scrollWidth}px > ${overflow.innerWidth}px): ${overflow.culprits.join(", ")}`)
          .toBeLessThanOrEqual(overflow.innerWidth);
      }
    }
  });
});
