import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelView, SignalView } from "../../src/app/services.js";
import type { PredictionMarketView } from "../../src/prediction/prediction-api.js";
import { cents } from "../../web/src/lib/prediction.js";
import { reasonText, shortAddress, slippageCents, slippageText } from "../../web/src/lib/follow.js";
import { startFakeDataApi, type FakeDataApi } from "../fake-polymarket/data-api/index.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { eventually } from "./support/scenario.js";

/**
 * Follow models (FT) in the browser against a real server reading a fake Polymarket Data API
 * every second, with the synthetic prediction feed: a model is created through the form (a bad
 * wallet is refused under its field before anything is sent, a bad amount under its field from
 * the server's 400) and listed; then its wallet trades on a synthetic market, once within the
 * filters and once above priceMax, and the list and the model's page show the copied and the
 * skipped signal as the API gives them (decision, reason in words, fill, slippage in cents).
 *
 * Run: `npm run build:web && npx vitest run test/browser/follow.test.ts` (needs Debian's chromium
 * at /usr/bin/chromium). Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);
const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

const WALLET = "0x5ca1ab1e000000000000000000000000000000f7";

describe.skipIf(chromiumMissing !== null)(title("follow models in a browser"), { timeout: 150_000 }, () => {
  // The server is started by useBrowserSuite's beforeAll, after this one has started the fake.
  const env: Record<string, string> = { AUTONOME_PM_FEED: "synthetic", AUTONOME_FOLLOW_POLL: "1s" };
  let fake: FakeDataApi | null = null;
  beforeAll(async () => {
    fake = await startFakeDataApi();
    env.POLYMARKET_DATA_API_URL = fake.url;
  });
  afterAll(async () => {
    await fake?.close();
  });
  const s = useBrowserSuite({ env });

  it("creates a follow model through the form: a bad wallet and a bad amount are shown under their fields; the model is listed with its rules", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 400/, "the bad amount is refused by the server on purpose");
    const page = await s.t.open(`${s.server.url}/follow`, DESKTOP);
    await waitForPageReady(page);
    expect(await page.locator("nav a.nav-link.active").innerText()).toBe("Follow");
    await waitForText(page.locator("main"), "No follow models yet", "the empty state");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "follow-empty");
    }
    await page.setViewportSize(DESKTOP);

    await page.getByTestId("ft-new").click();
    const form = await waitForElement(page, "[data-testid=ft-form]", "the new follow model form");
    await form.getByLabel("Name").fill("FT browser");
    await form.getByLabel("Wallets").fill(`${WALLET}\n0x123`);
    await form.getByLabel("Highest price ($)").fill("0.9");
    await form.getByLabel("Maximum slippage ($ a share)").fill("0.05");
    await form.getByLabel("Dollars a trade").fill("ten");
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/models") requests.push(r.url());
    });
    await form.getByRole("button", { name: "Create follow model" }).click();
    // Checked in the browser: nothing is sent, the problem is under the wallets.
    const wallets = form.getByLabel("Wallets");
    await waitForText(page.locator("[data-testid=ft-form] .form-field:has(textarea) .field-error"), 'Line 2 ("0x123") is not a wallet address', "the bad wallet's error under the wallets");
    expect(await wallets.getAttribute("aria-invalid")).toBe("true");
    expect(requests, "a bad wallet is never sent").toEqual([]);
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.evaluate("window.scrollTo(0, 0)");
      await screenshot(page, "follow-form-error");
    }
    await page.setViewportSize(DESKTOP);

    // Fixed, the form is sent; the server refuses "ten" dollars and says so under that input.
    await wallets.fill(WALLET);
    await form.getByRole("button", { name: "Create follow model" }).click();
    const usdField = page.locator("[data-testid=ft-form] .form-field", { has: page.getByLabel("Dollars a trade") });
    await waitForText(usdField.locator(".field-error"), "must be dollars as a decimal string", "the server's sizing.usd error under Dollars a trade");
    expect(requests.length, "the form was sent once").toBe(1);
    expect((await s.server.get<ModelView[]>("/api/models")).filter((m) => m.kind === "follow")).toEqual([]);

    await form.getByLabel("Dollars a trade").fill("10");
    await form.getByRole("button", { name: "Create follow model" }).click();
    await page.waitForURL(/\/follow$/);
    const model = await eventually("the model in the API", async () => (await s.server.get<ModelView[]>("/api/models")).find((m) => m.name === "FT browser"));
    expect(model.kind).toBe("follow");
    expect(model.follow).toMatchObject({ wallets: [WALLET], sizing: { mode: "fixed", usd: "10" }, filters: { priceMax: "0.9" }, maxSlippage: "0.05" });
    const card = page.getByTestId(`ft-model-${model.id}`);
    await waitForText(card, "FT browser", "the listed model's name");
    await waitForText(card.locator(`[data-wallet="${WALLET}"] code`), shortAddress(WALLET), "the wallet, shortened");
    await waitForText(card.locator("[data-field=sizing]"), "$10 a trade", "the sizing in words");
    await waitForText(card.locator("[data-field=filters]"), "price ≤ 90¢", "the filters in words");
    await waitForText(card.locator("[data-field=execution]"), "pay at most 5¢ over the trader's price", "the slippage bound");
    await waitForText(card, "No signals yet", "no signal before the wallet trades");
  });

  it("shows the copied and the skipped signal as the API gives them, on the list and on the model's page", async () => {
    const model = (await s.server.get<ModelView[]>("/api/models")).find((m) => m.name === "FT browser");
    expect(model, "the first test created the model").toBeDefined();
    // The open market that ends last: it does not close during the test.
    const markets = (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).filter((m) => m.status === "open");
    const market = markets.sort((a, b) => Date.parse(b.endDate) - Date.parse(a.endDate))[0]!;
    const outcome = market.outcomes[0]!;
    expect(outcome.ask, "the synthetic book has asks").not.toBeNull();
    // Following starts at the model's creation: trade a moment after it (times are whole seconds).
    await new Promise((r) => setTimeout(r, 1100));
    const now = Math.floor(Date.now() / 1000);
    const base = { wallet: WALLET, role: "taker" as const, side: "BUY" as const, conditionId: market.conditionId, tokenId: outcome.tokenId, size: "100", timestamp: now };
    fake!.addFill({ ...base, price: outcome.ask!, txHash: `0x${"a1".repeat(32)}` });
    fake!.addFill({ ...base, price: "0.95", txHash: `0x${"b2".repeat(32)}` });
    const UNKNOWN = `0x${"ef".repeat(32)}`;
    fake!.addFill({ ...base, conditionId: UNKNOWN, tokenId: "987654321", price: "0.5", txHash: `0x${"c3".repeat(32)}` });
    const signals = await eventually("both signals decided", async () => {
      const list = await s.server.get<SignalView[]>(`/api/models/${model!.id}/signals`);
      return list.length === 3 && list.every((x) => x.decision !== "pending") ? list : undefined;
    });
    const copied = signals.find((x) => x.conditionId === market.conditionId && x.price !== "0.95")!;
    const skipped = signals.find((x) => x.price === "0.95")!;
    const unknown = signals.find((x) => x.conditionId === UNKNOWN)!;
    expect(unknown).toMatchObject({ decision: "skipped", reason: "unknown_market" });
    expect(copied.decision, `the trade within the filters (${JSON.stringify(copied)})`).toBe("copied");
    expect(skipped).toMatchObject({ decision: "skipped", reason: "price_out_of_range" });

    // The list: the counts, the reason and the copy rate.
    const list = await s.t.open(`${s.server.url}/follow`, DESKTOP);
    await waitForPageReady(list);
    const card = list.getByTestId(`ft-model-${model!.id}`);
    await waitForText(card.locator("[data-count=copied]"), "1 copied", "one copied");
    await waitForText(card.locator("[data-count=skipped]"), "2 skipped", "two skipped");
    await waitForText(card.locator("[data-count=rate]"), "copy rate 33%", "the copy rate (1 of 3)");
    await waitForText(card.locator("tr[data-reason=unknown_market]"), reasonText("unknown_market"), "the other skip reason");
    await waitForText(card.locator("tr[data-reason=price_out_of_range]"), reasonText("price_out_of_range"), "the skip reason in words");
    await waitForText(card.locator("tr[data-reason=price_out_of_range] [data-field=count]"), "1", "its count");

    // The model's page: each signal's row as the API gives it.
    await card.getByTestId("ft-model-link").click();
    await list.waitForURL(new RegExp(`/follow/${model!.id}$`));
    const table = await waitForElement(list, "[data-testid=ft-signals]", "the signals table");
    await waitForCount(table.locator("tbody tr"), 3, "three signals");
    const row = (id: string) => table.locator(`tr[data-signal-id="${id}"]`);
    const c = row(copied.id);
    expect(await c.getAttribute("data-decision")).toBe("copied");
    await waitForText(c.locator(".ft-market"), `${market.question}`, "the copied signal's market question");
    await waitForText(c.locator(".ft-market"), outcome.outcome, "and outcome");
    await waitForText(c.locator("[data-field=price]"), cents(copied.price), "the trader's price in cents");
    await waitForText(c.locator("[data-field=fill]"), cents(copied.fillPrice!), "our fill price");
    await waitForText(c.locator("[data-field=slippage]"), slippageText(slippageCents("BUY", copied.price, copied.fillPrice)), "the slippage in cents");
    expect(copied.filledQuantity, "a copy has a fill").toBeDefined();
    expect(await c.locator("[data-field=filled]").innerText()).toBe(String(Number(copied.filledQuantity)));
    const k = row(skipped.id);
    expect(await k.getAttribute("data-decision")).toBe("skipped");
    await waitForText(k.locator("[data-field=reason]"), `price_out_of_range ${reasonText("price_out_of_range")}`, "the skip's reason");
    await waitForText(k.locator("[data-field=fill]"), "—", "no fill for a skip");
    await waitForText(row(unknown.id).locator(".ft-market"), `Unknown market ${UNKNOWN.slice(0, 10)}`, "a market the server does not list");
    await waitForText(list.locator("main"), "pay at most 5¢", "the rules on the model's page");

    for (const viewport of [DESKTOP, PHONE]) {
      for (const [path, name] of [
        [`/follow`, "follow-list"],
        [`/follow/${model!.id}`, "follow-model"],
      ] as const) {
        const p = await s.t.open(`${s.server.url}${path}`, viewport);
        await waitForPageReady(p);
        if (name === "follow-model") await waitForCount(p.locator("[data-testid=ft-signals] tbody tr"), 3, "three signals");
        else await waitForText(p.locator("[data-count=copied]").first(), "1 copied", "the counts");
        await screenshot(p, name);
        const overflow = await horizontalOverflow(p);
        expect
          .soft(overflow.scrollWidth, `${name} at ${viewport.width}×${viewport.height} scrolls sideways (${overflow.scrollWidth}px > ${overflow.innerWidth}px): ${overflow.culprits.join(", ")}`)
          .toBeLessThanOrEqual(overflow.innerWidth);
        await p.close();
      }
    }
  });
});
