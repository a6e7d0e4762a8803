import { describe, expect, it } from "vitest";
import type { ModelView } from "../../src/app/services.js";
import type { MirrorDetail, MirrorMetrics } from "../../src/copy/mirror-service.js";
import type { ExecutionView } from "../../src/copy/mirror-store.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { markNoReload } from "./support/page-actions.js";
import { createRuleModel, eventually, openLong } from "./support/scenario.js";

/**
 * Copy trading in the browser against a real server: a mirror made through the API, its source
 * trading through the API, and the mirrors page following it live (executions with their
 * outcome and reason, the figures, pause/resume, the audit's advice), the arena naming the
 * follower's source and the live feed showing the executions.
 *
 * Run: `npm run build:web && npx vitest run test/browser/mirrors.test.ts` (needs Debian's
 * chromium at /usr/bin/chromium). Screenshots go to test-results/screenshots/.
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

describe.skipIf(chromiumMissing !== null)(title("mirrors page in a browser"), { timeout: 120_000 }, () => {
  const s = useBrowserSuite();

  /** The mirror's executions once `n` of them have an outcome (the API lists them newest first). */
  const finished = (mirrorId: string, n: number) =>
    eventually(`${n} finished execution(s) of mirror ${mirrorId}`, async () => {
      const list = await s.server.get<ExecutionView[]>(`/api/mirrors/${mirrorId}/executions`);
      return list.filter((e) => e.outcome !== null).length >= n ? list : undefined;
    });

  it("says how to make a mirror when there is none", async () => {
    const page = await s.t.open(`${s.server.url}/mirrors`);
    await waitForPageReady(page);
    await waitForText(page.locator("main"), "No mirrors yet", "the mirrors page's empty state");
    await waitForText(page.locator("main"), "autonome mirrors add --source", "the CLI command in the empty state");
    await screenshot(page, "mirrors-empty");
  });

  it("follows a mirror live: a copied fill, a paused signal with its reason, the figures and the advice", async () => {
    const source = await createRuleModel(s.server, "Copied Source");
    const mirror = await s.server.api<MirrorDetail>("POST", "/api/mirrors", { sourceModelId: source.id, follower: { name: "Browser Follower", initialCapital: "10000" } }, { expect: 201 });
    expect(mirror).toMatchObject({ active: true, deleted: false, sourceName: source.name, followerName: "Browser Follower" });

    // The list names the pair; choosing it opens the mirror's own view.
    const page = await s.t.open(`${s.server.url}/mirrors`);
    const row = await waitForElement(page, `[data-testid=mirrors] [data-mirror-id="${mirror.id}"]`, "the new mirror's row");
    await waitForText(row, `${source.name} → Browser Follower`, "the mirror's row (source → follower)");
    await waitForText(row, /active/, "the mirror's status");
    await waitForText(row, "IOC ±50 bps", "the mirror's order type and bound");
    await row.locator("a", { hasText: source.name }).click();
    await waitForElement(page, "[data-testid=mirror-detail]", "the mirror's detail");
    expect(new URL(page.url()).pathname).toBe(`/mirrors/${mirror.id}`);
    await waitForText(page.locator("[data-testid=connection-status]"), "live", "the connection status");
    await waitForText(page.locator("main"), "No executions yet", "the executions' empty state");
    const notReloaded = await markNoReload(page);

    // 1. The source opens a position: the follower copies it (IOC, proportional: the same 0.01 BTC).
    await openLong(s.server, source.id, "BTC", "0.01");
    const [filled] = await finished(mirror.id, 1);
    expect(filled, `the copy ended ${filled!.outcome} (${filled!.reason}: ${filled!.message})`).toMatchObject({ outcome: "filled", symbol: "BTC", action: "open" });
    const filledRow = page.locator(`[data-testid=mirror-executions] [data-execution-id="${filled!.id}"]`);
    await waitForText(filledRow, "filled", "the filled execution's row (streamed, no reload)");
    await waitForText(filledRow, /open LONG\s+BTC/, "the execution's change");

    // 2. Paused from the page, the source's next change is recorded as skipped, with its reason.
    const toggle = page.locator("[data-testid=mirror-detail] [data-testid=mirror-toggle]");
    await waitForText(toggle, "Pause", "the pause button");
    await toggle.click();
    await waitForText(page.locator("[data-testid=mirror-status]"), "paused", "the mirror's status after Pause");
    expect((await s.server.get<MirrorDetail>(`/api/mirrors/${mirror.id}`)).active).toBe(false);
    await openLong(s.server, source.id, "ETH", "0.1");
    const [skipped] = await finished(mirror.id, 2);
    expect(skipped).toMatchObject({ outcome: "skipped", reason: "mirror_paused", symbol: "ETH" });
    const skippedRow = page.locator(`[data-testid=mirror-executions] [data-execution-id="${skipped!.id}"]`);
    await waitForText(skippedRow, "skipped", "the skipped execution's row");
    await waitForText(skippedRow, "mirror paused", "the skipped execution's reason");
    expect(skipped!.message, "the API's message of the skip").toBeTruthy();
    await waitForText(skippedRow, skipped!.message!, "the skipped execution's message");
    const ids = await page.locator("[data-testid=mirror-executions] [data-execution-id]").evaluateAll((els) => els.map((e) => e.getAttribute("data-execution-id")));
    expect(ids.slice(0, 2), "newest first").toEqual([skipped!.id, filled!.id]);

    // 3. The figures agree with the API's metrics.
    const metrics = await s.server.get<MirrorMetrics>(`/api/mirrors/${mirror.id}/metrics?window=24h`);
    expect(metrics.counts).toMatchObject({ signals: 2, filled: 1, skipped: 1, byReason: { mirror_paused: 1 } });
    const outcomes = page.locator("[data-testid=mirror-outcomes]");
    await waitForText(outcomes, /Signals\s*2/, "the signals count");
    await waitForText(outcomes, /Filled\s*1/, "the filled count");
    await waitForText(outcomes, /Skipped\s*1/, "the skipped count");
    await waitForText(outcomes, /Fill rate\s*50\.0%/, "the fill rate");
    await waitForText(page.locator('[data-testid=mirror-reasons] [data-reason="mirror_paused"]'), /mirror paused\s*1\s*50\.0%/, "the reason breakdown");
    await waitForText(page.locator("[data-testid=mirror-latency]"), /to order sent\s*[\d.]+ (ms|s)/, "the latency to order sent (p50)");
    await waitForText(page.locator("[data-testid=mirror-latency]"), /to fill committed\s*[\d.]+ (ms|s)/, "the latency to fill (p50)");
    await waitForText(page.locator("[data-testid=mirror-latency]"), /Slippage, mean\s*[+-]?[\d.]+ bps/, "the mean slippage");

    // 4. The audit's plain-language advice.
    await waitForText(page.locator("[data-testid=mirror-recommendations]"), /paused/, "the audit's recommendation about paused signals");

    // 5. The outcome filter keeps the skipped execution only.
    await page
      .locator("[data-testid=mirror-executions]")
      .locator("xpath=ancestor::section[1]")
      .locator(".segmented button", { hasText: /^skipped$/ })
      .click();
    await waitForCount(page.locator("[data-testid=mirror-executions] [data-execution-id]"), 1, "the executions filtered to skipped");
    await waitForText(page.locator("[data-testid=mirror-executions] [data-execution-id]"), "mirror paused", "the one skipped execution");

    // 6. Resumed from the page.
    await toggle.click();
    await waitForText(page.locator("[data-testid=mirror-status]"), "active", "the mirror's status after Resume");
    expect((await s.server.get<MirrorDetail>(`/api/mirrors/${mirror.id}`)).active).toBe(true);
    expect(await notReloaded(), "the page was reloaded").toBe(true);

    // The follower beside its source on the arena: its strategy cell names the source and links to the mirror.
    const follower = (await s.server.get<ModelView[]>("/api/models")).find((m) => m.id === mirror.followerModelId)!;
    expect(follower.kind).toBe("mirror");
    const arena = await s.t.open(`${s.server.url}/`);
    const followerRow = arena.locator(`[data-testid=leaderboard] [data-model-id="${follower.id}"]`);
    await waitForText(followerRow, `mirror of ${source.name}`, "the follower's leaderboard row");
    expect(await followerRow.locator("a.lb-mirror-of").getAttribute("href")).toBe(`/mirrors/${mirror.id}`);
    await screenshot(arena, "arena-mirror-of");
    await followerRow.locator("a.lb-mirror-of").click();
    await waitForElement(arena, "[data-testid=mirror-detail]", "the mirror opened from the arena");

    // The live feed lists the executions as events of their own.
    const live = await s.t.open(`${s.server.url}/live`);
    await waitForText(live.locator("[data-testid=live-feed] [data-kind=mirror]").filter({ hasText: "skipped" }), /mirror paused/, "the skipped execution in the live feed");
    await screenshot(live, "live-mirror");
  });

  it("renders without console errors or sideways scrolling at 1280×800 and 390×844", async () => {
    const [mirror] = await s.server.get<MirrorDetail[]>("/api/mirrors");
    const pages = [{ name: "mirrors", path: "/mirrors" }, ...(mirror ? [{ name: "mirror", path: `/mirrors/${mirror.id}` }] : [])];
    for (const { name, path } of pages) {
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
