import { describe, expect, it } from "vitest";
import type { DecisionHistoryEntry, TradeView } from "../../src/app/services.js";
import { chromiumMissing, DESKTOP, horizontalOverflow, PHONE, screenshot, waitForCount, waitForElement, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { markNoReload } from "./support/page-actions.js";
import { createRuleModel, eventually, moveMarket, openLong } from "./support/scenario.js";

/**
 * The model page's decisions list shows a position the system closed (here by its stop) as an
 * entry of its own, with the trigger and the reason, as it happens and at phone width too.
 *
 * Run: `npx vitest run test/browser/decision-history.test.ts` (needs Debian's chromium).
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== null)(chromiumMissing ? `decision history (skipped: ${chromiumMissing})` : "decision history in a browser", { timeout: 90_000 }, () => {
  const s = useBrowserSuite();

  it("an automatic close by stop appears in the decisions list with its reason, without a reload", async () => {
    const model = await createRuleModel(s.server, "Auto Closed");
    const { stop } = await openLong(s.server, model.id, "BTC", "0.01", 1);
    const page = await s.t.open(`${s.server.url}/models/${model.id}`);
    await waitForElement(page, "[data-testid=decisions]", "the decisions list");
    await waitForText(page.locator("[data-testid=connection-status]"), "live", "the connection status");
    const notReloaded = await markNoReload(page);

    await moveMarket(s.server, "BTC", stop * 0.98);
    const trade = await eventually("the stop to close the position", async () => (await s.server.get<TradeView[]>(`/api/trades?modelId=${model.id}`))[0]);
    expect(trade.closeTrigger).toBe("STOP");
    const [entry] = await s.server.get<DecisionHistoryEntry[]>(`/api/invocations?modelId=${model.id}&include=closes`);
    expect(entry).toMatchObject({ kind: "close", id: trade.id, closeTrigger: "STOP" });

    const item = page.locator(`[data-testid=decisions] [data-testid=auto-close][data-close-id="${trade.id}"]`);
    await waitForCount(item, 1, "the automatic close's entry (arrived by the event stream, no reload)");
    await waitForText(item, "STOP", "the entry's trigger");
    await waitForText(item, entry!.kind === "close" ? entry!.reason : "", "the entry's reason, as the API gives it");
    expect(await notReloaded(), "the page was reloaded").toBe(true);

    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await waitForPageReady(page);
      await screenshot(page, "model-auto-close");
      const overflow = await horizontalOverflow(page);
      expect(overflow.scrollWidth, `the model page at ${viewport.width}px scrolls sideways: ${overflow.culprits.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
    }
  });
});
