import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page, Route } from "playwright-core";
import type { FollowWalletView, HealthView, ModelView, SignalSummaryView, SignalView } from "../../src/app/services.js";
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
 * Then the model's page shows its wallet failing in red with the Data API's error (and the health
 * degraded) until the API is back, pages its signals with "load older" under the totals of all of
 * them, and shows a newly decided signal and a resolved prediction market from the event stream
 * while the page's own requests for them are held back.
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

  /** Holds the page's GET requests whose path `matches` until the returned function is called (they then go on). */
  async function holdRequests(page: Page, matches: (path: string) => boolean): Promise<{ held: string[]; release: () => Promise<void> }> {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const held: string[] = [];
    const handler = async (route: Route) => {
      held.push(route.request().url());
      await gate;
      await route.continue().catch(() => undefined);
    };
    const url = (u: URL) => u.pathname.startsWith("/api/") && matches(u.pathname);
    await page.route(url, handler);
    return {
      held,
      release: async () => {
        open();
        await page.unroute(url, handler);
      },
    };
  }

  const followModel = async () => {
    const model = (await s.server.get<ModelView[]>("/api/models")).find((m) => m.name === "FT browser");
    expect(model, "the first test created the model").toBeDefined();
    return model!;
  };
  const openMarket = async (except?: string) => {
    const open = (await s.server.get<PredictionMarketView[]>("/api/prediction-markets")).filter((m) => m.status === "open" && m.conditionId !== except);
    return open.sort((a, b) => Date.parse(b.endDate) - Date.parse(a.endDate))[0]!;
  };

  it("shows a wallet the Data API cannot read in red with the error (the health degraded past 5 failed reads), and as read again once it is back", async () => {
    const model = await followModel();
    const page = await s.t.open(`${s.server.url}/follow/${model.id}`, DESKTOP);
    await waitForPageReady(page);
    const wallet = page.locator(`[data-wallet-row="${WALLET}"]`);
    const status = (want: string, what: string) => eventually(what, async () => ((await wallet.getAttribute("data-wallet-status")) === want ? true : undefined));
    await status("ok", "the wallet read without error");
    await waitForText(wallet, /\bread \d/, "when it was read");

    // Every answer of the Data API is a body that is not JSON: each read fails (polled every second).
    fake!.corrupt({ times: 100_000 });
    try {
      await waitForText(wallet.locator("[data-field=wallet-error]"), /failing: \d+ reads? in a row/, "the wallet's failure");
      const reads = await eventually("the wallet's error in the API", async () => (await s.server.get<FollowWalletView[]>(`/api/models/${model.id}/wallets`))[0]!.lastError ?? undefined);
      await waitForText(wallet.locator(".ft-wallet-message"), reads.message, "the Data API's error under the wallet");
      expect(await wallet.getAttribute("data-wallet-status")).toBe("failing");
      const colors = await page.evaluate(`(() => {
        const error = document.querySelector('[data-field="wallet-error"]');
        const probe = document.createElement("span");
        probe.className = "loss";
        document.body.appendChild(probe);
        const out = [getComputedStyle(error).color, getComputedStyle(probe).color];
        probe.remove();
        return out;
      })()`);
      const [errorColor, lossColor] = colors as [string, string];
      expect(errorColor, "the error is in the loss colour (red)").toBe(lossColor);
      const degraded = await eventually("the health degraded by the follow model's wallets", async () => {
        const h = await s.server.get<HealthView>("/api/health");
        return h.reasons.find((r) => r.code === "follow_wallets_failing" && r.modelId === model.id);
      });
      expect(degraded.message).toMatch(/^its wallet failed the last \d+ reads \(latest: reading wallet 0x/);
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        await page.evaluate("window.scrollTo(0, 0)");
        await screenshot(page, "follow-wallet-failing");
      }
      await page.setViewportSize(DESKTOP);
    } finally {
      fake!.clearFaults();
    }
    await status("ok", "the wallet read again in the page");
    expect(await wallet.locator("[data-field=wallet-error]").count(), "no error shown any more").toBe(0);
    await eventually("the health no longer degraded by it", async () => {
      const h = await s.server.get<HealthView>("/api/health");
      return h.reasons.some((r) => r.code === "follow_wallets_failing") ? undefined : h;
    });
  });

  it("pages the signals with a button for older ones under the totals of all of them, and adds a decided signal from the event stream", async () => {
    const model = await followModel();
    const market = await openMarket();
    const outcome = market.outcomes[0]!;
    const before = (await s.server.get<SignalView[]>(`/api/models/${model.id}/signals?limit=1000`)).length;
    // 60 trades above the price filter: 60 more skips, more than a page of 50.
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 60; i++) {
      fake!.addFill({
        wallet: WALLET,
        role: "taker",
        side: "BUY",
        conditionId: market.conditionId,
        tokenId: outcome.tokenId,
        size: "10",
        timestamp: now,
        price: "0.95",
        txHash: `0x${String(i).padStart(4, "0")}${"d4".repeat(30)}`,
      });
    }
    const total = before + 60;
    const all = await eventually("the 60 signals decided", async () => {
      const list = await s.server.get<SignalView[]>(`/api/models/${model.id}/signals?limit=1000`);
      return list.length === total && list.every((x) => x.decision !== "pending") ? list : undefined;
    });
    const summary = await s.server.get<SignalSummaryView>(`/api/models/${model.id}/signals/summary`);
    expect(summary).toMatchObject({ copied: 1, skipped: total - 1, pending: 0 });

    const page = await s.t.open(`${s.server.url}/follow/${model.id}`, DESKTOP);
    await waitForPageReady(page);
    const table = await waitForElement(page, "[data-testid=ft-signals]", "the signals table");
    await waitForCount(table.locator("tbody tr"), 50, "the first page of 50");
    // The totals are of every signal, not of the page shown.
    await waitForText(page.locator("[data-testid=ft-breakdown] [data-count=skipped]"), `${total - 1} skipped`, "every skip counted");
    await waitForText(page.locator("[data-testid=ft-breakdown] tr[data-reason=price_out_of_range] [data-field=count]"), String(summary.byReason.price_out_of_range), "the skips by reason");
    await page.getByTestId("ft-older").click();
    await waitForCount(table.locator("tbody tr"), total, "every signal after loading the older ones");
    expect(await page.getByTestId("ft-older").count(), "no button once the oldest is shown").toBe(0);
    const ids = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-signal-id")));
    expect(ids).toEqual(all.map((x) => x.id));

    // From now on the page's requests for signals wait: a new signal can only come by the stream.
    const gate = await holdRequests(page, (path) => path === `/api/models/${model.id}/signals`);
    try {
      fake!.addFill({
        wallet: WALLET,
        role: "taker",
        side: "BUY",
        conditionId: market.conditionId,
        tokenId: outcome.tokenId,
        size: "10",
        timestamp: Math.floor(Date.now() / 1000),
        price: "0.97",
        txHash: `0x${"e5".repeat(32)}`,
      });
      const fresh = await eventually("the new signal decided", async () => {
        const [first] = await s.server.get<SignalView[]>(`/api/models/${model.id}/signals?limit=1`);
        return first && first.price === "0.97" && first.decision !== "pending" ? first : undefined;
      });
      const row = table.locator(`tr[data-signal-id="${fresh.id}"]`);
      await waitForCount(row, 1, "the decided signal's row, from the stream");
      expect(await row.getAttribute("data-decision")).toBe("skipped");
      await waitForText(row.locator("[data-field=reason]"), "price_out_of_range", "its reason");
      expect(await table.locator("tbody tr").first().getAttribute("data-signal-id"), "newest first").toBe(fresh.id);
      await waitForText(page.locator("[data-testid=ft-breakdown] [data-count=skipped]"), `${total} skipped`, "the totals asked again");
      expect(gate.held, "no list of signals reached the page meanwhile").toEqual([]);
    } finally {
      await gate.release();
    }
  });

  it("shows a prediction market resolved from the event stream while its list's requests wait", async () => {
    const model = await followModel();
    const copied = (await s.server.get<SignalView[]>(`/api/models/${model.id}/signals?decision=copied`))[0]!;
    const market = await openMarket(copied.conditionId);
    const page = await s.t.open(`${s.server.url}/predictions`, DESKTOP);
    await waitForPageReady(page);
    await waitForElement(page, `[data-testid=pm-open] [data-condition-id="${market.conditionId}"]`, "the open market");
    const gate = await holdRequests(page, (path) => path === "/api/prediction-markets");
    try {
      const winner = market.outcomes[1]!.outcome;
      await s.server.api("POST", `/api/sim/prediction-markets/${market.conditionId}/resolve`, { winner });
      const row = page.locator(`[data-testid=pm-ended] tr[data-condition-id="${market.conditionId}"]`);
      await waitForCount(row, 1, "the market among the ended ones");
      expect(await row.getAttribute("data-status")).toBe("resolved");
      await waitForText(row.locator("[data-field=winner]"), winner, "its winner");
      expect(await page.locator(`[data-testid=pm-open] [data-condition-id="${market.conditionId}"]`).count(), "no longer open").toBe(0);
    } finally {
      await gate.release();
    }
  });
});
