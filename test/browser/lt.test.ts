import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { ModelView } from "../../src/app/services.js";
import type { MirrorDetail, MirrorMetrics } from "../../src/copy/mirror-service.js";
import type { ExecutionView } from "../../src/copy/mirror-store.js";
import type { PredictionMarketView } from "../../src/prediction/prediction-api.js";
import { num, ratioPct } from "../../web/src/lib/format.js";
import { latencyText, outcomesText, pnlDiffText, pnlText, priceVsTrader, slippageText, tokenName, tokenSide } from "../../web/src/lib/lt.js";
import { REASON_TEXT } from "../../web/src/lib/mirrors.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { markNoReload } from "./support/page-actions.js";
import { createRuleModel, eventually } from "./support/scenario.js";
import { DEFAULT_MARKETS } from "../fake-polymarket/clob/markets.js";
import { startFakeClob, type FakeClob } from "../fake-polymarket/clob/server.js";
import { startFakeDataApi, startFakeGamma, startFakeGeoblock, type FakeDataApi } from "../fake-polymarket/data-api/index.js";
import { gammaMarketOf } from "../feeds/support/polymarket-fakes.js";

/**
 * The LT page in the browser against a real server on the synthetic prediction feed: a follow
 * model (FT) copies the feed's synthetic traders on paper, a paper mirror copies FT (an LT
 * strategy on paper, as one is rehearsed before going live), and a mirror of a perpetuals model
 * is not an LT strategy. The page shows the strategy marked paper, its figures exactly as the
 * API's metrics it was given, the latest executions named by market and outcome with our price
 * against the trader's, follows a pause live (status, skipped executions, the reason in words),
 * and the follow model's page lists it as a live copy. Then, in live mode against the fake
 * Polymarket (CLOB, Gamma, Data API, geoblock; TRADING_MODE=live, AUTONOME_PM_FEED=polymarket):
 * a live LT strategy with its wallet linked, and a wallet's trade copied by FT on paper and by
 * LT on the CLOB, our price against the trader's.
 *
 * Run: `npx vitest run test/browser/lt.test.ts` (needs Debian's chromium at /usr/bin/chromium).
 * Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);
const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

/** The synthetic prediction feed's traders (src/feeds/prediction/synthetic-traders.ts): all three, so signals come every few seconds. */
const WALLETS = ["0x5157e7000000000000000000000000000000000a", "0x5157e7000000000000000000000000000000000b", "0x5157e7000000000000000000000000000000000c"];

/** A figure of the card by its field (dt and dd). */
const figure = (card: Locator, field: string) => card.locator(`[data-field="${field}"] dd`);

/** The page's own answers of the mirror's metrics, latest last. */
function metricsAnswers(page: Page, mirrorId: string): MirrorMetrics[] {
  const seen: MirrorMetrics[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname !== `/api/mirrors/${mirrorId}/metrics` || !r.ok()) return;
    r.json().then(
      (b: MirrorMetrics) => seen.push(b),
      () => undefined,
    );
  });
  return seen;
}

describe.skipIf(chromiumMissing !== null)(title("LT page in a browser"), { timeout: 240_000 }, () => {
  const s = useBrowserSuite({ env: { AUTONOME_PM_FEED: "synthetic", AUTONOME_FOLLOW_POLL: "1s" } });

  it("says how to make an LT strategy when there is none", async () => {
    const page = await s.t.open(`${s.server.url}/lt`, DESKTOP);
    await waitForPageReady(page);
    expect(await page.locator("nav a.nav-link.active").innerText()).toBe("LT");
    const main = page.locator("main");
    await waitForText(main, "No LT strategies yet", "the empty state");
    await waitForText(main, "TRADING_MODE=live", "the live mode it needs");
    await waitForText(main, "AUTONOME_PM_FEED=polymarket", "the live feed it needs");
    await waitForText(main, '"venue":{"kind":"polymarket"', "the follower's body");
    await waitForText(main, "POST /api/mirrors", "the mirror's call");
    expect(await main.getByRole("link", { name: "make a follow model" }).getAttribute("href"), "no follow model yet: the way to make one").toBe("/follow/new");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "lt-empty");
      const overflow = await horizontalOverflow(page);
      expect.soft(overflow.scrollWidth, `lt-empty at ${viewport.width}px scrolls sideways: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
    }
  });

  it("shows a follow model's paper copy marked paper, with the API's figures, its executions, and a pause followed live", async () => {
    const ft = await s.server.api<ModelView>(
      "POST",
      "/api/models",
      { kind: "follow", name: "FT synthetic", wallets: WALLETS, sizing: { mode: "fixed", usd: "10" }, initialCapital: "10000" },
      { expect: 201 },
    );
    // A mirror of a perpetuals model: copy trading, not LT.
    const rule = await createRuleModel(s.server, "Perps source");
    const perps = await s.server.api<MirrorDetail>("POST", "/api/mirrors", { sourceModelId: rule.id, follower: { name: "Perps follower", initialCapital: "10000" } }, { expect: 201 });
    // The same capital as FT: proportional sizing copies FT's shares one for one.
    const lt = await s.server.api<MirrorDetail>("POST", "/api/mirrors", { sourceModelId: ft.id, follower: { name: "LT rehearsal", initialCapital: "10000" }, maxSlippageBps: 300 }, { expect: 201 });

    const page = await s.t.open(`${s.server.url}/lt`, DESKTOP);
    const answers = metricsAnswers(page, lt.id);
    await waitForPageReady(page);
    const card = await waitForElement(page, `[data-testid="lt-${lt.id}"]`, "the LT strategy's card");
    await waitForText(page.getByTestId("lt-count"), "1 on paper", "one strategy, on paper (the perpetuals mirror is not one)");
    expect(await page.locator(`[data-testid="lt-${perps.id}"]`).count(), "a mirror of a perpetuals model is not an LT strategy").toBe(0);
    await waitForText(card.getByTestId("lt-mode"), "paper", "marked paper");
    await waitForText(card.getByTestId("lt-status"), "active", "active");
    expect(await card.getByTestId("lt-source").innerText()).toBe("FT synthetic");
    expect(await card.getByTestId("lt-source").getAttribute("href")).toBe(`/follow/${ft.id}`);
    expect(await card.getByTestId("lt-follower").innerText()).toBe("LT rehearsal");
    expect(await card.getByTestId("lt-follower").getAttribute("href")).toBe(`/models/${lt.followerModelId}`);
    await waitForText(figure(card, "wallet"), "paper: the simulator fills its orders", "no wallet on paper");
    await waitForText(figure(card, "copy"), "IOC ±300 bps, proportional", "how it copies");
    const notReloaded = await markNoReload(page);

    // The synthetic traders trade; FT copies them on paper and LT copies FT.
    const executions = () => s.server.get<ExecutionView[]>(`/api/mirrors/${lt.id}/executions?limit=8`);
    const filled = await eventually(
      "two of FT's trades copied by LT",
      async () => {
        const list = await executions();
        return list.filter((e) => e.outcome === "filled" && e.trader !== null).length >= 2 ? list : undefined;
      },
      150_000,
    );
    const api = await s.server.get<MirrorMetrics>(`/api/mirrors/${lt.id}/metrics?window=all`);
    expect(api.counts.filled, "real fills").toBeGreaterThanOrEqual(2);
    expect(api.traderSlippageBps.count, "slippage measured against the wallets").toBeGreaterThanOrEqual(2);
    expect(api.pnl.follower.positions, "LT opened positions").toBeGreaterThanOrEqual(1);
    expect(api.latencyMs.sent.p50, "orders were sent").not.toBeNull();

    // Each figure is the page's latest answer in words (the answer changes as trades come, so compare with the one it shows).
    const shown = async () => ({
      signals: await figure(card, "signals").innerText(),
      outcomes: await figure(card, "outcomes").innerText(),
      fillRate: await figure(card, "fill-rate").innerText(),
      sent: await figure(card, "latency-sent").innerText(),
      filled: await figure(card, "latency-filled").innerText(),
      vsFt: await figure(card, "slippage-ft").innerText(),
      vsTrader: await figure(card, "slippage-trader").innerText(),
      ftPnl: await card.locator("[data-testid=lt-pnl] tr[data-side=ft] [data-field=pnl]").innerText(),
      ltPnl: await card.locator("[data-testid=lt-pnl] tr[data-side=lt] [data-field=pnl]").innerText(),
      diff: await card.locator("[data-field=pnl-diff]").innerText(),
    });
    const expected = (m: MirrorMetrics) => ({
      signals: String(m.counts.signals),
      outcomes: outcomesText(m.counts),
      fillRate: ratioPct(m.fillRate),
      sent: latencyText(m.latencyMs.sent),
      filled: latencyText(m.latencyMs.filled),
      vsFt: slippageText(m.slippageBps),
      vsTrader: slippageText(m.traderSlippageBps),
      ftPnl: pnlText(m.pnl.source),
      ltPnl: pnlText(m.pnl.follower),
      diff: `LT − FT: ${pnlDiffText(m.pnl)}`,
    });
    let last: unknown;
    const agreed = await eventually(
      "the card's figures as the page's latest metrics",
      async () => {
        const m = answers.at(-1);
        if (!m || m.counts.filled < 2) return undefined;
        const text = await shown();
        last = { text, expected: expected(m) };
        return JSON.stringify(text) === JSON.stringify(expected(m)) ? { m, text } : undefined;
      },
      30_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(last)}`);
    });
    expect(agreed.m.window, "the default window is all time").toBe("all");
    expect(agreed.text.sent).toMatch(/^p50 [\d.]+ (ms|s) · p99 [\d.]+ (ms|s)$/);
    expect(agreed.text.vsTrader).toMatch(/^mean [+-]?[\d.]+ bps · p95 [+-]?[\d.]+ bps \(\d+ fills\)$/);
    expect(agreed.text.ltPnl).toMatch(/^[+-]?\$[\d,.]+ \([+-]?[\d.]+%\)$/);

    // The latest executions: a filled copy named by its market and outcome, bought or sold, our price against the trader's.
    const markets = await s.server.get<PredictionMarketView[]>("/api/prediction-markets");
    const copy = filled.find((e) => e.outcome === "filled" && e.trader !== null && tokenName(e.symbol, markets).question !== null)!;
    expect(copy, "a filled copy in a listed market").toBeDefined();
    const row = card.locator(`[data-testid=lt-executions] tr[data-execution-id="${copy.id}"]`);
    const name = tokenName(copy.symbol, markets);
    await waitForText(row, name.question!, "the market's question");
    await waitForText(row.locator(".instrument-outcome-name"), name.outcome!, "the outcome");
    expect(await row.locator("[data-field=side]").innerText()).toBe(tokenSide(copy));
    expect(await row.locator("[data-field=quantity]").innerText()).toBe(`${num(copy.intendedQuantity)} / ${num(copy.filledQuantity)}`);
    await waitForText(row.locator("[data-field=price]"), priceVsTrader(copy), "our price against the trader's");
    await waitForText(row.locator("[data-field=outcome]"), "filled", "its outcome");
    await screenshot(page, "lt-paper");

    // Paused from the card: FT's next trades are skipped, the reason in words, without a reload.
    await card.getByTestId("mirror-toggle").click();
    await waitForText(card.getByTestId("lt-status"), "paused", "the status after Pause");
    expect((await s.server.get<MirrorDetail>(`/api/mirrors/${lt.id}`)).active).toBe(false);
    const skipped = await eventually("a trade of FT skipped while LT is paused", async () => (await executions()).find((e) => e.reason === "mirror_paused"), 150_000);
    const skippedRow = card.locator(`[data-testid=lt-executions] tr[data-execution-id="${skipped.id}"]`);
    await waitForText(skippedRow.locator("[data-field=outcome]"), "skipped mirror paused", "the skipped execution with its reason (streamed in)");
    await waitForText(card.locator('[data-testid=lt-reasons] [data-reason="mirror_paused"]'), `mirror paused ×`, "the reason among the top ones");
    await waitForText(card.locator('[data-testid=lt-reasons] [data-reason="mirror_paused"]'), REASON_TEXT.mirror_paused.help, "the reason in words");
    expect(await notReloaded(), "the page followed without a reload").toBe(true);

    // The follow model's page lists its live copies.
    const ftPage = await s.t.open(`${s.server.url}/follow/${ft.id}`, DESKTOP);
    await waitForPageReady(ftPage);
    const copies = await waitForElement(ftPage, "[data-testid=ft-live-copies]", "the live copies card");
    await waitForText(copies.locator(".card-head"), "Live copies (LT)", "its title");
    const item = copies.locator(`[data-mirror-id="${lt.id}"]`);
    await waitForText(item, "LT rehearsal", "the follower");
    await waitForText(item.getByTestId("lt-mode"), "paper", "marked paper");
    await waitForText(item, "paused", "its status");
    await waitForCount(copies.locator("[data-mirror-id]"), 1, "only the copies of this model");
    await item.getByRole("link", { name: /audit on the LT page/ }).click();
    await ftPage.waitForURL(/\/lt$/);
    await waitForElement(ftPage, `[data-testid="lt-${lt.id}"]`, "the card on the LT page");

    // A follow model without copies says how to make one, with its id.
    const other = await s.server.api<ModelView>("POST", "/api/models", { kind: "follow", name: "FT alone", wallets: [WALLETS[0]], sizing: { mode: "fixed", usd: "10" } }, { expect: 201 });
    const alone = await s.t.open(`${s.server.url}/follow/${other.id}`, DESKTOP);
    await waitForText(alone.getByTestId("ft-lt-empty"), "No live copy of this model yet", "the empty list");
    await waitForText(alone.getByTestId("ft-lt-empty"), `"sourceModelId":"${other.id}"`, "the call with this model's id");

    for (const viewport of [DESKTOP, PHONE]) {
      for (const [path, name] of [
        ["/lt", "lt"],
        [`/follow/${ft.id}`, "follow-lt"],
      ] as const) {
        const p = await s.t.open(`${s.server.url}${path}`, viewport);
        await waitForPageReady(p);
        if (name === "lt") await waitForCount(p.locator(`[data-testid="lt-${lt.id}"] [data-testid=lt-executions] tbody tr`), (n) => n > 0, "the executions");
        else await waitForElement(p, "[data-testid=ft-lt]", "the live copies");
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

const PLAIN = DEFAULT_MARKETS[0]!;
const YES = PLAIN.tokens[0]!;
const TRADER = `0x${"7b".repeat(20)}`;
const KEY_ENV = "PM_LT_BROWSER_KEY";

describe.skipIf(chromiumMissing !== null)(title("LT page in a browser, live on the fake Polymarket"), { timeout: 180_000 }, () => {
  // The server is started by useBrowserSuite's beforeAll, after this one has started the fakes and made the wallet's key.
  const env: Record<string, string> = { TRADING_MODE: "live", AUTONOME_PM_FEED: "polymarket", AUTONOME_FOLLOW_POLL: "1s" };
  const closers: Array<() => Promise<void>> = [];
  let clob: FakeClob | null = null;
  let dataApi: FakeDataApi | null = null;
  let address = "";
  beforeAll(async () => {
    clob = await startFakeClob({ tickMs: 20, minedDelayMs: 100, confirmedDelayMs: 200 });
    closers.push(() => clob!.close());
    const gamma = await startFakeGamma({ markets: [gammaMarketOf(PLAIN, { volume24hr: 900 })] });
    closers.push(() => gamma.close());
    dataApi = await startFakeDataApi();
    closers.push(() => dataApi!.close());
    const geoblock = await startFakeGeoblock({ answer: { blocked: false, country: "PT" } });
    closers.push(() => geoblock.close());
    clob.seedBook(
      YES.tokenId,
      [["0.40", "100"]],
      [
        ["0.50", "40"],
        ["0.52", "200"],
      ],
    );
    const key = generatePrivateKey();
    address = privateKeyToAccount(key).address.toLowerCase();
    clob.fund(address, "1000");
    Object.assign(env, {
      [KEY_ENV]: key,
      POLYMARKET_CLOB_URL: clob.url,
      POLYMARKET_CLOB_WS_URL: clob.wsUrl,
      POLYMARKET_GAMMA_URL: gamma.url,
      POLYMARKET_DATA_API_URL: dataApi.url,
      POLYMARKET_GEOBLOCK_URL: geoblock.checkUrl,
      POLYMARKET_CHAIN_ID: String(clob.chainId),
    });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  });
  const s = useBrowserSuite({ env });

  it("shows a live strategy with its wallet linked, and a wallet's trade copied on the CLOB against the trader's price", async () => {
    const ft = await s.server.api<ModelView>(
      "POST",
      "/api/models",
      { kind: "follow", name: "FT live source", wallets: [TRADER], sizing: { mode: "fixed", usd: "15" }, initialCapital: "1000", maxSignalAgeMs: 3_600_000 },
      { expect: 201 },
    );
    const follower = await s.server.api<ModelView>(
      "POST",
      "/api/models",
      { kind: "mirror", name: "LT wallet", venue: { kind: "polymarket", privateKeyEnv: KEY_ENV, signatureType: 0 } },
      { expect: 201 },
    );
    const lt = await s.server.api<MirrorDetail>(
      "POST",
      "/api/mirrors",
      { sourceModelId: ft.id, followerModelId: follower.id, sizing: { mode: "ratio", ratio: "0.5" }, maxSlippageBps: 500, maxSignalAgeMs: 600_000 },
      { expect: 201 },
    );

    const page = await s.t.open(`${s.server.url}/lt`, DESKTOP);
    const answers = metricsAnswers(page, lt.id);
    await waitForPageReady(page);
    const card = await waitForElement(page, `[data-testid="lt-${lt.id}"]`, "the live strategy's card");
    await waitForText(page.getByTestId("lt-count"), "1 live", "one live strategy");
    await waitForText(card.getByTestId("lt-mode"), "live", "marked live");
    await waitForText(figure(card, "wallet"), address, "the wallet it trades");
    await waitForText(figure(card, "wallet"), "linked", "the wallet linked");
    await waitForText(card, "No executions yet", "nothing copied yet");
    const notReloaded = await markNoReload(page);

    // The wallet buys at 0.50 (after FT began following: times are whole seconds); FT copies $15 on paper, LT half of it on the CLOB.
    await new Promise((r) => setTimeout(r, 1100));
    dataApi!.addFill({ wallet: TRADER, role: "taker", side: "BUY", conditionId: PLAIN.conditionId, tokenId: YES.tokenId, price: "0.5", size: "100", timestamp: Math.floor(Date.now() / 1000) });
    const [copy] = await eventually(
      "LT's copy on the CLOB filled",
      async () => {
        const list = await s.server.get<ExecutionView[]>(`/api/mirrors/${lt.id}/executions`);
        return list[0]?.outcome === "filled" ? list : undefined;
      },
      30_000,
    );
    expect(copy!.trader).toMatchObject({ wallet: TRADER, price: "0.5" });
    expect(copy!.avgPrice).toBe("0.5");
    expect(
      clob!.requests.filter((r) => r.method === "POST" && r.path === "/order"),
      "one order sent to the CLOB",
    ).toHaveLength(1);

    const row = card.locator(`[data-testid=lt-executions] tr[data-execution-id="${copy!.id}"]`);
    await waitForText(row, PLAIN.question, "the market's question (streamed in)");
    await waitForText(row.locator(".instrument-outcome-name"), YES.outcome, "the outcome");
    expect(await row.locator("[data-field=side]").innerText()).toBe("BUY");
    await waitForText(row.locator("[data-field=price]"), "fill 50¢ · trader 50¢", "our price against the trader's");
    await waitForText(row.locator("[data-field=price]"), "0.0 bps vs trader", "no slippage against the trader");
    await waitForText(row.locator("[data-field=outcome]"), "filled", "its outcome");
    await eventually("the figures of the fill", async () => {
      const m = answers.at(-1);
      if (!m || m.counts.filled < 1) return undefined;
      const shown = [
        await figure(card, "outcomes").innerText(),
        await figure(card, "slippage-trader").innerText(),
        await card.locator("[data-testid=lt-pnl] tr[data-side=lt] [data-field=pnl]").innerText(),
      ];
      return JSON.stringify(shown) === JSON.stringify([outcomesText(m.counts), slippageText(m.traderSlippageBps), pnlText(m.pnl.follower)]) ? true : undefined;
    });
    await waitForText(figure(card, "outcomes"), "1 filled · 0 partial · 0 skipped", "one filled");
    await waitForText(figure(card, "slippage-trader"), "mean 0.0 bps · p95 0.0 bps (1 fill)", "slippage against the trader");
    expect(await notReloaded(), "the page followed without a reload").toBe(true);
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "lt-live");
      const overflow = await horizontalOverflow(page);
      expect.soft(overflow.scrollWidth, `lt-live at ${viewport.width}px scrolls sideways: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
    }

    // The follow model's page names the live copy and its wallet.
    const ftPage = await s.t.open(`${s.server.url}/follow/${ft.id}`, DESKTOP);
    const item = (await waitForElement(ftPage, "[data-testid=ft-lt]", "the live copies")).locator(`[data-mirror-id="${lt.id}"]`);
    await waitForText(item.getByTestId("lt-mode"), "live", "marked live");
    await waitForText(item, address, "its wallet");
    await waitForText(item, "linked", "linked");
  });
});
