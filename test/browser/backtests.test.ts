import { describe, expect, it } from "vitest";
import type { ModelView } from "../../src/app/services.js";
import type { BacktestDetailView, BacktestView } from "../../src/backtest/backtest-views.js";
import { usd as micros } from "../../src/core/money.js";
import { usd } from "../../web/src/lib/format.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, WAIT, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { eventually } from "./support/scenario.js";

/**
 * Backtests in the browser against a real server: a short run (an hour of the synthetic feed)
 * started from the form with two of the installation's models, followed to done on its own page
 * (progress, then the metrics and equity curves), its HTML report opened, field errors from the
 * form and from the server, and the run deleted; a done run rerun as a what-if with a dearer taker
 * fee (a refused fee shown under its input, then the new run with its baseline and the two side by
 * side); a what-if with limit entries and a model's risk limits (refusals under their inputs, a model's
 * limits unfolding to show one, then the run as asked); at desktop and phone widths.
 *
 * Run: `npm run build:web && npx vitest run test/browser/backtests.test.ts` (needs Debian's
 * chromium at /usr/bin/chromium). Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

/** A run's child process starts in ten to twenty seconds, twice that on a busy machine. */
const RUN_WAIT = 150_000;

describe.skipIf(chromiumMissing !== null)(title("backtests page in a browser"), { timeout: 300_000 }, () => {
  const s = useBrowserSuite();

  /** The run once it has ended; on a timeout the error shows where it was. */
  const finished = async (id: string): Promise<BacktestDetailView> => {
    let last: BacktestDetailView | undefined;
    try {
      return await eventually(
        `backtest ${id} to end`,
        async () => {
          last = await s.server.get<BacktestDetailView>(`/api/backtests/${id}`);
          return last.status === "queued" || last.status === "running" ? undefined : last;
        },
        RUN_WAIT,
      );
    } catch (e) {
      throw new Error(`${String(e)}; it was ${JSON.stringify({ status: last?.status, progress: last?.progress, error: last?.error })}; server: ${s.server.output()}`);
    }
  };

  it("shows the form and says how to start a backtest when there is none", async () => {
    const page = await s.t.open(`${s.server.url}/backtests`);
    await waitForPageReady(page);
    await waitForText(page.locator("main"), "No backtests yet", "the list's empty state");
    await waitForElement(page, "[data-testid=backtest-form]", "the form, open when there is nothing chosen");
    await waitForCount(page.locator("[data-testid=backtest-models] input[type=checkbox]"), 3, "the installation's three rule models to choose from");
    expect(await page.locator("nav a.nav-link.active").innerText()).toBe("Backtests");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await screenshot(page, "backtests-empty");
    }
  });

  it("shows the form's own and the server's field errors under their inputs", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 400/, "the server refuses a missing replay file on purpose");
    const page = await s.t.open(`${s.server.url}/backtests`);
    const form = await waitForElement(page, "[data-testid=backtest-form]", "the form");
    await form.getByLabel("From", { exact: true }).fill("2026-11-01T02:00");
    await form.getByLabel("To", { exact: true }).fill("2026-11-01T01:00");
    await form.locator("button[type=submit]").click();
    await waitForText(form, "Must be after the start.", "the form's own check of the span");
    await waitForText(form, "Choose at least one model.", "the form's own check of the models");

    // Recorded files are checked by the server: a missing one is named under the files.
    await form.getByLabel("To", { exact: true }).fill("2026-11-01T03:00");
    await form.locator("[data-testid=backtest-models] label", { hasText: "Trend Follower" }).click();
    await form.getByRole("button", { name: "Recorded files" }).click();
    await form.getByLabel("Path of file 1").fill("/nowhere/btc.csv");
    await form.locator("button[type=submit]").click();
    await waitForText(form.locator("[data-testid=backtest-files]"), "feed.files[0].path: no such file: /nowhere/btc.csv", "the server's error under the files");
    expect(await s.server.get<BacktestView[]>("/api/backtests")).toEqual([]);
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "backtest-form-errors");
  });

  it("starts a short backtest from the form, follows it to done, opens its figures, curves and report, and deletes it", async () => {
    const models = await s.server.get<ModelView[]>("/api/models");
    const chosen = ["Trend Follower", "Breakout Hunter"].map((n) => models.find((m) => m.name === n)!);
    const page = await s.t.open(`${s.server.url}/backtests`);
    const form = await waitForElement(page, "[data-testid=backtest-form]", "the form");
    await form.getByLabel("From", { exact: true }).fill("2026-11-01T00:00");
    await form.getByLabel("To", { exact: true }).fill("2026-11-01T01:00");
    await form.getByLabel("Seed", { exact: true }).fill("7");
    for (const m of chosen) await form.locator("[data-testid=backtest-models] label", { hasText: m.name }).click();
    await form.getByLabel("Models decide every").selectOption("5m");
    await form.getByLabel("Taker fee (bps)").fill("5");
    await form.locator("button[type=submit]").click();

    // The run's own page, while it runs.
    await page.waitForURL(/\/backtests\/[\w-]+$/, { timeout: WAIT });
    const id = new URL(page.url()).pathname.split("/").pop()!;
    const detail = await waitForElement(page, "[data-testid=backtest-detail]", "the run's detail");
    const asked = await s.server.get<BacktestDetailView>(`/api/backtests/${id}`);
    expect(asked.request.models.map((m) => m.name)).toEqual(chosen.map((m) => m.name));
    expect(asked.request).toMatchObject({ intervalMs: 300_000, seed: 7, feed: { kind: "synthetic", seed: 7 }, execution: { takerFeeBps: 5, makerFeeBps: 2 } });
    expect(Date.parse(asked.request.to) - Date.parse(asked.request.from)).toBe(3_600_000);
    await waitForText(detail, /running|done/, "the run's status");
    const row = page.locator(`[data-testid=backtests] [data-backtest-id="${id}"]`);
    await waitForText(row, /running|done/, "the run's row in the list");
    if ((await s.server.get<BacktestView>(`/api/backtests/${id}`)).status === "running") {
      await page
        .locator("[data-testid=backtest-detail] [data-testid=backtest-progress]")
        .waitFor({ timeout: 30_000 })
        .then(() => screenshot(page, "backtest-running"))
        .catch(() => undefined);
    }

    // Done: the figures of both models, their curves and the report, without a reload.
    const done = await finished(id);
    expect(done.status, `the run ended ${done.status}: ${done.error}`).toBe("done");
    await waitForText(page.locator("[data-testid=backtest-detail] [data-testid=backtest-status]"), "done", "the run's status once it ends");
    expect(done.summary!.models.map((m) => m.name).sort()).toEqual(chosen.map((m) => m.name).sort());
    const metrics = await waitForElement(page, "[data-testid=backtest-metrics]", "the metrics table");
    await waitForCount(metrics.locator("tbody tr"), 2, "a metrics row per model");
    for (const m of done.summary!.models) {
      const cells = metrics.locator(`tr[data-model-name="${m.name}"]`);
      await waitForText(cells, m.name, `${m.name}'s metrics row`);
      await waitForText(cells, String(m.metrics.trades), `${m.name}'s trade count`);
    }
    await waitForElement(page, "[data-testid=backtest-equity-chart] canvas", "the equity curves");
    await waitForText(page.locator("[data-testid=backtest-equity] .chart-legend"), chosen[0]!.name, "a model in the chart's legend");
    await waitForText(detail, done.summary!.hash, "the run's hash");
    await waitForText(row, /done/, "the run's row once it ends");
    for (const m of chosen) await waitForText(row.locator(".bt-returns"), m.name, `${m.name}'s return in the list`);

    const link = page.locator("[data-testid=backtest-report]");
    expect(await link.getAttribute("href")).toBe(`/api/backtests/${id}/report`);
    const [report] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
    await report.waitForLoadState("domcontentloaded");
    expect(await report.title()).toMatch(/^Backtest/);
    await waitForText(report.locator("body"), chosen[1]!.name, "the report naming a model");
    await report.close();
    // Under its Content-Security-Policy the report's own script still runs (it adds the hover label), without a console error.
    const direct = await s.t.open(`${s.server.url}/api/backtests/${id}/report`);
    await direct.locator("body > .tip").waitFor({ state: "attached", timeout: WAIT });
    await direct.close();

    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await waitForPageReady(page);
      await screenshot(page, "backtest-done");
    }
    await page.setViewportSize(DESKTOP);

    // Deleted from its page: back to the list, without it.
    await page.locator("[data-testid=backtest-delete]").click();
    await page.locator("[role=alertdialog] button", { hasText: "Yes" }).click();
    await page.waitForURL(/\/backtests$/, { timeout: WAIT });
    await eventually("the run to be deleted", async () => ((await s.server.get<BacktestView[]>("/api/backtests")).some((b) => b.id === id) ? undefined : true));
    await waitForCount(page.locator(`[data-testid=backtests] [data-backtest-id="${id}"]`), 0, "the deleted run's row");
  });

  it("reruns a done backtest as a what-if with a dearer taker fee: a refused fee under its input, then the new run beside its baseline", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 400/, "the server refuses a negative taker fee on purpose");
    const models = await s.server.get<ModelView[]>("/api/models");
    const ids = ["Trend Follower", "Breakout Hunter"].map((n) => models.find((m) => m.name === n)!.id);
    const started = await s.server.api<BacktestView>(
      "POST",
      "/api/backtests",
      { from: "2026-11-01T00:00:00Z", to: "2026-11-01T01:00:00Z", feed: { kind: "synthetic", seed: 7 }, models: ids, seed: 7 },
      { expect: 202 },
    );
    const baseline = await finished(started.id);
    expect(baseline.status, `the baseline ended ${baseline.status}: ${baseline.error}`).toBe("done");
    expect(baseline.baselineId).toBeNull();
    const fees = (r: BacktestDetailView) => r.result!.models.reduce((sum, m) => sum + micros(m.metrics.fees), 0n);
    // The hour holds trades (else a dearer fee would prove nothing).
    expect(fees(baseline)).toBeGreaterThan(0n);

    const page = await s.t.open(`${s.server.url}/backtests/${started.id}`);
    await waitForText(page.locator("[data-testid=backtest-detail] [data-testid=backtest-status]"), "done", "the baseline's status");
    expect(await page.locator("[data-testid=backtest-baseline]").count(), "a run that is no what-if names no baseline").toBe(0);
    await page.locator("[data-testid=backtest-what-if]").click();
    const form = await waitForElement(page, "[data-testid=backtest-what-if-form]", "the what-if form");
    // Prefilled with the run's own execution and seed.
    const x = baseline.request.execution;
    const prefilled: Array<[string, number]> = [
      ["Maker fee (bps)", x.makerFeeBps],
      ["Taker fee (bps)", x.takerFeeBps],
      ["Extra slippage (bps)", x.extraSlippageBps],
      ["Seed", baseline.request.seed],
      ["Latency from (ms)", x.latency.minMs],
      ["Latency to (ms)", x.latency.maxMs],
    ];
    for (const [label, value] of prefilled) expect(await form.getByLabel(label, { exact: true }).inputValue(), label).toBe(String(value));

    // A negative taker fee passes the form's own check (a maker fee may be negative) and the server refuses it under the input.
    const taker = form.getByLabel("Taker fee (bps)", { exact: true });
    await taker.fill("-1");
    await form.locator("[data-testid=backtest-what-if-submit]").click();
    const refused = await s.server.api<{ error: { code: string; message: string } }>(
      "POST",
      `/api/backtests/${started.id}/what-if`,
      { execution: { ...x, takerFeeBps: -1 }, seed: baseline.request.seed },
      { expect: 400 },
    );
    const problem = /execution\.takerFeeBps: ([^;]+)/.exec(refused.error.message)?.[1];
    expect(problem, refused.error.message).toBeDefined();
    await waitForText(form.locator(".form-field", { hasText: "Taker fee (bps)" }).locator(".field-error"), problem!.trim(), "the server's error under the taker fee");
    expect(await taker.getAttribute("aria-invalid")).toBe("true");
    expect((await s.server.get<BacktestView[]>("/api/backtests")).filter((b) => b.baselineId === started.id)).toEqual([]);
    await screenshot(page, "backtest-what-if-refused");

    // A dearer taker fee: the new run opens at once, naming its baseline.
    const dearer = x.takerFeeBps + 24;
    await taker.fill(String(dearer));
    await form.locator("[data-testid=backtest-what-if-submit]").click();
    await page.waitForURL((u) => /\/backtests\/[\w-]+$/.test(u.pathname) && !u.pathname.endsWith(started.id), { timeout: WAIT });
    const id = new URL(page.url()).pathname.split("/").pop()!;
    const asked = await s.server.get<BacktestView>(`/api/backtests/${id}`);
    expect(asked.baselineId).toBe(started.id);
    expect(asked.request).toMatchObject({ from: baseline.request.from, to: baseline.request.to, seed: baseline.request.seed, execution: { ...x, takerFeeBps: dearer } });
    expect(asked.request.models.map((m) => m.name)).toEqual(baseline.request.models.map((m) => m.name));
    const link = page.locator("[data-testid=backtest-detail] [data-testid=backtest-baseline-link]");
    await waitForText(page.locator("[data-testid=backtest-baseline]"), "What-if of", "the what-if's baseline line");
    expect(await link.getAttribute("href")).toBe(`/backtests/${started.id}`);
    await waitForText(page.locator(`[data-testid=backtests] [data-backtest-id="${id}"]`), "what-if", "the what-if's row in the list");

    // Done: each model's fees in both runs, read from the API; dearer in the what-if.
    const whatIf = await finished(id);
    expect(whatIf.status, `the what-if ended ${whatIf.status}: ${whatIf.error}`).toBe("done");
    expect(whatIf.result!.baseline!.result.hash).toBe(baseline.summary!.hash);
    expect(fees(whatIf)).toBeGreaterThan(fees(baseline));
    const table = await waitForElement(page, "[data-testid=backtest-comparison-table]", "the comparison table", RUN_WAIT);
    for (const m of whatIf.result!.models) {
      const before = baseline.result!.models.find((b) => b.name === m.name)!;
      const row = table.locator(`tbody[data-model-name="${m.name}"] tr[data-metric=fees]`);
      await waitForText(row.locator("[data-run=baseline]"), usd(before.metrics.fees), `${m.name}'s baseline fees`);
      await waitForText(row.locator("[data-run=what-if]"), usd(m.metrics.fees), `${m.name}'s what-if fees`);
      await waitForText(table.locator(`tbody[data-model-name="${m.name}"] tr[data-metric=trades] [data-run=what-if]`), String(m.metrics.trades), `${m.name}'s what-if trades`);
    }
    const settings = page.locator("[data-testid=backtest-comparison] dl");
    await waitForText(settings, `fees ${x.makerFeeBps}/${x.takerFeeBps} bps`, "the baseline's execution");
    await waitForText(settings, `fees ${x.makerFeeBps}/${dearer} bps`, "the what-if's execution");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await waitForPageReady(page);
      await screenshot(page, "backtest-what-if");
      const overflow = await horizontalOverflow(page);
      expect.soft(overflow.scrollWidth, `the what-if at ${viewport.width}px scrolls sideways: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
    }
    await page.setViewportSize(DESKTOP);

    // The link leads back to the baseline.
    await link.click();
    await page.waitForURL((u) => u.pathname.endsWith(`/backtests/${started.id}`), { timeout: WAIT });
    await waitForText(page.locator("[data-testid=backtest-detail]"), baseline.summary!.hash, "the baseline's page");
    for (const b of [id, started.id]) await s.server.api("DELETE", `/api/backtests/${b}`);
  });

  it("reruns a done backtest as a what-if with limit entries and a model's risk limits: refusals under their inputs, then the run as asked", async () => {
    s.t.allow(/console error: Failed to load resource: the server responded with a status of 400/, "the server refuses an offset and a leverage out of range on purpose");
    const models = await s.server.get<ModelView[]>("/api/models");
    const ids = ["Trend Follower", "Breakout Hunter"].map((n) => models.find((m) => m.name === n)!.id);
    const started = await s.server.api<BacktestView>(
      "POST",
      "/api/backtests",
      { from: "2026-11-01T00:00:00Z", to: "2026-11-01T01:00:00Z", feed: { kind: "synthetic", seed: 7 }, models: ids, seed: 7 },
      { expect: 202 },
    );
    const baseline = await finished(started.id);
    expect(baseline.status, `the baseline ended ${baseline.status}: ${baseline.error}`).toBe("done");
    // The model whose positions the what-if forbids: one that opened some in the baseline.
    const busy = baseline.result!.models.find((m) => m.trades.length + m.openPositions.length > 0);
    expect(busy, "a model that traded in the baseline hour").toBeDefined();
    const index = baseline.request.models.findIndex((m) => m.name === busy!.name);

    const page = await s.t.open(`${s.server.url}/backtests/${started.id}`);
    await waitForText(page.locator("[data-testid=backtest-detail] [data-testid=backtest-status]"), "done", "the baseline's status");
    await page.locator("[data-testid=backtest-what-if]").click();
    const form = await waitForElement(page, "[data-testid=backtest-what-if-form]", "the what-if form");
    // The run's own entries (market) and limits (none set: every input empty, the default).
    const entries = form.getByLabel("Entry orders", { exact: true });
    expect(await entries.inputValue()).toBe("market");
    expect(await form.getByLabel("Limit offset (bps)", { exact: true }).count(), "no limit inputs for market entries").toBe(0);
    const limits = form.locator(`details[data-model-name="${busy!.name}"]`);
    expect(await limits.getAttribute("open"), "a model's limits start folded").toBeNull();
    await limits.locator("summary").click();
    const leverage = limits.getByLabel("Max leverage (×)", { exact: true });
    expect(await leverage.inputValue()).toBe("");

    // An offset beyond the server's range: refused under its input (the entries are checked before the models).
    await entries.selectOption("limit");
    const offset = form.getByLabel("Limit offset (bps)", { exact: true });
    const expiry = form.getByLabel("Limit expires after (s)", { exact: true });
    expect([await offset.inputValue(), await expiry.inputValue()]).toEqual(["0", "60"]);
    await offset.fill("600");
    await expiry.fill("30");
    await form.locator("[data-testid=backtest-what-if-submit]").click();
    const refusedOffset = await s.server.api<{ error: { message: string } }>(
      "POST",
      `/api/backtests/${started.id}/what-if`,
      { execution: { ...baseline.request.execution, entries: { type: "limit", offsetBps: 600, expireAfterMs: 30_000 } } },
      { expect: 400 },
    );
    const offsetProblem = /execution\.entries\.offsetBps: ([^;]+)/.exec(refusedOffset.error.message)?.[1];
    expect(offsetProblem, refusedOffset.error.message).toBeDefined();
    await waitForText(form.locator(".form-field", { hasText: "Limit offset (bps)" }).locator(".field-error"), offsetProblem!.trim(), "the server's error under the offset");
    expect(await offset.getAttribute("aria-invalid")).toBe("true");

    // A leverage the server refuses, folded away: its model's limits unfold to show the error under it.
    await offset.fill("1");
    await leverage.fill("0");
    await limits.locator("summary").click(); // folded again by hand
    expect(await limits.getAttribute("open")).toBeNull();
    await form.locator("[data-testid=backtest-what-if-submit]").click();
    const refusedRisk = await s.server.api<{ error: { message: string } }>("POST", `/api/backtests/${started.id}/what-if`, { risk: { [busy!.name]: { maxLeverage: 0 } } }, { expect: 400 });
    const riskProblem = new RegExp(`models\\[${index}\\]\\.risk\\.maxLeverage: ([^;]+)`).exec(refusedRisk.error.message)?.[1];
    expect(riskProblem, refusedRisk.error.message).toBeDefined();
    await waitForText(limits.locator(".form-field", { hasText: "Max leverage (×)" }).locator(".field-error"), riskProblem!.trim(), "the server's error under the model's leverage");
    expect(await limits.getAttribute("open")).not.toBeNull();
    expect(await leverage.getAttribute("aria-invalid")).toBe("true");
    expect((await s.server.get<BacktestView[]>("/api/backtests")).filter((b) => b.baselineId === started.id)).toEqual([]);
    await screenshot(page, "backtest-what-if-limits-refused");

    // No open position allowed for the busy model, post-only entries 1 bps behind the touch for 30 s: the run as asked.
    await leverage.fill("3");
    await limits.getByLabel("Max open positions", { exact: true }).fill("0");
    await form.locator("[data-testid=backtest-what-if-submit]").click();
    await page.waitForURL((u) => /\/backtests\/[\w-]+$/.test(u.pathname) && !u.pathname.endsWith(started.id), { timeout: WAIT });
    const id = new URL(page.url()).pathname.split("/").pop()!;
    const asked = await s.server.get<BacktestView>(`/api/backtests/${id}`);
    expect(asked.baselineId).toBe(started.id);
    expect(asked.request.execution.entries).toEqual({ type: "limit", offsetBps: 1, expireAfterMs: 30_000 });
    for (const m of asked.request.models)
      expect(m.risk, m.name).toEqual(m.name === busy!.name ? { maxLeverage: 3, maxOpenPositions: 0 } : baseline.request.models.find((b) => b.name === m.name)!.risk);
    const whatIf = await finished(id);
    expect(whatIf.status, `the what-if ended ${whatIf.status}: ${whatIf.error}`).toBe("done");
    // The limit reached the run: its held entries were refused, so the model never held a position.
    const restricted = whatIf.result!.models.find((m) => m.name === busy!.name)!;
    expect([restricted.trades.length, restricted.openPositions.length]).toEqual([0, 0]);
    const settings = page.locator("[data-testid=backtest-comparison] dl");
    await waitForText(settings, "limit entries 1 bps behind the touch", "the what-if's entries beside the baseline's execution", RUN_WAIT);
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await waitForPageReady(page);
      const overflow = await horizontalOverflow(page);
      expect.soft(overflow.scrollWidth, `the what-if at ${viewport.width}px scrolls sideways: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
    }
    await page.setViewportSize(DESKTOP);
    for (const b of [id, started.id]) await s.server.api("DELETE", `/api/backtests/${b}`);
  });

  it("renders without console errors or sideways scrolling at 1280×800 and 390×844", async () => {
    // A finished run to show: started through the API this time.
    const [model] = await s.server.get<ModelView[]>("/api/models");
    const started = await s.server.api<BacktestView>(
      "POST",
      "/api/backtests",
      { from: "2026-11-01T00:00:00Z", to: "2026-11-01T01:00:00Z", feed: { kind: "synthetic", seed: 3 }, models: [model!.id] },
      { expect: 202 },
    );
    expect((await finished(started.id)).status).toBe("done");
    for (const { name, path } of [
      { name: "backtests", path: "/backtests" },
      { name: "backtest", path: `/backtests/${started.id}` },
    ]) {
      const page = await s.t.open(`${s.server.url}${path}`, DESKTOP);
      await waitForPageReady(page);
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
