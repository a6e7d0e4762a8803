import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page, Response } from "playwright-core";
import type { ModelView, PositionView } from "../../src/app/services.js";
import type { LiveStatusView } from "../../src/live/live-service.js";
import { ORDER_TYPE, publicKeyOf, TIME_IN_FORCE, TX_TYPE } from "../../src/venues/lighter/signer/index.js";
import { startFakeLighter, type FakeLighter } from "../fake-lighter/server.js";
import { createOrderInfo, sendTx } from "../fake-lighter/test-client.js";
import { newApiKey } from "../support/lighter-harness.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { markNoReload } from "./support/page-actions.js";
import { createRuleModel, eventually } from "./support/scenario.js";

/**
 * Live trading in the dashboard, against real server processes:
 *
 * 1. In simulation mode (the suite's usual server): the health page's live-trading panel shows
 *    the mode and no live accounts, and its halt button shows the server's refusal; the add-model
 *    form with the Lighter venue shows the server's 422; a paper model is labelled "paper".
 * 2. In live mode on a fake Lighter exchange (test/fake-lighter, run in this process, the server
 *    pointed at it): a Lighter model is labelled with its account; a trade made on the exchange
 *    behind its back halts it, and its page follows live (the reason, what it means), refuses a
 *    resume with the server's message, and adopts the exchange's state through the API; the
 *    kill switch is thrown and lifted from the page and follows the stream when changed
 *    elsewhere; the health page shows the Lighter feed per market.
 *
 * Run: `npx vitest run test/browser/live.test.ts` (needs Debian's chromium at /usr/bin/chromium).
 * Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

const SKIP = chromiumMissing !== null;
const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

interface ErrorBody {
  error: { code: string; message: string };
}

/** The answer of the next request the page sends that matches, with its JSON body. */
async function nextAnswer<T>(page: Page, method: string, path: string | RegExp, act: () => Promise<void>): Promise<{ status: number; body: T }> {
  const matches = (r: Response) => r.request().method() === method && (typeof path === "string" ? new URL(r.url()).pathname === path : path.test(new URL(r.url()).pathname));
  const [response] = await Promise.all([page.waitForResponse(matches), act()]);
  return { status: response.status(), body: (await response.json()) as T };
}

describe.skipIf(SKIP)(title("live trading in a browser, simulation mode"), { timeout: 120_000 }, () => {
  const s = useBrowserSuite();

  it("the health page shows live trading off with no accounts, and the halt button shows the server's refusal", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 422/, "the server refuses the halt on purpose");
    expect(await s.server.get<LiveStatusView>("/api/live")).toEqual({ mode: "simulation", halted: false, reason: null, changedAt: null, accounts: [] });
    const page = await s.t.open(`${s.server.url}/health`);
    await waitForPageReady(page);
    const panel = page.locator("[data-testid=live-trading]");
    const state = panel.locator("[data-testid=live-state]");
    await waitForText(state, /Mode\s*simulation/, "the live panel's mode");
    await waitForText(state, /Kill switch\s*not thrown/, "the kill switch's state");
    await waitForText(state, /Live accounts\s*0/, "the number of live accounts");
    await waitForText(panel.locator("[data-testid=live-accounts-empty]"), "No live accounts", "the empty accounts list");
    expect(await page.locator("[data-testid=feed-card]").count(), "no Lighter feed table on the synthetic feed").toBe(0);

    try {
      await panel.locator("[data-testid=live-halt]").click();
      const form = panel.locator("[data-testid=halt-form]");
      await waitForText(form, "Halt all live trading?", "the halt confirmation");
      await form.locator("input").fill("browser drill");
      const answer = await nextAnswer<ErrorBody>(page, "POST", "/api/live/halt", () => form.locator("button[type=submit]").click());
      expect(answer.status, `POST /api/live/halt in simulation mode answered ${answer.status}: ${JSON.stringify(answer.body)}`).toBe(422);
      expect(answer.body.error.code).toBe("live_trading_unavailable");
      const refusal = panel.locator(".error-box");
      await waitForText(refusal, answer.body.error.message, "the server's refusal message");
      await waitForText(refusal, "(422 live_trading_unavailable)", "the refusal's status and code");
      await waitForText(refusal, "Live trading was not halted", "what the refusal means");
      await waitForText(state, /Kill switch\s*not thrown/, "the kill switch after the refusal");
      expect(await page.locator("[data-testid=live-halted-chip]").count(), "no 'halted' chip in the header").toBe(0);
      await screenshot(page, "live-health-simulation");
    } finally {
      // Should the server have halted after all, leave it as found for the other tests.
      if ((await s.server.get<LiveStatusView>("/api/live")).halted) await s.server.api("POST", "/api/live/resume");
    }
  });

  it("the add-model form refuses a key typed for its variable's name, and shows the server's 422 for a Lighter model", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 422/, "the server refuses a Lighter model in simulation mode on purpose");
    const before = await s.server.get<ModelView[]>("/api/models");
    const page = await s.t.open(`${s.server.url}/models/new`);
    await waitForPageReady(page);
    const form = page.locator("[data-testid=add-model-form]");
    await form.getByLabel("Name", { exact: true }).fill("Browser Lighter");
    await expect(form.getByLabel("Initial capital (USD)").count()).resolves.toBe(1);
    await form.getByRole("button", { name: "Lighter (live)" }).click();
    await waitForElement(page, "[data-testid=lighter-fields]", "the Lighter account's fields");
    expect(await form.getByLabel("Initial capital (USD)").count(), "no capital for a Lighter model (the exchange's collateral is)").toBe(0);
    await waitForText(form, "The private key itself is never entered here", "the helper text about the key");
    await form.getByLabel("Account index").fill("281");
    await form.getByLabel("API key index").fill("3");
    const keyName = form.getByLabel("Name of the environment variable holding the API private key");

    // A key where its variable's name belongs is refused before anything is sent.
    let posted = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/models") posted++;
    });
    await keyName.fill(newApiKey());
    await form.getByRole("button", { name: "Create model" }).click();
    await waitForText(form.locator(".field-error"), "looks like a private key", "the field's error for a key");
    expect(posted, "a form with a key in it was sent").toBe(0);

    await keyName.fill("LIGHTER_API_KEY_BROWSER");
    const answer = await nextAnswer<ErrorBody>(page, "POST", "/api/models", () => form.getByRole("button", { name: "Create model" }).click());
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.error.code).toBe("live_trading_unavailable");
    const failure = form.locator(".error-box");
    await waitForText(failure, answer.body.error.message, "the server's 422 message");
    await waitForText(failure, "(422 live_trading_unavailable)", "the 422's code");
    await waitForText(failure, "The model was not created", "what the 422 means");
    expect(new URL(page.url()).pathname).toBe("/models/new");
    expect((await s.server.get<ModelView[]>("/api/models")).length, "a model was created").toBe(before.length);
    await screenshot(page, "live-add-model-refused");
  });

  it("labels a paper model's venue on the leaderboard and on its page", async () => {
    const model = await createRuleModel(s.server, "Paper Venue");
    expect(model.venue).toEqual({ kind: "sim" });
    const arena = await s.t.open(`${s.server.url}/`);
    const row = arena.locator(`[data-testid=leaderboard] [data-model-id="${model.id}"]`);
    await waitForText(row.locator("[data-testid=venue-badge]"), /^paper$/, "the model's venue on the leaderboard");
    await waitForText(row.locator("[data-testid=model-status]"), /^active$/, "the model's status on the leaderboard");

    const page = await s.t.open(`${s.server.url}/models/${model.id}`);
    await waitForText(page.locator(".model-header h1 [data-testid=venue-badge]"), /^paper$/, "the model's venue on its page");
    await waitForPageReady(page);
    expect(await page.locator("[data-testid=model-live]").count(), "no live account card for a paper model").toBe(0);
    expect(await arena.locator("[data-testid=halted-models]").count(), "no halted models above the leaderboard").toBe(0);
  });
});

/** A Lighter account on the fake exchange: its index, and the server's variable holding its key. */
const ACCOUNT = 3001;
const KEY_ENV = "AUTONOME_BROWSER_LIGHTER_KEY";
/** A second API key of the same account: a person trading by hand, outside autonome. */
const HAND_KEY = 4;
/** BTC (market 1 on the fake: prices in tenths of a dollar, sizes in 1e-5 BTC) around $60,000. */
const BTC_MARKET = 1;
const BTC_BIDS: Array<[number, number]> = [[599_900, 100_000]];
const BTC_ASKS: Array<[number, number]> = [[600_100, 100_000]];

describe.skipIf(SKIP)(title("live trading in a browser, on a fake Lighter"), { timeout: 180_000 }, () => {
  // The fake runs in this process; the server is pointed at it. This hook runs before the suite's
  // (hooks run in the order they are declared), so the server starts with this environment.
  const env: Record<string, string> = {};
  let fake: FakeLighter | null = null;
  beforeAll(async () => {
    fake = await startFakeLighter();
    fake.setBook(BTC_MARKET, BTC_BIDS, BTC_ASKS);
    const key = newApiKey();
    fake.fund(ACCOUNT, "5000");
    fake.registerApiKey(ACCOUNT, 3, publicKeyOf(key));
    fake.registerApiKey(ACCOUNT, HAND_KEY, "ab".repeat(40));
    Object.assign(env, {
      TRADING_MODE: "live",
      AUTONOME_FEED: "lighter",
      LIGHTER_BASE_URL: fake.baseUrl,
      LIGHTER_MARKETS: "BTC",
      LIGHTER_REQUESTS_PER_MINUTE: "100000",
      AUTONOME_RECONCILE_INTERVAL: "1s",
      [KEY_ENV]: key,
    });
  });
  // Declared before the suite's: runs after it (after hooks run in reverse), once the server has stopped.
  afterAll(async () => {
    await fake?.close();
  });
  const s = useBrowserSuite({ env });
  let model: ModelView | null = null;

  /** The Lighter model the tests share, created on first use (so each test also runs alone). */
  async function liveModel(): Promise<ModelView> {
    if (model) return model;
    const created = await s.server.api<ModelView>(
      "POST",
      "/api/models",
      { name: "Browser Live", kind: "rule", strategy: "trend-following", venue: { kind: "lighter", accountIndex: ACCOUNT, apiKeyIndex: 3, privateKeyEnv: KEY_ENV } },
      { expect: 201 },
    );
    expect(created).toMatchObject({ status: "active", haltReason: null, initialCapital: "5000", venue: { kind: "lighter", accountIndex: ACCOUNT, apiKeyIndex: 3, privateKeyEnv: KEY_ENV } });
    // The server compares live accounts with the exchange every interval only when it started
    // with one (src/app/autonome.ts): restart it so this new account is watched.
    await s.server.stop();
    await s.server.start();
    return (model = created);
  }

  /** Someone buys `lots` BTC on the account with their own key: a position the database does not know. */
  async function tradeByHand(lots: number): Promise<void> {
    const f = fake!;
    const nonce = f.nextNonce(ACCOUNT, HAND_KEY)!;
    const info = createOrderInfo(Date.now(), {
      account: ACCOUNT,
      apiKey: HAND_KEY,
      market: BTC_MARKET,
      baseAmount: lots,
      price: 610_000,
      type: ORDER_TYPE.market,
      timeInForce: TIME_IN_FORCE.immediateOrCancel,
      orderExpiry: 0,
      nonce,
    });
    const sent = await sendTx(f, TX_TYPE.createOrder, info);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  }

  it("a Lighter model is labelled with its account; a trade behind its back halts it live, a resume is refused, and adopting the exchange's state ends the halt", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 409/, "the server refuses to resume a halted model on purpose");
    const created = await liveModel();

    const page = await s.t.open(`${s.server.url}/models/${created.id}`);
    const header = page.locator(".model-header h1");
    await waitForText(header.locator("[data-testid=venue-badge]"), /^Lighter #3001$/, "the model's venue on its page");
    await waitForText(header.locator("[data-testid=model-status]"), /^active$/, "the model's status before the trade");
    const card = page.locator("[data-testid=model-live]");
    await waitForText(card, /Account index\s*3001/, "the live account's index");
    await waitForText(card, /API key index\s*3/, "the live account's key index");
    await waitForText(card, `$${KEY_ENV}`, "the name of the key's variable");
    await waitForText(card.locator("[data-testid=model-live-link]"), "linked", "the account's link");
    expect(await card.locator("[data-testid=halt-notice]").count(), "no halt notice before the trade").toBe(0);
    await waitForText(page.locator("[data-testid=connection-status]"), "live", "the connection status");
    const notReloaded = await markNoReload(page);

    // 1. A trade on the exchange behind the model's back: the reconciler halts it, the page follows.
    await tradeByHand(2000);
    const halted = await eventually("the model to be halted", async () => {
      const m = await s.server.get<ModelView>(`/api/models/${created.id}`);
      return m.status === "halted" ? m : undefined;
    });
    expect(halted.haltReason).toMatch(/the exchange holds LONG 0\.02 BTC that the database does not know/);
    await waitForText(header.locator("[data-testid=model-status]"), /^halted$/, "the model's status after the trade (streamed, no reload)");
    await waitForText(card.locator("[data-testid=halt-reason]"), halted.haltReason!, "the halt's reason");
    await waitForText(card.locator("[data-testid=halt-notice]"), "Nothing trades for this model until a person resolves it", "what the halt means");
    expect(await header.locator("[data-testid=model-status]").getAttribute("title")).toContain(halted.haltReason!);
    await screenshot(page, "live-model-halted");

    // 2. Resuming is refused by the server; its message is shown.
    const toggle = page.locator("[data-testid=model-status-toggle]");
    await waitForText(toggle, "Resume", "the resume button of a halted model");
    const refused = await nextAnswer<ErrorBody>(page, "PATCH", `/api/models/${created.id}`, () => toggle.click());
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("model_halted");
    await waitForText(page.locator(".model-actions .error-box"), refused.body.error.message, "the server's refusal of a resume");
    await waitForText(page.locator(".model-actions .error-box"), "(409 model_halted)", "the refusal's code");
    expect((await s.server.get<ModelView>(`/api/models/${created.id}`)).status).toBe("halted");

    // 3. The leaderboard: halted, with its reason on hover, on Lighter.
    const arena = await s.t.open(`${s.server.url}/`);
    const row = arena.locator(`[data-testid=leaderboard] [data-model-id="${created.id}"]`);
    await waitForText(row.locator("[data-testid=venue-badge]"), /^Lighter #3001$/, "the model's venue on the leaderboard");
    await waitForText(row.locator("[data-testid=model-status]"), /^halted$/, "the model's status on the leaderboard");
    await eventually("the halt's reason on the leaderboard's badge", async () =>
      ((await row.locator("[data-testid=model-status]").getAttribute("title")) ?? "").includes(halted.haltReason!) ? true : undefined,
    );
    await waitForText(
      arena.locator(`[data-testid=halted-models] [data-model-id="${created.id}"]`),
      `Browser Live: ${halted.haltReason!}`,
      "the halted model named above the leaderboard, with its reason",
    );
    await screenshot(arena, "live-arena-halted");
    await arena.close();

    // 4. Adopting the exchange's state: confirmed, sent to the API, its answer shown; the halt ends.
    await card.locator("[data-testid=adopt-exchange-state]").click();
    const confirm = page.locator("[role=alertdialog]");
    await waitForText(confirm, /positions and cash in the database to the exchange's/, "the confirmation says what adopting rewrites");
    await waitForText(confirm, "ledger entry", "the confirmation names the ledger entry");
    const adopted = await nextAnswer<{ modelId: string; differences: string[]; halted: boolean }>(page, "POST", `/api/models/${created.id}/reconcile`, () =>
      confirm.getByRole("button", { name: "Yes" }).click(),
    );
    expect(adopted).toEqual({ status: 200, body: { modelId: created.id, differences: [], halted: false } });
    await waitForText(card.locator("[data-testid=reconcile-result]"), "no differences remain, and the model trades again", "the reconciliation's answer");
    await waitForText(header.locator("[data-testid=model-status]"), /^active$/, "the model's status after adopting");
    expect(await card.locator("[data-testid=halt-notice]").count(), "the halt notice is gone").toBe(0);
    const after = await s.server.get<ModelView>(`/api/models/${created.id}`);
    expect(after).toMatchObject({ status: "active", haltReason: null });
    const positions = await s.server.get<PositionView[]>(`/api/positions?modelId=${created.id}`);
    expect(positions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([["BTC", "LONG", "0.02"]]);
    await waitForElement(page, "[data-testid=positions] [data-symbol=BTC]", "the adopted BTC position");
    expect(await notReloaded(), "the page was reloaded").toBe(true);
    await screenshot(page, "live-model-adopted");
  });

  it("the health page shows the live accounts and Lighter's feed per market; the kill switch is thrown and lifted there and follows the stream", async () => {
    const live = await liveModel();
    const page = await s.t.open(`${s.server.url}/health`);
    await waitForPageReady(page);
    const panel = page.locator("[data-testid=live-trading]");
    const state = panel.locator("[data-testid=live-state]");
    await waitForText(state, /Mode\s*live/, "the live panel's mode");
    await waitForText(state, /Kill switch\s*not thrown/, "the kill switch's state");
    await waitForText(state, /Live accounts\s*1 of 1 linked/, "the number of live accounts");
    const account = panel.locator(`[data-testid=live-accounts] [data-model-id="${live.id}"]`);
    await waitForText(account, "Browser Live", "the live account's model");
    await waitForText(account, /3001\s*3\s*active\s*linked/, "the live account's index, key index, status and link");

    const btc = page.locator("[data-testid=feed-markets] [data-symbol=BTC]");
    await waitForText(btc, /^BTC\s*(live|stale)\s*yes\s*(no|yes)\s*\S.* ago\s*\d+\s*0$/, "the BTC market's feed figures");
    await waitForCount(page.locator("[data-testid=feed-markets] [data-symbol]"), 1, "one market in the feed table (LIGHTER_MARKETS=BTC)");
    const notReloaded = await markNoReload(page);

    // 1. Thrown from the page, with a reason: the answer says what was canceled; the state and the header follow.
    await panel.locator("[data-testid=live-halt]").click();
    const form = panel.locator("[data-testid=halt-form]");
    await waitForText(form, "Halt all live trading?", "the halt confirmation");
    await form.locator("input").fill("browser drill");
    const halt = await nextAnswer<{ halted: boolean; reason: string; canceledOrders: number; failures: string[] }>(page, "POST", "/api/live/halt", () => form.locator("button[type=submit]").click());
    expect(halt.status).toBe(200);
    expect(halt.body).toMatchObject({ halted: true, reason: "browser drill", failures: [] });
    await waitForText(panel.locator("[data-testid=halt-result]"), `${halt.body.canceledOrders} open order${halt.body.canceledOrders === 1 ? "" : "s"} canceled`, "the halt's answer");
    await waitForText(state, /Kill switch\s*halted/, "the kill switch after the halt");
    await waitForText(state, /Reason\s*browser drill/, "the halt's reason");
    await waitForElement(page, "[data-testid=live-halted-chip]", "the header's 'live trading halted' chip");
    expect((await s.server.get<LiveStatusView>("/api/live")).halted).toBe(true);
    await screenshot(page, "live-health-halted");

    // 2. Lifted from the page, after a confirmation.
    await panel.locator("[data-testid=live-resume]").click();
    const resume = await nextAnswer<{ halted: boolean }>(page, "POST", "/api/live/resume", () => panel.locator("[role=alertdialog]").getByRole("button", { name: "Yes" }).click());
    expect(resume.body.halted).toBe(false);
    await waitForText(panel.locator("[data-testid=resume-result]"), "Live trading resumed", "the resume's answer");
    await waitForText(state, /Kill switch\s*not thrown/, "the kill switch after the resume");
    await waitForCount(page.locator("[data-testid=live-halted-chip]"), 0, "the header's chip after the resume");

    // 3. Thrown and lifted elsewhere (the API): the page follows the stream's `live` events.
    await s.server.api("POST", "/api/live/halt", { reason: "halted from the API" });
    await waitForText(state, /Kill switch\s*halted/, "the kill switch after a halt elsewhere (streamed)");
    await waitForText(state, /Reason\s*halted from the API/, "the reason of a halt elsewhere");
    await waitForElement(page, "[data-testid=live-halted-chip]", "the header's chip after a halt elsewhere");
    await s.server.api("POST", "/api/live/resume");
    await waitForText(state, /Kill switch\s*not thrown/, "the kill switch after a resume elsewhere (streamed)");
    await waitForCount(page.locator("[data-testid=live-halted-chip]"), 0, "the header's chip after a resume elsewhere");
    expect(await notReloaded(), "the page was reloaded").toBe(true);
  });

  it("renders without console errors or sideways scrolling at 1280×800 and 390×844", async () => {
    const pages = [
      { name: "live-health", path: "/health" },
      { name: "live-add-model", path: "/models/new" },
      { name: "live-model", path: `/models/${(await liveModel()).id}` },
    ];
    for (const { name, path } of pages) {
      const page = await s.t.open(`${s.server.url}${path}`, DESKTOP);
      await waitForPageReady(page);
      if (path === "/models/new") await page.getByRole("button", { name: "Lighter (live)" }).click();
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        await waitForPageReady(page);
        await screenshot(page, name);
        const overflow = await horizontalOverflow(page);
        expect
          .soft(overflow.scrollWidth, `${name} at ${viewport.width}×${viewport.height} scrolls sideways (${overflow.scrollWidth}px > ${overflow.innerWidth}px): ${overflow.culprits.join(", ")}`)
          .toBeLessThanOrEqual(overflow.innerWidth);
      }
    }
  });
});
